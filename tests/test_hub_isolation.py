"""The class hub started as root, as a class would run it: each learner is an account of their own
(jupyter-<name>), sets their own password at first login, and their server runs as that account with a
memory limit. Proved from inside learner A's kernel: A can neither read nor write learner B's home nor the
hub's state, and a cell asking for more memory than the limit gets a MemoryError, not a dead kernel.
Root only (making accounts needs root); CI runs as root. Every account and process made here is removed."""
import json
import os
import pwd
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from unittest import mock

import psutil
import pytest
import requests

from classroom import cell_priority, hub, hub_accounts, loadtest

pytestmark = [
    pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                       reason="makes a system account per learner: root only (CI runs as root)"),
    pytest.mark.skipif(shutil.which("useradd") is None, reason="needs useradd (the shadow utilities)"),
    pytest.mark.skipif(shutil.which("npm") is None and not hub.proxy_command().exists(),
                       reason="the hub's proxy comes from npm, which this machine does not have"),
]
TAG = secrets.token_hex(3)  # names no earlier run or real learner has
ADA, BOB = f"ada-{TAG}", f"bob-{TAG}"
PASSWORD = "correct horse battery"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def isolated_hub():
    """A hub started as root in isolated mode: (its process, its address, its state folder, homes folder).
    In /tmp, not pytest's folder: root's pytest folder is 0700, which no learner could pass through."""
    state = Path(tempfile.mkdtemp(prefix="course-hub-isolated-"))
    port = hub.free_port()
    address = f"http://127.0.0.1:{port}"
    log = os.fdopen(os.open(state / "hub.log", os.O_WRONLY | os.O_CREAT, 0o600), "wb")  # closed after the hub
    try:
        with mock.patch.dict(os.environ, COURSE_HUB_PASSWORD=""):
            process = hub.start(state=state, homes=state / "homes", port=port, isolated=True, stdout=log,
                                stderr=log, start_new_session=True)
        try:
            assert hub.wait_until_answering(process, address, limit=120), (state / "hub.log").read_text()
            yield process, address, state
        finally:
            assert loadtest.stop_all(process) == []
    finally:
        log.close()
        made = {hub_accounts.account_name(name) for name in (ADA, BOB)} & loadtest.learner_accounts()
        assert loadtest.remove_accounts(made) == []  # no process of theirs was left
        assert not made & loadtest.learner_accounts()
        shutil.rmtree(state, ignore_errors=True)


@pytest.fixture(scope="module")
def kernels(isolated_hub):
    """Ada's and Bob's kernels, each logged in with a password of their own chosen at first login."""
    _, address, _ = isolated_hub
    opened = {}
    try:
        for name in (ADA, BOB):
            browser = loadtest.Browser(address, name, 120)
            loadtest.log_in(browser, PASSWORD + name)
            loadtest.wait_for_server(browser, time.monotonic() + 180)
            opened[name] = loadtest.open_kernel(browser, time.monotonic() + 120)[1]
        yield opened
    finally:
        for kernel in opened.values():
            kernel.close()


def run(kernel, code):
    reply, outputs = kernel.execute(code, 60)
    return reply["status"], "".join(outputs)


def test_each_learner_is_an_account_of_their_own_with_a_private_home(isolated_hub, kernels):
    _, _, state = isolated_hub
    for name in (ADA, BOB):
        account = pwd.getpwnam(f"jupyter-{name}")
        home = state / "homes" / name
        assert os.stat(home).st_uid == account.pw_uid and oct(os.stat(home).st_mode & 0o777) == "0o700"
        assert os.stat(home / "my-work" / "02_learning_rate.ipynb").st_uid == account.pw_uid  # given as them
        status, output = run(kernels[name], "import os, getpass; print(getpass.getuser(), os.path.expanduser('~'))")
        assert (status, output.split()) == ("ok", [f"jupyter-{name}", str(home)])


def test_a_learner_cannot_read_or_write_another_learners_home_or_the_hubs_state(isolated_hub, kernels):
    _, _, state = isolated_hub
    bob, quiz = state / "homes" / BOB, state / "homes" / BOB / "my-work" / "02_learning_rate.ipynb"
    tries = {
        "list Bob's home": f"os.listdir({str(bob)!r})",
        "read Bob's notebook": f"open({str(quiz)!r}).read()",
        "write in Bob's home": f"open({str(bob / 'planted.txt')!r}, 'w').write('x')",
        "list the homes": f"os.listdir({str(state / 'homes')!r})",
        "list the hub's state": f"os.listdir({str(state)!r})",
        "write in the hub's state": f"open({str(state / 'planted.txt')!r}, 'w').write('x')",
    }
    kept = [path for path in state.iterdir() if path.is_file()]  # passwords, database, cookie secret, log...
    assert {"teacher-password", "jupyterhub.sqlite", "cookie-secret"} <= {path.name for path in kept}
    assert any(path.name.startswith("passwords.dbm") for path in kept)  # the learners' password hashes
    tries |= {f"read {path.name}": f"open({str(path)!r}, 'rb').read()" for path in kept}
    for what, code in tries.items():
        status, output = run(kernels[ADA], f"import os\ntry:\n    {code}\n    print('done')\n"
                                           "except OSError as error:\n    print(type(error).__name__)")
        assert (status, output.strip()) == ("ok", "PermissionError"), what
    assert not (bob / "planted.txt").exists() and not (state / "planted.txt").exists()
    # and the course itself is theirs to read and run, not to change
    status, output = run(kernels[ADA], f"import os; print(os.access({str(ROOT / 'course_utils')!r}, os.W_OK))")
    assert (status, output.strip()) == ("ok", "False")


def test_a_learners_kernel_sockets_and_connection_files_are_theirs_alone(isolated_hub, kernels):
    """Kernels talk over Unix sockets in each learner's runtime folder (classroom/singleuser.py), which the hub
    makes theirs alone in a short folder of its own (hub_accounts.runtime_folder): their connection files hold
    the key that lets a client run code in the kernel, so no other learner may list, read or connect to them."""
    folders = {}
    for name in (ADA, BOB):
        status, output = run(kernels[name], "import os, json; from jupyter_core.paths import jupyter_runtime_dir\n"
                                            "folder = jupyter_runtime_dir(); names = os.listdir(folder)\n"
                                            "print(json.dumps([folder, names]))")
        assert status == "ok"
        folders[name], names = json.loads(output)
        status_of = os.stat(folders[name])
        assert status_of.st_uid == pwd.getpwnam(hub_accounts.account_name(name)).pw_uid
        assert oct(status_of.st_mode & 0o777) == "0o700"
        assert any(entry.endswith("-ipc-1") for entry in names) and any(entry.endswith(".json") for entry in names)
    bob = Path(folders[BOB])
    connection = next(path for path in bob.iterdir() if path.name.startswith("kernel-") and path.suffix == ".json")
    tries = {
        "list Bob's runtime folder": f"os.listdir({str(bob)!r})",
        "read Bob's connection file": f"open({str(connection)!r}).read()",
        "connect to Bob's kernel": f"socket.socket(socket.AF_UNIX).connect({str(connection)[:-5] + '-ipc-1'!r})",
        "list every learner's runtime folder": f"os.listdir({str(bob.parent)!r})",
    }
    for what, code in tries.items():
        status, output = run(kernels[ADA], f"import os, socket\ntry:\n    {code}\n    print('done')\n"
                                           "except OSError as error:\n    print(type(error).__name__)")
        assert (status, output.strip()) == ("ok", "PermissionError"), what


def test_learners_kernels_share_no_secret_a_fork_would_copy(kernels):
    """A forked kernel draws anew what each process must have of its own (classroom/fork_server.py): with
    multiprocessing's key, which it draws once at import, one learner could have another's multiprocessing
    listener run code as them (a cold attack did, before). And like a new kernel, the learner may read it."""
    code = ("import multiprocessing, random\nprint(multiprocessing.current_process().authkey.hex(), random.random(),"
            " len(open('/proc/self/environ', 'rb').read()) > 0)")
    seen = {name: run(kernels[name], code) for name in (ADA, BOB)}
    assert all(status == "ok" for status, _ in seen.values())
    (key_a, random_a, readable_a), (key_b, random_b, readable_b) = (output.split() for _, output in seen.values())
    assert key_a != key_b and random_a != random_b and readable_a == readable_b == "True"


def test_a_learners_kernel_is_a_fork_whose_preloaded_objects_pythons_collector_leaves_alone(kernels):
    """The preloaded process freezes its objects for the garbage collector (gc.freeze): walking them in every
    fork would give each fork its own copy of their pages (in the 30-learner runs, 222 MiB a learner, not 155)."""
    status, output = run(kernels[ADA], "import gc; print(gc.get_freeze_count())")
    assert status == "ok" and int(output) > 100_000  # a new Python's kernel: 0


def test_each_learners_server_is_forked_as_their_account_with_their_limits(isolated_hub, kernels):
    """A server forked by classroom/preloaded.py (root's process), and the kernel forker and kernels it forks
    in turn (classroom/kernel_forks.py), keep nothing of root: every user and group id is the learner's
    account's, no capability, and the limits JupyterHub's own start would set."""
    process = isolated_hub[0]
    forked = [entry for entry in loadtest.processes(process) if loadtest.forked_servers_learner(entry)]
    assert sorted(set(loadtest.forked_servers_learner(entry) for entry in forked)) == sorted([ADA, BOB])
    assert sum("ipykernel_launcher" in entry.cmdline() for entry in forked) == 0  # forks show root's command
    assert len(forked) >= 6  # each learner's server, its kernel forker and their kernel
    for server in forked:
        account = pwd.getpwnam(hub_accounts.account_name(loadtest.forked_servers_learner(server)))
        status = dict(line.split(":", 1) for line in Path(f"/proc/{server.pid}/status").read_text().splitlines())
        assert status["Uid"].split() == [str(account.pw_uid)] * 4 and status["Gid"].split() == [str(account.pw_gid)] * 4
        assert status["Groups"].split() == [str(account.pw_gid)]
        assert int(status["CapEff"], 16) == int(status["CapPrm"], 16) == 0
        limits = Path(f"/proc/{server.pid}/limits").read_text()
        assert f"{hub_accounts.LearnerSpawner.memory_limit.default_value}" in limits
        assert f"{hub_accounts.LearnerSpawner.process_limit.default_value}" in limits


def test_nothing_a_learner_runs_holds_the_hubs_output(isolated_hub, kernels):
    """The hub's output (the teacher's terminal, or here its log) is never handed to a learner's server or
    kernel: with it a learner could read the terminal's keystrokes, stop its output (and with it the whole
    hub) or empty the log. Their messages reach it through a pipe the hub reads."""
    process, _, state = isolated_hub
    listing = ("import os\nfor number in os.listdir('/proc/self/fd'):\n    try:\n"
               "        print(os.readlink(f'/proc/self/fd/{number}'))\n    except OSError:\n        pass")
    status, output = run(kernels[ADA], listing)
    assert status == "ok" and "pipe:" in output
    servers = [entry for entry in loadtest.processes(process) if loadtest.forked_servers_learner(entry)]
    held = output.splitlines() + [os.readlink(f"/proc/{server.pid}/fd/{number}") for server in servers
                                  for number in os.listdir(f"/proc/{server.pid}/fd")]
    assert [name for name in held if name == str(state / "hub.log") or name.startswith(("/dev/pts", "/dev/tty"))] == []
    assert f"[{ADA}] " in (state / "hub.log").read_text(errors="replace")  # its messages are passed on


def test_a_learners_kernel_yields_the_cpu_to_others_while_it_runs_a_cell(kernels):
    """classroom/cell_priority.py in the hub: the kernel's session is lowered while its cell runs, then put back."""
    if not cell_priority.available():
        pytest.skip("this Linux shares no CPU between sessions (autogroups off): there is nothing to lower")
    status, output = run(kernels[ADA], "import os, time\nend = time.monotonic() + 20\n"
                         "while 'nice 5' not in open('/proc/self/autogroup').read() and time.monotonic() < end:\n"
                         "    time.sleep(0.02)\nprint(os.getpid(), open('/proc/self/autogroup').read().split()[-1])")
    pid, nice = output.split()
    assert (status, nice) == ("ok", str(cell_priority.IN_A_CELL))
    autogroup, end = Path(f"/proc/{pid}/autogroup"), time.monotonic() + 20
    while autogroup.read_text().split()[-1] != "0" and time.monotonic() < end:
        time.sleep(0.02)
    assert autogroup.read_text().split()[-1] == "0"  # idle again: as every other session


def test_a_cell_past_the_memory_limit_gets_a_memory_error_and_the_kernel_lives_on(kernels):
    status, output = run(kernels[ADA], f"big = bytearray({hub_accounts.LearnerSpawner.memory_limit.default_value})")
    assert status == "error" and "MemoryError" in output
    assert run(kernels[ADA], "print(6 * 7)") == ("ok", "42\n")


def test_the_course_runs_within_the_limits(kernels):
    """Every cell of notebook 02 in Ada's kernel: numpy, matplotlib and the widgets fit the memory limit."""
    notebook = json.loads((ROOT / "notebooks" / Path(loadtest.NOTEBOOK).name).read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        cell["source"] = "".join(cell["source"])  # as the server's contents API gives it
    record = loadtest.Learner(ADA)
    loadtest.run_cells(kernels[ADA], notebook, record, 120)
    assert record.cells_run > 5 and record.cell_errors == []


def test_hub_update_updates_each_learner_as_their_own_account(isolated_hub, kernels):
    _, _, state = isolated_hub
    lost = state / "homes" / ADA / "my-work" / "03_derivatives.ipynb"
    lost.unlink()  # a copy to give again: written by the update, so by Ada's account
    report = hub.update_learners(state / "homes")
    assert report[-1] == f"{BOB}: Your copies are up to date." and report[0].startswith(f"{ADA}: "), report
    assert lost.exists() and os.stat(lost).st_uid == pwd.getpwnam(hub_accounts.account_name(ADA)).pw_uid


def test_a_learner_cannot_take_the_teachers_name_or_another_learners(isolated_hub, kernels):
    _, address, _ = isolated_hub
    for name, password in ((hub.TEACHER, "a guess of mine"), (BOB, PASSWORD + ADA)):
        with requests.Session() as browser:
            browser.get(f"{address}/hub/login", timeout=30)
            refused = browser.post(f"{address}/hub/login", timeout=30, allow_redirects=False, data={
                "username": name, "password": password, "_xsrf": browser.cookies.get("_xsrf")})
            assert refused.status_code == 403 and "jupyterhub-hub-login" not in browser.cookies, name


def test_stopping_the_hub_stops_every_learners_processes(isolated_hub, kernels):
    """Last: it stops the hub. No process of either learner's account is left, not even one Bob started in
    a session of its own, nor the files he left in /tmp and /dev/shm."""
    process = isolated_hub[0]
    left = [Path(folder) / f"left-by-{BOB}" for folder in ("/tmp", "/dev/shm")]
    code = ("import subprocess\nsubprocess.Popen(['sleep', '600'], start_new_session=True)\n"
            f"for path in {[str(path) for path in left]!r}:\n    open(path, 'w').write('x')")
    assert run(kernels[BOB], code) == ("ok", "")
    # Folders deeper than Python's own removal can walk, in his runtime folder, which goes with the hub too.
    deep = ("import os; from jupyter_core.paths import jupyter_runtime_dir\nhere = os.getcwd()\n"
            "os.chdir(jupyter_runtime_dir())\nfor _ in range(1500):\n    os.mkdir('d'); os.chdir('d')\n"
            "os.chdir(here); print(jupyter_runtime_dir())")
    status, runtime = run(kernels[BOB], deep)
    assert status == "ok" and Path(runtime.strip()).is_dir()
    assert loadtest.stop_all(process) == []
    assert not Path(runtime.strip()).parent.exists()  # every learner's runtime folder
    uids = {pwd.getpwnam(hub_accounts.account_name(name)).pw_uid for name in (ADA, BOB)}
    time.sleep(0.5)
    assert [entry.pid for entry in psutil.process_iter(["uids"])
            if entry.info["uids"] and entry.info["uids"].real in uids and entry.status() != "zombie"] == []
    assert not any(path.exists() for path in left)


def test_long_names_never_share_an_account():
    """Long names are cut; the hash of the whole name that tells them apart has 64 bits, so no learner can
    search out a name that lands on another learner's account (found by a cold attack on 24 bits)."""
    names = ["victoria-longname-student01", "victoria-longname-xadnwo4", "victoria-longname-student02"]
    accounts = [hub_accounts.account_name(name) for name in names]
    assert len(set(accounts)) == 3 and all(len(account) <= 32 for account in accounts)
    assert len(accounts[0].rsplit("-", 1)[1]) == 16


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="changing owners needs root")
def test_handing_a_home_over_never_changes_a_hard_linked_file(tmp_path):
    """A learner's hard link to a file of the course's owner (made in shared mode) must not become theirs."""
    outside, home = tmp_path / "course-file.py", tmp_path / "home"
    outside.write_text("# root runs this\n")
    home.mkdir()
    os.link(outside, home / "innocent.txt")
    (home / "mine.txt").write_text("theirs")
    hub_accounts._hand_over(home, 4242, 4242)
    assert outside.stat().st_uid == 0 and (home / "mine.txt").stat().st_uid == 4242
