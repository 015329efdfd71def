"""A private JupyterLab and a headless Chromium, for the tests and benchmarks that use the course the
way a learner does. Nothing here touches the repository's notebooks or the user's home: the server
works on copies, with its own settings, workspaces and runtime folders, and autosave off."""
import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import course  # noqa: E402  (the same JupyterLab flags as `python3 course.py lab`)

CURRENT = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook tab in front
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]
QUIET_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                         "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"autoStartDefaultKernel": True,
                                                                     "windowingMode": "none"},
}


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def jupyterlab(workdir):
    """Start JupyterLab on copies of the notebooks in workdir; yield its base URL and token."""
    workdir = Path(workdir)
    shutil.copytree(ROOT / "notebooks", workdir / "notebooks")
    settings = workdir / "settings"
    for name, values in QUIET_SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values))
    token, port = secrets.token_hex(16), _free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(workdir / "config"), JUPYTER_DATA_DIR=str(workdir / "data"),
               JUPYTER_RUNTIME_DIR=str(workdir / "runtime"), IPYTHONDIR=str(workdir / "ipython"),
               MPLCONFIGDIR=str(workdir / "matplotlib"))
    arguments = course.lab_arguments(token, port, open_browser=False, root_dir=workdir) + [
        f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={workdir / 'workspaces'}"]
    log = open(workdir / "jupyterlab.log", "w")
    server = subprocess.Popen([sys.executable, *arguments], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/api/status?token={token}", server, workdir / "jupyterlab.log")
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _wait_until_up(url, server, log_path, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"JupyterLab exited:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"JupyterLab did not start within {seconds} s:\n{log_path.read_text()[-3000:]}")


def open_notebook(page, base, token, name):
    """Open notebooks/NAME.ipynb in JupyterLab and wait until its kernel is idle."""
    page.goto(f"{base}/lab/tree/notebooks/{name}.ipynb?reset&token={token}")  # reset: no tabs restored
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    wait_for_idle_kernel(page)


def wait_for_idle_kernel(page, timeout=120_000):
    """Wait until the kernel of the open notebook is started and idle (picking the default kernel if
    JupyterLab asks which one)."""
    deadline = time.monotonic() + timeout / 1000
    while time.monotonic() < deadline:
        dialog = page.locator(".jp-Dialog button.jp-mod-accept")
        if dialog.count():
            dialog.first.click()
        ready = page.locator(f"{CURRENT} .jp-CodeCell").count() and not page.locator(".jp-Spinner").count()
        if ready and "| Idle" in page.locator("#jp-main-statusbar").inner_text():
            return
        time.sleep(0.2)
    raise TimeoutError("the notebook's kernel did not become idle")


def run_all_cells(page, timeout=180_000):
    """Restart the kernel and run every cell (from the Kernel menu), then wait until every code cell
    has run in that fresh kernel: prompts numbered 1, 2, 3, ... in order."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Kernel").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Restart Kernel and Run All Cells").first.click()
    page.locator(".jp-Dialog button.jp-mod-accept").first.click()  # "Restart kernel?" -> Restart
    try:
        page.wait_for_function(
            """() => { const prompts = [...document.querySelectorAll('""" + CURRENT + """ .jp-CodeCell .jp-InputPrompt')];
                       return prompts.length > 0 && prompts.every((p, i) => p.textContent.trim() === `[${i + 1}]:`); }""",
            timeout=timeout)
    except Exception:
        page.screenshot(path=str(ROOT / "test-output" / "run-all-failed.png"))
        raise
    wait_for_idle_kernel(page)


def error_outputs(page):
    """The text of every error or stderr output shown in the notebook."""
    return page.locator(f"{CURRENT} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()


def image_source(image):
    """The picture's blob URL: the widget makes a new one for every new picture."""
    return image.evaluate("element => element.src")


def explorer(page, index=0):
    """The index-th explorer shown (a widget with a slider and a picture): its slider handle, picture
    and status line."""
    box = page.locator(f"{CURRENT} .jp-OutputArea-output .widget-vbox:has(.widget-image):has(.noUi-handle)").nth(index)
    return box.locator(".noUi-handle").first, box.locator("img.widget-image, .widget-image").first, \
        box.locator(".widget-html-content").first
