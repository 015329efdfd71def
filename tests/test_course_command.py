"""`python3 course.py`: JupyterLab private to the learner (token out of `ps`, a port that is really free,
a link that works), set-ups that take turns, and learners' copies that no update overwrites."""
import contextlib
import http.server
import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from launcher import copies, environment, files, lab, ports, servers

ROOT = Path(__file__).resolve().parent.parent


def _start_lab(tmp_path, name, *extra, first_port=None, browser=None, cwd=None):
    """`python3 course.py lab` as a learner starts it, with private Jupyter folders and work folder, typed in
    `cwd` (None: here); with `first_port`, its first free port is that one (as if another program took it
    right after the check). No browser opens, unless `browser` names a command to open one with (as the
    BROWSER variable). Typed elsewhere, the course is found as a learner's course is, by its installation."""
    home = tmp_path / name
    env = dict(os.environ, COURSE_WORK_DIR=str(home / "work"), JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTER_DATA_DIR=str(home / "data"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               IPYTHONDIR=str(home / "ipython"), PYTHONUNBUFFERED="1", PYTHONPATH=str(ROOT))
    if cwd is not None:
        del env["PYTHONPATH"]
    if browser:
        env["BROWSER"] = browser
    command = [str(ROOT / "course.py")] if first_port is None else ["-c", FIRST_PORT_TAKEN, str(first_port)]
    log = open(home.with_suffix(".log"), "w+")
    no_browser = [] if browser else ["--ServerApp.open_browser=False"]
    process = subprocess.Popen([sys.executable, *command, "lab", *no_browser, *extra], cwd=cwd,
                               env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    process.work = str(home / "work")  # JupyterLab's root folder: how its process is found
    return process, log


FIRST_PORT_TAKEN = """if True:
    import sys, course, launcher.lab
    first, free_port = [int(sys.argv.pop(1))], launcher.lab.free_port
    launcher.lab.free_port = lambda *range_: first.pop() if first else free_port(*range_)
    course.main(*sys.argv[1:])
"""


class _OtherServer(http.server.ThreadingHTTPServer):
    """Another local program on a port `lab` may use: it answers every request with 200 and keeps it."""

    def __init__(self):
        self.requests = []
        record = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                record.append(f"{self.command} {self.path} {dict(self.headers)}")
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            do_POST = do_HEAD = do_GET

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


def _output(process, log, seconds=120):
    """Everything course.py printed, once it has exited."""
    process.wait(timeout=seconds)
    log.seek(0)
    text = log.read()
    log.close()
    return text


def _link(process, log, seconds=120):
    """The link course.py prints once JupyterLab answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        log.seek(0)
        found = re.search(r"(http://127\.0\.0\.1:(\d+)/\S*?lab/tree/\S+\?token=(\w+))", log.read())
        if found:
            return found.group(1), int(found.group(2)), found.group(3)
        time.sleep(0.2)
    log.seek(0)
    raise AssertionError(f"no link printed:\n{log.read()[-3000:]}")


def _status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


def _all_command_lines():
    lines = []
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            lines.append((folder / "cmdline").read_bytes().decode(errors="replace").replace("\0", " "))
        except OSError:  # the process ended meanwhile
            pass
    return lines


def _pids_with(*texts):
    """The processes whose command line (words ending in NUL) holds every one of `texts`."""
    found = []
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            line = (folder / "cmdline").read_bytes().decode(errors="replace")
        except OSError:  # the process ended meanwhile
            continue
        if all(text in line for text in texts):
            found.append(int(folder.name))
    return found


def _jupyterlab(work, seconds=60):
    """The process id of the JupyterLab whose root folder is `work`, once it has started."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for pid in _pids_with("jupyterlab", f"--ServerApp.root_dir={work}\0"):
            return pid
        time.sleep(0.05)
    raise AssertionError("JupyterLab did not start")


def _environment(pid):
    return (Path("/proc") / str(pid) / "environ").read_bytes().decode(errors="replace")


def _running(pid):
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def _stop(process, log):
    """Stop course.py as a service manager would; it must take its JupyterLab with it."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
    for _ in range(100):
        if not any(process.work in line for line in _all_command_lines()):
            return
        time.sleep(0.2)
    raise AssertionError("course.py was stopped, but its JupyterLab is still running")


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads process arguments from /proc")
def test_two_labs_at_once_each_get_a_free_port_a_working_link_and_a_token_nobody_else_sees(tmp_path):
    labs = [_start_lab(tmp_path, "first"), _start_lab(tmp_path, "second")]
    try:
        links = [_link(*lab) for lab in labs]
        assert links[0][1] != links[1][1]
        for (process, _), (link, port, token) in zip(labs, links):
            assert _status(link) == 200
            assert _status(f"http://127.0.0.1:{port}/api/status?token={token}") == 200
            assert _status(f"http://127.0.0.1:{port}/api/status") == 403
            everyones = _all_command_lines()  # what `ps` shows every user of the machine
            assert any("jupyterlab" in line and f"--ServerApp.port={port}" in line for line in everyones)
            assert not any(token in line for line in everyones)
        assert (tmp_path / "first" / "work" / "01_error.ipynb").exists()
    finally:
        for lab in labs:
            _stop(*lab)


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads process arguments from /proc")
def test_the_token_never_reaches_another_program_on_the_chosen_port_and_the_next_port_works(tmp_path):
    with _OtherServer() as other:
        lab = _start_lab(tmp_path, "learner", first_port=other.port)
        try:
            link, port, token = _link(*lab)
            assert port != other.port
            assert _status(link) == 200
            assert _status(f"http://127.0.0.1:{port}/api/status?token={token}") == 200
            lab[1].seek(0)
            assert f"Port {other.port} was taken a moment ago; trying another." in lab[1].read()
        finally:
            _stop(*lab)
        assert other.requests == []  # neither this token nor the first attempt's, nor anything else


@pytest.mark.parametrize("option", [["--ServerApp.port", "{}"], ["--port", "{}"], ["--ServerApp.port={}"]])
def test_a_port_the_learner_chose_that_is_taken_is_said_once_and_gets_no_token(tmp_path, option):
    with _OtherServer() as other:
        said = _output(*_start_lab(tmp_path, "learner", *[word.format(other.port) for word in option]))
        assert other.requests == []
    assert f"Port {other.port} is taken by another program" in said
    assert "a moment ago" not in said and "JupyterLab is running" not in said and "token=" not in said
    assert "only accepts one value" not in said  # JupyterLab was given the port once


@pytest.mark.parametrize("option", [["--port={}"], ["--ServerApp.port", "{}", "--LabApp.news_url=None"],
                                    ["--ServerApp.port=1", "--port={}"]],
                         ids=["--port=", "with a space, beside an option lab also sets", "the last counts"])
def test_a_free_port_the_learner_chose_gives_a_working_link(tmp_path, option):
    chosen = ports.free_port()
    lab = _start_lab(tmp_path, "learner", *[word.format(chosen) for word in option])
    try:
        link, port, token = _link(*lab)
        assert port == chosen and _status(link) == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=10) as answer:
            assert answer.status == 200 and "started" in json.loads(answer.read())
    finally:
        _stop(*lab)


@pytest.mark.parametrize("words, said", [
    (["--port=65536"], "--port takes a whole number from 1 to 65535"),
    (["--port=\u00b2"], "--port takes a whole number from 1 to 65535"),
    (["--ServerApp.port"], "--port takes a whole number from 1 to 65535"),
    (["--ip=::1"], "`lab` sets --ip itself: it listens on 127.0.0.1 only"),
    (["--ServerApp.ip", "0.0.0.0"], "`lab` sets --ServerApp.ip itself"),
    (["--IdentityProvider.token=abc"], "`lab` sets --IdentityProvider.token itself: it makes a new private token"),
    (["--ServerApp.token="], "`lab` sets --ServerApp.token itself"),
    (["--notebook-dir=/tmp"], "`lab` sets --notebook-dir itself: it opens the course's folder"),
    (["--config=mine.py"], "`lab` sets --config itself"),
    (["--port-retries=5"], "`lab` sets --port-retries itself"),
])
def test_an_option_lab_cannot_leave_to_the_learner_or_a_port_that_is_none_gets_a_sentence(words, said):
    with pytest.raises(SystemExit) as stopped:
        lab.lab_options(words)
    assert said in str(stopped.value)


def test_lab_takes_out_the_options_it_acts_on_and_passes_the_others_on():
    assert lab.lab_options(["--port=9999", "--no-browser", "--ServerApp.base_url=/x/"]) == (
        9999, False, None, ["--ServerApp.base_url=/x/"])
    assert lab.lab_options(["--ServerApp.port", "9998", "--ServerApp.port=9997", "--browser=firefox %s"]) == (
        9997, True, "firefox %s", [])
    assert lab.lab_options(["--port=0", "--ServerApp.open_browser", "False", "--debug"]) == (
        None, False, None, ["--debug"])
    assert lab.lab_options(["--KernelManager.ip=127.0.0.1"])[3] == ["--KernelManager.ip=127.0.0.1"]  # a kernel's
    arguments = lab.lab_arguments(8890, root_dir="/course", extra=["--LabApp.news_url=https://example.org"])
    assert "--LabApp.news_url=None" not in arguments and arguments[-1] == "--LabApp.news_url=https://example.org"


def test_a_classroom_folder_where_lab_is_typed_does_not_stop_jupyterlab(tmp_path):
    """lab starts JupyterLab in the folder it was typed in: a learner's own folder named like one of the
    course's packages there (here an empty one, which Python takes for a package) is not imported instead."""
    typed_in = tmp_path / "notes"
    (typed_in / "classroom").mkdir(parents=True)
    lab = _start_lab(tmp_path, "learner", cwd=typed_in)
    try:
        link, port, token = _link(*lab)
        assert _status(link) == 200
        lab[1].seek(0)
        said = lab[1].read()
        assert "classroom.prompt_websocket | extension was successfully loaded" in said  # the course's own
    finally:
        _stop(*lab)


def test_lab_refuses_a_token_of_the_learners_at_once(tmp_path):
    said = _output(*_start_lab(tmp_path, "learner", "--IdentityProvider.token=abc"), seconds=60)
    assert "`lab` sets --IdentityProvider.token itself" in said and "JupyterLab is running" not in said


def test_when_jupyterlab_stops_for_its_own_reason_lab_passes_it_on(tmp_path):
    said = _output(*_start_lab(tmp_path, "learner", "--ServerApp.preferred_dir=/elsewhere"))  # not in its root
    assert "Bad config encountered during initialization" in said  # JupyterLab's own message
    assert "JupyterLab stopped (exit code 1); see its message above." in said
    assert "taken" not in said and said.count("JupyterLab stopped") == 1


PORT_TAKEN_BEFORE_BIND = """if True:
    import subprocess, sys, threading, time
    from jupyter_server.serverapp import ServerApp
    from jupyterlab.labapp import main
    check, record, linger = ServerApp._find_http_port, sys.argv.pop(1), sys.argv.pop(1) == "linger"

    def check_then_take(app):  # another program binds the port between JupyterLab's check and its bind
        check(app)
        thief = subprocess.Popen([sys.executable, "-c", THIEF, str(app.port), record], stdout=subprocess.PIPE)
        thief.stdout.readline()  # it listens

    def bind_a_little_later(app, bind=ServerApp._bind_http_server):  # so that course.py surely sees the
        time.sleep(0.4)                                              # runtime file and the thief's port
        if linger:  # not a daemon: it keeps JupyterLab alive after it fails, as its browser thread does
            threading.Thread(target=time.sleep, args=(5,)).start()   # while a BROWSER command waits
        bind(app)

    ServerApp._find_http_port, ServerApp._bind_http_server = check_then_take, bind_a_little_later
    sys.exit(main())
"""
THIEF = """if True:  # another program: it records what reaches it for 10 seconds
    import socket, sys
    thief = socket.create_server(("127.0.0.1", int(sys.argv[1])))
    thief.settimeout(10)
    print("listening", flush=True)
    with open(sys.argv[2], "ab", buffering=0) as record:
        while True:
            record.write(thief.accept()[0].recv(4096) or b"(connected)")
"""


@pytest.mark.parametrize("linger, blind", [("stops", False), ("linger", False), ("stops", True)],
                         ids=["JupyterLab stops", "JupyterLab lingers", "JupyterLab stops, no table names the owner"])
def test_a_port_taken_between_jupyterlabs_check_and_its_bind_is_not_taken_for_jupyterlab(tmp_path, monkeypatch,
                                                                                        linger, blind):
    if blind:  # as on macOS, Windows or WSL 1: JupyterLab's exit is the only sign
        monkeypatch.setattr(ports, "_listening", lambda port: set())
    token, runtime, received = "a" * 48, tmp_path / "runtime", tmp_path / "received"
    runtime.mkdir()
    received.touch()
    script = f"THIEF = {THIEF!r}\n{PORT_TAKEN_BEFORE_BIND}"
    arguments = lab.lab_arguments(ports.free_port(), root_dir=tmp_path)
    server = subprocess.Popen([sys.executable, "-c", script, str(received), linger,
                               *arguments[arguments.index("jupyterlab") + 1:]],  # JupyterLab's own options
                              env=dict(os.environ, JUPYTER_TOKEN=token, JUPYTER_RUNTIME_DIR=str(runtime)))
    try:
        assert lab._serving(server, runtime, token) is None  # it wrote its runtime file, then failed
    finally:
        server.kill()
        server.wait()
    linux = Path("/proc/net/tcp").exists() and not blind  # where the owner is read, and nothing connects
    assert received.read_bytes() == (b"" if linux else b"(connected)")  # at most a bare connection


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads processes' environments from /proc")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["Ctrl+C", "SIGTERM"])
def test_stopping_lab_while_jupyterlab_starts_stops_it_and_removes_its_private_folder(tmp_path, signum):
    process, log = _start_lab(tmp_path, "learner")
    pid = _jupyterlab(process.work)
    try:
        runtime = Path(re.search(r"JUPYTER_RUNTIME_DIR=([^\0]*)", _environment(pid))[1])
        assert runtime.is_dir()
        process.send_signal(signum)
        said = _output(process, log)  # lab asks JupyterLab to stop, and kills it after 10 s
        assert "Traceback" not in said and "token=" not in said  # no link: it was still starting
        deadline = time.monotonic() + 60  # lab kills it 10 s after asking; a loaded machine needs longer to see it go
        while _running(pid) and time.monotonic() < deadline:
            time.sleep(0.1)  # polling interval only
        assert not _running(pid) and not runtime.exists()
    finally:
        if _running(pid):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_the_private_folder_is_the_learners_own_and_never_in_a_folder_others_can_write(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)  # world-writable, without the sticky bit
    monkeypatch.setattr("tempfile.tempdir", str(shared))  # as with TMPDIR=shared
    folder = lab._private_folder()
    try:
        assert folder.parent == environment.LAB_RUNTIME and environment.LAB_RUNTIME.parent == environment.VENV
        assert stat.S_IMODE(folder.parent.stat().st_mode) == 0o700 and folder.parent.stat().st_uid == os.getuid()
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    finally:
        folder.rmdir()
    with pytest.raises(SystemExit) as refused:
        lab._private_folder(shared)
    assert f"{shared} must be yours alone" in str(refused.value)


def test_lab_gives_up_with_a_sentence_on_a_jupyterlab_with_another_token_or_one_that_never_listens(tmp_path):
    waiting = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / "jpserver-1.json").write_text(json.dumps({"port": 1, "token": "theirs", "base_url": "/"}))
        with pytest.raises(SystemExit) as stopped:
            lab._serving(waiting, tmp_path, "ours")
        assert "JupyterLab runs with a token other than the one lab gave it" in str(stopped.value)
        (tmp_path / "jpserver-1.json").unlink()
        with pytest.raises(SystemExit) as stopped:
            lab._serving(waiting, tmp_path, "ours", limit=1)
        assert "JupyterLab did not start within 1 seconds" in str(stopped.value)
    finally:
        waiting.kill()
        waiting.wait()


def test_the_link_follows_a_base_url_and_a_token_in_the_learners_jupyter_settings_changes_nothing(tmp_path):
    settings = tmp_path / "learner" / "config"
    settings.mkdir(parents=True)
    for name in ("jupyter_server_config.json", "jupyter_lab_config.json"):
        (settings / name).write_text(json.dumps({"IdentityProvider": {"token": "abc"}}))
    lab = _start_lab(tmp_path, "learner", "--ServerApp.base_url=/x/")
    try:
        link, port, token = _link(*lab, seconds=60)
        assert link.startswith(f"http://127.0.0.1:{port}/x/lab/tree/") and token != "abc"
        assert _status(link) == 200 and _status(f"http://127.0.0.1:{port}/x/api/status?token={token}") == 200
    finally:
        _stop(*lab)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads processes' environments from /proc")
def test_neither_jupyterlab_nor_a_notebooks_kernel_has_the_token_in_its_environment(tmp_path):
    process, log = _start_lab(tmp_path, "learner")
    try:
        link, port, token = _link(process, log)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/kernels", data=b"{}", method="POST",
                                         headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            kernel = json.loads(answer.read())["id"]
        deadline = time.monotonic() + 30
        while not _pids_with(f"kernel-{kernel}.json"):  # its connection file, on its command line
            assert time.monotonic() < deadline, "the kernel did not start"
            time.sleep(0.1)
        for pid in [_jupyterlab(process.work), *_pids_with(f"kernel-{kernel}.json")]:
            assert token not in _environment(pid)  # what %env shows in a notebook, and a notebook may keep
    finally:
        _stop(process, log)


def test_the_browser_gets_a_page_in_the_private_folder_that_leads_to_the_link(tmp_path):
    record, opener = tmp_path / "opened", tmp_path / "browser.py"
    # Written whole, then named: the test never reads a record the opener is still writing (it did once).
    opener.write_text("import os, pathlib, sys, urllib.parse, urllib.request\n"
                      "page = pathlib.Path(urllib.request.url2pathname(urllib.parse.urlparse(sys.argv[1]).path))\n"
                      "pathlib.Path(sys.argv[2] + '.part').write_text(sys.argv[1] + '\\n' + page.read_text() + '\\n')\n"
                      "os.replace(sys.argv[2] + '.part', sys.argv[2])\n")
    lab = _start_lab(tmp_path, "learner", browser=f"{sys.executable} {opener} %s {record}")
    try:
        link, port, token = _link(*lab)
        deadline = time.monotonic() + 60
        while not record.exists() and time.monotonic() < deadline:
            time.sleep(0.1)  # polling interval only
        url, page = record.read_text().split("\n", 1)
        assert url.startswith("file://") and token not in url  # its command line, which `ps` shows
        assert f'url={link}"' in page and page.count("file://") == 0
    finally:
        _stop(*lab)


@pytest.mark.parametrize("found", [True, False, "not asked"])
def test_lab_says_whether_a_browser_opens_the_link(tmp_path, monkeypatch, capsys, found):
    """Where no browser can be found (a remote machine), lab says so rather than "opens in your browser"."""
    opened = []

    class Browser:
        def open(self, url, new=0):
            opened.append(url)

    def get(name=None):
        if found is False:
            raise lab.webbrowser.Error("could not locate runnable browser")
        return Browser()
    monkeypatch.setattr(lab.webbrowser, "get", get)
    lab._announce("http://127.0.0.1:8888/lab?token=abc", tmp_path, found != "not asked", None)
    for _ in range(100):  # the browser is started in a thread of its own
        if opened or found is not True:
            break
        time.sleep(0.05)
    said = capsys.readouterr().out
    assert "http://127.0.0.1:8888/lab?token=abc" in said
    assert ("opens in your browser" in said) == (found is True)
    assert ("No web browser was found" in said) == (found is False)
    assert opened == ([(tmp_path / "open.html").as_uri()] if found is True else [])


def test_jupyterlab_is_local_and_quiet_and_never_asks_about_news(tmp_path):
    arguments = lab.lab_arguments(8890, root_dir="/course")  # a folder such as /work/wt-labtoken holds "token"
    assert "--ServerApp.ip=127.0.0.1" in arguments and "--ServerApp.port=8890" in arguments
    assert "--ServerApp.open_browser=False" in arguments  # lab opens it, once the server is known to be its own
    assert "--ServerApp.port_retries=0" in arguments and not any("token" in word for word in arguments)
    assert "--LabApp.news_url=None" in arguments
    assert "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate" in arguments
    environment.write_lab_settings(tmp_path)
    overrides = json.loads((tmp_path / "share/jupyter/lab/settings/overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    assert json.loads((Path(sys.prefix) / "share/jupyter/lab/settings/overrides.json").read_text()) == overrides


def test_lab_settings_already_there_are_not_written_again_and_a_folder_it_cannot_write_is_a_note(
        tmp_path, monkeypatch, capsys):
    environment.write_lab_settings(tmp_path)
    def refused(*_, **__):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(Path, "write_text", refused)  # a course folder this learner may only read
    environment.write_lab_settings(tmp_path)
    assert capsys.readouterr().err == ""  # they were there already: nothing to write
    environment.write_lab_settings(tmp_path / "elsewhere")
    said = capsys.readouterr().err
    assert said.startswith("Note: JupyterLab's settings for the course could not be written (Permission denied")


@pytest.fixture
def fake_venv(tmp_path, monkeypatch):
    """environment's set-up with its .venv in tmp_path, recording what it would create and install."""
    done = []
    venv = tmp_path / ".venv"
    for name, value in (("VENV", venv), ("PYTHON", venv / "bin" / "python"), ("STAMP", venv / "installed-from.json"),
                        ("OLD_STAMP", venv / "installed-from.sha256"), ("SETUP_LOCK", tmp_path / "lock")):
        monkeypatch.setattr(environment, name, value)

    def create(folder, **options):
        done.append(("create",))
        (venv / "bin").mkdir(parents=True)
        (venv / "bin" / "python").touch()
    monkeypatch.setattr(environment.venv, "create", create)
    monkeypatch.setattr(environment, "run", lambda command, **_: done.append(tuple(map(str, command[1:]))))
    return venv, done


def test_each_command_installs_what_its_audience_needs_once(fake_venv, capsys):
    venv, done = fake_venv
    here = str(environment.HERE)
    environment.ensure_environment()  # lab: the course alone
    assert done[0] == ("create",) and done[-1] == ("-m", "pip", "install", "--quiet", "-e", here)
    done.clear()
    environment.ensure_environment()
    assert done == []  # made once
    environment.ensure_environment(["test", "hub"])  # test adds its extras to what is there
    assert done[-1] == ("-m", "pip", "install", "--quiet", "-e", f"{here}[hub,test]") and ("create",) not in done
    done.clear()
    environment.ensure_environment(["hub"])
    environment.ensure_environment()
    assert done == []  # extras installed earlier stay
    assert "Setting up the course with its hub and test packages" in capsys.readouterr().out


def test_a_venv_made_before_extras_were_chosen_counts_as_having_them_all(fake_venv):
    venv, done = fake_venv
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").touch()
    (venv / "installed-from.sha256").write_text(environment._pyproject_hash())
    environment.ensure_environment(["test"])
    # Installed again once (such a stamp names no folder), with every extra it had.
    assert done[-1] == ("-m", "pip", "install", "--quiet", "-e", f"{environment.HERE}[hub,test]")


def test_a_course_folder_moved_since_its_set_up_is_installed_again_from_where_it_is(fake_venv):
    """The editable install maps course_utils, classroom and launcher to the folder it was made in; moved,
    the course's imports (and lab's JupyterLab, which names a class of classroom) would fail."""
    venv, done = fake_venv
    environment.ensure_environment(["hub"])
    stamp = json.loads((venv / "installed-from.json").read_text())
    assert stamp["folder"] == str(environment.HERE)
    done.clear()
    (venv / "installed-from.json").write_text(json.dumps({**stamp, "folder": "/where/it/was"}))
    environment.ensure_environment()
    assert done[-1] == ("-m", "pip", "install", "--quiet", "-e", f"{environment.HERE}[hub]")  # extras kept
    done.clear()
    del stamp["folder"]  # a stamp from before folders were recorded: where it was made is not known
    (venv / "installed-from.json").write_text(json.dumps(stamp))
    environment.ensure_environment(["hub"])
    assert done[-1] == ("-m", "pip", "install", "--quiet", "-e", f"{environment.HERE}[hub]")
    done.clear()
    environment.ensure_environment(["hub"])
    assert done == []  # once


@pytest.mark.parametrize("stamp", ['{{"pyproject": "{}", "extras": [[1]], "folder": "{}"}}',
                                   '{{"pyproject": "{}", "extras": "hub", "folder": "{}"}}',
                                   '[1]', 'not json', None], ids=["a list among the extras", "extras a word",
                                                                 "a list", "not JSON", "a folder"])
def test_a_damaged_stamp_means_one_set_up_again(fake_venv, stamp):
    venv, done = fake_venv
    environment.ensure_environment(["hub"])
    path = venv / "installed-from.json"
    path.unlink()
    here = str(environment.HERE).replace("\\", "\\\\")  # as JSON writes it
    path.mkdir() if stamp is None else path.write_text(stamp.format(environment._pyproject_hash(), here))
    done.clear()
    environment.ensure_environment(["hub"])
    assert done[-1] == ("-m", "pip", "install", "--quiet", "-e", f"{environment.HERE}[hub]")
    assert json.loads(path.read_text())["folder"] == str(environment.HERE)
    done.clear()
    environment.ensure_environment(["hub"])
    assert done == []


# What environment reads from a stamp, under a memory limit: a stamp that never ends cannot eat the machine.
READ_STAMP = """if True:
    import resource, sys
    from pathlib import Path
    from launcher import environment
    resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))
    environment.STAMP = Path(sys.argv[1])
    print(environment._installed())
"""


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="pipes and devices as a POSIX system has them")
@pytest.mark.parametrize("make", ["a link to a device that never ends", "a pipe", "nested a hundred thousand deep"])
def test_a_stamp_that_cannot_be_read_is_taken_as_nothing_installed_at_once(tmp_path, make):
    stamp = tmp_path / "installed-from.json"
    {"a link to a device that never ends": lambda: stamp.symlink_to("/dev/zero"), "a pipe": lambda: os.mkfifo(stamp),
     "nested a hundred thousand deep": lambda: stamp.write_text("[" * 100_000)}[make]()
    read = subprocess.run([sys.executable, "-c", READ_STAMP, str(stamp)], capture_output=True, text=True,
                          timeout=60, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert (read.returncode, read.stdout.strip()) == (0, "{'pyproject': None, 'extras': []}"), read.stderr[-2000:]


@pytest.mark.parametrize("make", ["a link to a folder", "a link to nothing", "a link to a file elsewhere"])
def test_a_stamp_that_is_a_link_means_one_set_up_and_then_a_file_of_its_own(fake_venv, tmp_path, make):
    venv, done = fake_venv
    environment.ensure_environment()
    stamp = venv / "installed-from.json"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "file").write_text(stamp.read_text())  # a good stamp, but not this .venv's own
    stamp.unlink()
    stamp.symlink_to({"a link to a folder": elsewhere, "a link to nothing": tmp_path / "nothing",
                      "a link to a file elsewhere": elsewhere / "file"}[make])
    done.clear()
    environment.ensure_environment()
    assert done[-1] == ("-m", "pip", "install", "--quiet", "-e", str(environment.HERE))
    assert stamp.is_file() and not stamp.is_symlink()
    assert sorted(path.name for path in elsewhere.iterdir()) == ["file"] and not (tmp_path / "nothing").exists()
    done.clear()
    environment.ensure_environment()
    assert done == []


def test_a_new_stamp_is_readable_by_everyone_whatever_the_old_ones_permissions(fake_venv):
    """A course folder shared by several accounts: each reads the stamp. An old stamp's permissions (here none
    at all) are not passed on, or an account that cannot read it would set up again at every start."""
    venv, done = fake_venv
    environment.ensure_environment()
    stamp = venv / "installed-from.json"
    assert stat.S_IMODE(stamp.stat().st_mode) == 0o644
    stamp.chmod(0)
    (venv / "installed-from.sha256").unlink(missing_ok=True)
    stamp.write_text("not json")  # read as nothing installed: a set-up
    environment.ensure_environment()
    assert stat.S_IMODE(stamp.stat().st_mode) == 0o644


def test_a_set_up_cut_short_is_finished_without_creating_python_again(fake_venv):
    """Creating .venv over a Python that runs (lab's JupyterLab, say) fails on Linux with "Text file busy":
    a .venv that has a Python but no record of its set-up gets pip again, never a new Python."""
    venv, done = fake_venv
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").touch()
    environment.ensure_environment()
    assert ("create",) not in done and ("-m", "ensurepip", "--upgrade") in done
    assert json.loads((venv / "installed-from.json").read_text())["extras"] == []


def test_a_second_set_up_waits_for_the_first(tmp_path):
    lock = tmp_path / "setup.lock"
    holder = subprocess.Popen([sys.executable, "-c", f"""
import time; from launcher import environment
with environment.setup_lock({str(lock)!r}):
    print("holding", flush=True); time.sleep(3)
"""], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "holding"
    started = time.monotonic()
    waiter = subprocess.run([sys.executable, "-c", f"""
from launcher import environment
with environment.setup_lock({str(lock)!r}):
    print("got it")
"""], capture_output=True, text=True, timeout=60)
    holder.wait(timeout=30)
    holder.stdout.close()
    assert "waiting for it to finish" in waiter.stdout and waiter.stdout.strip().endswith("got it")
    assert time.monotonic() - started > 1  # it really waited for the holder


@pytest.mark.skipif(os.name == "nt", reason="Windows has no Unix permissions")
def test_the_lock_file_is_its_owners_alone(tmp_path):
    """Whoever can open the lock file can hold it (flock needs only reading), and keep every set-up waiting:
    a learner's kernel could, when it was 0644. One left by an older course.py is closed as well."""
    old = tmp_path / "old.lock"
    old.touch(mode=0o644)
    for lock in (tmp_path / "new.lock", old):
        with environment.setup_lock(str(lock)):
            pass
        assert lock.stat().st_mode & 0o777 == 0o600, lock


def _notebook(*sources):
    cells = [{"cell_type": "code", "id": f"cell{i}", "metadata": {}, "source": source, "outputs": [],
              "execution_count": None} for i, source in enumerate(sources)]
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _sources(path):
    return ["".join(cell["source"]) for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]]


def test_copies_are_made_once_and_an_update_keeps_the_learners_cells(tmp_path):
    shipped, work = tmp_path / "notebooks", tmp_path / "my-work"
    shipped.mkdir()
    (shipped / "01_error.ipynb").write_text(json.dumps(_notebook("intro", "def mse(p, a):\n    ...", "quiz")))
    assert copies.give_copies(shipped, work) == ["Your own copy of 01_error.ipynb is in my-work/."]

    mine = json.loads((work / "01_error.ipynb").read_text())
    mine["cells"][1]["source"] = "def mse(p, a):\n    return ((p - a) ** 2).mean()"
    mine["cells"].insert(2, dict(mine["cells"][0], id="mine", source="print('my own note')"))
    (work / "01_error.ipynb").write_text(json.dumps(mine))
    assert copies.give_copies(shipped, work) == []  # never overwritten
    assert copies.outdated_copies(shipped, work) == []  # changed by the learner, but from this course
    assert copies.update_copies(shipped, work) == ["Your copies are up to date."]

    # The course corrects its intro and its quiz: the learner gets both, and keeps their two cells.
    (shipped / "01_error.ipynb").write_text(json.dumps(_notebook("intro, corrected", "def mse(p, a):\n    ...",
                                                                 "quiz, corrected")))
    assert "made: 01_error. To take the corrections" in copies.outdated_copies(shipped, work)[0]  # `lab` says so
    report = copies.update_copies(shipped, work)
    assert copies.outdated_copies(shipped, work) == []
    assert "keeping your 2 changed or added cell(s)" in report[0]
    assert _sources(work / "01_error.ipynb") == ["intro, corrected", "def mse(p, a):\n    return ((p - a) ** 2).mean()",
                                                 "print('my own note')", "quiz, corrected"]
    (old,) = (work / "old").glob("01_error *.ipynb")
    assert _sources(old)[2] == "print('my own note')"  # the copy before the update, untouched

    assert copies.fresh_copy("01_error", shipped, work)[0] == "A fresh copy of 01_error is in my-work/."
    assert _sources(work / "01_error.ipynb")[1] == "def mse(p, a):\n    ..."
    assert len(list((work / "old").glob("01_error *.ipynb"))) >= 1
    assert "the notebooks are: 01_error" in copies.fresh_copy("99_nothing", shipped, work)[0]


def test_the_environment_check_runs_in_a_python_without_the_course_and_says_what_to_do(tmp_path):
    bare = subprocess.run([sys.executable, "-S", "-I", str(ROOT / "course_utils" / "setup_check.py")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert bare.returncode == 0 and bare.stderr == ""
    assert "does not have the course installed" in bare.stdout and "python3 course.py lab" in bare.stdout
    assert "Select Kernel" in bare.stdout and sys.executable in bare.stdout


def test_every_notebook_checks_its_kernel_before_importing_anything():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        first = next(cell for cell in cells if cell["cell_type"] == "code")
        code = [line for line in "".join(first["source"]).splitlines() if line and not line.startswith("#")]
        assert code[0] == "%run ../course_utils/setup_check.py", path.name


# --- Nothing a learner writes is ever lost ---------------------------------------------------------------

def _course(tmp_path, **notebooks):
    """A course folder with these notebooks (name -> list of cell sources), and an empty work folder."""
    shipped, work = tmp_path / "notebooks", tmp_path / "my-work"
    shipped.mkdir(exist_ok=True)
    for name, sources in notebooks.items():
        (shipped / f"{name}.ipynb").write_text(json.dumps(_notebook(*sources)))
    return shipped, work


def _edit(path, change):
    """Change a learner's copy as JupyterLab would save it."""
    mine = json.loads(path.read_text(encoding="utf-8"))
    change(mine)
    path.write_text(json.dumps(mine), encoding="utf-8")


def _everything_kept(work):
    return {path.relative_to(work).as_posix(): path.read_bytes() for path in work.rglob("*") if path.is_file()}


def test_fresh_twice_within_one_second_keeps_both_set_aside_copies(tmp_path, monkeypatch):
    shipped, work = _course(tmp_path, **{"01_error": ["intro", "..."]})
    copies.give_copies(shipped, work)
    monkeypatch.setattr(files.time, "strftime", lambda *_: "2026-12-05 081500")  # the same second
    for answer in ("my first answer", "my second answer"):
        _edit(work / "01_error.ipynb", lambda mine: mine["cells"][1].update(source=answer))
        copies.fresh_copy("01_error", shipped, work)
    kept = sorted(_sources(path)[1] for path in (work / "old").glob("01_error *.ipynb"))
    assert kept == ["my first answer", "my second answer"]


def test_update_keeps_both_edited_cells_that_share_a_cell_id(tmp_path):
    shipped, work = _course(tmp_path, **{"01_error": ["intro", "def mse(p, a):\n    ..."]})
    copies.give_copies(shipped, work)
    _edit(work / "01_error.ipynb", lambda mine: mine["cells"].insert(2, dict(mine["cells"][1])))  # duplicated
    _edit(work / "01_error.ipynb", lambda mine: [mine["cells"][1].update(source="first try"),
                                                 mine["cells"][2].update(source="second try")])
    _course(tmp_path, **{"01_error": ["intro, corrected", "def mse(p, a):\n    ..."]})
    copies.update_copies(shipped, work, runtimes=[])
    assert _sources(work / "01_error.ipynb") == ["intro, corrected", "first try", "second try"]
    ids = [cell["id"] for cell in json.loads((work / "01_error.ipynb").read_text())["cells"]]
    assert len(set(ids)) == 3  # nbformat 4.5: each cell its own id


def test_update_keeps_the_learners_notebook_metadata_and_widget_state(tmp_path):
    shipped, work = _course(tmp_path, **{"01_error": ["intro", "quiz()"]})
    copies.give_copies(shipped, work)
    widgets = {"application/vnd.jupyter.widget-state+json": {"state": {"abc": {"value": "choice B"}}}}
    _edit(work / "01_error.ipynb", lambda mine: mine["metadata"].update(widgets=widgets, mine="my note"))
    corrected = _notebook("intro, corrected", "quiz()")
    corrected["metadata"] = {"kernelspec": {"name": "python3", "display_name": "Python 3 (course)"}}
    (shipped / "01_error.ipynb").write_text(json.dumps(corrected))
    copies.update_copies(shipped, work, runtimes=[])
    metadata = json.loads((work / "01_error.ipynb").read_text())["metadata"]
    assert metadata["widgets"] == widgets and metadata["mine"] == "my note"
    assert metadata["kernelspec"]["display_name"] == "Python 3 (course)"
    assert metadata["course"]["sha256"] == copies._sha256(corrected)  # the copy now comes from this version
    assert copies.outdated_copies(shipped, work) == []


@pytest.mark.parametrize("saved", [b"", b'{"cells": [{"cell_type": "code", "sour', b"[]", b"\xff\xfe"],
                         ids=["empty", "cut short", "not a notebook", "not text"])
def test_a_broken_copy_is_named_left_as_it_is_and_the_others_are_updated(tmp_path, saved):
    shipped, work = _course(tmp_path, **{"01_error": ["intro"], "02_linear": ["intro"]})
    copies.give_copies(shipped, work)
    (work / "01_error.ipynb").write_bytes(saved)
    _course(tmp_path, **{"01_error": ["intro, corrected"], "02_linear": ["intro, corrected"]})
    lab_says = copies.outdated_copies(shipped, work)  # what `lab` prints before it starts
    assert "02_linear" in lab_says[0] and "01_error.ipynb cannot be read" in lab_says[1]
    report = copies.update_copies(shipped, work, runtimes=[])
    assert "01_error.ipynb cannot be read" in report[0] and "fresh 01_error" in report[0]
    assert report[1].startswith("02_linear: updated")
    assert (work / "01_error.ipynb").read_bytes() == saved
    assert _sources(work / "02_linear.ipynb") == ["intro, corrected"]


def test_hub_update_goes_on_past_a_learner_with_a_broken_copy(tmp_path, monkeypatch):
    from classroom import hub
    shipped, homes = tmp_path / "notebooks", tmp_path / "homes"
    _course(tmp_path, **{"01_error": ["intro"]})
    monkeypatch.setattr(copies, "COURSE", shipped)
    for name in ("ada", "bob"):
        copies.give_copies(shipped, homes / name / "my-work")
    (homes / "ada" / "my-work" / "01_error.ipynb").write_bytes(b"")
    _course(tmp_path, **{"01_error": ["intro, corrected"]})
    report = hub.update_learners(homes)
    assert report[0].startswith("ada: Your copy 01_error.ipynb cannot be read")
    assert report[1].startswith("bob: 01_error: updated")
    assert (homes / "ada" / "my-work" / "01_error.ipynb").read_bytes() == b""


def _writes_fail(monkeypatch, folder, code, budget=0):
    """From now on writing under `folder` fails as the system would: ENOSPC once `budget` more bytes are
    written (a disk filling up midway), or EACCES at once, for every way of making or changing a file (a
    read-only folder; chmod would not do, as root may write anyway)."""
    import builtins
    import errno
    import io
    folder, left, real_open = Path(folder).resolve(), [budget], io.open

    def inside(path):
        return isinstance(path, int) or Path(os.fsdecode(path)).resolve().is_relative_to(folder)

    def refuse(*_, **__):
        raise OSError(code, os.strerror(code))

    class Filling:  # a file on a disk with `left` bytes free
        def __init__(self, handle):
            self.handle = handle

        def __getattr__(self, name):
            return getattr(self.handle, name)

        def __enter__(self):
            return self

        def __exit__(self, *_):
            self.handle.close()

        def write(self, data):
            room, left[0] = max(left[0], 0), left[0] - len(data)
            if len(data) > room:
                self.handle.write(data[:room])
                self.handle.flush()
                refuse()
            return self.handle.write(data)

    def fake_open(file, mode="r", *args, **kwargs):
        writing = any(flag in mode for flag in "wxa+") and inside(file)
        if writing and code != errno.ENOSPC:
            refuse()
        handle = real_open(file, mode, *args, **kwargs)
        return Filling(handle) if writing else handle

    monkeypatch.setattr(io, "open", fake_open)
    monkeypatch.setattr(builtins, "open", fake_open)
    if code != errno.ENOSPC:
        for name in ("mkdir", "rename", "replace", "link", "unlink", "remove", "open"):
            real = getattr(os, name)
            def refused(path, *args, _real=real, _name=name, **kwargs):  # os.open: only to write
                writes = _name != "open" or args[0] & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
                return refuse() if writes and inside(path) else _real(path, *args, **kwargs)
            monkeypatch.setattr(os, name, refused)


def test_a_read_only_my_work_gets_a_sentence_saying_what_to_do(tmp_path, monkeypatch):
    import errno
    shipped, work = _course(tmp_path, **{"01_error": ["intro"], "02_linear": ["intro"]})
    copies.give_copies(shipped, work)
    (work / "02_linear.ipynb").unlink()
    _course(tmp_path, **{"01_error": ["intro, corrected"], "02_linear": ["intro"]})
    before = _everything_kept(work)
    _writes_fail(monkeypatch, work, errno.EACCES)
    for report in (copies.update_copies(shipped, work, runtimes=[]), copies.fresh_copy("01_error", shipped, work, []),
                   copies.give_copies(shipped, work)):
        assert "cannot be written (Permission denied)" in report[-1] and "writable" in report[-1], report
    monkeypatch.undo()
    assert _everything_kept(work) == before


@pytest.mark.parametrize("full_while", ["setting aside", "writing the update"])
def test_update_on_a_full_disk_leaves_the_copy_whole_and_lab_starts(tmp_path, monkeypatch, full_while):
    import errno
    shipped, work = _course(tmp_path, **{"01_error": ["intro", "..."]})
    copies.give_copies(shipped, work)
    _edit(work / "01_error.ipynb", lambda mine: mine["cells"][1].update(source="my answer"))
    _course(tmp_path, **{"01_error": ["intro, corrected", "..."]})
    mine = (work / "01_error.ipynb").read_bytes()
    free = 10 if full_while == "setting aside" else len(mine) + 100  # the copy aside fits, the update not
    _writes_fail(monkeypatch, work, errno.ENOSPC, budget=free)
    report = copies.update_copies(shipped, work, runtimes=[])
    monkeypatch.undo()
    assert "The disk is full" in report[0] and "free some space" in report[0]
    assert (work / "01_error.ipynb").read_bytes() == mine
    assert all(path.read_bytes() == mine for path in (work / "old").glob("*"))  # nothing half-written kept
    assert sorted(path.name for path in work.iterdir() if path.is_file()) == ["01_error.ipynb"]  # no temporary
    assert "01_error" in copies.outdated_copies(shipped, work)[0]  # `lab` starts, and says update is due
    assert copies.update_copies(shipped, work, runtimes=[])[0].startswith("01_error: updated")
    assert _sources(work / "01_error.ipynb") == ["intro, corrected", "my answer"]


def test_update_takes_a_copy_saved_without_cell_ids(tmp_path):
    shipped, work = _course(tmp_path, **{"01_error": ["intro", "def mse(p, a):\n    ...", "quiz"]})
    copies.give_copies(shipped, work)

    def as_colab_saves_it(mine):  # nbformat 4.4: no cell ids; one answer written, one note added
        mine["nbformat_minor"] = 4
        for cell in mine["cells"]:
            del cell["id"]
        mine["cells"][1]["source"] = "def mse(p, a):\n    return ((p - a) ** 2).mean()"
        mine["cells"].insert(2, dict(mine["cells"][0], source="my note"))
    _edit(work / "01_error.ipynb", as_colab_saves_it)
    _course(tmp_path, **{"01_error": ["intro, corrected", "def mse(p, a):\n    ...", "quiz, corrected"]})
    assert copies.update_copies(shipped, work, runtimes=[])[0].startswith("01_error: updated, keeping your 2")
    assert _sources(work / "01_error.ipynb") == ["intro, corrected", "def mse(p, a):\n    return ((p - a) ** 2).mean()",
                                                 "my note", "quiz, corrected"]
    updated = json.loads((work / "01_error.ipynb").read_text())
    assert updated["nbformat_minor"] == 5 and len({cell["id"] for cell in updated["cells"]}) == 4


def test_a_cell_whose_type_the_learner_changed_stays_as_they_have_it(tmp_path):
    shipped, work = _course(tmp_path, **{"01_error": ["intro", "# Notes", "quiz"]})
    copies.give_copies(shipped, work)
    _edit(work / "01_error.ipynb", lambda mine: mine["cells"][1].update(cell_type="markdown"))
    _course(tmp_path, **{"01_error": ["intro, corrected", "# Notes", "quiz"]})
    copies.update_copies(shipped, work, runtimes=[])
    cells = json.loads((work / "01_error.ipynb").read_text())["cells"]
    assert [(cell["cell_type"], cell["source"]) for cell in cells] == [
        ("code", "intro, corrected"), ("markdown", "# Notes"), ("code", "quiz")]


def test_fresh_before_the_first_lab_makes_the_copy(tmp_path):
    shipped, work = _course(tmp_path, **{"01_error": ["intro"]})
    assert copies.fresh_copy("01_error", shipped, work, runtimes=[]) == ["A fresh copy of 01_error is in my-work/."]
    assert _sources(work / "01_error.ipynb") == ["intro"]


def test_hub_update_never_writes_through_a_learners_data_link_and_goes_on(tmp_path, monkeypatch):
    from classroom import hub
    root = tmp_path / "course"  # the course's own data, which a link in ada's home points at
    (root / "data").mkdir(parents=True)
    (root / "data" / "houses.csv").write_text("area,price\n1,2\n")
    monkeypatch.setattr(hub, "HERE", root)
    shipped, homes = tmp_path / "notebooks", tmp_path / "homes"
    _course(tmp_path, **{"01_error": ["intro"]})
    monkeypatch.setattr(copies, "COURSE", shipped)
    for name in ("ada", "bob"):
        copies.give_copies(shipped, homes / name / "my-work")
    (homes / "ada" / "data").symlink_to(root / "data", target_is_directory=True)
    (homes / "bob" / "data").mkdir()
    (homes / "bob" / "data" / "houses.csv").write_text("area,price\n1,2\nmy own row\n")
    _course(tmp_path, **{"01_error": ["intro, corrected"]})
    report = hub.update_learners(homes)
    assert report[0].startswith("ada: 01_error: updated") and "ada: data is a link" in report[1]
    assert report[2].startswith("bob: 01_error: updated") and report[3].startswith("bob: data/houses.csv: your")
    assert (root / "data" / "houses.csv").read_text() == "area,price\n1,2\n"
    assert (homes / "bob" / "data" / "houses.csv").read_text() == "area,price\n1,2\n"
    (kept,) = (homes / "bob" / "my-work" / "old").glob("houses *.csv")
    assert kept.read_text().endswith("my own row\n")


class _Jupyter:
    """A stand-in for a running Jupyter server: its jpserver-*.json in `runtime`, and /api/sessions
    answering its token with the notebooks open under `root`."""

    def __init__(self, runtime, root, open_paths, base_url="/", body=None):
        import http.server
        import threading
        test = self

        class Answer(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                asked = self.headers.get("Authorization") == "token its-token"
                test.asked += [self.path]
                answer = body or json.dumps([{"path": path, "type": "notebook"} for path in open_paths]).encode()
                self.send_response(200 if asked else 403)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_):
                pass

        self.asked, self.server = [], http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        port = self.server.server_address[1]
        runtime.mkdir(parents=True, exist_ok=True)
        (runtime / "jpserver-1.json").write_text(json.dumps({
            "pid": os.getpid(), "port": port, "token": "its-token", "root_dir": str(root), "base_url": base_url,
            "secure": False, "sock": "", "url": f"http://localhost:{port}{base_url}"}))

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def test_update_and_fresh_leave_a_notebook_open_in_jupyterlab_alone(tmp_path, monkeypatch):
    shipped, work = _course(tmp_path, **{"01_error": ["intro"], "02_linear": ["intro"]})
    copies.give_copies(shipped, work)
    _course(tmp_path, **{"01_error": ["intro, corrected"], "02_linear": ["intro, corrected"]})
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    mine = (work / "01_error.ipynb").read_bytes()
    lab = _Jupyter(tmp_path / "runtime", tmp_path, ["my-work/01_error.ipynb"])
    try:
        report = copies.update_copies(shipped, work)
        assert report[0] == ("01_error is open in JupyterLab, so it was left as it is: close it (File > Close and "
                             "Shut Down Notebook), then run update again.")
        assert report[1].startswith("02_linear: updated") and lab.asked == ["/api/sessions"]
        assert "01_error is open in JupyterLab" in copies.fresh_copy("01_error", shipped, work)[0]
        assert (work / "01_error.ipynb").read_bytes() == mine
    finally:
        lab.stop()
    assert copies.update_copies(shipped, work)[0].startswith("01_error: updated")  # closed: its file is stale


def test_update_sees_a_notebook_open_in_labs_own_jupyterlab(tmp_path, monkeypatch):
    """`lab` gives its JupyterLab a private runtime folder under LAB_RUNTIME: update looks there too."""
    shipped, work = _course(tmp_path, **{"01_error": ["intro"]})
    copies.give_copies(shipped, work)
    _course(tmp_path, **{"01_error": ["intro, corrected"]})
    monkeypatch.setattr(servers, "LAB_RUNTIME", tmp_path / "lab-runtime")
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "elsewhere"))
    mine = (work / "01_error.ipynb").read_bytes()
    lab = _Jupyter(tmp_path / "lab-runtime" / "course-lab-x", tmp_path, ["my-work/01_error.ipynb"])
    try:
        assert copies.update_copies(shipped, work)[0].startswith("01_error is open in JupyterLab")
        assert (work / "01_error.ipynb").read_bytes() == mine
    finally:
        lab.stop()


@pytest.mark.parametrize("change", [{"token": "not its token"}, {"hostname": "192.0.2.7"}],
                         ids=["refuses the token", "listens on another address"])
def test_update_changes_nothing_when_a_jupyter_server_cannot_be_asked(tmp_path, change):
    shipped, work = _course(tmp_path, **{"01_error": ["intro"]})
    copies.give_copies(shipped, work)
    _course(tmp_path, **{"01_error": ["intro, corrected"]})
    mine = (work / "01_error.ipynb").read_bytes()
    lab = _Jupyter(tmp_path / "runtime", tmp_path, [])
    info = json.loads((tmp_path / "runtime" / "jpserver-1.json").read_text())
    (tmp_path / "runtime" / "jpserver-1.json").write_text(json.dumps(dict(info, **change)))
    try:
        report = copies.update_copies(shipped, work, runtimes=[tmp_path / "runtime"])
    finally:
        lab.stop()
    assert "could not be asked which notebooks it has open" in report[0] and len(report) == 1
    assert (work / "01_error.ipynb").read_bytes() == mine
    assert lab.asked == ([] if "hostname" in change else ["/api/sessions"])  # only ever this machine


def test_hub_update_leaves_a_notebook_open_in_a_learners_server_alone(tmp_path, monkeypatch):
    from classroom import hub
    shipped, homes = tmp_path / "notebooks", tmp_path / "homes"
    _course(tmp_path, **{"01_error": ["intro"]})
    monkeypatch.setattr(copies, "COURSE", shipped)
    monkeypatch.setattr(hub, "HERE", tmp_path)  # no data/ to copy
    for name in ("ada", "bob"):
        copies.give_copies(shipped, homes / name / "my-work")
    _course(tmp_path, **{"01_error": ["intro, corrected"]})
    # Where the hub's server for ada writes its jpserver-*.json: jupyter_core's default in her home (HOME).
    runtime = homes / "ada" / ("Library/Jupyter" if sys.platform == "darwin" else ".local/share/jupyter") / "runtime"
    lab = _Jupyter(runtime, homes / "ada", ["my-work/01_error.ipynb"], base_url="/user/ada/")
    try:
        report = hub.update_learners(homes)
    finally:
        lab.stop()
    assert lab.asked == ["/user/ada/api/sessions"]
    assert report == ["ada: 01_error is open in JupyterLab, so it was left as it is: close it (File > Close and "
                      "Shut Down Notebook), then run hub update again.", report[1]]
    assert report[1].startswith("bob: 01_error: updated")


# --- A learner's files that are not what they seem (pipes, links, nesting, servers that drip) -----------

def _in_child(code, seconds=30, **options):
    """Run `code` in a Python of its own that imports course.py; None if it had not ended after `seconds`
    (it is killed): a hang fails a test instead of stopping the suite."""
    try:
        return subprocess.run([*options.pop("prefix", []), sys.executable, "-c", code], capture_output=True,
                              text=True, timeout=seconds, env=dict(os.environ, PYTHONPATH=str(ROOT)), **options)
    except subprocess.TimeoutExpired:
        return None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_copy_that_is_a_pipe_or_a_device_is_named_and_lab_update_and_fresh_go_on(tmp_path):
    shipped, work = _course(tmp_path, **{"01_error": ["intro"], "02_linear": ["intro"], "03_grad": ["intro"]})
    copies.give_copies(shipped, work)
    (work / "01_error.ipynb").unlink()
    os.mkfifo(work / "01_error.ipynb")  # nothing ever writes into it: opening it to read waits for ever
    (work / "02_linear.ipynb").unlink()
    (work / "02_linear.ipynb").symlink_to("/dev/zero")  # never ends
    _course(tmp_path, **{"01_error": ["intro, corrected"], "02_linear": ["intro, corrected"],
                         "03_grad": ["intro, corrected"]})
    ran = _in_child("import json; from launcher import copies; from pathlib import Path\n"
                    f"s, w = Path({str(shipped)!r}), Path({str(work)!r})\n"
                    "print(json.dumps([copies.outdated_copies(s, w), copies.update_copies(s, w, runtimes=[]),\n"
                    "                  copies.fresh_copy('01_error', s, w, runtimes=[]),\n"
                    "                  copies.fresh_copy('02_linear', s, w, runtimes=[])]))")
    assert ran is not None, "hung on a pipe or a device"
    lab_says, updated, *fresh = json.loads(ran.stdout)
    for report in (lab_says[1:], updated[:2], *fresh):
        assert all("is not a file (a pipe, a device or a folder), so it was left as it is" in line for line in report)
    assert updated[2].startswith("03_grad: updated")
    assert stat.S_ISFIFO((work / "01_error.ipynb").lstat().st_mode) and (work / "02_linear.ipynb").is_symlink()


def test_a_copy_over_the_size_limit_is_named_and_left_as_it_is(tmp_path):
    shipped, work = _course(tmp_path, **{"01_error": ["intro"]})
    copies.give_copies(shipped, work)
    os.truncate(work / "01_error.ipynb", 60 * 2**20)  # 60 MB (of nothing: a sparse file)
    _course(tmp_path, **{"01_error": ["intro, corrected"]})
    for report in (copies.outdated_copies(shipped, work), copies.update_copies(shipped, work, runtimes=[]),
                   copies.fresh_copy("01_error", shipped, work, runtimes=[])):
        assert "01_error.ipynb is over 50 MB, so it was left as it is" in report[-1], report
    assert (work / "01_error.ipynb").stat().st_size == 60 * 2**20 and not (work / "old").exists()


def test_a_deeply_nested_copy_is_named_as_broken_and_the_others_are_updated(tmp_path):
    shipped, work = _course(tmp_path, **{"01_error": ["intro"], "02_linear": ["intro"]})
    copies.give_copies(shipped, work)
    (work / "01_error.ipynb").write_text("[" * 100_000)  # Python's parser gives up (RecursionError)
    _course(tmp_path, **{"01_error": ["intro, corrected"], "02_linear": ["intro, corrected"]})
    assert "01_error.ipynb cannot be read" in copies.outdated_copies(shipped, work)[1]  # `lab` starts
    report = copies.update_copies(shipped, work, runtimes=[])
    assert "01_error.ipynb cannot be read" in report[0] and report[1].startswith("02_linear: updated")
    assert (work / "01_error.ipynb").read_text() == "[" * 100_000


@pytest.mark.parametrize("nested", ["its runtime file", "its answer"])
def test_a_deeply_nested_runtime_file_or_server_answer_changes_nothing(tmp_path, nested):
    shipped, work = _course(tmp_path, **{"01_error": ["intro"]})
    copies.give_copies(shipped, work)
    _course(tmp_path, **{"01_error": ["intro, corrected"]})
    mine = (work / "01_error.ipynb").read_bytes()
    lab = _Jupyter(tmp_path / "runtime", tmp_path, [], body=b"[" * 100_000 if nested == "its answer" else None)
    if nested == "its runtime file":
        (tmp_path / "runtime" / "jpserver-1.json").write_text("[" * 100_000)
    try:
        report = copies.update_copies(shipped, work, runtimes=[tmp_path / "runtime"])
    finally:
        lab.stop()
    assert "could not be asked which notebooks it has open" in report[0] and len(report) == 1
    assert (work / "01_error.ipynb").read_bytes() == mine


def test_a_notebook_open_through_a_link_in_another_servers_root_is_left_alone(tmp_path):
    shipped, work = _course(tmp_path, **{"01_error": ["intro"]})
    copies.give_copies(shipped, work)
    _course(tmp_path, **{"01_error": ["intro, corrected"]})
    elsewhere = tmp_path / "elsewhere"  # a server's root that does not hold my-work/, but a link into it
    elsewhere.mkdir()
    (elsewhere / "linked.ipynb").symlink_to(work / "01_error.ipynb")
    mine = (work / "01_error.ipynb").read_bytes()
    lab = _Jupyter(tmp_path / "runtime", elsewhere, ["linked.ipynb"])
    try:
        report = copies.update_copies(shipped, work, runtimes=[tmp_path / "runtime"])
    finally:
        lab.stop()
    assert report[0].startswith("01_error is open in JupyterLab") and (work / "01_error.ipynb").read_bytes() == mine


@pytest.mark.parametrize("command", ["update", "fresh"])
def test_nothing_is_set_aside_through_a_linked_my_work_old(tmp_path, command):
    shipped, work = _course(tmp_path, **{"01_error": ["intro"]})
    copies.give_copies(shipped, work)
    (work / "old").symlink_to(shipped, target_is_directory=True)  # the next `lab` would copy what lands there
    _course(tmp_path, **{"01_error": ["intro, corrected"]})
    mine = (work / "01_error.ipynb").read_bytes()
    report = (copies.update_copies(shipped, work, runtimes=[]) if command == "update"
              else copies.fresh_copy("01_error", shipped, work, runtimes=[]))
    assert report == [f"my-work/old is a link (to {shipped}), so nothing was changed: make it a folder again "
                      f"(move the link away), then run {'update' if command == 'update' else 'fresh 01_error'} again."]
    assert [path.name for path in shipped.iterdir()] == ["01_error.ipynb"]
    assert (work / "01_error.ipynb").read_bytes() == mine


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL")
def test_a_kill_while_a_copy_is_set_aside_leaves_no_cut_short_copy_in_old(tmp_path):
    shipped, work = _course(tmp_path, **{"01_error": ["intro", "..."]})
    copies.give_copies(shipped, work)
    _edit(work / "01_error.ipynb", lambda mine: mine["cells"][1].update(source="my answer"))
    _course(tmp_path, **{"01_error": ["intro, corrected", "..."]})
    mine = (work / "01_error.ipynb").read_bytes()
    ran = _in_child("import os, signal; from launcher import copies, files; from pathlib import Path\n"
                    "def half(handle, data):  # the power goes midway\n"
                    "    handle.write(data[:len(data) // 2]); handle.flush(); os.kill(os.getpid(), signal.SIGKILL)\n"
                    f"files._write_all = half\n"
                    f"copies.update_copies(Path({str(shipped)!r}), Path({str(work)!r}), runtimes=[])")
    assert ran.returncode == -signal.SIGKILL
    assert all(path.read_bytes() == mine for path in (work / "old").glob("*"))
    assert (work / "01_error.ipynb").read_bytes() == mine
    assert copies.update_copies(shipped, work, runtimes=[])[0].startswith("01_error: updated")
    assert [path.read_bytes() for path in (work / "old").glob("*")] == [mine]


def test_update_sees_a_notebook_open_in_a_jupyterlab_started_as_lab_starts_it(tmp_path, monkeypatch):
    """A real JupyterLab with its runtime folder where `lab` makes it; `update` runs in another terminal."""
    shipped, work = _course(tmp_path, **{"01_error": ["intro"]})
    copies.give_copies(shipped, work)
    _course(tmp_path, **{"01_error": ["intro, corrected"]})
    monkeypatch.setattr(servers, "LAB_RUNTIME", tmp_path / "lab-runtime")
    runtime = lab._private_folder(servers.LAB_RUNTIME)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([str(environment.PYTHON), *lab.lab_arguments(port, root_dir=tmp_path)],
                              env=dict(os.environ, JUPYTER_TOKEN="x", JUPYTER_RUNTIME_DIR=str(runtime)),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        sessions = f"http://127.0.0.1:{port}/api/sessions"
        for _ in range(120):
            try:
                urllib.request.urlopen(urllib.request.Request(sessions, headers={"Authorization": "token x"}),
                                       timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        body = json.dumps({"path": "my-work/01_error.ipynb", "type": "notebook", "name": "",
                           "kernel": {"name": "python3"}})
        urllib.request.urlopen(urllib.request.Request(sessions, data=body.encode(), method="POST", headers={
            "Authorization": "token x", "Content-Type": "application/json"}), timeout=60)
        monkeypatch.delenv("JUPYTER_RUNTIME_DIR", raising=False)  # the learner's other terminal
        monkeypatch.setenv("HOME", str(tmp_path / "home"))
        mine = (work / "01_error.ipynb").read_bytes()
        assert copies.update_copies(shipped, work)[0].startswith("01_error is open in JupyterLab")
        assert (work / "01_error.ipynb").read_bytes() == mine
    finally:
        lab._stop(server)


# --- hub update: one learner's home is never the class's problem ---------------------------------------

def _class(tmp_path, monkeypatch, *names):
    """Learners' homes with a copy of 01_error each, made before the course corrected it; no data/ to copy."""
    from classroom import hub
    shipped, homes = tmp_path / "notebooks", tmp_path / "homes"
    _course(tmp_path, **{"01_error": ["intro"]})
    monkeypatch.setattr(copies, "COURSE", shipped)
    monkeypatch.setattr(hub, "HERE", tmp_path)
    for name in names:
        copies.give_copies(shipped, homes / name / "my-work")
    _course(tmp_path, **{"01_error": ["intro, corrected"]})
    return hub, homes


HUB_UPDATE = ("import json; from classroom import hub; from launcher import copies; from pathlib import Path; "
              "copies.COURSE, hub.HERE = Path({root!r}) / 'notebooks', Path({root!r}); "
              "print(json.dumps(hub.update_learners(Path({root!r}) / 'homes')))")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
@pytest.mark.parametrize("server", ["a pipe for a runtime file", "a server that drips its answer"])
def test_hub_update_goes_on_past_a_learner_whose_server_never_answers_whole(tmp_path, monkeypatch, server, request):
    hub, homes = _class(tmp_path, monkeypatch, "ada", "bob", "cem")
    runtime = homes / "bob" / ".local" / "share" / "jupyter" / "runtime"
    runtime.mkdir(parents=True)
    if server == "a pipe for a runtime file":
        os.mkfifo(runtime / "jpserver-1.json")
    else:  # headers at once, then a byte every 2 seconds: no single read waits long
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()

        finished = threading.Event()

        def drip():
            with listener, listener.accept()[0] as connection, contextlib.suppress(OSError):
                connection.recv(4096)
                connection.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 1000000\r\n\r\n[")
                while not finished.wait(2):  # until the test ends: then both sockets are closed
                    connection.sendall(b" ")
        dripping = threading.Thread(target=drip, daemon=True)
        dripping.start()
        request.addfinalizer(lambda: (finished.set(), dripping.join(10)))
        (runtime / "jpserver-1.json").write_text(json.dumps({
            "port": listener.getsockname()[1], "hostname": "127.0.0.1", "token": "t", "root_dir": str(homes / "bob"),
            "pid": os.getpid()}))
    ran = _in_child(HUB_UPDATE.format(root=str(tmp_path)), seconds=40)
    assert ran is not None, "one learner's server stopped the class's update"
    report = json.loads(ran.stdout)
    assert report[0].startswith("ada: 01_error: updated") and report[2].startswith("cem: 01_error: updated")
    said = "01_error: updated" if "pipe" in server else "The JupyterLab of jpserver-1.json (TimeoutError"
    assert report[1].startswith(f"bob: {said}")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0 and not shutil.which("setpriv"),
                    reason="needs an account that file permissions apply to")
def test_hub_update_goes_on_past_a_home_it_cannot_read(tmp_path, monkeypatch):
    root = Path(tempfile.mkdtemp(prefix="course-hub-"))  # pytest's tmp_path is 0700: `nobody` could not reach it
    try:
        hub, homes = _class(root, monkeypatch, "ada", "bob", "cem")
        as_nobody = []
        if os.geteuid() == 0:  # root reads every folder: the hub runs as an ordinary account
            root.chmod(0o755)
            subprocess.run(["chown", "-R", "65534:65534", str(root)], check=True)
            as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        (homes / "bob").chmod(0)  # bob's `chmod 000 ~`
        ran = _in_child(HUB_UPDATE.format(root=str(root)), prefix=as_nobody)
        (homes / "bob").chmod(0o755)
        assert ran.returncode == 0, ran.stderr[-2000:]
        report = json.loads(ran.stdout)
        assert report[0].startswith("ada: 01_error: updated") and report[2].startswith("cem: 01_error: updated")
        assert report[1] == "bob: cannot be read (Permission denied), so nothing was updated."
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_hub_update_says_what_it_did_when_a_learners_data_is_a_file(tmp_path, monkeypatch):
    hub, homes = _class(tmp_path, monkeypatch, "ada")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "houses.csv").write_text("area,price\n")
    (homes / "ada" / "data").write_text("my notes")
    report = hub.update_learners(homes)
    assert report[0].startswith("ada: 01_error: updated") and len(report) == 2
    assert report[1] == ("ada: data is not a folder, so the course's data files were not copied: rename it, then "
                         "run hub update again.")
    assert (homes / "ada" / "data").read_text() == "my notes"


def test_hub_update_never_writes_through_a_home_that_is_a_link(tmp_path, monkeypatch):
    hub, homes = _class(tmp_path, monkeypatch, "ada")
    elsewhere = tmp_path / "elsewhere"
    copies.give_copies(tmp_path / "notebooks", elsewhere / "my-work")
    (homes / "zed").symlink_to(elsewhere, target_is_directory=True)  # learners run as the hub's account
    before = _everything_kept(elsewhere)
    report = hub.update_learners(homes)
    assert report[0].startswith("ada: 01_error: updated")
    assert report[1] == f"zed: is a link (to {elsewhere}), so nothing was updated."
    assert _everything_kept(elsewhere) == before


def test_hub_update_sets_no_data_file_aside_through_a_linked_my_work(tmp_path, monkeypatch):
    hub, homes = _class(tmp_path, monkeypatch, "ada")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "houses.csv").write_text("area,price\n")
    (homes / "ada" / "data").mkdir()
    (homes / "ada" / "data" / "houses.csv").write_text("my own rows\n")
    elsewhere = tmp_path / "elsewhere"
    (homes / "ada" / "my-work").rename(elsewhere)
    (homes / "ada" / "my-work").symlink_to(elsewhere, target_is_directory=True)
    before = _everything_kept(elsewhere)
    assert hub.update_learners(homes) == [f"ada: my-work is a link (to {elsewhere}), so nothing was updated: make it "
                                          "a folder again."]
    assert _everything_kept(elsewhere) == before
    assert (homes / "ada" / "data" / "houses.csv").read_text() == "my own rows\n"
