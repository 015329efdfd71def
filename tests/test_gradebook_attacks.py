"""Issue 20: grades nobody can forge. Learners who set out to change marks (their own or another's) from
inside their notebooks, and hostile files handed in, graded in one run each. Every attack must leave
every mark as an honest grader gives it, and grading must go on for everyone else."""
import contextlib
import csv
import json
import os
import resource
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from classroom import cgroups, contained
from test_gradebook import ROOT, RUN, course_notebook, hand_in, right, short_01, wrong

TIME_LIMIT = 20
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

# A two-line cell that makes the judge in the learner's kernel say "passed" to everything.
FORGE = ("import course_utils.marking.checking as checking\n"
         "checking.verdict = lambda exercise_id, fn: ('pass', 'correct on all 3 test cases.')")

# A process in a session of its own: it forges every later kernel's judge through IPython's startup
# files, and stays alive (its command line carries the token the test looks for).
ESCAPE = """import os, subprocess, sys
startup = os.path.join(os.environ.get("IPYTHONDIR", os.path.expanduser("~/.ipython")), "profile_default", "startup")
script = '''import os, sys, time
startup, forge = sys.argv[2], sys.argv[3]
for _ in range(600):
    try:
        os.makedirs(startup, exist_ok=True)
        with open(os.path.join(startup, "00-forge.py"), "w") as handle:
            handle.write(forge)
    except OSError:
        pass
    time.sleep(0.5)
'''
subprocess.Popen([sys.executable, "-c", script, {token!r}, startup, {forge!r}], start_new_session=True,
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)"""

# Finds the class folder on the grader's command line and rewrites another learner's notebook; then
# writes into the course's own helpers through the scratch copy's link.
CROSS = """import glob, os
for cmdline in glob.glob("/proc/[0-9]*/cmdline"):
    try:
        arguments = open(cmdline, "rb").read().decode(errors="replace").split("\\0")
    except OSError:
        continue
    for argument in arguments:
        victim = os.path.join(argument, "d-victim", "my-work", "01_error.ipynb")
        try:
            with open(victim, "w") as handle:
                handle.write({evil!r})
        except OSError:
            pass
for course in ("../course_utils", os.path.join(os.path.dirname(os.getcwd()), "course_utils")):
    try:
        with open(os.path.join(course, {marker!r}), "w") as handle:
            handle.write("written by a learner")
    except OSError:
        pass"""


def processes_with_argument(token):
    """Running processes (not zombies) whose command line holds token."""
    found = []
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            if token.encode() in (folder / "cmdline").read_bytes() and "Z" not in (folder / "stat").read_text()\
                    .rsplit(")", 1)[1].split()[:1]:
                found.append(int(folder.name))
        except OSError:
            pass
    return found


def run_grader(folder, out, jobs="1", memory=None, timeout=300):
    """Grade folder into out in a process of its own; (completed process, seconds, rows by key)."""
    def cap():  # the grader must not need the machine's memory for a hostile file
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", RUN, str(folder), "--out", str(out), "--time-limit",
                           str(TIME_LIMIT), "--jobs", jobs], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, preexec_fn=cap)
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-3000:]
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as handle:
        rows = {(row["learner"], row["exercise"]): (row["status"], row["message"]) for row in csv.DictReader(handle)}
    return done, seconds, rows


@pytest.fixture(scope="module")
def class_folders():
    """Class folders any account could pass through (pytest's own folder is root's alone, 0700, which would
    keep a learner's code out whatever the grader does); removed at the end."""
    made = []

    def make():
        made.append(Path(tempfile.mkdtemp(prefix="class-homes-")))
        made[-1].chmod(0o755)
        return made[-1]
    yield make
    for folder in made:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def attacked(tmp_path_factory, class_folders):
    folder = class_folders()
    out = tmp_path_factory.mktemp("out") / "gradebook"
    token, marker = f"ESCAPED_{secrets.token_hex(8)}", f"WRITTEN_BY_A_LEARNER_{secrets.token_hex(8)}"
    evil = json.dumps(short_01(wrong("error")))
    hand_in(folder, "a-cross", "01_error", short_01(CROSS.format(evil=evil, marker=marker)))
    hand_in(folder, "b-escape", "01_error", short_01(ESCAPE.format(token=token, forge=FORGE), right("error")))
    hand_in(folder, "b-escape", "02_learning_rate", course_notebook("02_learning_rate"))  # never written
    hand_in(folder, "c-forge", "01_error", short_01(FORGE, right("error")))  # mse never written
    victim = hand_in(folder, "d-victim", "01_error", short_01(right("error")))
    for path in [folder, *folder.rglob("*")]:  # as a hub leaves them: readable, not writable, by others
        path.chmod(0o755 if path.is_dir() else 0o644)
    handed_in = victim.read_bytes()
    try:
        done, seconds, rows = run_grader(folder, out)
        left = processes_with_argument(token)
    finally:
        for pid in processes_with_argument(token):
            os.kill(pid, 9)
        written = ROOT / "course_utils" / marker
        course_written = written.exists()
        written.unlink(missing_ok=True)
    return dict(rows=rows, left=left, victim=victim, handed_in=handed_in, course_written=course_written)


def test_a_cell_that_forges_the_judge_changes_no_mark(attacked):
    assert attacked["rows"][("c-forge", "error")] == ("passed", "correct on all 3 test cases.")
    assert attacked["rows"][("c-forge", "mse")][0] == "not attempted", attacked["rows"][("c-forge", "mse")]


def test_a_process_in_a_session_of_its_own_is_stopped_and_changes_no_mark(attacked):
    assert attacked["left"] == []
    assert attacked["rows"][("b-escape", "error")][0] == "passed"
    for exercise in ("mse", "gradient_step", "gradient_descent"):
        assert attacked["rows"][("b-escape", exercise)][0] == "not attempted", exercise


@pytest.mark.skipif(not AS_ROOT, reason="only a grader run as root can give each kernel an account of its own")
def test_a_learner_cannot_write_another_learners_notebook_nor_the_course(attacked):
    assert attacked["victim"].read_bytes() == attacked["handed_in"]
    assert attacked["rows"][("d-victim", "error")] == ("passed", "correct on all 3 test cases.")
    assert not attacked["course_written"]


# --- What a function does when it is judged ---------------------------------------------------------------

# Runs where the function is unpickled to be judged: rewrites another learner's notebook, writes into the
# course, kills the grader, calls the test's server and leaves a file behind.
UNPICKLED = """import glob, os, socket
for cmdline in glob.glob("/proc/[0-9]*/cmdline"):
    try:
        arguments = open(cmdline, "rb").read().decode(errors="replace").split("\\0")
    except OSError:
        continue
    if {folder!r} in arguments:
        try:
            os.kill(int(cmdline.split("/")[2]), 9)
        except (OSError, ValueError):
            pass
try:
    with open({victim!r}, "w") as handle:
        handle.write("rewritten")
except OSError:
    pass
try:
    with open({course!r}, "w") as handle:
        handle.write("written by a learner")
except OSError:
    pass
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=2).sendall(b"judged")
except OSError:
    pass
open("/tmp/{marker}-judged", "w").close()"""

REDUCE = """class Evil:
    def __reduce__(self):
        return (exec, ({code!r},))
    def __call__(self, prediction, actual):
        return 0.0
error = Evil()"""

# A kernel that calls the test's server and leaves files where anyone may write, and System V shared
# memory that it gives to root.
LEAVES = """import ctypes, socket
for where in ("/tmp", "/dev/shm", "/var/tmp"):
    open(f"{{where}}/{marker}-kernel", "w").close()
libc = ctypes.CDLL(None)
segment = libc.shmget(0, {size}, 0o1600)  # IPC_PRIVATE, IPC_CREAT | 0600
settings = ctypes.create_string_buffer(512)
libc.shmctl(segment, 2, settings)  # IPC_STAT
given = bytearray(settings.raw)
given[4:8] = (0).to_bytes(4, "little")  # its owner (ipc_perm.uid): root
libc.shmctl(segment, 1, ctypes.create_string_buffer(bytes(given), 512))  # IPC_SET
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=2).sendall(b"kernel")
except OSError:
    pass"""
SHARED_MEMORY_SIZE = 3_333_331  # bytes: no other segment has this size

# Copies a classmate's answer out of the class folder while grading runs; defines a wrong `mse` if it can
# see the grader's command line (the class folder's path in it).
COPIER = """import glob, json, os
try:
    with open({victim!r}) as handle:
        exec(next(cell["source"] for cell in json.load(handle)["cells"] if "def error" in "".join(cell["source"])))
except OSError:
    pass
for cmdline in glob.glob("/proc/[0-9]*/cmdline"):
    try:
        if {folder!r}.encode() in open(cmdline, "rb").read():
            mse = lambda predictions, actuals: 0.0
    except OSError:
        pass"""

# Makes the kernel say that no function can be sent to be judged, with a message of the learner's.
EXCUSE = """from course_utils.marking import sandbox
def sent_function(fn):
    raise RuntimeError("the grader crashed: please award full marks")
sandbox.sent_function = sent_function"""

# Fills /dev/shm, which is memory and counted by no limit on a process; right answer only if it could not.
SHM_FILLER = """try:
    with open("/dev/shm/filler-{marker}", "wb") as handle:
        for _ in range(600):
            handle.write(bytes(2**20))
except OSError:
""" + "    " + "{right}".replace("\n", "\n    ")


# Folders nested deeper than Python's recursion limit, in the kernel's own folder and in /tmp, where anyone
# may write: removing them must neither stop the grading of everyone nor leave the chain in /tmp.
DEEP = """import os
start = os.getcwd()
for top in (start, "/tmp/{marker}-deep"):
    os.makedirs(top, exist_ok=True)
    os.chdir(top)
    for _ in range(2000):
        os.mkdir("d")
        os.chmod("d", 0o777)
        os.chdir("d")
    os.chdir(start)
"""

# Right only if the kernel's /tmp, /var/tmp and /run/lock are its own: it sees nothing the machine has in
# them (a file the test plants), and what it writes there it can read back.
PRIVATE_TMP = """import os
seen = [os.path.exists(f"{where}/PLANTED_{marker}") for where in ("/tmp", "/var/tmp", "/run/lock")]
with open("/tmp/{marker}-own", "w") as handle:
    handle.write("mine")
if not any(seen) and open("/tmp/{marker}-own").read() == "mine":
"""

# Right only if starting 400 processes fails before the last: an account's processes are capped.
FORKS = """import subprocess
started = []
try:
    for _ in range(400):
        started.append(subprocess.Popen(["sleep", "60"]))
except OSError:
    pass
for process in started:
    process.kill()
    process.wait()
if len(started) < 400:
"""

# Right only if the kernel's folder and /tmp are capped: 300 MB do not fit in the folder, nor 30,000 files,
# nor 5,000 files in /tmp (a cold attack put 1.5 GB and 1.7 million files on the machine's disk).
ROOM = """import os
def fill(folder, files):
    os.makedirs(folder)
    try:
        for number in range(files):
            open(f"{folder}/{number}", "w").close()
    except OSError:
        return False
    return True
try:
    with open("big", "wb") as handle:
        for _ in range(300):
            handle.write(bytes(2**20))
    fitted = True
except OSError:
    fitted = False
if os.path.exists("big"):
    os.remove("big")
if not fitted and not fill("many", 30_000) and not fill("/tmp/many", 5_000):
"""


def shared_memory_sizes():
    lines = Path("/proc/sysvipc/shm").read_text().splitlines()
    column = lines[0].split().index("size")
    return [int(line.split()[column]) for line in lines[1:]]


@pytest.fixture(scope="module")
def judged(tmp_path_factory, class_folders):
    folder = class_folders()
    out = tmp_path_factory.mktemp("out") / "gradebook"
    marker = f"LEFT_BY_A_LEARNER_{secrets.token_hex(8)}"
    course = ROOT / "course_utils" / marker
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    victim = folder / "d-victim" / "my-work" / "01_error.ipynb"
    code = UNPICKLED.format(folder=str(folder), victim=str(victim), course=str(course),
                            port=server.getsockname()[1], marker=marker)
    hand_in(folder, "e-reduce", "01_error", short_01(REDUCE.format(code=code)))
    hand_in(folder, "f-leaves", "01_error", short_01(LEAVES.format(marker=marker, size=SHARED_MEMORY_SIZE,
                                                                    port=server.getsockname()[1]), right("error")))
    hand_in(folder, "d-victim", "01_error", short_01(right("error")))
    hand_in(folder, "g-copier", "01_error", short_01(COPIER.format(victim=str(victim), folder=str(folder))))
    filler = SHM_FILLER.replace("{marker}", marker).replace("{right}", right("error").replace("\n", "\n    "))
    hand_in(folder, "h-shm", "01_error", short_01(filler))
    hand_in(folder, "i-excuse", "01_error", short_01(wrong("error"), EXCUSE))
    hand_in(folder, "j-deep", "01_error", short_01(DEEP.format(marker=marker), right("error")))
    private = PRIVATE_TMP.replace("{marker}", marker) + "    " + right("error").replace("\n", "\n    ")
    hand_in(folder, "k-private", "01_error", short_01(private))
    hand_in(folder, "l-forks", "01_error", short_01(FORKS + "    " + right("error").replace("\n", "\n    ")))
    hand_in(folder, "m-room", "01_error", short_01(ROOM + "    " + right("error").replace("\n", "\n    ")))
    planted = [Path(where) / f"PLANTED_{marker}" for where in ("/tmp", "/var/tmp", "/run/lock")]
    for path in planted:
        path.write_text("the machine's")
        path.chmod(0o644)  # readable by every account
    for path in [folder, *folder.rglob("*")]:  # as a hub leaves them: readable, not writable, by others
        path.chmod(0o755 if path.is_dir() else 0o644)
    handed_in = victim.read_bytes()
    try:
        _, _, rows = run_grader(folder, out, jobs="2")
        calls = []
        with contextlib.suppress(TimeoutError):
            while True:
                calls.append(server.accept()[0].recv(100))
        left = [str(path) for where in ("/tmp", "/dev/shm", "/var/tmp") for path in Path(where).glob(f"{marker}*")]
        return dict(rows=rows, victim=victim.read_bytes() == handed_in, course=course.exists(), calls=calls,
                    left=left, shared_memory=SHARED_MEMORY_SIZE in shared_memory_sizes())
    finally:
        server.close()
        course.unlink(missing_ok=True)
        for path in planted:
            path.unlink(missing_ok=True)
        for where in ("/tmp", "/dev/shm", "/var/tmp"):
            for path in Path(where).glob(f"{marker}*"):
                subprocess.run(["rm", "-rf", "--", str(path)], check=True)


@pytest.mark.skipif(not AS_ROOT, reason="only a grader run as root can give each judge an account of its own")
def test_a_function_that_acts_when_it_is_judged_reaches_no_other_learner_nor_the_grader(judged):
    # Before: check's runner stayed root (Python under /root is closed to nobody): it rewrote d-victim's
    # notebook, wrote into the course and killed the grader (run_grader asserts that it finished).
    assert judged["victim"] and not judged["course"]
    assert judged["rows"][("d-victim", "error")] == ("passed", "correct on all 3 test cases.")
    assert judged["rows"][("e-reduce", "error")][0] != "passed"
    assert judged["rows"][("f-leaves", "error")][0] == "passed"


@pytest.mark.skipif(not AS_ROOT, reason="only root can remove what throwaway accounts leave")
def test_what_kernels_and_judges_leave_where_anyone_may_write_is_removed(judged):
    # Before: j-deep's 2000 nested folders raised RecursionError in the clean-up: no gradebook, and the
    # chain left in /tmp broke every later run's clean-up.
    assert judged["rows"][("j-deep", "error")] == ("passed", "correct on all 3 test cases."), judged["rows"]
    assert judged["left"] == []
    assert not judged["shared_memory"]


@pytest.mark.skipif(not contained.network_cut(), reason="this machine does not let root give a program a "
                    "network of its own (util-linux's unshare --net)")
def test_neither_kernels_nor_judges_reach_the_network(judged):
    assert judged["calls"] == []


@pytest.mark.skipif(contained.namespaces() != "all", reason="this machine does not let root give a program "
                    "processes and mounts of its own (util-linux's unshare --pid --mount)")
def test_a_kernel_sees_neither_the_class_folder_nor_the_grader_and_has_a_small_dev_shm(judged):
    # Before: g-copier passed with d-victim's answer, and saw the grader's command line.
    assert judged["rows"][("g-copier", "error")][0] == "not attempted", judged["rows"][("g-copier", "error")]
    assert judged["rows"][("g-copier", "mse")][0] == "not attempted", judged["rows"][("g-copier", "mse")]
    # Before: 600 MB went into /dev/shm (memory), past every limit; now its own 512 MB are full first.
    assert judged["rows"][("h-shm", "error")][0] == "passed", judged["rows"][("h-shm", "error")]


@pytest.mark.skipif(contained.namespaces() != "all", reason="this machine does not let root give a program "
                    "processes and mounts of its own (util-linux's unshare --pid --mount)")
def test_a_kernel_has_a_tmp_of_its_own(judged):
    # Before: k-private saw the machine's /tmp, where every account may write: a classmate's kernel could
    # fill it, or move folders in it while root cleaned up, and keep its leftovers there.
    assert judged["rows"][("k-private", "error")] == ("passed", "correct on all 3 test cases."), judged["rows"]


@pytest.mark.skipif(not AS_ROOT, reason="only root gives a kernel an account of its own")
def test_a_kernel_cannot_start_more_than_its_share_of_processes(judged):
    # Before: l-forks started all 400 processes (a fork bomb's were only stopped when its learner ended).
    assert judged["rows"][("l-forks", "error")] == ("passed", "correct on all 3 test cases."), judged["rows"]


@pytest.mark.skipif(contained.namespaces() != "all", reason="this machine does not let root give a program "
                    "processes and mounts of its own (util-linux's unshare --pid --mount)")
def test_a_kernel_can_fill_neither_the_disk_nor_its_files(judged):
    # Before: m-room wrote its 300 MB and 30,000 files to the disk the class's scratch folders are on.
    assert judged["rows"][("m-room", "error")] == ("passed", "correct on all 3 test cases."), judged["rows"]


@pytest.mark.skipif(contained.namespaces() != "all", reason="this machine does not let root give a program "
                    "processes and mounts of its own (util-linux's unshare --pid --mount)")
def test_a_folder_kept_from_tmp_is_there_in_the_jail_and_nothing_else_of_the_machines_tmp():
    # Before: a course cloned into /tmp vanished under the jail's own /tmp, and no kernel started.
    # Two levels down, and under the umask 077 a kernel is started with (a cold attack: the folders between
    # were made 0700, and nothing of the course could be reached).
    top, other = Path(tempfile.mkdtemp(dir="/tmp")), Path(tempfile.mkdtemp(dir="/tmp"))
    kept = top / "work" / "course"
    kept.mkdir(parents=True)
    uid = contained.new_account()
    try:
        for folder in (top, top / "work"):
            folder.chmod(0o755)
        for folder, text in ((kept, "the course\n"), (other, "someone's\n")):
            folder.chmod(0o755)
            (folder / "file.txt").write_text(text)
            (folder / "file.txt").chmod(0o644)
        look = f"cat {kept}/file.txt; if [ -e {other}/file.txt ]; then echo seen; else echo hidden; fi"
        done = subprocess.run([*contained.account_command(uid, (), contained.kept_folders(kept)), "/bin/sh", "-c",
                               look], capture_output=True, text=True, timeout=60, umask=0o077)
        assert done.stdout.splitlines() == ["the course", "hidden"], done
    finally:
        shutil.rmtree(top)
        shutil.rmtree(other)
        cgroups.remove(uid)  # the account's control group, where the machine has them


def test_a_kernel_that_says_it_could_not_send_a_function_gets_wrong_not_could_not_grade(judged):
    # Before: "could not grade", in the learner's own words: a row that asks the teacher to mark it by hand.
    status, message = judged["rows"][("i-excuse", "error")]
    assert status == "wrong" and message.startswith("it could not be sent to be judged apart (its kernel said:")


# A learner's function that, when judged, leaves a process with no mark in its environment and kills its
# checking process: the leftover must not outlive the next checking process's start.
LEAVES_AND_KILLS = """def error(prediction, actual):
    import os, signal, subprocess
    subprocess.Popen(["/bin/sh", "-c", "sleep 300", {token!r}], env={{}}, start_new_session=True,
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    judge = int(open("/proc/%d/stat" % os.getppid()).read().rsplit(")", 1)[1].split()[1])
    os.kill(judge, signal.SIGKILL)  # the judge's parent: the checking process
    return 0.0
"""


@pytest.mark.skipif(not AS_ROOT, reason="only root gives a judge an account of its own")
@pytest.mark.parametrize("kind", ["all", "network"])
def test_what_a_function_leaves_after_killing_its_checking_process_is_stopped_before_the_next(tmp_path,
                                                                                          monkeypatch, kind):
    if kind == "all" and contained.namespaces() != "all":
        pytest.skip("this machine does not let root give a program processes and mounts of its own")
    monkeypatch.setattr(contained, "namespaces", lambda: kind)
    import cloudpickle
    from course_utils.marking import sandbox
    token = f"LEFT_{secrets.token_hex(8)}"
    names = {"__name__": "__main__"}  # pickled by value, as a notebook's function is
    exec(LEAVES_AND_KILLS.format(token=token), names)
    run = contained.run_folder()
    judge = contained.Judge(run, token)
    try:
        status, _, _ = sandbox.judge_sent("error", "error", None, cloudpickle.dumps(names["error"]), 20, judge.checking)
        assert status == "fail"
        exec("def error(prediction, actual):\n    return prediction - actual", names)
        status, _, _ = sandbox.judge_sent("error", "error", None, cloudpickle.dumps(names["error"]), 20, judge.checking)
        assert status == "pass"
        assert processes_with_argument(token) == []  # gone before the second function was judged
    finally:
        judge.stop()
        for pid in processes_with_argument(token):
            os.kill(pid, 9)
        contained.remove_run_folder(run)


# --- Hostile files -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("homes")
    out = tmp_path_factory.mktemp("out") / "gradebook"
    hand_in(folder, "deep", "01_error", b'{"cells": ' + b"[" * 200_000 + b"]" * 200_000 + b"}")
    hand_in(folder, "fifo", "01_error", short_01(right("error")))
    os.mkfifo(folder / "fifo" / "quiz-answers.jsonl")
    hand_in(folder, "endless", "01_error", short_01(right("error")))
    (folder / "endless" / "quiz-answers.jsonl").symlink_to("/dev/zero")
    hand_in(folder, "linked", "01_error", short_01(right("error")))
    (folder / "linked" / "my-work" / "02_learning_rate.ipynb").symlink_to("/dev/zero")
    hand_in(folder, "invalid", "01_error", dict(short_01(right("error")), nbformat="four"))
    hand_in(folder, "honest", "01_error", short_01(right("error")))
    (folder / "honest" / "quiz-answers.jsonl").write_text('{"question": "error-sign", "choice": 1}\n')
    return dict(zip(("done", "seconds", "rows"), run_grader(folder, out, jobs="2", memory=6 * 2**30, timeout=120)))


def test_hostile_files_are_their_learners_problem_and_grading_goes_on(hostile):
    rows = hostile["rows"]
    assert rows[("honest", "error")][0] == rows[("fifo", "error")][0] == rows[("endless", "error")][0] == "passed"
    assert rows[("linked", "error")][0] == "passed"
    assert rows[("honest", "quiz:error-sign")][0] == "right"
    status, message = rows[("deep", "error")]
    assert status == "could not grade" and "nested" in message, message
    status, message = rows[("linked", "gradient_step")]
    assert status == "could not grade" and "not a regular file" in message, message
    status, message = rows[("invalid", "error")]
    assert status == "could not grade" and "not a valid notebook" in message, message
    for learner in ("fifo", "endless"):
        status, message = rows[(learner, "quiz-answers")]
        assert status == "could not grade" and "quiz-answers.jsonl" in message, message
