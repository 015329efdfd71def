"""A private JupyterLab and a headless Chromium, for the tests and benchmarks that use the course the
way a learner does. Nothing here touches the repository's notebooks or the user's home: the server
works on copies, with its own settings, workspaces and runtime folders, and autosave off. JupyterLab's
news and update settings are not set here: they come from the environment's overrides.json, as for a
learner started with `python3 course.py lab`.

Every wait below waits for something that can only happen after the action it follows (a cell prompt
that was not numbered before, a picture drawn after a key press), never for a state that may already
have been there, and never sleeps a fixed time to let something happen."""
import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from launcher import lab  # the same JupyterLab flags as `python3 course.py lab`
from launcher.ports import free_port

ROOT = Path(__file__).resolve().parent.parent

CURRENT = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook tab in front
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]
# Only what a test needs and a learner would not notice: no autosave (a test decides when a notebook is
# written), and every cell rendered (so that locators find outputs below the fold).
QUIET_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}
OUTPUT_VARIABLE = "COURSE_TEST_OUTPUT"


def require_chromium():
    """In a pytest fixture: skip the tests without Chromium, or fail them under CI, which must run them."""
    import pytest  # here: the benchmarks use this module without pytest
    if not CHROMIUM:
        reason = "no Chromium found: install Debian's package with `apt-get install chromium`"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI must run the browser tests, not skip them)")
        pytest.skip(reason)


def output_folder(repository=ROOT):
    """Where tests put what they make for people to look at (screenshots): $COURSE_TEST_OUTPUT if set,
    else test-output/ in the repository if it may be written to, else a new temporary folder (a
    read-only checkout, say)."""
    chosen = os.environ.get(OUTPUT_VARIABLE)
    if chosen:
        folder = Path(chosen)
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    folder = Path(repository) / "test-output"
    try:
        folder.mkdir(exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):  # root may mkdir where others may not: try writing
            pass
        return folder
    except OSError:
        return Path(tempfile.mkdtemp(prefix="course-test-output-"))


@contextlib.contextmanager
def jupyterlab(workdir, notebooks=ROOT / "notebooks", attempts=3, interface="lab"):
    """Start JupyterLab (or, with interface="notebook", Notebook 7, the same server with a page a notebook)
    on copies of the notebooks (from `notebooks`, by default the course's) in workdir/notebooks, with
    workdir/course_utils beside them; yield its base URL and token."""
    workdir = Path(workdir)
    shutil.copytree(notebooks, workdir / "notebooks")
    try:  # beside the notebooks, as in the course folder: their first cell runs ../course_utils/setup_check.py
        (workdir / "course_utils").symlink_to(ROOT / "course_utils", target_is_directory=True)
    except OSError:  # no symbolic links (Windows without the privilege): a copy does as well
        shutil.copytree(ROOT / "course_utils", workdir / "course_utils")
    settings = workdir / "settings"
    for name, values in QUIET_SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values))
    token = secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(workdir / "config"), JUPYTER_DATA_DIR=str(workdir / "data"),
               JUPYTER_RUNTIME_DIR=str(workdir / "runtime"), IPYTHONDIR=str(workdir / "ipython"),
               MPLCONFIGDIR=str(workdir / "matplotlib"), JUPYTER_TOKEN=token)
    log_path = workdir / "jupyterlab.log"
    for attempt in range(attempts):  # the free port may be taken by someone else before the server binds it
        port = free_port()
        arguments, app = lab.lab_arguments(port, root_dir=workdir), "LabApp"
        if interface == "notebook":  # the same server with Notebook 7's pages: its own start page and settings
            options = arguments[arguments.index("jupyterlab") + 1:]
            arguments = ["-P", "-m", "notebook", *(word for word in options if "default_url" not in word)]
            app = "JupyterNotebookApp"
        arguments += [f"--{app}.user_settings_dir={settings}", f"--{app}.workspaces_dir={workdir / 'workspaces'}",
                      f"--{app}.expose_app_in_browser=True"]  # window.jupyterapp: the notebook's model, for checks
        log = open(log_path, "w")
        server = subprocess.Popen([sys.executable, *arguments], env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        if _wait_until_up(f"{base}/api/status?token={token}", server, log_path):
            break
        log.close()
        if "already in use" not in log_path.read_text() or attempt == attempts - 1:
            raise RuntimeError(f"JupyterLab exited:\n{log_path.read_text()[-3000:]}")
    try:
        yield base, token
    finally:
        lab._stop(server)  # as lab stops its JupyterLab: terminate, kill after 10 s
        log.close()


def _wait_until_up(url, server, log_path, seconds=120):
    """True once the server answers with our token; False if it exited first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=5):
                return True
        except OSError:  # not listening yet (or another server's port: 403)
            time.sleep(0.3)
    server.kill()
    raise RuntimeError(f"JupyterLab did not start within {seconds} s:\n{log_path.read_text()[-3000:]}")


# Notification toasts (the news question, say), recorded from the first moment of every page, so that a
# test can say none was shown without having to catch one while it is on screen.
TOAST_RECORDER = """
window.courseToasts = [];
new MutationObserver(records => {
    for (const record of records)
        for (const node of record.addedNodes)
            if (node.nodeType === 1)
                for (const toast of [node, ...node.querySelectorAll('.Toastify__toast')])
                    if (toast.matches('.Toastify__toast') && !window.courseToasts.includes(toast))
                        window.courseToasts.push(toast);
}).observe(document, {childList: true, subtree: true});
"""


def new_page(chromium):
    """A page in a fresh browser context (no settings, storage or workspace kept from another test)."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(TOAST_RECORDER)
    return context.new_page()


def toasts(page):
    """The text of every notification toast shown in the page so far."""
    return page.evaluate("window.courseToasts.map(toast => toast.innerText.trim())")


def notification_count(page):
    """The number on the status bar's notification bell."""
    return int(page.locator(".jp-Notification-Status-Text").inner_text())


def open_notebook(page, base, token, name, interface="lab"):
    """Open notebooks/NAME.ipynb in JupyterLab (or Notebook 7) and wait until its kernel is idle."""
    lab_page = f"{base}/lab/tree/notebooks/{name}.ipynb?reset&token={token}"  # reset: no tabs restored
    page.goto(lab_page if interface == "lab" else f"{base}/notebooks/notebooks/{name}.ipynb?token={token}",
              timeout=120_000)
    page.wait_for_selector(f"{CURRENT} .jp-Notebook .jp-Cell", timeout=120_000)
    wait_for_idle_kernel(page)


def wait_for_idle_kernel(page, timeout=120_000):
    """Wait until the kernel of the open notebook is started and idle. A dialog (a kernel that died, a
    kernel to choose) is a failure: a learner would be stopped by it too."""
    deadline = time.monotonic() + timeout / 1000
    while time.monotonic() < deadline:
        dialog = page.locator(".jp-Dialog")
        if dialog.count():
            raise AssertionError(f"JupyterLab shows a dialog: {dialog.first.inner_text()!r}")
        ready = page.locator(f"{CURRENT} .jp-CodeCell").count() and not page.locator(".jp-Spinner").count()
        if ready and _kernel_idle(page):
            return
        time.sleep(0.2)  # polling interval only
    raise TimeoutError(f"the notebook's kernel did not become idle within {timeout / 1000:.0f} s")


def _kernel_idle(page):
    """JupyterLab's status bar says Idle; Notebook 7 has none, so its kernel is asked instead."""
    statusbar = page.locator("#jp-main-statusbar")
    if statusbar.count():
        return "| Idle" in statusbar.inner_text()
    kernel = "window.jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel"
    return page.evaluate(f"() => {kernel}?.status") == "idle"


OPENED_MODEL = """async () => {
    const panel = window.jupyterapp.shell.currentWidget;
    await panel.context.ready;
    await panel.sessionContext.ready;
    const kernel = panel.sessionContext.session.kernel;
    // JupyterLab writes the kernel's language_info and kernelspec into the notebook once the kernel
    // answers; its own handlers were attached first, and a task later they have surely run.
    await kernel.info;
    await kernel.spec;
    await new Promise(resolve => setTimeout(resolve, 0));
    // as JupyterLab would send it to be saved (JSON: no undefined values)
    return {dirty: panel.context.model.dirty, model: JSON.parse(JSON.stringify(panel.context.model.toJSON()))};
}"""


def opened_model(page):
    """The front notebook as JupyterLab holds it once its kernel has connected (and has written what it
    writes on connecting), and whether JupyterLab counts it as changed (unsaved)."""
    return page.evaluate(OPENED_MODEL)


def differences(stored, held):
    """Where two notebooks (as JSON) differ, as dotted paths, after what saving does to either (lines
    joined, transient metadata such as `trusted` dropped); numbers compare by value (10.0 == 10)."""
    import nbformat
    from nbformat.v4.rwbase import rejoin_lines, strip_transient
    comparable = [strip_transient(rejoin_lines(nbformat.from_dict(json.loads(json.dumps(notebook)))))
                  for notebook in (stored, held)]
    return _differences(*comparable)


def _differences(stored, held, path=""):
    if isinstance(stored, dict) and isinstance(held, dict):
        return [found for key in sorted(set(stored) | set(held))
                for found in _differences(stored.get(key, "<missing>"), held.get(key, "<missing>"), f"{path}.{key}")]
    if isinstance(stored, list) and isinstance(held, list) and len(stored) == len(held):
        return [found for index, (a, b) in enumerate(zip(stored, held))
                for found in _differences(a, b, f"{path}[{index}]")]
    return [] if stored == held else [path.lstrip(".")]


# Run All marks every code cell [*] at once, and each keeps it until it has run (or until the run stops
# at an error). The stored notebook's prompts are already [1], [2], ..., so numbered prompts alone prove
# nothing: a [*] seen by this observer is what shows that the run has begun.
RUN_ALL_WATCH = """(notebook) => {
    window.courseRunAll = {started: false};
    const prompts = () => [...notebook.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
        .map(prompt => prompt.textContent.trim());
    window.courseRunAll.prompts = prompts;
    new MutationObserver(() => { if (prompts().includes('[*]:')) window.courseRunAll.started = true; })
        .observe(notebook, {childList: true, subtree: true, characterData: true});
}"""


def run_all_cells(page, timeout=300_000):
    """Restart the kernel and run every cell (from the Kernel menu), then wait until the run has begun
    and ended, and check that every code cell ran in that fresh kernel: prompts 1, 2, 3, ... in order."""
    page.locator(f"{CURRENT} .jp-Notebook").evaluate(RUN_ALL_WATCH)
    page.locator(".lm-MenuBar-itemLabel", has_text="Kernel").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Restart Kernel and Run All Cells").first.click()
    page.locator(".jp-Dialog button.jp-mod-accept").first.click()  # "Restart kernel?" -> Restart
    try:
        page.wait_for_function("window.courseRunAll.started && !window.courseRunAll.prompts().includes('[*]:')",
                               timeout=timeout)
        prompts = page.evaluate("window.courseRunAll.prompts()")
        assert prompts == [f"[{number}]:" for number in range(1, len(prompts) + 1)], (
            f"Run All stopped: prompts {' '.join(prompts)}; errors: {error_outputs(page)}")
    except Exception:
        page.screenshot(path=str(output_folder() / "run-all-failed.png"))
        raise
    wait_for_idle_kernel(page)


def shut_down_kernels(base, token):
    """Stop every kernel the server runs (a test's notebooks go on running after its page is closed)."""
    def call(path, method="GET"):
        request = urllib.request.Request(f"{base}{path}", method=method, headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read() or b"null")
    for session in call("/api/sessions"):
        call(f"/api/sessions/{session['id']}", method="DELETE")


def error_outputs(page):
    """The text of every error or stderr output shown in the notebook."""
    stderr = f"{CURRENT} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
    return page.locator(stderr).all_inner_texts()


def image_source(image):
    """The picture's blob URL: the widget makes a new one for every new picture."""
    return image.evaluate("element => element.src")


def explorer(page, index=0):
    """The index-th explorer shown (a widget with a slider and a picture): its slider handle, picture
    and status line."""
    box = page.locator(f"{CURRENT} .jp-OutputArea-output .widget-vbox:has(.widget-image):has(.noUi-handle)").nth(index)
    return box.locator(".noUi-handle").first, box.locator("img.widget-image, .widget-image").first, \
        box.locator(".widget-html-content").first


def nudge_with_keyboard(page, handle, key, times):
    handle.focus()
    for _ in range(times):
        page.keyboard.press(key)


def nudge_first_slider(page, times=1):
    """Step the first explorer's first slider to the right by keyboard and wait until both its picture and
    its status line have changed; return the picture (to take a screenshot of). One step: with more, the
    first new picture ends the wait while the others are still on their way, and they then land among the
    keys the next test presses (under load, 06's stepper reached its last step before the guess it checks)."""
    handle, image, status = explorer(page, 0)
    handle.scroll_into_view_if_needed()
    old_source, old_status = image_source(image), status.inner_text()
    nudge_with_keyboard(page, handle, "ArrowRight", times)
    page.wait_for_function("([element, old]) => element.src && element.src !== old",
                           arg=[image.element_handle(), old_source], timeout=30_000)
    page.wait_for_function("([element, old]) => element.textContent !== old",
                           arg=[status.element_handle(), old_status], timeout=30_000)
    return image


# A log of one explorer's pictures and status lines, kept inside the page with performance.now() times,
# so that nothing depends on how quickly Python looks: window.courseWatch.
#   pictures: {t, order, digest}: every new picture (digest: a promise of the SHA-256 of its PNG bytes,
#             read at once, before the widget revokes the picture's blob URL for the next one)
#   labels:   {t, order, text}: every new status line
#   release:  when the mouse button was last released (mouseup), or null
#   key:      when the first key went down, or null
# `order` counts both kinds together. An explorer sets its status line, then its picture, in one kernel
# turn (Explorer.update), and the two observers run in that order when both changed in one turn.
WATCH = """([image, status]) => {
    const digest = async source => {
        const bytes = await (await fetch(source)).arrayBuffer();
        const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
        return [...hash].map(byte => byte.toString(16).padStart(2, '0')).join('');
    };
    const watch = {image, status, digest, pictures: [], labels: [], release: null, key: null, count: 0, observers: []};
    if (window.courseWatch) window.courseWatch.observers.forEach(observer => observer.disconnect());
    watch.observers.push(new MutationObserver(() =>
        watch.labels.push({t: performance.now(), order: watch.count++, text: status.textContent})));
    watch.observers.push(new MutationObserver(() =>
        watch.pictures.push({t: performance.now(), order: watch.count++, digest: digest(image.src)})));
    watch.observers[0].observe(status, {childList: true, subtree: true, characterData: true});
    watch.observers[1].observe(image, {attributes: true, attributeFilter: ['src']});
    window.addEventListener('mouseup', () => { watch.release = performance.now(); }, true);
    window.addEventListener('keydown', () => { if (watch.key === null) watch.key = performance.now(); }, true);
    watch.current = () => digest(image.src);
    window.courseWatch = watch;
}"""


def watch_explorer(page, image, status):
    """Start (or restart) the log of this explorer's pictures and status lines."""
    page.evaluate(WATCH, [image.element_handle(), status.element_handle()])


def wait_for_one_update(page, label, timeout=30_000):
    """After an action that makes exactly one update (one key press): wait until the status line
    matches the regular expression `label` and a new picture has arrived; return the picture's digest
    and the time from the key press to the picture, in ms."""
    page.wait_for_function("""(label) => { const watch = window.courseWatch;
        return new RegExp(label).test(watch.status.textContent) && watch.pictures.length > 0; }""",
                           arg=label, timeout=timeout)
    return page.evaluate("""async () => { const watch = window.courseWatch, picture = watch.pictures.at(-1);
        return [await picture.digest, watch.key === null ? null : watch.pictures[0].t - watch.key]; }""")


def wait_for_last_update(page, label, timeout=30_000):
    """After an action that may make many updates (a drag): wait until the status line matches `label`
    (which must name the final value) and the picture drawn in the same turn, after it, has arrived."""
    page.wait_for_function("""(label) => { const watch = window.courseWatch;
        const text = watch.labels.at(-1), picture = watch.pictures.at(-1);
        return new RegExp(label).test(watch.status.textContent) && text !== undefined
               && picture !== undefined && picture.order > text.order; }""", arg=label, timeout=timeout)


SETTLE = """async ([label, final, limit, quiet]) => {
    // After a release: wait (up to `limit` ms) until the status line matches `label` and the picture on
    // screen is `final` (a digest); then keep watching for `quiet` ms.
    const watch = window.courseWatch, pattern = new RegExp(label);
    const start = performance.now();
    let reached = null;
    while (performance.now() - start < limit) {
        const now = performance.now();  // what is checked below is what was on screen at this moment
        if (pattern.test(watch.status.textContent) && await watch.current() === final) { reached = now; break; }
        await new Promise(resolve => setTimeout(resolve, 5));
    }
    if (reached === null)
        return {release: watch.release, reached: null, label: watch.status.textContent};
    const shownSince = (events, seen) => {
        const last = events.filter(event => event.t <= seen).at(-1);
        return last ? last.t : null;
    };
    const pictureAt = shownSince(watch.pictures, reached), labelAt = shownSince(watch.labels, reached);
    await new Promise(resolve => setTimeout(resolve, quiet));
    const later = await Promise.all(watch.pictures.filter(event => event.t > reached).map(event => event.digest));
    return {release: watch.release, reached, pictureAt, labelAt,
            laterPictures: later.filter(digest => digest !== final).length,
            samePictures: later.filter(digest => digest === final).length,
            laterLabels: watch.labels.filter(event => event.t > reached).map(event => event.text)
                                     .filter(text => !pattern.test(text))};
}"""


def settle_after_release(page, label, final, limit=15_000, quiet=1_000):
    """Times, in ms after the mouse release, at which the status line matching `label` and the picture
    with digest `final` were on screen for good (<= 0: already before the release), and what changed
    in the `quiet` ms after: {'picture_ms', 'label_ms', 'stale_pictures', 'stale_labels', ...}."""
    found = page.evaluate(SETTLE, [label, final, limit, quiet])
    if found["reached"] is None:
        raise AssertionError(f"{limit / 1000:.0f} s after the release the explorer still does not show the "
                             f"final picture and status line {label!r}; it shows {found['label']!r}")
    release = found["release"]
    return {"picture_ms": found["pictureAt"] - release if found["pictureAt"] is not None else float("-inf"),
            "label_ms": found["labelAt"] - release if found["labelAt"] is not None else float("-inf"),
            "stale_pictures": found["laterPictures"], "repeated_pictures": found["samePictures"],
            "stale_labels": found["laterLabels"]}


CONTROLS = ".noUi-handle, button, select, input"
CONTROL_KIND = """element => ({
    slider: element.classList.contains('noUi-handle'),
    atEnd: element.getAttribute('aria-valuenow') === element.getAttribute('aria-valuemax'),
    selected: element.classList.contains('mod-active'),
    textbox: element.tagName === 'INPUT' && element.type === 'text',
    text: element.innerText || element.value || '',
    focused: element === document.activeElement})"""


def explorer_boxes(page):
    """Every explorer shown in the front notebook: an output with a picture and controls."""
    boxes = page.locator(f"{CURRENT} .jp-OutputArea-output:has(.widget-image)")
    return [boxes.nth(index) for index in range(boxes.count())]


def tab_to(page, control, presses=3):
    """Press Tab until `control` has the focus (a slider's readout may come first); True if it did."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if control.evaluate("element => element === document.activeElement"):
            return True
    return False


def use_by_keyboard(page, control, picture):
    """Move a slider one step (back from its end), or press a button, and wait for a new picture."""
    kind = control.evaluate(CONTROL_KIND)
    old = image_source(picture)
    page.keyboard.press(("ArrowLeft" if kind["atEnd"] else "ArrowRight") if kind["slider"] else "Enter")
    page.wait_for_function("([element, old]) => element.src && element.src !== old",
                           arg=[picture.element_handle(), old], timeout=30_000)


def guess_by_keyboard(page, box, textbox, picture, number):
    """Type a guess into a stepper's guess box, press its next ▶ with the keyboard, and read the verdict
    in the status line. Returns what did not work, in words."""
    page.keyboard.type("0.5")
    forward = box.locator("button", has_text="next")
    forward.focus()
    use_by_keyboard(page, forward, picture)
    try:  # the verdict comes in the status line's own update, just after the picture's
        box.locator(".course-status", has_text="You said 0.5").wait_for(timeout=10_000)
        problems = []
    except Exception:
        status = box.locator(".course-status").first.inner_text()
        problems = [f"explorer {number}: no verdict on a typed guess: {status[:80]!r}"]
    textbox.focus()  # Tab goes on from the guess box to the controls after it
    return problems


def every_control_by_keyboard(page):
    """Go through every explorer with the keyboard alone: from its first control, Tab reaches each of
    the others in turn, and each one used (a slider stepped, a button pressed) draws a new picture. A
    selected toggle is passed over (pressing it changes nothing), and a "back" button is pressed after
    "next" (at the first step there is nothing to go back to). In a stepper's guess box a guess is typed,
    and next ▶ then shows the verdict on it. Returns what did not work, in words."""
    problems = []
    for number, box in enumerate(explorer_boxes(page)):
        picture, controls = box.locator(".widget-image").first, box.locator(CONTROLS)
        later = []
        for index in range(controls.count()):
            control = controls.nth(index)
            if index == 0:
                control.scroll_into_view_if_needed()
                control.focus()
            elif not tab_to(page, control):
                problems.append(f"explorer {number}: Tab does not reach control {index}")
                control.focus()
            kind = control.evaluate(CONTROL_KIND)
            if kind["textbox"]:
                problems += guess_by_keyboard(page, box, control, picture, number)
            elif "back" in kind["text"]:
                later.append(control)
            elif not kind["selected"]:
                use_by_keyboard(page, control, picture)
        for control in later:
            control.focus()
            use_by_keyboard(page, control, picture)
    return problems


# Every piece of text in the front notebook's outputs whose contrast with what is behind it is below
# `minimum` (WCAG's ratio; colours with transparency are laid over what is behind them first).
LOW_CONTRAST = """(minimum) => {
    const parse = text => { const [r, g, b, a = 1] = text.match(/[\\d.]+/g).map(Number); return [r, g, b, a]; };
    const over = ([r, g, b, a], [R, G, B]) => [r * a + R * (1 - a), g * a + G * (1 - a), b * a + B * (1 - a)];
    const luminance = rgb => { const [r, g, b] = rgb.map(v => v / 255).map(
        v => v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
    const behind = element => {
        const layers = [];
        for (let node = element; node; node = node.parentElement) {
            const colour = parse(getComputedStyle(node).backgroundColor);
            if (colour[3] > 0) layers.push(colour);
            if (colour[3] === 1) break;
        }
        return layers.reverse().reduce((below, layer) => over(layer, below), [255, 255, 255]);
    };
    const found = [];
    const outputs = document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output');
    for (const output of outputs)
        for (const element of [output, ...output.querySelectorAll('*')]) {
            const own = [...element.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
            const shown = element.getClientRects().length && getComputedStyle(element).visibility === 'visible';
            if (!own || !shown) continue;
            const background = behind(element), text = over(parse(getComputedStyle(element).color), background);
            const [light, dark] = [luminance(text), luminance(background)].sort((a, b) => b - a);
            const ratio = (light + 0.05) / (dark + 0.05);
            if (ratio < minimum) found.push(`${JSON.stringify(own.slice(0, 40))} ${ratio.toFixed(2)}:1`);
        }
    return [...new Set(found)];
}"""


def low_contrast_texts(page, minimum=4.5):
    """Texts in the front notebook's outputs that are harder to read than WCAG AA allows, with their ratio."""
    return page.evaluate(LOW_CONTRAST, minimum)


def use_theme(page, theme):
    """Switch JupyterLab to a theme ("JupyterLab Light", "JupyterLab Dark") and wait until it is shown."""
    page.evaluate("(theme) => window.jupyterapp.commands.execute('apputils:change-theme', {theme})", theme)
    page.wait_for_function("(theme) => document.body.dataset.jpThemeName === theme"  # its style sheet loaded
                           " && !document.querySelector('#jupyterlab-splash')", arg=theme, timeout=30_000)


def screen_reader_problems(page):
    """What a screen reader would miss in the front notebook's explorers, as the browser's accessibility
    tree has it: a slider not named by its label or whose value is not its readout's, a status line that
    is not a live region, a picture whose text alternative is not the status line. In words."""
    problems = []
    for number, box in enumerate(explorer_boxes(page)):
        sliders = box.locator(".widget-slider")
        for index in range(sliders.count()):
            slider = sliders.nth(index)
            # textContent, not innerText: a cell scrolled far away may not be laid out (Notebook 7)
            label = slider.locator(".widget-label").text_content().strip()
            readout = slider.locator(".widget-readout").text_content().strip()
            named = box.get_by_role("slider", name=label, exact=True)
            if named.count() != 1:
                problems.append(f"explorer {number}: no slider named {label!r}")
            elif named.get_attribute("aria-valuetext") != readout:
                problems.append(f"explorer {number}: {label!r} is read as {named.get_attribute('aria-valuetext')!r}, "
                                f"its readout shows {readout!r}")
        status = box.get_by_role("status")
        if status.count() != 1 or status.get_attribute("aria-live") != "polite":
            problems.append(f"explorer {number}: its status line is not read out when it changes")
            continue
        text = status.text_content().strip()
        if box.get_by_role("img", name=text, exact=True).count() != 1:
            problems.append(f"explorer {number}: its picture's text alternative is not the status line {text!r}")
    return problems
