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


def test_a_folder_swapped_for_a_link_while_root_cleans_up_never_leads_its_removals_elsewhere(
        shared_and_precious, monkeypatch):
    """As another account would do it (renameat2 in a loop, a race that the cold attack won): here the
    swap is made at the worst moment, right after root has looked at the learner's folder and found it
    theirs, so the test does not depend on luck. Before: root deleted precious/victim through the link."""
    shared, precious = shared_and_precious
    real_stat, real_lstat, swapped = os.stat, os.lstat, []

    def swap_after(look):
        def looked(path, *args, **kwargs):
            found = look(path, *args, **kwargs)
            if str(path).endswith("victim") and not swapped:
                swapped.append(path)
                os.rename(shared / "x", shared / "x-moved")
                os.symlink(precious, shared / "x")  # x/victim now leads to root's precious/victim
            return found
        return looked
    monkeypatch.setattr(os, "stat", swap_after(real_stat))
    monkeypatch.setattr(os, "lstat", swap_after(real_lstat))
    accounts.remove_leftovers(LEARNER)
    monkeypatch.undo()
    assert swapped, "the learner's folder was never looked at: the test proves nothing"
    assert (precious / "victim" / "precious").read_text() == "root's"
    assert not (shared / "x-moved" / "victim").exists()  # and the learner's own leftover went


def test_only_the_accounts_own_files_go(shared_and_precious):
    shared, _ = shared_and_precious
    (shared / "someone-elses").write_text("kept")
    accounts.remove_leftovers(LEARNER)
    assert not (shared / "x" / "victim").exists()
    assert (shared / "someone-elses").read_text() == "kept" and (shared / "x").is_dir()
