"""Every control of every explorer in JupyterLab/Chromium: key press -> picture, drag release -> final picture.
Goals: for every slider, 90th percentile of key press -> new picture under 150 ms, and the final picture
within 300 ms of releasing a hand-speed drag across the whole track.

Each notebook is opened and run from the menu as a learner would, then every control of every explorer
in it is measured in turn, each starting from the values the notebook set (in an explorer with more
than one control, a slider is put back after its turn):
  - a slider: Home, then one step at a time across the track and back (turning at either end) for
    PRESSES keys, then End. A short track is walked end to end, so every value is visited for the first
    time (the training dashboard trains a run on its first visit) and again. Then Home once more and a
    drag from the low end to the high end, DRAG_MOVES mouse moves over DRAG_SECONDS, released as soon
    as the last move reaches the high end.
  - a row of toggle buttons: the other button, CLICKS times; a plain button (a stepper's back and
    next): CLICKS clicks, the last button first (next before back: a stepper starts at step 0), or as many
    as its step slider has steps left that way (06's graph stepper has 8; a click at the end draws nothing).
Every time is taken inside the page with performance.now() (tests/browser.py's explorer log): a key
press from its keydown, a click from its mouseup, to the moment the explorer's <img> gets its new
picture. After a drag the final picture is the one drawn with the status line the End key showed, or,
for a slider that sends its value only on release, the one picture drawn after the release; either
must then stay for QUIET_MS with no other picture after it. A control that does not
redraw within TIMEOUT_MS is reported as a failure by name, and the next one is measured.
"""
import contextlib
import math
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field

from benchlib import ROOT, median, not_measured, percentile, report

sys.path.insert(0, str(ROOT / "tests"))
import browser  # noqa: E402  (the tests' private JupyterLab and Chromium)

COURSE = ["00_start_here", "01_error", "02_learning_rate", "03_derivatives", "04_dot_product",
          "05_backpropagation", "06_deeper"]
PRESSES = 20          # key presses per slider, besides the Home and End that start and end its walk
CLICKS = 10           # clicks per button (an even number: toggle buttons end as they started)
DRAG_SECONDS, DRAG_MOVES = 1.0, 30  # a hand crossing the track in about a second
QUIET_MS = 500        # after the final picture, how long no other may follow
TIMEOUT_MS = 60_000   # a first training run of the dashboard takes seconds on a busy machine
KEY_GOAL, RELEASE_GOAL = 150, 300  # milliseconds


@dataclass
class Control:
    notebook: str
    explorer: int
    name: str
    presses: list = field(default_factory=list)  # ms from each key press (or click) to its new picture
    release: float = None   # ms from the drag's release to the final picture (<= 0: before the release)
    drag_pictures: int = 0  # pictures shown while the mouse button was down
    failure: str = None

    def __str__(self):
        return f"{self.notebook} explorer {self.explorer + 1} '{self.name}'"


# ipywidgets keeps each control's model on the Lumino widget that shows it (`_view`: not public API, but
# the only way to read continuous_update from the page); find that widget from the application shell.
SENDS_ON_RELEASE = """slider => {
    const find = widget => widget.node === slider ? widget : [...widget.children()].map(find).find(Boolean);
    return !find(window.jupyterapp.shell)._view.model.get('continuous_update');
}"""
# A slider's exact value, ends and step, from noUiSlider itself (its aria-valuenow is rounded to one
# decimal). For a log slider these are exponents; for a selection slider, indices.
POSITION = """handle => { const slider = handle.closest('.noUi-target').noUiSlider;
    return [slider.get(true), slider.options.range.min, slider.options.range.max, slider.options.step]; }"""


# The digest of the picture drawn in the same kernel turn as the status line on screen (it follows it).
DRAWN_WITH_STATUS = """async () => { const watch = window.courseWatch, status = watch.labels.at(-1);
    return await watch.pictures.find(picture => picture.order > status.order).digest; }"""


def exact(text):
    """A regular expression (for tests/browser.py's waits) matching this status line and no other."""
    return "^" + re.escape(text) + "$"


def same(a, b):
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@contextlib.contextmanager
def or_failure(what):
    """A time-out in the block becomes a failure that says what did not happen within TIMEOUT_MS."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout  # here: only needed with Chromium
    try:
        yield
    except PlaywrightTimeout:
        raise AssertionError(f"{what} within {TIMEOUT_MS / 1000:.0f} s") from None


class Explorer:
    """The index-th explorer of the open notebook: its controls, its picture and its status line."""

    def __init__(self, page, index):
        self.page, self.index = page, index
        _, self.image, self.status = browser.explorer(page, index)
        box = self.image.locator("xpath=..")  # the explorer's VBox: controls, status line, picture
        self.sliders = box.locator(".widget-slider").all()
        self.toggles = box.locator(".widget-toggle-buttons").all()
        self.buttons = box.locator(".widget-button").all()[::-1]  # the stepper's next ▶ before ◀ back
        self.watched = [self.image.element_handle(), self.status.element_handle()]

    def text(self):
        return self.status.text_content()

    def watch(self):
        """A new log of pictures and status lines: browser.watch_explorer, with the elements found once."""
        self.page.evaluate(browser.WATCH, self.watched)

    def new_picture(self, act, what):
        """Do `act` (a key press or a click: `what`), which makes exactly one update, and wait for its picture:
        its digest, and the ms from the key going down (for a click, the mouse button coming up) to it."""
        self.watch()
        act()
        with or_failure(f"no new picture after {what}"):
            digest, ms = browser.wait_for_one_update(self.page, "", timeout=TIMEOUT_MS)
        if ms is None:  # no key went down: a click
            ms = self.page.evaluate("window.courseWatch.pictures[0].t - window.courseWatch.release")
        return digest, ms


def press(explorer, control, key):
    """One key on the focused slider, timed into control.presses."""
    _, ms = explorer.new_picture(lambda: explorer.page.keyboard.press(key), f"pressing {key}")
    control.presses.append(ms)


def walk(explorer, handle, control):
    """Home, PRESSES single steps (turning at either end), End: the status line at the high end, where the
    drag ends too."""
    value, low, high, step = handle.evaluate(POSITION)
    stops = math.ceil((high - low) / step - 1e-6)  # steps from end to end (a log slider's last is short)
    handle.focus()
    if not same(value, low):
        press(explorer, control, "Home")
    at, way = 0, 1
    for _ in range(PRESSES):
        way = -1 if at == stops else 1 if at == 0 else way
        press(explorer, control, "ArrowRight" if way > 0 else "ArrowLeft")
        at += way
    if at != stops:
        press(explorer, control, "End")
    return explorer.text()


def drag(explorer, handle, control, end_status, sends_on_release):
    """Home, then drag from the low end to the high end at a hand's pace and release there: the ms from
    the release to the final picture (<= 0: it was on screen before the release). `end_status`: the status
    line the End key showed."""
    page = explorer.page
    press(explorer, control, "Home")
    handle.scroll_into_view_if_needed()
    track = handle.locator("xpath=ancestor::*[contains(@class, 'noUi-target')][1]").bounding_box()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    explorer.watch()
    page.mouse.move(x, y)
    page.mouse.down()
    start, end_x = time.perf_counter(), track["x"] + track["width"] + 2  # a hair past the end: the high end
    for move in range(1, DRAG_MOVES + 1):
        # the hand's pace (not a wait for anything): each move at its moment on the sweep
        time.sleep(max(0.0, start + move * DRAG_SECONDS / DRAG_MOVES - time.perf_counter()))
        page.mouse.move(x + move / DRAG_MOVES * (end_x - x), y)
    page.mouse.up()  # at once: the high end is reached by the last move, not before it
    if sends_on_release:  # nothing was sent before the release: its one update is the final picture
        with or_failure("no picture after the release"):
            final, _ = browser.wait_for_one_update(page, "", timeout=TIMEOUT_MS)
        end_status = explorer.text()
    else:  # the picture drawn with the End key's status line, not the End key's picture: an explorer may keep
        # axis limits from value to value (03's nudge), so the same value need not give the same picture
        with or_failure(f"no picture with the status line {end_status!r} after the release"):
            browser.wait_for_last_update(page, exact(end_status), timeout=TIMEOUT_MS)
        final = page.evaluate(DRAWN_WITH_STATUS)
    found = browser.settle_after_release(page, exact(end_status), final, limit=TIMEOUT_MS, quiet=QUIET_MS)
    control.drag_pictures = page.evaluate("(watch => watch.pictures.filter(p => p.t < watch.release).length)"
                                          "(window.courseWatch)")
    if found["stale_pictures"] or found["stale_labels"]:
        control.failure = (f"after the release a stale picture or status line replaced the final one: "
                           f"{found['stale_pictures']} pictures, status lines {found['stale_labels']}")
    return found["picture_ms"]


def put_back(explorer, handle, value, text):
    """Quick key presses to the slider's first value (the kernel draws only the latest value it has been
    sent), then wait for its status line and the picture after it: the next control starts from there."""
    now, low, high, step = handle.evaluate(POSITION)
    if same(now, value):
        return
    explorer.watch()
    handle.focus()
    steps = round((value - low) / step)  # from the low end; PageUp is five steps (noUiSlider's default)
    keys = ["End"] if same(value, high) else ["Home"] + ["PageUp"] * (steps // 5) + ["ArrowRight"] * (steps % 5)
    for key in keys:
        explorer.page.keyboard.press(key)
    if not same(handle.evaluate(POSITION)[0], value):
        raise AssertionError(f"{len(keys)} key presses did not bring the slider back to {value}")
    with or_failure(f"put back to {value:g}, it did not show its first status line and picture again"):
        browser.wait_for_last_update(explorer.page, exact(text), timeout=TIMEOUT_MS)


def measure_slider(explorer, slider, control):
    handle = slider.locator(".noUi-handle").first
    first = handle.evaluate(POSITION)[0], explorer.text()
    sends_on_release = slider.evaluate(SENDS_ON_RELEASE)
    if sends_on_release:
        control.name += " (sends on release)"
    end_status = walk(explorer, handle, control)
    control.release = drag(explorer, handle, control, end_status, sends_on_release)
    if len(explorer.sliders + explorer.toggles + explorer.buttons) > 1:
        put_back(explorer, handle, *first)  # the explorer's other controls start where the notebook put them


def measure_toggles(explorer, toggles, control):
    for _ in range(CLICKS):
        other = toggles.locator("button:not(.mod-active)").first
        control.presses.append(explorer.new_picture(other.click, "a click")[1])


def measure_button(explorer, button, control):
    clicks = CLICKS
    if explorer.sliders:  # a stepper's button: no further than its step slider goes
        value, low, high, _ = explorer.sliders[0].locator(".noUi-handle").first.evaluate(POSITION)
        clicks = min(CLICKS, round(high - value) if "next" in control.name else round(value - low))
    for _ in range(clicks):
        control.presses.append(explorer.new_picture(button.click, "a click")[1])


def measure_explorer(explorer, notebook):
    """Every control of the explorer in turn; a control that fails is named, and the next one measured."""
    from playwright.sync_api import Error as PlaywrightError  # its time-outs among them
    controls = []
    for measure, element in ([(measure_slider, slider) for slider in explorer.sliders]
                             + [(measure_toggles, toggles) for toggles in explorer.toggles]
                             + [(measure_button, button) for button in explorer.buttons]):
        label = element if measure is measure_button else element.locator(".widget-label").first
        control, start = Control(notebook, explorer.index, label.inner_text().strip()), time.perf_counter()
        controls.append(control)
        try:
            measure(explorer, element, control)
        except (PlaywrightError, AssertionError) as error:  # a time-out, or a wrong picture
            control.failure = str(error).splitlines()[0] or type(error).__name__
        print(f"{describe(control)} [{time.perf_counter() - start:.0f} s]", flush=True)
    return controls


def measure_notebook(chromium, base, token, notebook):
    page, start = browser.new_page(chromium), time.perf_counter()
    try:
        browser.open_notebook(page, base, token, notebook)
        browser.run_all_cells(page)
        print(f"{notebook}: opened and run in {time.perf_counter() - start:.0f} s", flush=True)
        explorers = 0
        while browser.explorer(page, explorers)[1].count():
            explorers += 1
        return [control for index in range(explorers)
                for control in measure_explorer(Explorer(page, index), notebook)]
    finally:
        page.context.close()
        browser.shut_down_kernels(base, token)  # two cores: no idle kernel left behind


def p90(control):
    return percentile(control.presses, 90) if control.presses else math.inf


def describe(control):
    presses = (f"key/click -> picture median {median(control.presses):.0f} ms, 90th percentile "
               f"{p90(control):.0f} ms ({len(control.presses)})" if control.presses else "no presses measured")
    release = "" if control.release is None else (f"; drag release -> final picture {after_release(control.release)}"
                                                   f" ({control.drag_pictures} pictures during the drag)")
    failure = f"; FAILED: {control.failure}" if control.failure else ""
    return f"  {control}: {presses}{release}{failure}"


def after_release(ms):
    return f"{ms:.0f} ms" if ms > 0 else "0 ms (on screen before the release)"


def summarise(figure, controls):
    """The RESULT rows for these controls: the slowest key press p90 and the slowest release."""
    pressed = [control for control in controls if control.presses]
    dragged = [control for control in controls if control.release is not None]
    if not pressed or not dragged:
        report("browser", f"{figure}: key presses and drags", "none measured", "every slider", False)
        return
    key = max(pressed, key=p90)
    release = max(dragged, key=lambda control: control.release)
    report("browser", f"{figure}: slowest key press or click -> picture (90th percentile)",
           f"{p90(key):.0f} ms, median {median(key.presses):.0f} ms ({key})", f"< {KEY_GOAL} ms", p90(key) < KEY_GOAL)
    report("browser", f"{figure}: slowest drag release -> final picture",
           f"{after_release(release.release)} ({release})", f"< {RELEASE_GOAL} ms", release.release < RELEASE_GOAL)


def main():
    if not browser.CHROMIUM:
        not_measured("browser", "every slider: key press -> new picture", f"< {KEY_GOAL} ms",
                     "no Chromium (apt-get install chromium)")
        return
    from playwright.sync_api import sync_playwright
    controls, start = [], time.perf_counter()
    with tempfile.TemporaryDirectory() as workdir, browser.jupyterlab(workdir) as (base, token), \
            sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=browser.CHROMIUM, args=browser.CHROMIUM_ARGS)
        for notebook in COURSE:
            controls += measure_notebook(chromium, base, token, notebook)
        chromium.close()
    every = [ms for control in controls for ms in control.presses]
    print(f"{len(controls)} controls, {len(every)} key presses and clicks in {time.perf_counter() - start:.0f} s"
          + (f": median {median(every):.0f} ms, 90th percentile {percentile(every, 90):.0f} ms" if every else ""))
    for notebook in COURSE:
        summarise(notebook, [control for control in controls if control.notebook == notebook])
    summarise("every notebook", controls)
    failed = [control for control in controls if control.failure]
    if failed:
        report("browser", "controls that failed", "; ".join(f"{c}: {c.failure}" for c in failed), "none", False)


if __name__ == "__main__":
    main()
