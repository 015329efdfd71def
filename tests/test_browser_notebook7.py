"""The course in Notebook 7, the other front end a learner may open it in: every notebook run from its
Kernel menu without an error, and every control of every explorer used by keyboard, the picture following
(Notebook 7 gives its shortcuts the arrow keys first: the course's settings leave them to widgets), while
the arrow keys still move from cell to cell.
Screenshots go to screenshots/notebook7-*.png in the test output folder (see test_browser.py)."""

import pytest

import browser
from test_browser import COURSE


@pytest.fixture(scope="module")
def notebook7(tmp_path_factory):
    browser.require_chromium()
    from playwright.sync_api import sync_playwright
    with browser.jupyterlab(tmp_path_factory.mktemp("notebook7"), interface="notebook") as (base, token), \
            sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=browser.CHROMIUM, args=browser.CHROMIUM_ARGS)
        yield base, token, chromium
        chromium.close()


@pytest.mark.parametrize("name", COURSE)
def test_every_notebook_runs_in_notebook_7_and_every_control_works_by_keyboard(notebook7, name):
    base, token, chromium = notebook7
    page = browser.new_page(chromium)
    try:
        browser.open_notebook(page, base, token, name, interface="notebook")
        browser.run_all_cells(page)
        assert browser.error_outputs(page) == []
        image = browser.nudge_first_slider(page)
        shots = browser.output_folder() / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        image.screenshot(path=shots / f"notebook7-{name}.png")
        page.screenshot(path=shots / f"notebook7-{name}-page.png")
        assert browser.every_control_by_keyboard(page) == []
        assert browser.screen_reader_problems(page) == []
        assert browser.toasts(page) == [], "Notebook 7 showed a notification"

        page.keyboard.press("Escape")
        page.locator(f"{browser.CURRENT} .jp-Cell").first.click()  # a cell, not a widget: arrows move the cursor
        page.keyboard.press("Escape")
        page.keyboard.press("ArrowDown")
        assert page.evaluate("() => window.jupyterapp.shell.currentWidget.content.activeCellIndex") == 1
    finally:
        page.context.close()
        browser.shut_down_kernels(base, token)
