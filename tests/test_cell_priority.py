"""classroom/cell_priority.py: the service, as root, lowers the session of a kernel that says a cell runs and
puts it back after; it changes nothing else, never raises a session above what it had, and one account's
flood of messages costs it little. Each "kernel" here is a process of its own session, as the account nobody."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import types
from pathlib import Path

import psutil
import pytest
from IPython.core.events import EventManager, available_events

from classroom import cell_priority

as_root = pytest.mark.skipif(not cell_priority.available(),
                             reason="changes other accounts' sessions: root, on a Linux with autogroups (CI)")
NOBODY = 65534
KERNEL = textwrap.dedent("""
    import os, socket, sys, time
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    if sys.argv[1] != "-":
        connection.connect(sys.argv[1])
    for line in sys.stdin:
        what, _, value = line.split()[0], None, line.split()[1:]
        if what == "send":
            try:
                connection.sendall(value[0].encode())
            except OSError:  # the service closed it: as a kernel's, the cell runs on
                pass
        elif what == "flood":  # a cell starting and ending as fast as the account can say so
            end = time.monotonic() + float(value[0])
            while time.monotonic() < end:
                connection.sendall(b"10" * 100)
        elif what == "nice":  # the account's own change (at most ten a second for the machine: tried again)
            autogroup = os.open("/proc/self/autogroup", os.O_WRONLY)
            while True:
                try:
                    os.write(autogroup, value[0].encode())
                    break
                except BlockingIOError:
                    time.sleep(0.05)
            os.close(autogroup)
        elif what == "close":
            connection.close()
        print("ok", flush=True)
""")


@pytest.fixture
def service():
    folder = Path(tempfile.mkdtemp(prefix="course-cells-test-"))
    os.chmod(folder, 0o755)
    path = folder / "socket"
    process = subprocess.Popen([sys.executable, "-m", "classroom.cell_priority", str(path)])
    try:
        for _ in range(200):
            if path.exists():
                break
            time.sleep(0.05)
        yield process, path
    finally:
        process.kill()
        process.wait()
        shutil.rmtree(folder, ignore_errors=True)


class Kernel:
    """A process of nobody's in a session of its own, connected to `path` ("-": not connected)."""

    def __init__(self, path, own_session=True, account=NOBODY):
        self.process = subprocess.Popen([sys.executable, "-c", KERNEL, str(path)], user=account, group=account,
                                        extra_groups=[], start_new_session=own_session, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, cwd="/")

    def do(self, *words):
        self.process.stdin.write(" ".join(words) + "\n")
        self.process.stdin.flush()
        assert self.process.stdout.readline() == "ok\n"

    def nice(self):
        return int(Path(f"/proc/{self.process.pid}/autogroup").read_text().split("nice")[1])

    def becomes(self, nice, limit=10):
        """Whether its session's nice is `nice` within `limit` seconds (the service answers in its own time)."""
        end = time.monotonic() + limit
        while self.nice() != nice and time.monotonic() < end:
            time.sleep(0.02)
        return self.nice() == nice

    def end(self):
        self.process.stdin.close()
        self.process.wait(10)
        self.process.stdout.close()


@pytest.fixture
def kernels(service):
    made = []
    yield lambda path=service[1], **how: made.append(Kernel(path, **how)) or made[-1]
    for kernel in made:
        kernel.end()


@as_root
def test_a_kernel_running_a_cell_is_lowered_and_put_back_after(kernels):
    running, idle = kernels(), kernels()
    assert running.nice() == idle.nice() == 0
    running.do("send", "1")
    assert running.becomes(cell_priority.IN_A_CELL)
    running.do("send", "0")
    assert running.becomes(0)
    running.do("send", "1")
    assert running.becomes(cell_priority.IN_A_CELL)
    assert idle.nice() == 0  # another session of the same account is left alone


@as_root
def test_a_process_in_a_session_it_does_not_lead_changes_nothing(kernels):
    """Found by a cold attack (helper-65): a learner's process that ran in a session of root's (code root ran as
    the learner) lowered root's session. Here nobody's process joins this test's session, which is root's."""
    ours = Path("/proc/self/autogroup").read_text()
    joined = kernels(own_session=False)
    joined.do("send", "1")
    time.sleep(0.5)
    assert Path("/proc/self/autogroup").read_text() == ours == Path(f"/proc/{joined.process.pid}/autogroup").read_text()


@as_root
def test_a_service_ended_by_a_signal_puts_back_the_sessions_it_lowered(service, kernels):
    """helper-68: ended with SIGTERM (systemd, say), it left a kernel in the middle of a cell lowered."""
    process, _ = service
    kernel = kernels()
    kernel.do("send", "1")
    assert kernel.becomes(cell_priority.IN_A_CELL)
    process.terminate()
    assert process.wait(10) == 0
    assert kernel.becomes(0)


@as_root
def test_a_kernel_that_ends_its_connection_in_a_cell_is_put_back(kernels):
    kernel = kernels()
    kernel.do("send", "1")
    assert kernel.becomes(cell_priority.IN_A_CELL)
    kernel.do("close")
    assert kernel.becomes(0)


@as_root
def test_a_session_is_never_raised_above_what_it_had(kernels):
    low, lower = kernels(), kernels()
    low.do("nice", "2")
    low.do("send", "1")
    assert low.becomes(cell_priority.IN_A_CELL)
    low.do("send", "0")
    assert low.becomes(2)  # its own, not 0
    lower.do("nice", "9")
    lower.do("send", "1")
    lower.do("send", "0")
    lower.do("close")
    time.sleep(0.5)
    assert lower.nice() == 9


@as_root
def test_a_flood_of_messages_costs_the_service_little(service, kernels):
    process, _ = service
    flooding = kernels()
    before = psutil.Process(process.pid).cpu_times()
    flooding.do("flood", "3")
    after = psutil.Process(process.pid).cpu_times()
    spent = (after.user + after.system) - (before.user + before.system)
    assert spent < 0.5, f"{spent:.2f} CPU-s for 3 s of flood"  # 20 ms between changes: at most 150 of them
    flooding.do("send", "0")
    assert flooding.becomes(0)  # and it still answers


@as_root
def test_a_flood_of_connections_costs_the_service_about_what_it_costs_the_flooder(service):
    """Found by a cold attack (helper-66): each connection, even one past its account's cap, cost the service
    about four times what connecting and closing it cost the learner."""
    process, path = service
    flooder = textwrap.dedent(FLOODER)
    before = psutil.Process(process.pid).cpu_times()
    floods = [subprocess.Popen([sys.executable, "-c", flooder, str(path), "3"], user=NOBODY, group=NOBODY,
                               extra_groups=[], start_new_session=True, stdout=subprocess.PIPE, text=True, cwd="/")
              for _ in range(2)]
    theirs = sum(float(flood.communicate(timeout=60)[0]) for flood in floods)
    after = psutil.Process(process.pid).cpu_times()
    ours = (after.user + after.system) - (before.user + before.system)
    assert ours < 2 * theirs, f"the service {ours:.2f} CPU-s, the flooders {theirs:.2f}"


@as_root
def test_another_learners_kernel_is_still_answered_during_a_flood_of_connections(service, kernels):
    """Found by a cold attack (helper-67): a flood of connections kept the service accepting them for as long as it
    lasted, and another learner's kernel stayed lowered after its cell for 14-16 s."""
    _, path = service
    floods = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(FLOODER), str(path), "20"], user=NOBODY,
                               group=NOBODY, extra_groups=[], start_new_session=True, stdout=subprocess.DEVNULL,
                               cwd="/") for _ in range(2)]
    try:
        time.sleep(1)
        other = kernels(account=NOBODY - 1)
        other.do("send", "1")
        assert other.becomes(cell_priority.IN_A_CELL, limit=5)
        other.do("send", "0")
        assert other.becomes(0, limit=5)
    finally:
        for flood in floods:
            flood.kill()
            flood.wait()


FLOODER = """
    import socket, sys, time
    end = time.monotonic() + float(sys.argv[2])
    while time.monotonic() < end:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            connection.connect(sys.argv[1])
        except OSError:
            pass
        connection.close()
    print(time.process_time())
"""


@as_root
def test_an_account_holds_a_bounded_number_of_connections(service):
    holder = textwrap.dedent("""
        import socket, sys
        held = []
        for _ in range(int(sys.argv[2]) + 1):
            held.append(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM))
            held[-1].connect(sys.argv[1])
        held[-1].settimeout(10)
        print(held[-1].recv(1) == b"")  # the one past the cap is closed at once
        held[0].settimeout(0.5)
        try:
            held[0].recv(1)
            print("closed")
        except TimeoutError:
            print("open")  # the others stay open
    """)
    done = subprocess.run([sys.executable, "-c", holder, str(service[1]), str(cell_priority.PER_ACCOUNT)],
                          user=NOBODY, group=NOBODY, extra_groups=[], start_new_session=True, capture_output=True,
                          text=True, timeout=60, cwd="/")
    assert done.stdout.split() == ["True", "open"], done.stderr


@as_root
def test_the_service_ends_when_the_hub_that_started_it_is_killed(tmp_path):
    """helper-67: JupyterHub starts it in a session of its own, so a hub killed outright left it running."""
    os.chmod(tmp_path, 0o755)
    hub = subprocess.Popen([sys.executable, "-c", "import os, subprocess, sys, time\n"
                            "service = subprocess.Popen([sys.executable, '-P', '-m', 'classroom.cell_priority', "
                            "sys.argv[1], str(os.getpid())], start_new_session=True)\nprint(service.pid, flush=True)\n"
                            "time.sleep(600)",
                            str(tmp_path / "socket")], stdout=subprocess.PIPE, text=True)
    service = psutil.Process(int(hub.stdout.readline()))
    hub.kill()
    hub.wait()
    hub.stdout.close()
    end = time.monotonic() + 20
    while service.is_running() and service.status() != psutil.STATUS_ZOMBIE and time.monotonic() < end:
        time.sleep(0.1)  # (ended: a zombie until its new parent collects it)
    if service.is_running() and service.status() != psutil.STATUS_ZOMBIE:
        service.kill()
        pytest.fail("the service outlived its hub")


@pytest.fixture
def full_queue(tmp_path):
    """A listening socket that accepts nothing, its queue of connections full: (it, its path)."""
    path = str(tmp_path / "socket")
    waiting = []
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listening:
        listening.bind(path)
        listening.listen(0)
        try:
            while True:
                waiting.append(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM))
                waiting[-1].setblocking(False)
                waiting[-1].connect(path)
        except BlockingIOError:
            pass
        yield listening, path
        for connection in waiting:
            connection.close()


def test_a_kernel_starts_even_when_the_service_does_not_answer(full_queue):
    """Found by a cold attack (helper-65): a service stopped, with its queue of connections full, held every new
    kernel's start for as long as it was stopped."""
    shell = types.SimpleNamespace(events=EventManager(None, available_events))
    started = time.monotonic()
    assert cell_priority.report_cells(shell, full_queue[1]) is None
    assert time.monotonic() - started < cell_priority.CONNECT_TIME + 5


def test_a_kernel_waits_its_turn_when_the_services_queue_is_full(full_queue):
    """Found by a cold attack (helper-68): with the service's queue full (another learner's flood), a kernel's
    connection failed at once, and its cells were never lowered."""
    shell = types.SimpleNamespace(events=EventManager(None, available_events))
    listening, path = full_queue
    accepted = []
    threading.Timer(0.3, lambda: accepted.append(listening.accept()[0])).start()  # a place frees
    connection = cell_priority.report_cells(shell, path)
    assert connection is not None
    for opened in [connection, *accepted]:
        opened.close()


def test_a_kernel_says_when_each_cell_starts_and_ends_and_without_a_service_runs_as_before(tmp_path):
    shell = types.SimpleNamespace(events=EventManager(None, available_events))
    assert cell_priority.report_cells(shell, str(tmp_path / "nothing-here")) is None
    shell.events.trigger("pre_run_cell", None)  # nothing registered, nothing raised
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listening:
        listening.bind(str(tmp_path / "socket"))
        listening.listen()
        connection = cell_priority.report_cells(shell, str(tmp_path / "socket"))
        service, _ = listening.accept()
        with connection, service:
            shell.events.trigger("pre_run_cell", None)
            shell.events.trigger("post_run_cell", None)
            service.settimeout(10)
            assert service.recv(2, socket.MSG_WAITALL) == b"10"
            service.close()
            for _ in range(3):
                shell.events.trigger("post_run_cell", None)  # the service gone: the cells run on, unhindered
