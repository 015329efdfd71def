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


# Stands in for chmod in the removal: before it runs, it swaps the folder holding the learner's leftover for
# a link to root's folder, as another account could at the worst moment (a race a cold attack won once).
SWAPPING_CHMOD = """#!/bin/sh
if mkdir "$SHARED/swapped" 2>/dev/null; then
    mv "$SHARED/x" "$SHARED/x-moved" && ln -s "$PRECIOUS" "$SHARED/x"
fi
exec {chmod} "$@"
"""


def test_a_folder_swapped_for_a_link_while_root_cleans_up_never_leads_its_removals_elsewhere(
        shared_and_precious, monkeypatch, tmp_path):
    """Root's earlier clean-up deleted precious/victim through such a link. Now the removal is done by the
    account itself, which may not remove root's files, whatever path it is led along."""
    shared, precious = shared_and_precious
    precious.chmod(0o755)  # readable by the account, so only the account's rights stand in the way
    tools = Path(tempfile.mkdtemp(dir="/tmp"))
    try:
        tools.chmod(0o755)
        (tools / "chmod").write_text(SWAPPING_CHMOD.format(chmod=shutil.which("chmod")))
        (tools / "chmod").chmod(0o755)
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
