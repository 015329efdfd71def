"""The course as a learner uses it: JupyterLab in headless Chromium, every notebook run from the menu,
and sliders moved with the keyboard and the mouse. Screenshots go to test-output/screenshots/."""
import os
import time
from pathlib import Path

import pytest

import browser

SHOTS = Path(__file__).resolve().parent.parent / "test-output" / "screenshots"
COURSE = ["00_start_here", "01_error", "02_learning_rate", "03_derivatives", "04_dot_product",
          "05_backpropagation"]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if not browser.CHROMIUM:
        reason = "no Chromium found: install Debian's package with `apt-get install chromium`"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI must run the browser tests, not skip them)")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright
    SHOTS.mkdir(parents=True, exist_ok=True)
    with browser.jupyterlab(tmp_path_factory.mktemp("lab")) as (base, token), sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=browser.CHROMIUM, args=browser.CHROMIUM_ARGS)
        yield base, token, chromium
        chromium.close()


@pytest.fixture()
def page(lab):
    base, token, chromium = lab
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page, base, token
    context.close()


def wait_for_new_picture(page, image, old_source, timeout=10_000):
    page.wait_for_function("([element, old]) => element.src && element.src !== old",
                           arg=[image.element_handle(), old_source], timeout=timeout)


def nudge_with_keyboard(page, handle, key, times):
    handle.focus()
    for _ in range(times):
        page.keyboard.press(key)


@pytest.mark.parametrize("name", COURSE)
def test_every_notebook_runs_without_errors_and_its_first_slider_redraws(page, name):
    page, base, token = page
    browser.open_notebook(page, base, token, name)
    browser.run_all_cells(page)
    assert browser.error_outputs(page) == []
    handle, image, status = browser.explorer(page, 0)
    handle.scroll_into_view_if_needed()
    old_source, old_status = browser.image_source(image), status.inner_text()
    nudge_with_keyboard(page, handle, "ArrowRight", 5)
    wait_for_new_picture(page, image, old_source)
    page.wait_for_function("([element, old]) => element.textContent !== old",
                           arg=[status.element_handle(), old_status], timeout=10_000)
    image.screenshot(path=SHOTS / f"{name}.png")


def test_the_learning_rate_slider_by_keyboard_and_mouse(page):
    page, base, token = page
    browser.open_notebook(page, base, token, "02_learning_rate")
    browser.run_all_cells(page)
    handle, image, status = browser.explorer(page, 0)
    handle.scroll_into_view_if_needed()
    assert "converging" in status.inner_text()

    # Keyboard: End jumps to the largest α, Home to the smallest; the label and picture follow.
    before = image.screenshot()
    nudge_with_keyboard(page, handle, "End", 1)
    page.wait_for_function("element => /α = 4, .*diverging/.test(element.textContent)", arg=status.element_handle())
    assert image.screenshot() != before
    nudge_with_keyboard(page, handle, "Home", 1)
    page.wait_for_function("element => /α = 0.001, .*too slow/.test(element.textContent)", arg=status.element_handle())
    image.screenshot(path=SHOTS / "02_learning_rate_too_slow.png")

    # Mouse: drag the handle to about two thirds of the track (α near 0.3: converging).
    track = handle.locator("xpath=ancestor::*[contains(@class, 'noUi-target')][1]").bounding_box()
    box = handle.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] / 2, y)
    page.mouse.down()
    page.mouse.move(track["x"] + 0.66 * track["width"], y, steps=8)
    page.mouse.up()
    page.wait_for_function("element => /converging|oscillating/.test(element.textContent)", arg=status.element_handle())
    image.screenshot(path=SHOTS / "02_learning_rate_dragged.png")

    # A fast drag across the whole range: the picture for the final value arrives promptly,
    # not after a queue of stale redraws.
    box = handle.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, y)
    page.mouse.down()
    for fraction in [i / 40 for i in range(41)]:
        page.mouse.move(track["x"] + fraction * track["width"], y)
    page.mouse.move(track["x"] + track["width"] + 20, y)
    old_source = browser.image_source(image)
    released = time.monotonic()
    page.mouse.up()
    page.wait_for_function("element => /α = 4, .*diverging/.test(element.textContent)",
                           arg=status.element_handle(), timeout=5_000)
    wait_for_new_picture(page, image, old_source, timeout=5_000)
    settled = time.monotonic() - released
    image.screenshot(path=SHOTS / "02_learning_rate_diverging.png")
    print(f"final picture {settled * 1000:.0f} ms after releasing a fast drag")
    assert settled < 2.0
