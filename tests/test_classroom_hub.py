"""The class hub's parts that need no running hub: its secrets, its command line and `hub update`.
(A running hub is tested in test_hub.py and, with a browser, in test_browser_hub.py.)"""
import asyncio
import json
import os
import pwd
import runpy
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import psutil
import pytest
import requests
from jupyterhub.auth import Authenticator
from tornado import web

from classroom import cell_priority, hub, hub_accounts
from launcher import copies

ROOT = Path(__file__).resolve().parent.parent


def _notebook(*sources):
    cells = [{"cell_type": "code", "id": f"cell{i}", "metadata": {}, "source": source, "outputs": [],
              "execution_count": None} for i, source in enumerate(sources)]
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_the_passwords_are_made_once_readable_only_by_their_owner(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_HUB_PASSWORD", raising=False)
    learners, teacher = hub.passwords(tmp_path)
    assert hub.passwords(tmp_path) == (learners, teacher)  # the same at every start
    assert len(learners) == 14 and learners.count("-") == 2 and not set(learners) & set("l1o0")
    assert len(teacher) >= 32 and teacher != learners  # JupyterHub asks 32 characters of an admin's
    for name in ("class-password", "teacher-password"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o600
    assert len({hub.new_class_password() for _ in range(50)}) == 50


def test_a_teacher_may_choose_the_class_password(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_HUB_PASSWORD", "our-own-words")
    assert hub.passwords(tmp_path)[0] == "our-own-words"
    assert not (tmp_path / "class-password").exists()


def test_hub_update_brings_every_learner_up_to_the_course_and_keeps_their_cells(tmp_path, monkeypatch):
    shipped, homes = tmp_path / "notebooks", tmp_path / "homes"
    shipped.mkdir()
    (shipped / "01_error.ipynb").write_text(json.dumps(_notebook("intro", "def mse(p, a):\n    ...")))
    monkeypatch.setattr(copies, "COURSE", shipped)
    for name in ("ada", "bob"):
        copies.give_copies(shipped, homes / name / "my-work")
    ada = homes / "ada" / "my-work" / "01_error.ipynb"
    mine = json.loads(ada.read_text())
    mine["cells"][1]["source"] = "def mse(p, a):\n    return ((p - a) ** 2).mean()"
    ada.write_text(json.dumps(mine))
    assert hub.update_learners(homes) == ["ada: Your copies are up to date.", "bob: Your copies are up to date."]

    (shipped / "01_error.ipynb").write_text(json.dumps(_notebook("intro, corrected", "def mse(p, a):\n    ...")))
    report = hub.update_learners(homes)
    assert report[0].startswith("ada: 01_error: updated, keeping your 1 changed")
    assert report[1].startswith("bob: 01_error: updated, keeping your 0 changed")
    sources = ["".join(cell["source"]) for cell in json.loads(ada.read_text())["cells"]]
    assert sources == ["intro, corrected", "def mse(p, a):\n    return ((p - a) ** 2).mean()"]
    assert list((homes / "ada" / "my-work" / "old").glob("01_error *.ipynb"))
    assert "No learner has logged in yet" in hub.update_learners(tmp_path / "nobody")[0]


def test_the_hub_command_refuses_a_certificate_without_its_key():
    ran = subprocess.run([sys.executable, str(ROOT / "course.py"), "hub", "--ssl-cert=cert.pem"],
                         capture_output=True, text=True, timeout=120)
    assert ran.returncode == 2 and "--ssl-cert and --ssl-key go together" in ran.stderr


def test_a_roster_keeps_one_name_a_line_and_names_the_lines_it_cannot_use(tmp_path):
    roster = tmp_path / "class.txt"
    roster.write_text("Ada\n\n# the second group\nbob.b  # a comment\n", encoding="utf-8")
    assert hub.read_roster(roster) == ["ada", "bob.b"]
    roster.write_text("ada\ndave smith\nÉlise\n", encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        hub.read_roster(roster)
    assert "line 2: 'dave smith'" in str(stopped.value) and "line 3: 'Élise'" in str(stopped.value)


def _hub_settings(tmp_path, monkeypatch, roster=""):
    """The settings classroom/jupyterhub_config.py makes, read as JupyterHub reads them (no hub started)."""
    from traitlets.config import Config
    values = dict(STATE=tmp_path, HOMES=tmp_path / "homes", IP="127.0.0.1", PORT=8000, INTERNAL_PORT=8001,
                  PROXY_API_PORT=8002, PROXY="chp", PASSWORD="class-pass", TEACHER_PASSWORD="t" * 32, ROSTER=roster)
    for name, value in values.items():
        monkeypatch.setenv(f"COURSE_HUB_{name}", str(value))
    config, umask = Config(), os.umask(0o022)
    try:
        runpy.run_path(str(hub.CONFIG), init_globals={"get_config": lambda: config, "load_subconfig": None})
        return config, os.umask(umask)
    finally:
        os.umask(umask)


def test_the_hub_settings_let_in_the_roster_only_and_keep_files_private(tmp_path, monkeypatch):
    config, umask = _hub_settings(tmp_path, monkeypatch)
    assert config.Authenticator.allow_all is True and umask == 0o077
    assert config.JupyterHub.spawner_class is hub_accounts.SharedSpawner  # the memory limit in shared mode too
    assert config.JupyterHub.authenticator_class is hub_accounts.ClassPassword
    assert config.JupyterHub.ip == "127.0.0.1" and config.JupyterHub.hub_ip == "127.0.0.1"
    roster = tmp_path / "class.txt"
    roster.write_text("ada\nbob\n", encoding="utf-8")
    config, _ = _hub_settings(tmp_path, monkeypatch, roster=roster)
    assert config.Authenticator.allowed_users == {"ada", "bob"}
    assert config.Authenticator.allow_existing_users is False  # last term's learners are not let in
    assert config.Authenticator.allow_all is False  # FirstUseAuthenticator would otherwise let anyone in
    assert config.ReadsTheRoster.roster == str(roster) and config.Authenticator.auth_refresh_age == 60
    assert config.Authenticator.admin_users == {"teacher"}
    learner = type("Spawner", (), {"home_dir": str(tmp_path / "homes" / "ada")})()
    assert config.Spawner.environment["COURSE_QUIZ_ANSWERS"](learner) == str(tmp_path / "homes/ada/quiz-answers.jsonl")


def _serve(tmp_path, *options, **environment):
    env = dict(os.environ, COURSE_HUB_STATE=str(tmp_path / "state"), PYTHONUNBUFFERED="1", **environment)
    return subprocess.Popen([sys.executable, str(ROOT / "course.py"), "hub", *options], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def test_shared_mode_says_what_it_does_not_protect(monkeypatch, capsys):
    monkeypatch.setattr(hub, "is_root", lambda: False)
    monkeypatch.setattr(hub, "port_taken", lambda *_: True)  # stops right after the warning, before any start
    with pytest.raises(SystemExit, match="is taken"):
        hub.serve(port=8000)
    printed = capsys.readouterr().out
    assert "Shared mode" in printed and "any learner can" in printed and "read and change every other" in printed
    assert "start the hub as root" in printed


def test_a_taken_port_is_named_before_anything_starts(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = _serve(tmp_path, f"--port={port}", "--shared")
        output, _ = server.communicate(timeout=120)
    assert server.returncode == 1 and f"Port {port} is taken" in output
    assert "Shared mode" in output  # said before anything else


def test_the_hub_serves_https_with_a_certificate_made_for_its_name(tmp_path):
    """The certificate names the hub's host, not 127.0.0.1: the hub must still be seen to start, and stop
    with everything it started when told to."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=hub.school.example", "-keyout", tmp_path / "key.pem", "-out", tmp_path / "cert.pem"],
                   check=True, capture_output=True)
    port = hub.free_port()
    server = _serve(tmp_path, f"--port={port}", f"--ssl-cert={tmp_path / 'cert.pem'}",
                    f"--ssl-key={tmp_path / 'key.pem'}", "--shared")
    lines = []
    try:
        for line in server.stdout:  # the hub's log, then the teacher's instructions
            lines.append(line)
            if "The class hub is running at" in line:
                break
        assert f"The class hub is running at https://127.0.0.1:{port}" in "".join(lines), "".join(lines[-30:])
    finally:
        family = [server.pid] + [child.pid for child in psutil.Process(server.pid).children(recursive=True)]
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=60)
    assert not [pid for pid in family if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"]


def test_a_roster_saved_with_a_byte_order_mark_reads_its_first_name(tmp_path):
    roster = tmp_path / "class.txt"
    roster.write_text("ada\r\nbob\r\n", encoding="utf-8-sig")  # as Notepad and Excel save UTF-8
    assert roster.read_bytes().startswith(b"\xef\xbb\xbf")
    assert hub.read_roster(roster) == ["ada", "bob"]


class _Checker(Authenticator):
    """A stand-in for a real authenticator: 'right' is every name's password."""

    async def authenticate(self, handler, data):
        return data["username"] if data["password"] == "right" else None


class _Slowed(hub_accounts.SlowsWrongPasswords, _Checker):
    pass


def test_repeated_wrong_passwords_make_that_name_wait(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(hub_accounts.time, "monotonic", lambda: clock[0])
    slowed = _Slowed(wrong_tries=3, wrong_wait=30.0)

    def log_in(name, password):
        return asyncio.run(slowed.authenticate(None, {"username": name, "password": password}))
    assert [log_in("ada", "wrong") for _ in range(3)] == [None] * 3
    with pytest.raises(web.HTTPError) as waiting:  # even the right password is not checked during the wait
        log_in("ada", "right")
    assert waiting.value.status_code == 429 and "try again in 30 s" in waiting.value.log_message
    assert log_in("bob", "right") == "bob"  # another name is not held up
    clock[0] += 30
    assert log_in("ada", "wrong") is None  # the fourth wrong one: the next wait is twice as long
    with pytest.raises(web.HTTPError, match="try again in 60 s"):
        log_in("ada", "right")
    clock[0] += 60
    assert log_in("ada", "right") == "ada"  # and a right one clears the count
    assert log_in("ada", "wrong") is None and log_in("ada", "right") == "ada"


class _Roster(hub_accounts.ReadsTheRoster, _Checker):
    pass


async def _record(calls, name):
    calls.append(name)


def test_the_roster_is_read_again_when_it_changes_and_a_name_taken_off_is_logged_out(tmp_path):
    roster = tmp_path / "class.txt"
    roster.write_text("ada\n", encoding="utf-8")
    checker = _Roster(roster=str(roster), admin_users={"teacher"}, allowed_users={"ada"})
    assert checker.check_allowed("ada") and checker.check_allowed("teacher") and not checker.check_allowed("bob")
    roster.write_text("ada\nbob  # came late\n", encoding="utf-8")
    os.utime(roster, ns=(1, time.time_ns() + 10**9))  # a later change, even on a coarse clock
    assert checker.check_allowed("bob")  # no restart
    roster.write_text("bob\n", encoding="utf-8")
    os.utime(roster, ns=(1, time.time_ns() + 2 * 10**9))
    stopped = []
    learner = type("User", (), {"name": "ada", "running": True, "stop": lambda self: _record(stopped, self.name)})()
    assert asyncio.run(checker.refresh_user(learner)) is False  # their login cookie no longer lets them in
    assert stopped == ["ada"]  # and their server stops
    checker.allowed_users.add("carol")  # as the admin page's "Add Users" does
    assert checker.check_allowed("carol") and not checker.check_allowed("ada")


def test_a_restart_at_once_finds_its_port_free_with_connections_in_time_wait():
    """The server's side closes first, so its port has a connection in TIME_WAIT (a plain bind, without
    SO_REUSEADDR, is refused): port_taken must not count it. The listener sets SO_REUSEADDR as the hub's
    proxy (Node) and JupyterHub (Tornado) do: Linux lets a TIME_WAIT be reused only if both sockets set it."""
    with socket.socket() as listening:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        port = listening.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port)) as client:
            accepted, _ = listening.accept()
            accepted.close()  # the server closes first: TIME_WAIT on its side
            client.recv(1)
    time_wait = [line for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
                 if line.split()[1].endswith(f":{port:04X}") and line.split()[3] == "06"]
    assert time_wait, "no connection in TIME_WAIT: the test proves nothing"
    with socket.socket() as plain, pytest.raises(OSError):
        plain.bind(("127.0.0.1", port))
    assert not hub.port_taken(port)


def _settings_of(config, name):
    return {service["name"]: service for service in config.JupyterHub.services}[name]


def test_the_idle_culler_runs_as_a_hub_service_an_hour_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_HUB_IDLE_TIMEOUT", raising=False)
    config, _ = _hub_settings(tmp_path, monkeypatch)
    culler = _settings_of(config, "idle-culler")
    assert culler["command"][1:3] == ["-m", "jupyterhub_idle_culler"] and "--timeout=3600" in culler["command"]
    assert hub.IDLE_TIMEOUT == 3600
    role = next(role for role in config.JupyterHub.load_roles if role["services"] == ["idle-culler"])
    assert "delete:servers" in role["scopes"]
    assert subprocess.run([sys.executable, "-m", "jupyterhub_idle_culler", "--help"], capture_output=True,
                          timeout=60).returncode == 0  # installed, and runs


def test_as_root_each_learner_gets_an_account_own_passwords_and_limits(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_HUB_ISOLATED", "1")
    monkeypatch.setenv("COURSE_HUB_LOGIN", "own")
    config, _ = _hub_settings(tmp_path, monkeypatch)
    assert config.JupyterHub.spawner_class is hub_accounts.LearnerSpawner
    assert config.JupyterHub.authenticator_class is hub_accounts.OwnPasswords
    assert config.LearnerSpawner.homes == str(tmp_path / "homes")
    assert "--allow-root" not in config.Spawner.args and "MPLCONFIGDIR" not in config.Spawner.environment
    import dbm

    import bcrypt
    with dbm.open(str(tmp_path / "passwords.dbm")) as stored:  # the teacher's name is taken before any login
        assert bcrypt.checkpw(b"t" * 32, stored[b"teacher"])
    assert hub_accounts.account_name("ada") == "jupyter-ada"
    long = hub_accounts.account_name("a" * 32)
    assert len(long) <= 32 and long.startswith("jupyter-") and long != hub_accounts.account_name("a" * 31 + "b")
    if cell_priority.available():  # the service that lowers kernels running a cell, on a socket all may reach
        service, path = _settings_of(config, "cell-priority"), Path(config.Spawner.environment["COURSE_CELL_PRIORITY"])
        assert service["command"][-3:] == ["classroom.cell_priority", str(path), str(os.getpid())]
        assert "-P" in service["command"]
        assert os.stat(path.parent).st_uid == 0 and stat.S_IMODE(os.stat(path.parent).st_mode) == 0o755


def test_two_servers_starting_at_once_are_never_given_the_same_port(monkeypatch):
    offered = iter([41895, 41895, 41895, 41896, 41895])  # the system may offer a port again until it is bound
    monkeypatch.setattr(hub_accounts, "random_port", lambda: next(offered))
    monkeypatch.setattr(hub_accounts, "_ports_given", {})
    assert [hub_accounts.fresh_port(), hub_accounts.fresh_port()] == [41895, 41896]
    monkeypatch.setattr(hub_accounts, "PORT_HELD", -1)  # long after: bound by its server, or free again
    assert hub_accounts.fresh_port() == 41895
    # Found by a cold attack (helper-66): with every free port given lately, it looped for ever in the hub's loop.
    monkeypatch.setattr(hub_accounts, "PORT_HELD", 600)
    monkeypatch.setattr(hub_accounts, "random_port", lambda: 41895)
    with pytest.raises(OSError, match="no free port"):
        hub_accounts.fresh_port()


def _until_running(server):
    lines = []
    for line in server.stdout:  # the hub's log, then the teacher's instructions
        lines.append(line)
        if "The class hub is running at" in line:
            return "".join(lines)
    raise AssertionError("".join(lines[-30:]))


def _family(server):
    return [server.pid] + [child.pid for child in psutil.Process(server.pid).children(recursive=True)]


def _log_in(session, address, name, password):
    session.get(f"{address}/hub/login", timeout=30)
    return session.post(f"{address}/hub/login", timeout=30, allow_redirects=False, data={
        "username": name, "password": password, "_xsrf": session.cookies.get("_xsrf")})


def test_closing_the_terminal_stops_the_hub_and_it_starts_again_at_once_on_its_port(tmp_path):
    """SIGHUP (the terminal closed) stops `course.py hub` with everything it started, none orphaned; then a
    new start on the same port, with the last class's connections in TIME_WAIT, is not refused. Started
    again with a roster, a learner of the earlier run who kept their login cookie is no longer let in."""
    port = hub.free_port()
    address = f"http://127.0.0.1:{port}"
    server = _serve(tmp_path, f"--port={port}", "--shared")
    earlier = requests.Session()
    try:
        _until_running(server)
        password = hub.passwords(tmp_path / "state")[0]
        assert _log_in(earlier, address, "ada", password).status_code == 302
        assert earlier.get(f"{address}/hub/api/user", timeout=30).json()["name"] == "ada"
        for _ in range(5):  # visits that the hub's side closes: connections in TIME_WAIT on its port
            with socket.create_connection(("127.0.0.1", port)) as visit:
                visit.sendall(b"GET /hub/login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                while visit.recv(65536):
                    pass
        family = _family(server)
        assert len(family) >= 3  # course.py, JupyterHub, its proxy (and the idle culler)
    finally:
        server.send_signal(signal.SIGHUP)
        server.communicate(timeout=60)
    time.sleep(0.5)
    assert not [pid for pid in family if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"]
    waiting = [line for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
               if line.split()[1].endswith(f":{port:04X}") and line.split()[3] == "06"]
    assert waiting, "no connection in TIME_WAIT on the hub's port: the restart below proves nothing"
    (tmp_path / "class.txt").write_text("bob\n", encoding="utf-8")
    again = _serve(tmp_path, f"--port={port}", "--shared", f"--roster={tmp_path / 'class.txt'}")
    try:
        assert f"running at {address}" in _until_running(again)
        assert earlier.get(f"{address}/hub/api/user", timeout=30).status_code == 403  # the old cookie
        with requests.Session() as fresh:
            assert _log_in(fresh, address, "ada", password).status_code == 403
            assert _log_in(fresh, address, "bob", password).status_code == 302
    finally:
        earlier.close()
        again.send_signal(signal.SIGINT)
        again.communicate(timeout=60)


def _image_files(folder, monkeypatch):
    """The files repo2docker would put in an image built from `folder`, by its own code: CondaBuildPack (the
    course has environment.yml) builds its context, .dockerignore applied, handed to a stand-in for Docker."""
    import warnings
    with warnings.catch_warnings():  # repo2docker 2026.4.0 imports python-json-logger's old module name
        warnings.filterwarnings("ignore", "pythonjsonlogger.jsonlogger has been moved", DeprecationWarning)
        from repo2docker.buildpacks.conda import CondaBuildPack

    class Docker:
        def build(self, **settings):
            self.context = settings["fileobj"]
            return iter(())
    monkeypatch.chdir(folder)
    pack, docker = CondaBuildPack(base_image="docker.io/library/buildpack-deps:jammy"), Docker()
    assert pack.detect()  # the buildpack repo2docker picks for this course
    pack.platform = "linux/amd64"
    list(pack.build(docker, "course-image", 0, {}, [], {}, platform="linux/amd64"))
    with tarfile.open(fileobj=docker.context) as context:
        return {name.removeprefix("src/") for name in context.getnames() if name.startswith("src/")}


def test_nothing_private_enters_an_image_built_by_repo2docker(tmp_path, monkeypatch):
    """A checkout that has run a hub, a lab and a gradebook: its tracked files go into the image, and none of
    the hub's state, virtual environments, learners' work, gradebooks or archives does."""
    checkout = tmp_path / "course"
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in [*tracked, ".dockerignore"]:
        if (ROOT / name).is_file():
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / name, checkout / name)
    private = [".hub/class-password", ".hub/teacher-password", ".hub/cookie-secret", ".hub/jupyterhub.sqlite",
               ".hub/passwords.dbm", ".hub/homes/ada/my-work/02_learning_rate.ipynb",
               ".hub/homes/ada/quiz-answers.jsonl",
               ".venv/bin/python", ".venv-bench/pyvenv.cfg", ".venv.lock", "my-work/02_learning_rate.ipynb",
               "gradebook/gradebook.csv", "gradebook/gradebook.html", "class-work.zip", "homes-2026-12-05.tar.gz",
               "notebooks/my-work/old/01.ipynb", "deploy/collected.tgz"]
    for name in private:
        (checkout / name).parent.mkdir(parents=True, exist_ok=True)
        (checkout / name).write_text("private", encoding="utf-8")
    copied = _image_files(checkout, monkeypatch)
    assert [name for name in private if name in copied] == []
    assert not [name for name in copied if name.split("/")[0] in (".hub", ".venv", "my-work", "gradebook")]
    assert {name for name in tracked if (ROOT / name).is_file()} <= copied  # the course itself is all there


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="runs code as another account: root only")
def test_code_run_as_a_learner_has_no_terminal_and_a_session_of_its_own():
    """Found by a cold attack (helper-65): `hub update` ran each learner's code in the teacher's session with the
    teacher's terminal as its input, and code of the learner's that took that process over typed a command
    into root's shell (TIOCSTI)."""
    home = Path(tempfile.mkdtemp(prefix="course-as-learner-"))
    try:
        os.chown(home, 65534, 65534)
        printed = hub.as_learner(home, "import os; print(os.getuid(), os.getsid(0) == os.getpid(), "
                                       "os.path.realpath('/proc/self/fd/0'), os.isatty(0))")
        assert printed.split() == ["65534", "True", "/dev/null", "False"]
    finally:
        shutil.rmtree(home)


def test_a_learner_never_becomes_an_account_the_hub_did_not_make(tmp_path, monkeypatch):
    def account(name, uid, comment):
        return pwd.struct_passwd((name, "x", uid, uid, comment, "/home/" + name, "/bin/sh"))
    machines = {"jupyter-admin": account("jupyter-admin", 1001, "the machine's admin"),
                "jupyter-root": account("jupyter-root", 0, hub_accounts.MARK)}
    monkeypatch.setattr(hub_accounts.pwd, "getpwnam", machines.__getitem__)
    monkeypatch.setattr(hub_accounts.subprocess, "run", lambda *_, **__: pytest.fail("no useradd for these"))
    for account in machines:
        with pytest.raises(PermissionError, match="was not made by the class hub"):
            hub_accounts.ensure_account(account, tmp_path / "homes" / "x")


def test_no_password_is_kept_for_a_name_the_roster_does_not_list_yet(tmp_path):
    """Found by a cold attack: an outsider's login as a name not yet on the roster was refused, but FirstUse
    had kept the outsider's password, so the learner, once added, could not log in and the outsider could."""
    roster = tmp_path / "class.txt"
    roster.write_text("ada\n", encoding="utf-8")
    own = hub_accounts.OwnPasswords(roster=str(roster), dbm_path=str(tmp_path / "passwords"), admin_users={"teacher"},
                                    min_password_length=8)

    def log_in(name, password):
        answer = asyncio.run(own.authenticate(None, {"username": name, "password": password}))
        return answer["name"] if isinstance(answer, dict) else answer
    assert log_in("frank", "attacker-chosen") is None
    roster.write_text("ada\nfrank\n", encoding="utf-8")
    os.utime(roster, ns=(1, time.time_ns() + 10**9))
    assert log_in("frank", "franks-own-password") == "frank"
    assert log_in("frank", "attacker-chosen") is None


def test_a_folder_in_a_learners_home_named_like_the_course_package_is_not_their_servers(tmp_path):
    """A server started as a new Python (without the preloaded process) starts in the learner's home: a folder
    of theirs there named `classroom` is not imported in place of the course's package."""
    (tmp_path / "classroom").mkdir()
    (tmp_path / "classroom" / "__init__.py").write_text("raise SystemExit('the learner’s own classroom')\n")
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    done = subprocess.run([*hub_accounts.SERVER, "--help"], cwd=tmp_path, env=environment,
                          capture_output=True, text=True, timeout=120)
    assert "learner’s own" not in done.stdout + done.stderr
    assert done.returncode == 0 and "--help-all" in done.stdout  # jupyterhub-singleuser's own help
