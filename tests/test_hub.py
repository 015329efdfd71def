"""The class hub works, proved the way a class uses it: a hub of its own (a free port on 127.0.0.1, a
temporary folder), two simulated learners of the load test (classroom/loadtest.py) logging in at once,
each running every cell of 02 over the kernel's websocket, moving the α slider and running one check.
Then: a wrong password is refused, a visitor who has not logged in is sent to the login page, every
learner has their own copies, and stopping the hub leaves no learner's server or kernel behind."""
import asyncio
import json
import os
import shutil
import sys
import time
from pathlib import Path

import psutil
import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from classroom import hub, hub_accounts, loadtest, server_output, singleuser  # noqa: E402
from tests.process_memory import memory_holds  # noqa: E402
LEARNERS = 2
LEARNERS_PROCESSES = ("singleuser", "classroom.preloaded", "ipykernel")  # a server (new, or forked), a kernel

pytestmark = [
    pytest.mark.skipif(os.name == "nt", reason="JupyterHub does not run on Windows"),
    pytest.mark.skipif(shutil.which("npm") is None and not hub.proxy_command().exists(),
                       reason="the hub's proxy comes from npm, which this machine does not have"),
]


@pytest.fixture(scope="module")
def class_hub(tmp_path_factory):
    """A running hub: (its process, its address, the class password, its state folder). Node.js, which the
    proxy runs on, is found first as a stand-in that notes each command it runs (node.log), then runs it."""
    state = tmp_path_factory.mktemp("hub")
    port = hub.free_port()
    address = f"http://127.0.0.1:{port}"
    with open(state / "hub.log", "wb") as log, pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", f"{noting_node(state)}{os.pathsep}{os.environ['PATH']}")
        process = hub.start(state=state, homes=state / "homes", port=port, stdout=log, stderr=log,
                            start_new_session=True)
        try:
            assert hub.wait_until_answering(process, address, limit=120), (state / "hub.log").read_text()
            yield process, address, hub.passwords(state)[0], state
        finally:
            loadtest.stop_all(process)


def noting_node(state):
    """A folder with a `node` that writes its arguments to <state>/node.log, then runs the real Node.js."""
    real = shutil.which("node")
    folder = state / "noting-node"
    folder.mkdir()
    (folder / "node").write_text(f'#!/bin/sh\necho "$*" >> "{state}/node.log"\nexec "{real}" "$@"\n')
    (folder / "node").chmod(0o755)
    return folder


@pytest.fixture(scope="module")
def learners(class_hub):
    """The load test's records of two learners who did everything at once."""
    _, address, password, _ = class_hub
    records, _ = loadtest.run_learners(address, password, LEARNERS, limit=180)
    return records


def code_cells(name):
    notebook = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
    return sum(cell["cell_type"] == "code" for cell in notebook["cells"])


def test_both_learners_log_in_and_run_every_cell_of_02(learners):
    assert [record.name for record in learners] == ["learner01", "learner02"]
    for record in learners:
        assert record.logged_in and record.failure == "", record
        assert record.cells_run == code_cells("02_learning_rate.ipynb") and record.cell_errors == [], record
        assert 0 < record.server_ready < record.first_kernel < record.finished


def test_the_alpha_slider_gives_a_new_picture_each_move(learners):
    for record in learners:
        assert len(record.round_trips) == len(loadtest.ALPHAS) and all(record.pictures_changed), record
        # the kernel echoes the slider's value, then updates the status line and the picture
        assert "comm_msg echo_update" in record.messages_seen and "comm_msg update" in record.messages_seen


def test_a_right_answer_passes_check(learners):
    for record in learners:
        assert record.check_passed and record.check_output.startswith("✓ gradient_step: correct"), record


def test_each_learner_has_their_own_copies(class_hub, learners):
    state = class_hub[3]
    course = sorted(path.name for path in (ROOT / "notebooks").glob("*.ipynb"))
    for record in learners:
        work = state / "homes" / record.name / "my-work"
        assert sorted(path.name for path in work.glob("*.ipynb")) == course


def test_a_learners_server_starts_without_what_learners_never_use(class_hub, learners):
    """JupyterLab's `node yarn.js config` (0.4 CPU-s a learner, for building extensions) is not run, and the
    server extensions classroom/singleuser.py turns off are not loaded; JupyterLab's own is, and the course's
    kernel websocket that sends each message at once (classroom/prompt_websocket.py)."""
    state = class_hub[3]
    ran = (state / "node.log").read_text()
    assert "configurable-http-proxy" in ran and "yarn.js" not in ran, ran  # the stand-in did run the proxy
    log = (state / "hub.log").read_text(errors="replace")
    assert log.count("jupyterlab | extension was successfully loaded") == LEARNERS, log[-3000:]
    assert log.count("classroom.prompt_websocket | extension was successfully loaded") == LEARNERS, log[-3000:]
    assert [line for line in log.splitlines() if "successfully loaded" in line and any(
        f"{name} |" in line for name in singleuser.EXTENSIONS_OFF)] == []


def test_a_wrong_password_is_refused(class_hub):
    _, address, password, _ = class_hub
    with requests.Session() as browser:
        browser.get(f"{address}/hub/login", timeout=30)
        response = browser.post(f"{address}/hub/login", timeout=30, allow_redirects=False, data={
            "username": "intruder", "password": password + "x", "_xsrf": browser.cookies.get("_xsrf")})
        assert response.status_code == 403
        assert "jupyterhub-hub-login" not in browser.cookies


def test_repeated_wrong_passwords_make_the_name_wait(class_hub):
    _, address, password, _ = class_hub
    with requests.Session() as browser:
        browser.get(f"{address}/hub/login", timeout=30)

        def attempt(secret):
            return browser.post(f"{address}/hub/login", timeout=30, allow_redirects=False, data={
                "username": "guesser", "password": secret, "_xsrf": browser.cookies.get("_xsrf")})
        assert [attempt(f"guess {number}").status_code for number in range(5)] == [403] * 5
        waiting = attempt(password)  # the right one, but not checked during the wait
        assert waiting.status_code == 429 and "Too many wrong passwords for guesser" in waiting.text
        assert "jupyterhub-hub-login" not in browser.cookies


def test_a_cell_past_the_memory_limit_gets_a_memory_error(class_hub, learners):
    _, address, password, _ = class_hub
    browser = loadtest.Browser(address, "learner01", 60)
    try:
        loadtest.log_in(browser, password)
        _, kernel = loadtest.open_kernel(browser, time.monotonic() + 60)
        try:
            limit = hub_accounts.SharedSpawner.memory_limit.default_value  # 4 GiB of address space
            reply, outputs = kernel.execute(f"big = bytearray({limit})", 60)
            assert reply["status"] == "error" and reply["ename"] == "MemoryError", outputs
            assert kernel.execute("print(6 * 7)", 60)[1] == ["42\n"]  # and the kernel is still there
        finally:
            kernel.close()
    finally:
        browser.close()


def test_without_logging_in_a_server_sends_the_visitor_to_log_in(class_hub, learners):
    _, address, _, _ = class_hub
    with requests.Session() as stranger:
        response = stranger.get(f"{address}/user/learner01/lab", timeout=30)
        assert response.status_code == 200 and response.url.startswith(f"{address}/hub/login?next=")
        assert stranger.get(f"{address}/user/learner01/api/contents/my-work", timeout=30).status_code == 403


def test_the_report_counts_each_learners_processes_and_memory(class_hub, learners):
    totals = loadtest.usage(class_hub[0])
    assert sorted(totals) == ["hub and proxy", "learner01", "learner02"]
    for name in ("learner01", "learner02"):  # the server, its kernel forker, the kernel and check's worker
        assert totals[name]["processes"] == 4 and 50 * 2 ** 20 < totals[name]["pss"] < 2 ** 30
    machine = {"cores": 2, "seconds": 60.0, "busy": 100.0}
    result = loadtest.figures(learners, 60.0, totals, [], (1, 1, 1), (2, 2, 2), 1.0, machine, None)
    assert result["logged_in"] == result["complete"] == LEARNERS and result["problems"] == []
    assert result["round_trip"]["moves"] == LEARNERS * len(loadtest.ALPHAS)
    for record in learners:  # the kernel's part of each move, by its messages' times: within the round trip
        assert len(record.in_kernel) == len(record.round_trips)
        assert all(0 < part < whole for part, whole in zip(record.in_kernel, record.round_trips))
    report = loadtest.table([result])
    assert "logins that worked" in report and "2/2" in report and "MiB" in report and "in the kernel" in report


def test_a_learners_messages_reach_the_hubs_output_escaped_and_a_flood_waits(monkeypatch, capsys):
    """server_output.relay: each line after the learner's name, a terminal's control sequences written
    out (they could clear or retitle the teacher's terminal), and past CHARACTERS_A_SECOND the rest waits."""
    monkeypatch.setattr(server_output, "CHARACTERS_A_SECOND", 200)

    async def relay_all():
        reading, writing = os.pipe()
        os.write(writing, b"plain line\n\x1b[2Jcleared\x07\n" + b"\n" * 40)  # empty lines cost too
        os.close(writing)
        started = time.monotonic()
        await server_output._relay(reading, "mallory")
        return time.monotonic() - started
    took = asyncio.run(relay_all())
    shown = capsys.readouterr().err
    assert "[mallory] plain line\n" in shown and "[mallory] \\x1b[2Jcleared\\x07\n" in shown and "\x1b" not in shown
    assert shown.count("[mallory] ") == 42 and took >= 1.0  # 42 lines of at least 11 characters: 2 seconds' worth


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="reads processes' memory: root only")
def test_each_learners_server_is_a_fork_of_a_preloaded_process_that_holds_no_secret(class_hub, learners):
    """classroom/preloaded.py: each server is a fork of one process that imported a server's code, and a fork
    copies that process's memory into every learner's server: none of the hub's secrets may be in it."""
    process, _, password, state = class_hub
    tree = loadtest.processes(process)
    preloaded = [entry for entry in tree if loadtest.is_preloaded(entry)]
    servers = {loadtest.forked_servers_learner(entry): entry for entry in tree if entry.parent() in preloaded}
    assert len(preloaded) == 1 and sorted(servers) == ["learner01", "learner02"]
    hub_environment = psutil.Process(process.pid).environ()
    secrets = {name: value.encode() for name, value in [
        ("class password", password), ("teacher's password", hub.passwords(state)[1]),
        ("proxy's token", hub_environment["CONFIGPROXY_AUTH_TOKEN"]),
        ("cookie secret", (state / "cookie-secret").read_text().strip())]}
    secrets["cookie secret, as bytes"] = bytes.fromhex(secrets["cookie secret"].decode())
    assert memory_holds(process.pid, [secrets["teacher's password"]])  # the search finds what is there
    for entry in [*preloaded, *servers.values()]:
        held = memory_holds(entry.pid, secrets.values())
        assert held == set(), [name for name, secret in secrets.items() if secret in held]
    assert not any(name.startswith("COURSE_HUB") for name in preloaded[0].environ())


def test_stopping_the_hub_leaves_no_process_behind(class_hub, learners):
    """Last: it stops the hub. Every server, kernel and check worker of the learners has ended."""
    process, _, _, state = class_hub
    tree = loadtest.processes(process)
    assert len(tree) >= 2 + 2 * LEARNERS  # the hub, its proxy, and each learner's server and kernel
    assert loadtest.stop_all(process) == []
    assert process.poll() is not None
    time.sleep(0.5)
    assert [entry for entry in tree if entry.is_running()] == []
    assert [entry.pid for entry in psutil.process_iter(["cmdline", "cwd"])
            if str(state) in (entry.info["cwd"] or "") and any(
                word in " ".join(entry.info["cmdline"] or []) for word in LEARNERS_PROCESSES)] == []
