"""One learner on the class hub, in headless Chromium: log in with the class password, get JupyterLab with
the course's first notebook, run notebook 02 from the menu, move the α slider and answer a quiz question.
The hub runs from a temporary folder, so a teacher's real class (.hub/) is never touched."""
import json
import re
import time

import psutil
import pytest

import browser
from classroom import hub, loadtest
from course_utils.marking.questions import QUESTIONS

LEARNER = "ada"


@pytest.fixture(scope="module")
def class_hub(tmp_path_factory):
    browser.require_chromium()
    state = tmp_path_factory.mktemp("hub")
    port = hub.free_port()
    log = open(state / "jupyterhub.log", "wb")
    process = hub.start(state=state, port=port, stdout=log, stderr=log)
    try:
        url = f"http://127.0.0.1:{port}"
        assert hub.wait_until_answering(process, url, limit=120), (state / "jupyterhub.log").read_text()
        yield url, state, process
    finally:
        hub.stop(process)
        log.close()


@pytest.fixture()
def chromium():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=browser.CHROMIUM, args=browser.CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def log_in(page, url, name, password):
    page.goto(f"{url}/hub/login", timeout=60_000)
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", password)
    page.click("#login_submit")


def test_a_wrong_password_is_refused_in_the_browser(class_hub, chromium):
    url, _, _ = class_hub
    page = browser.new_page(chromium)
    log_in(page, url, "eve", "not-the-class-password")
    page.wait_for_selector(".login_error, #login_main .alert", timeout=30_000)
    assert "/hub/login" in page.url and not (class_hub[1] / "homes" / "eve").exists()
    page.context.close()


def test_a_learner_logs_in_gets_the_course_and_moves_a_slider(class_hub, chromium):
    url, state, process = class_hub
    page = browser.new_page(chromium)
    log_in(page, url, LEARNER, (state / "class-password").read_text(encoding="utf-8").strip())
    # The hub starts their server and JupyterLab opens their own copy of the first notebook.
    page.wait_for_url(re.compile(rf"/user/{LEARNER}/lab/tree/my-work/00_start_here\.ipynb"), timeout=180_000)
    page.wait_for_selector(f"{browser.CURRENT} .jp-Notebook .jp-Cell", timeout=120_000)
    copies = sorted(path.name for path in (state / "homes" / LEARNER / "my-work").glob("*.ipynb"))
    assert copies == sorted(path.name for path in (browser.ROOT / "notebooks").glob("*.ipynb"))

    page.goto(f"{url}/user/{LEARNER}/lab/tree/my-work/02_learning_rate.ipynb?reset", timeout=120_000)
    page.wait_for_selector(f"{browser.CURRENT} .jp-Notebook .jp-Cell", timeout=120_000)
    browser.wait_for_idle_kernel(page)
    browser.run_all_cells(page)
    assert browser.error_outputs(page) == []
    handle, image, status = browser.explorer(page, 0)
    handle.scroll_into_view_if_needed()
    # The status line is drawn by its own widget view, which may come a moment after the slider's.
    page.wait_for_function("element => /converging/.test(element.textContent)", arg=status.element_handle(),
                           timeout=30_000)
    browser.watch_explorer(page, image, status)
    start = page.evaluate("window.courseWatch.current()")
    handle.focus()
    page.keyboard.press("End")
    largest, _ = browser.wait_for_one_update(page, r"α = 4, .*diverging")
    assert largest != start
    page.screenshot(path=str(browser.output_folder() / "hub-learner-02.png"))

    # A quiz choice is recorded in the learner's home, for the teacher's gradebook.
    choice = page.locator(f"{browser.CURRENT} .widget-radio-box input[type=radio]").first
    choice.scroll_into_view_if_needed()
    choice.check()
    record = state / "homes" / LEARNER / "quiz-answers.jsonl"
    deadline = time.monotonic() + 30
    while not (record.exists() and record.read_text(encoding="utf-8").strip()) and time.monotonic() < deadline:
        time.sleep(0.2)  # polling interval only
    line = json.loads(record.read_text(encoding="utf-8").splitlines()[-1])
    assert line["question"] == QUESTIONS["02_learning_rate"][0].id and line["choice"] == 0
    assert browser.toasts(page) == [], "JupyterLab showed the learner a notification"
    page.context.close()


def test_stopping_the_hub_stops_every_learners_server(class_hub):
    _, _, process = class_hub
    servers = [child for child in psutil.Process(process.pid).children(recursive=True)
               if loadtest.forked_servers_learner(child) or "classroom.singleuser" in child.cmdline()]
    assert servers, "the learner's server should be running before the hub stops"
    hub.stop(process)
    gone, alive = psutil.wait_procs(servers, timeout=30)
    assert alive == []
