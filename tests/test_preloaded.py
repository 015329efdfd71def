"""classroom/preloaded.py on its own: the hub's preloaded process forks a server when asked, runs the Python a
learner's account runs, ends with the hub's end of the socket, and when something is wrong the hub is told
once and starts servers as new Pythons. (tests/test_hub.py and test_hub_isolation.py run it in a hub.)"""
import json
import logging
import os
import resource
import signal
import socket
import subprocess
import sys
import time

import psutil
import pytest

from classroom import kernel_forks, preloaded

pytestmark = pytest.mark.skipif(os.name == "nt", reason="a fork server: Linux and macOS only, as the hub")


def wait_gone(pid, limit=60):
    deadline = time.monotonic() + limit
    while running(pid):
        assert time.monotonic() < deadline, f"process {pid} still runs"
        time.sleep(0.05)


def running(pid):
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:  # it may end between any two looks
        return False


HOME = {"memory": 0, "processes": 0}  # `who` in shared mode, less the home


def run(starter, arguments, home):
    """Fork a server with `arguments`; (its Forked handle, all it wrote, once it has ended)."""
    reading, writing = os.pipe()
    try:
        forked = starter.start(arguments, {"PATH": os.environ["PATH"]}, {"home": str(home), **HOME}, writing)
    finally:
        os.close(writing)
    with open(reading, "rb") as output:
        written = output.read().decode()  # until the server (the pipe's only writer now) has ended
    return forked, written


def test_a_request_forks_a_server_of_the_preloaded_process_and_closing_ends_it(tmp_path, caplog):
    starter = preloaded.Starter(logging.getLogger("test"))
    try:
        forked, written = run(starter, ["--version"], tmp_path)
        assert forked and starter.refused is None, caplog.text
        assert written.strip()[0].isdigit()  # jupyterhub-singleuser's version, on the pipe it was given
        keeper = starter.process.pid
        wait_gone(forked.pid)
        assert not forked.running() and forked.send_signal(0) is False
        again, _ = run(starter, ["--version"], tmp_path)
        assert again and starter.process.pid == keeper  # one preloaded process for every server
    finally:
        starter.close()
    wait_gone(keeper, 15)


def test_a_forked_server_that_cannot_enter_its_home_ends_and_the_preloaded_process_goes_on(tmp_path):
    starter = preloaded.Starter(logging.getLogger("test"))
    try:
        _, written = run(starter, ["--version"], tmp_path / "missing")
        assert "FileNotFoundError" in written
        assert run(starter, ["--version"], tmp_path)[0]
    finally:
        starter.close()


@pytest.mark.skipif(not hasattr(os, "pidfd_open") or resource.getrlimit(resource.RLIMIT_NOFILE)[0] <= 1500,
                    reason="needs pidfds and room for a file number past 1023")
def test_a_server_is_still_known_when_the_hub_has_many_files_open(tmp_path):
    """A busy hub has file numbers past 1023 (a learner can open connections to it): select() fails on those."""
    starter = preloaded.Starter(logging.getLogger("test"))
    try:
        reading, writing = os.pipe()
        forked = starter.start(["--version"], {}, {"home": str(tmp_path), **HOME}, writing)
        os.close(writing)
        os.dup2(forked.handle, 1500)
        os.close(forked.handle)
        forked.handle = 1500
        assert forked.running() in (True, False)  # no error
        with open(reading, "rb") as output:
            output.read()  # until it has ended
        wait_gone(forked.pid)
        assert not forked.running() and forked.send_signal(0) is False
        forked.close()
    finally:
        starter.close()


def test_an_ended_server_is_never_taken_for_the_process_that_gets_its_number(tmp_path, monkeypatch):
    """Once a forked server has ended, the system may give its number to another account's process: the hub
    neither takes that one for the server nor signals it (both by the pid alone and by start time)."""
    starter = preloaded.Starter(logging.getLogger("test"))
    stranger = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        forked, _ = run(starter, ["--version"], tmp_path)
        wait_gone(forked.pid)
        forked.pid = stranger.pid  # as if the system had given its number to the stranger
        for handle in ("pidfd", "start time"):
            if handle == "start time":
                forked.close()
            assert not forked.running() and forked.send_signal(signal.SIGTERM) is False, handle
        assert stranger.poll() is None  # never signalled
    finally:
        stranger.kill()
        stranger.wait()
        starter.close()


def test_when_a_learners_python_cannot_be_found_the_hub_is_told_once(monkeypatch, caplog):
    monkeypatch.setattr(preloaded, "pythons_view", lambda environment, account=None: None)
    starter = preloaded.Starter(logging.getLogger("test"))
    with caplog.at_level(logging.WARNING):
        assert starter.start(["--version"], {}, {"home": "/", **HOME}, 2) is None
        assert starter.start(["--version"], {}, {"home": "/", **HOME}, 2) is None
    assert caplog.text.count("start as new Pythons") == 1 and starter.process is None


def test_a_preloaded_process_that_runs_another_python_than_a_learners_is_not_used(monkeypatch, caplog):
    """Its modules must be the ones a learner's account can read: else a fork's later imports fail."""
    views = [{"library": "", "home": "/elsewhere:/elsewhere", "path": ["/elsewhere/lib"], "version": "3"}]
    real = preloaded.pythons_view  # asked first for a learner's view: the one above; then for its own
    monkeypatch.setattr(preloaded, "pythons_view", lambda environment, account=None:
                        views.pop() if views else real(environment, account))
    starter = preloaded.Starter(logging.getLogger("test"))
    with caplog.at_level(logging.WARNING):
        assert starter.start(["--version"], {}, {"home": "/", **HOME}, 2) is None
    assert "runs another Python than a learner's account" in caplog.text and starter.process is None


def test_the_preloaded_process_is_given_nothing_of_the_hubs_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_HUB_TEACHER_PASSWORD", "not for learners")
    starter = preloaded.Starter(logging.getLogger("test"))
    try:
        assert run(starter, ["--version"], tmp_path)[0]
        allowed = {"PATH", "LANG", "HOME", "PYTHONHOME", "LD_LIBRARY_PATH", "MPLCONFIGDIR",
                   *kernel_forks.IMPORT_SETTINGS}  # the last two for what a kernel imports
        assert set(psutil.Process(starter.process.pid).environ()) <= allowed
    finally:
        starter.close()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="reads a process's memory: root only")
def test_a_fork_holds_nothing_of_the_servers_forked_before_it(tmp_path):
    """Each server's settings (its token for the hub) go to that child alone: the preloaded process never reads
    them, so the next learner's server, a copy of its memory, cannot find them in its own."""
    from tests.process_memory import memory_holds
    secret = b"token-of-the-first-learner-" + os.urandom(8).hex().encode()
    starter = preloaded.Starter(logging.getLogger("test"))
    try:
        reading, writing = os.pipe()
        first = starter.start(["--version"], {"JUPYTERHUB_API_TOKEN": secret.decode()},
                              {"home": str(tmp_path), **HOME}, writing)
        wait_gone(first.pid)
        ours, theirs = socket.socketpair()  # the next request, held before its settings are sent
        with ours:
            with theirs:
                socket.send_fds(starter.connection, [b"fork"], [theirs.fileno(), writing])
            second = starter._receive()["pid"]
            assert memory_holds(second, [b"jupyterhub.singleuser"])  # the search finds what is there
            assert memory_holds(second, [secret, b"token-of-the-first-learner-"]) == set()
            assert memory_holds(starter.process.pid, [b"token-of-the-first-learner-"]) == set()
            ours.sendall(json.dumps({"arguments": ["--version"], "environment": {},
                                     "who": {"home": str(tmp_path), **HOME}}).encode())
        wait_gone(second)
        os.close(writing)
        os.close(reading)
    finally:
        starter.close()
