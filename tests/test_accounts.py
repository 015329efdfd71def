"""What root does when it cleans up after an account (classroom/accounts.py): it removes only that
account's own files, wherever another account may swap a folder for a link while it works. Root only."""
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from classroom import accounts

pytestmark = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                                reason="gives files to other accounts: root only (CI runs as root)")
LEARNER = 1_400_000_021  # a user id no one has


@pytest.fixture()
def shared_and_precious():
    """A folder anyone may write to, in /tmp, holding x/ (anyone's too) with the learner's leftover
    x/victim/; and a folder of root's, which no account may write to, holding victim/precious."""
    shared, precious = Path(tempfile.mkdtemp(dir="/tmp")), Path(tempfile.mkdtemp())
    try:
        for folder in (shared, shared / "x"):
            folder.mkdir(exist_ok=True)
            folder.chmod(0o777)
        (shared / "x" / "victim").mkdir()
        (shared / "x" / "victim" / "left.txt").write_text("the learner's")
        for path in (shared / "x" / "victim", shared / "x" / "victim" / "left.txt"):
            os.chown(path, LEARNER, LEARNER)
        (precious / "victim").mkdir()
        (precious / "victim" / "precious").write_text("root's")
        yield shared, precious
    finally:
        shutil.rmtree(shared, ignore_errors=True)
        shutil.rmtree(precious, ignore_errors=True)


# Stands in for rm in the removal: before it runs, it swaps the folder holding the learner's leftover for a
# link to root's folder, as another account could at the worst moment (a race a cold attack won once).
SWAPPING_RM = """#!/bin/sh
if mkdir "$SHARED/swapped" 2>/dev/null; then
    mv "$SHARED/x" "$SHARED/x-moved" && ln -s "$PRECIOUS" "$SHARED/x"
fi
exec {rm} "$@"
"""


def test_a_folder_swapped_for_a_link_while_root_cleans_up_never_leads_its_removals_elsewhere(
        shared_and_precious, monkeypatch):
    """Root's earlier clean-up deleted precious/victim through such a link. Now rm runs from inside the
    folder that holds the leftover (find -execdir): a folder higher up swapped for a link cannot redirect it."""
    shared, precious = shared_and_precious
    precious.chmod(0o755)
    tools = Path(tempfile.mkdtemp(dir="/tmp"))
    try:
        tools.chmod(0o755)
        (tools / "rm").write_text(SWAPPING_RM.format(rm=shutil.which("rm")))
        (tools / "rm").chmod(0o755)
        monkeypatch.setenv("PATH", f"{tools}:{os.environ['PATH']}")
        monkeypatch.setenv("SHARED", str(shared))
        monkeypatch.setenv("PRECIOUS", str(precious))
        accounts.remove_leftovers(LEARNER)
    finally:
        shutil.rmtree(tools)
    assert (shared / "swapped").is_dir() and (shared / "x").is_symlink(), "no swap: the test proves nothing"
    assert (precious / "victim" / "precious").read_text() == "root's"


def test_folders_nested_deeper_than_pythons_recursion_limit_go(tmp_path):
    # Before: RecursionError, which ended the grader's run and every later clean-up while the chain stayed.
    shared = Path(tempfile.mkdtemp(dir="/tmp"))
    shared.chmod(0o777)
    start = os.getcwd()
    try:
        for top, owner in ((shared, LEARNER), (tmp_path, 0)):
            os.chdir(top)
            for _ in range(2000):
                os.mkdir("d")
                os.chown("d", owner, owner)
                os.chdir("d")
    finally:
        os.chdir(start)
    accounts.remove_leftovers(LEARNER)
    assert not (shared / "d").exists()
    accounts.remove_folder(tmp_path / "d")
    assert not (tmp_path / "d").exists()
    shared.rmdir()


def test_only_the_accounts_own_files_go(shared_and_precious):
    shared, _ = shared_and_precious
    (shared / "someone-elses").write_text("kept")
    accounts.remove_leftovers(LEARNER)
    assert not (shared / "x" / "victim").exists()
    assert (shared / "someone-elses").read_text() == "kept" and (shared / "x").is_dir()


JUDGE = 1_400_000_022  # the same learner's second account (the judge's), another user id no one has


def test_a_learners_two_accounts_cannot_keep_a_folder_by_closing_it_to_each_other():
    # From a cold attack: the kernel's account made a folder anyone may write to, the judge's account put
    # a closed folder with a file in it, and the kernel's then closed its own folder. Removed by each
    # account in turn, neither could reach the other's: both stayed after grading, as big as the judge liked.
    shared = Path(tempfile.mkdtemp(dir="/tmp"))
    try:
        shared.chmod(0o777)
        kept = shared / "kept"
        kept.mkdir()
        (kept / "judge's").mkdir(mode=0o700)
        (kept / "judge's" / "file").write_text("x" * 1000)
        for path, owner in ((kept / "judge's" / "file", JUDGE), (kept / "judge's", JUDGE), (kept, LEARNER)):
            os.chown(path, owner, owner)
        kept.chmod(0o755)
        accounts.remove_leftovers(LEARNER)
        accounts.remove_leftovers(JUDGE)
        assert not kept.exists()
    finally:
        shutil.rmtree(shared, ignore_errors=True)


def test_a_removal_cut_short_by_its_time_limit_says_so(monkeypatch, tmp_path):
    # Before: the time limit's end was kept quiet, and what was not removed in time stayed unreported.
    shared = Path(tempfile.mkdtemp(dir="/tmp"))
    try:
        shared.chmod(0o777)
        for index in range(3000):
            (shared / f"f{index}").touch()
            os.chown(shared / f"f{index}", LEARNER, LEARNER)
        monkeypatch.setattr(accounts, "LEFTOVERS_TIME", 0.001)
        with pytest.raises(TimeoutError, match="left"):
            accounts.remove_leftovers(LEARNER)
    finally:
        shutil.rmtree(shared, ignore_errors=True)


# Stands in for find: it stops at once in the first shared folder it is given, as GNU find does when
# another account moves a folder it is inside (a cold attack did so from a classmate's kernel), and runs
# the real find for the others. Each call is recorded.
STOPPING_FIND = """#!/bin/sh
echo "$1" >> "$CALLS"
if [ "$1" = "{first}" ]; then
    echo "find: failed to read file names from file system at or below '$1'" >&2
    exit 1
fi
exec {find} "$@"
"""


def test_a_find_stopped_early_is_told_and_does_not_skip_the_other_shared_folders(monkeypatch, tmp_path):
    # Before: one find walked every shared folder; stopped early it left the others unvisited, and said nothing.
    first, *others = [top for top in accounts.SHARED_FOLDERS if os.path.isdir(top)]
    left = Path(tempfile.mkdtemp(dir=others[0])) if others else None
    tools = Path(tempfile.mkdtemp(dir="/tmp"))
    try:
        tools.chmod(0o755)
        (tools / "find").write_text(STOPPING_FIND.format(first=first, find=shutil.which("find")))
        (tools / "find").chmod(0o755)
        monkeypatch.setenv("PATH", f"{tools}:{os.environ['PATH']}")
        monkeypatch.setenv("CALLS", str(tmp_path / "calls"))
        if left:
            os.chown(left, LEARNER, LEARNER)
        with pytest.raises(OSError, match="failed to read file names"):
            accounts.remove_leftovers(LEARNER)
        assert set(others) <= set((tmp_path / "calls").read_text().split())
        assert left is None or not left.exists()
    finally:
        shutil.rmtree(tools)
        if left:
            shutil.rmtree(left, ignore_errors=True)


def test_a_removal_that_runs_out_of_time_is_given_up_not_walked_again(tmp_path, monkeypatch):
    """When rm takes longer than LEFTOVERS_TIME (a folder of millions of entries), remove_folder stops and
    says so; Python's walk, which has no time limit, is only for a machine without GNU rm."""
    folder = tmp_path / "huge"
    (folder / "inside").mkdir(parents=True)
    walks = []
    monkeypatch.setattr(accounts.shutil, "rmtree", lambda path, **_: walks.append(path))

    def rm_too_slow(command, **options):
        raise accounts.subprocess.TimeoutExpired(command, options["timeout"])
    monkeypatch.setattr(accounts.subprocess, "run", rm_too_slow)
    assert accounts.remove_folder(folder) is False and walks == [] and folder.exists()

    def no_rm(command, **options):
        raise FileNotFoundError("rm")
    monkeypatch.undo()  # the real rmtree again, and no rm
    monkeypatch.setattr(accounts.subprocess, "run", no_rm)
    assert accounts.remove_folder(folder) is True and not folder.exists()
