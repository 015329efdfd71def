"""A graded kernel's account in a control group of its own (classroom/cgroups.py): its processes share one
CPU, whatever they hold in memory counts (a memfd file, which no process's resident memory shows), and the
group goes when the account stops. Root only, where the machine lets root make cgroups (CI does)."""
import subprocess
import sys

import pytest

from classroom import accounts, cgroups, contained

pytestmark = pytest.mark.skipif(not cgroups.available(),
                                reason="needs root and a cgroup file system root may write (CI has both)")


@pytest.fixture()
def uid():
    uid = contained.new_account()
    yield uid
    accounts.stop_account(uid)
    cgroups.remove(uid)


def as_account(uid):
    """What runs a command as the account, with the course and Python where it can find them (a checkout
    under /tmp is kept through the jail's new /tmp)."""
    folder = contained.run_folder()
    try:
        return contained.account_command(uid, (), contained.kept_folders(folder))
    finally:
        contained.remove_run_folder(folder)


def run(command, timeout=60):
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def test_an_account_runs_in_its_own_group(uid):
    found = run([*as_account(uid), sys.executable, "-c", "print(open('/proc/self/cgroup').read())"])
    assert f"/{cgroups.NAME}/{uid}" in found.stdout, found.stderr


def test_an_accounts_busy_processes_share_one_cpu(uid):
    """Four processes that spin for 2 seconds: without the group they take up to 2 CPU-seconds a second on
    a 2-core machine (about 4 on an idle one); in it, one in all (the quota cannot be exceeded, so this
    bound holds however busy the machine is)."""
    spin = """
import multiprocessing, time
def spin(times):
    start, cpu = time.monotonic(), time.process_time()
    while time.monotonic() - start < 2:
        pass
    times.put(time.process_time() - cpu)
times = multiprocessing.Queue()
spinners = [multiprocessing.Process(target=spin, args=(times,)) for _ in range(4)]
for spinner in spinners: spinner.start()
print(sum(times.get() for _ in spinners))
"""
    found = run([*as_account(uid), sys.executable, "-c", spin])
    used = float(found.stdout)
    assert used < 2 * cgroups.CPUS * 1.25, f"{used:.2f} CPU-seconds in 2 seconds"


def test_memory_no_process_shows_counts_against_the_limit(uid):
    """A memfd file is memory that no process's resident size shows (the grader's own check misses it):
    the group's limit stops its writer."""
    fill = """
import os
memory = os.memfd_create("hoard")
for _ in range(6):
    os.write(memory, b"x" * 100_000_000)
print("kept 600 MB")
"""
    found = run([*cgroups.join_command(uid, memory=300 * 2**20), sys.executable, "-c", fill])
    assert found.returncode == -9 and "kept" not in found.stdout


def test_the_group_goes_when_the_kernel_is_stopped(tmp_path):
    folder = contained.run_folder()
    try:
        scratch = contained.Scratch(folder, contained.new_account())
        kernel = contained.ContainedKernel(scratch, token="test")
        made = cgroups.folders(scratch.uid)
        assert made and all(path.exists() for path in made)
        kernel.stop()
        assert not any(path.exists() for path in made)
        scratch.remove()
    finally:
        contained.remove_run_folder(folder)


def test_a_group_whose_limits_do_not_take_is_not_used_and_the_teacher_is_told(tmp_path, monkeypatch, capsys):
    """As in a container that keeps the cgroup v2 controllers to itself (cgroup.subtree_control refused):
    the account's group is made, but none of its limit files appear, so it would cap nothing."""
    monkeypatch.setattr(cgroups, "CGROUPS", tmp_path)
    monkeypatch.setattr(cgroups, "available", lambda: "v2")
    assert cgroups.join_command(4242) == [] and not (tmp_path / cgroups.NAME / "4242").exists()
    assert "did not take" in capsys.readouterr().err
