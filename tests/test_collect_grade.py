"""Issue 20: the loop closed. `collect` takes each learner's notebooks and quiz answers together, with the
time each was last saved; `grade --before` marks the last version saved before the deadline and flags the
later ones; grading a folder never overwrites another folder's gradebook; each learner gets a page."""
import csv
import datetime
import json
import math
import os
import subprocess
import sys
import time

import pytest

from classroom import collect, gradebook
from test_gradebook import ROOT, RUN, hand_in, right, short_01, wrong

DEADLINE = datetime.datetime.now().replace(microsecond=0) - datetime.timedelta(hours=1)  # for made-up times
EARLY = (DEADLINE - datetime.timedelta(hours=2)).timestamp()
LATE = (DEADLINE + datetime.timedelta(minutes=30)).timestamp()


def a_deadline_passes():
    """A deadline (a whole second, as the teacher gives it) that has just passed: files written before this
    call were saved before it, files written after it after (a file's change time cannot be set back)."""
    deadline = datetime.datetime.fromtimestamp(math.ceil(time.time()))
    time.sleep(max(0.0, deadline.timestamp() - time.time()) + 1.1)  # and over a second later
    return deadline


def saved_at(path, when):
    os.utime(path, (when, when))
    return path


def click(question, choice, when):
    return json.dumps({"question": question, "choice": choice,
                       "time": datetime.datetime.fromtimestamp(when).isoformat(timespec="seconds")}) + "\n"


def grade(folder, out, *options):
    done = subprocess.run([sys.executable, "-c", RUN, str(folder), "--out", str(out), "--time-limit", "20", *options],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    return done


def rows_of(out):
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as handle:
        return {(row["learner"], row["exercise"]): row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    homes = tmp_path_factory.mktemp("homes")
    # ada handed in a wrong answer before the deadline (File > Save made the checkpoint), a right one after.
    hand_in(homes, "ada", "01_error", short_01(wrong("error")), where="my-work/.ipynb_checkpoints").rename(
        homes / "ada" / "my-work" / ".ipynb_checkpoints" / "01_error-checkpoint.ipynb")
    hand_in(homes, "bob", "01_error", short_01(right("error")))  # on time
    deadline = a_deadline_passes()
    hand_in(homes, "ada", "01_error", short_01(right("error")))
    early, late = (deadline + datetime.timedelta(seconds=seconds) for seconds in (-3600, 60))
    (homes / "ada" / "quiz-answers.jsonl").write_text(click("error-sign", 0, early.timestamp())
                                                       + click("error-sign", 1, late.timestamp()))
    hand_in(homes, "cy", "01_error", short_01(right("error")))  # late, nothing earlier
    to = tmp_path_factory.mktemp("collections") / "session-1"
    collect.main([str(homes), "--to", str(to)])
    out = tmp_path_factory.mktemp("out") / "gradebook"
    done = grade(to, out, "--before", deadline.isoformat(sep=" "))
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(homes=homes, to=to, out=out, rows=rows_of(out))


def test_collect_takes_notebooks_quiz_answers_and_earlier_versions_with_their_times(collected):
    to = collected["to"]
    record = json.loads((to / "collected.json").read_text(encoding="utf-8"))
    ada = record["learners"]["ada"]
    version = next(name for name in ada if name.startswith("versions/01_error."))
    assert set(ada) == {"01_error.ipynb", "quiz-answers.jsonl", version}
    saved, kept = (gradebook.saved_time(path.stat()) for path in (
        collected["homes"] / "ada" / "my-work" / "01_error.ipynb",
        collected["homes"] / "ada" / "my-work" / ".ipynb_checkpoints" / "01_error-checkpoint.ipynb"))
    assert ada["01_error.ipynb"] == gradebook.saved_text(saved) and ada[version] == gradebook.saved_text(kept)
    assert (to / "ada" / "01_error.ipynb").stat().st_mtime == saved
    handed_in = collected["homes"] / "ada" / "quiz-answers.jsonl"
    assert (to / "ada" / "quiz-answers.jsonl").read_bytes() == handed_in.read_bytes()
    assert (to.stat().st_mode & 0o777) == 0o700  # learners' work, the teacher's alone


def test_grade_before_a_deadline_marks_the_last_version_saved_before_it_and_flags_later_ones(collected):
    rows = collected["rows"]
    assert rows[("ada", "error")]["status"] == "wrong"  # as saved before the deadline
    assert "after the deadline: graded as saved at" in rows[("ada", "error")]["late"]
    assert rows[("ada", "quiz:error-sign")]["status"] == "wrong"  # the right choice came after the deadline
    assert rows[("bob", "error")]["status"] == "passed" and rows[("bob", "error")]["late"] == ""
    assert rows[("cy", "error")]["status"] == "passed" and rows[("cy", "error")]["late"].startswith("late:")


def test_grading_a_collection_gives_each_learner_their_page_in_the_home_it_was_collected_from(collected):
    for learner in ("ada", "bob", "cy"):
        page = (collected["homes"] / learner / "feedback.html").read_text(encoding="utf-8")
        assert "after the deadline" in page if learner == "ada" else "01_error" in page
        assert page == (collected["out"] / "feedback" / next(name for name in os.listdir(collected["out"] / "feedback")
                                                              if learner in name)).read_text(encoding="utf-8")
    assert not any(collected["to"].glob("*/feedback.html"))  # the teacher's collection, which no learner opens


def test_grading_another_folder_never_overwrites_a_gradebook(collected, tmp_path):
    before = (collected["out"] / "gradebook.csv").read_bytes()
    other = tmp_path / "other-class"
    hand_in(other, "zed", "01_error", short_01(right("error")))
    done = grade(other, collected["out"])
    assert done.returncode != 0 and "give another --out" in done.stderr
    assert (collected["out"] / "gradebook.csv").read_bytes() == before


def test_a_linked_checkpoint_or_versions_folder_takes_no_other_learners_version(tmp_path):
    """Found by a cold attack: a learner who links their .ipynb_checkpoints (or versions/) to another
    learner's was graded, under --before, on that learner's earlier answer, and `collect` copied it."""
    homes = tmp_path / "homes"
    checkpoint = hand_in(homes, "honest", "01_error", short_01(right("error")), where="my-work/.ipynb_checkpoints")
    saved_at(checkpoint, EARLY).rename(checkpoint.with_name("01_error-checkpoint.ipynb"))
    saved_at(hand_in(homes, "honest", "01_error", short_01(right("error"))), EARLY)
    copied = saved_at(hand_in(homes, "copier", "01_error", short_01(wrong("error"))), LATE)
    theirs = homes / "honest" / "my-work" / ".ipynb_checkpoints"
    (homes / "copier" / "my-work" / ".ipynb_checkpoints").symlink_to(theirs)
    earlier = saved_at(hand_in(homes, "honest", "01_error.2026-12-01T10-00-00", short_01(right("error")),
                               where=gradebook.VERSIONS), EARLY)
    (homes / "copier" / gradebook.VERSIONS).symlink_to(earlier.parent)
    assert gradebook.versions_of(copied, homes / "copier") == [copied]
    entry = collect.collect_learner(homes / "copier", {"01_error": copied}, tmp_path / "collected")
    assert list(entry) == ["01_error.ipynb"]


def test_a_folder_swapped_for_a_link_after_the_walk_leads_to_no_other_learners_file(tmp_path):
    """From a cold attack: mallory's my-work, swapped for a link to alice's between the walk and the read, had
    root copy alice's notebook as mallory's (O_NOFOLLOW guarded the file's own name only)."""
    homes = tmp_path / "homes"
    hand_in(homes, "alice", "01_error", short_01(right("error")))
    hand_in(homes, "mallory", "01_error", short_01(wrong("error")))
    found = gradebook.find_learners(homes)
    (homes / "mallory" / "my-work").rename(homes / "mallory" / "real")
    (homes / "mallory" / "my-work").symlink_to(homes / "alice" / "my-work")
    entry = collect.collect_learner(homes / "mallory", found["mallory"], tmp_path / "to" / "mallory")
    assert "link" in entry["not collected"]["01_error.ipynb"] and not (tmp_path / "to" / "mallory").exists()
    with pytest.raises(ValueError, match="link"):  # grading the homes straight away reads the same way
        gradebook.read_notebook(found["mallory"]["01_error"], beneath=homes / "mallory")


def test_a_chain_of_folders_or_a_file_that_vanishes_stops_no_one(tmp_path, monkeypatch):
    """From a cold attack: 1,100 folders in a chain (os.walk recursed: RecursionError) or a notebook removed
    between the listing and its time (FileNotFoundError) ended collect and grade for the whole class."""
    homes = tmp_path / "homes"
    hand_in(homes, "ada", "01_error", short_01(right("error")))
    hand_in(homes, "deep", "01_error", short_01(right("error")))
    hand_in(homes, "gone", "01_error", short_01(right("error")))
    chain = homes / "deep" / "my-work"
    for _ in range(1100):  # one at a time: pathlib's mkdir(parents=True) recurses too
        chain = chain / "d"
        chain.mkdir()
    (chain / "02_learning_rate.ipynb").write_bytes((homes / "ada" / "my-work" / "01_error.ipynb").read_bytes())
    listed = os.scandir

    class Listing(list):  # what os.scandir gives: an iterator of entries, with a `with` that closes it
        def __iter__(self):
            return iter(list(super().__iter__()))

        def __next__(self):
            if not self:
                raise StopIteration
            return self.pop(0)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            pass

        def close(self):
            pass

    def listed_then_removed(folder):  # the learner's loop removes it just after the folder is read
        with listed(folder) as found:
            entries = Listing(found)
        for entry in entries:
            if entry.name == "01_error.ipynb" and "/gone/" in entry.path:
                os.remove(entry.path)
        return entries
    monkeypatch.setattr(os, "scandir", listed_then_removed)
    try:
        found = gradebook.find_learners(homes)
    finally:
        monkeypatch.undo()
        (chain / "02_learning_rate.ipynb").unlink()
        while chain.name == "d":  # from the bottom up: pytest's own clean-up recurses as os.walk did
            chain.rmdir()
            chain = chain.parent
    assert sorted(found) == ["ada", "deep", "gone"] and found["gone"] == {}
    assert set(found["ada"]) == set(found["deep"]) == {"01_error"}  # 1,100 folders down is past the walk


def test_a_notebook_of_a_million_cells_is_refused_before_nbformat_validates_it(tmp_path):
    """From a cold attack: 1.1 million empty raw cells (48 MB, under the size cap) cost the grader's own
    thread 50 CPU-seconds and 1.9 GB in nbformat's validation, outside every limit a kernel has."""
    from classroom import handins
    cells = [{"cell_type": "raw", "metadata": {}, "source": ""}] * (handins.MAX_CELLS + 1)
    path = tmp_path / "01_error.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    with pytest.raises(ValueError, match="5,001 cells, more than the 5,000 graded"):  # a valid notebook otherwise
        handins.read_notebook(path, beneath=tmp_path)


def test_a_notebook_saved_late_and_dated_back_is_still_late(tmp_path):
    """From a cold attack: a learner who saved after the deadline, then set the notebook's modified time back
    (`touch -d`, which any owner may do), or made a backdated versions/ copy, was graded as on time."""
    homes = tmp_path / "homes"
    deadline = a_deadline_passes()
    saved_at(hand_in(homes, "mallory", "01_error", short_01(right("error"))), EARLY)
    saved_at(hand_in(homes, "mallory", "01_error.2026-12-01T10-00-00", short_01(right("error")),
                     where=gradebook.VERSIONS), EARLY)
    notebook = homes / "mallory" / "my-work" / "01_error.ipynb"
    path, saved, late = gradebook.choose_version(notebook, homes / "mallory", deadline.timestamp())
    assert path == notebook and saved > deadline.timestamp() and late.startswith("late: saved at")
    entry = collect.collect_learner(homes / "mallory", {"01_error": notebook}, tmp_path / "to")
    assert entry["01_error.ipynb"] == gradebook.saved_text(saved)  # what collect records, for --before
