"""Nothing a learner writes is ever lost: random learner edits, random course changes, and random runs of
`update` and `fresh` in between, and after each run every cell the learner wrote is still in my-work/
(after `update`: in the copy itself), and no set-aside copy in my-work/old/ was ever changed.

COPIES_EXAMPLES=2000 runs many more sequences than the suite's few (which take a few seconds)."""
import json
import os
import stat
from collections import Counter
import tempfile
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from launcher import copies, files

NAMES = ("01_error", "02_linear")
LEARNER = ("add", "add without id", "delete", "duplicate", "move", "edit", "retype", "metadata", "drop ids",
           "empty", "cut short", "nested", *(("pipe",) if hasattr(os, "mkfifo") else ()))
COURSE = ("course adds", "course removes", "course rewords")
RUNS = ("update", "fresh")
STEP = st.tuples(st.sampled_from(LEARNER + COURSE + RUNS), st.sampled_from(NAMES), st.integers(0, 10_000))


class Classroom:
    """A course folder, a learner's my-work/, and what the test remembers: every (type, source) the course
    ever had, so that whatever else is in a copy is the learner's; and every file seen in my-work/old/."""

    def __init__(self, root):
        self.course, self.work, self.counter = root / "notebooks", root / "my-work", 0
        self.course.mkdir()
        self.course_had, self.old = set(), {}
        for name in NAMES:
            self.write_course(name, [self.course_cell() for _ in range(3)])
        copies.give_copies(self.course, self.work)

    def fresh_text(self, who):
        self.counter += 1
        return f"{who}-{self.counter}"

    def course_cell(self, kind="code"):
        cell = {"cell_type": kind, "id": self.fresh_text("c"), "metadata": {}, "source": self.fresh_text("course")}
        return dict(cell, outputs=[], execution_count=None) if kind == "code" else cell

    def write_course(self, name, cells):
        self.course_had |= {(cell["cell_type"], cell["source"]) for cell in cells}
        notebook = {"cells": cells, "metadata": {"kernelspec": {"name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}
        (self.course / f"{name}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")

    def change_course(self, kind, name, n):
        """The course adds a cell, removes one, or rewords one (same id, new text)."""
        cells = json.loads((self.course / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
        if kind == "course adds":
            cells.insert(n % (len(cells) + 1), self.course_cell("markdown" if n % 3 == 0 else "code"))
        elif kind == "course removes" and cells:
            cells.pop(n % len(cells))
        elif kind == "course rewords" and cells:
            cells[n % len(cells)]["source"] = self.fresh_text("course")
        self.write_course(name, cells)

    def edit(self, kind, name, n):
        """What a learner does to their copy, saved as JupyterLab (or Colab, or a crash) would save it."""
        path = self.work / f"{name}.ipynb"
        if _saved(path) is None:  # a pipe: the learner moves it away, and the next `update` gives a new copy
            return path.unlink(missing_ok=True)
        if kind == "pipe":
            path.unlink()
            return os.mkfifo(path)
        if kind == "nested":
            return path.write_text("[" * 100_000)  # too deep for Python's parser
        if kind == "empty":
            return path.write_bytes(b"")
        if kind == "cut short":
            return path.write_bytes(path.read_bytes()[: n % max(1, path.stat().st_size)])
        mine = _notebook(path.read_bytes())
        if mine is None:
            return None  # a broken copy: the learner can only run `fresh` on it
        cells, at = mine["cells"], n % max(1, len(mine["cells"]))
        if kind.startswith("add"):
            cell = {"cell_type": "code", "metadata": {}, "source": self.fresh_text("mine"), "outputs": []}
            cells.insert(n % (len(cells) + 1), cell if kind == "add without id" else dict(cell, id=f"m{n}"))
        elif cells and kind == "delete":
            cells.pop(at)
        elif cells and kind == "duplicate":
            cells.insert(at, dict(cells[at]))  # the same id twice
        elif cells and kind == "move":
            cells.insert(n % len(cells), cells.pop(at))
        elif cells and kind == "edit":
            cells[at]["source"] = [self.fresh_text("mine"), "\nline two"]  # sources may be lists of lines
        elif cells and kind == "retype":
            cells[at]["cell_type"] = "markdown" if cells[at]["cell_type"] == "code" else "code"
        elif kind == "metadata":
            mine["metadata"]["widgets"] = {"state": self.fresh_text("widget")}
        elif kind == "drop ids":
            mine["nbformat_minor"] = 4
            for cell in cells:
                cell.pop("id", None)
        path.write_text(json.dumps(mine), encoding="utf-8")

    def learners(self, notebook):
        """The (type, source) of every cell in a copy that the course never had: the learner's."""
        pairs = [(cell["cell_type"], "".join(cell.get("source", ""))) for cell in notebook["cells"]]
        return [pair for pair in pairs if pair not in self.course_had]

    def run(self, kind, name):
        before = {n: _saved(self.work / f"{n}.ipynb") for n in NAMES}
        pipes = [n for n in NAMES if (self.work / f"{n}.ipynb").is_fifo()]
        if kind == "update":
            report = copies.update_copies(self.course, self.work, runtimes=[])
        else:
            report = copies.fresh_copy(name, self.course, self.work, runtimes=[])
        self.check_old_untouched()
        assert all((self.work / f"{n}.ipynb").is_fifo() for n in pipes), report  # named and left as it is
        new_old = {path: data for path, data in self.old_files().items() if path not in self.old}
        for n, data in before.items():
            self.check_kept(n, data, kind if kind == "update" or n == name else None, new_old, report)
        self.old.update(new_old)
        leftovers = [path.name for path in self.work.iterdir() if path.name.endswith(".tmp")]
        assert not leftovers, leftovers

    def check_kept(self, name, before, ran, new_old, report):
        """A copy's bytes before a run are still in my-work/: the copy itself, or a new set-aside copy; after
        `update`, every cell the learner wrote is in the copy itself, with its type, and so is their notebook
        metadata; a copy they broke is left as it is; `fresh` gives the course's notebook."""
        now = _saved(self.work / f"{name}.ipynb")
        if before is None:  # not a file (a pipe): nothing of the learner's to keep, and it is left as it is
            return
        assert now == before or before in new_old.values(), (name, report)
        earlier = _notebook(before)
        if ran == "update" and earlier is None:
            assert now == before, report
        elif ran == "update" and now != before:
            updated = json.loads(now)
            assert Counter(self.learners(earlier)) <= Counter(self.learners(updated)), report
            assert updated["metadata"].get("widgets") == earlier.get("metadata", {}).get("widgets"), report
        elif ran == "fresh":
            shipped = json.loads((self.course / f"{name}.ipynb").read_text(encoding="utf-8"))
            assert [cell["source"] for cell in json.loads(now)["cells"]] == [c["source"] for c in shipped["cells"]]

    def old_files(self):
        folder = self.work / "old"
        return {path.name: path.read_bytes() for path in folder.iterdir()} if folder.exists() else {}

    def check_old_untouched(self):
        now = self.old_files()
        for path, data in self.old.items():
            assert now.get(path) == data, f"my-work/old/{path} was changed or removed"


def _saved(path):
    """A copy's bytes, or None for one that is not there or not a file (a pipe: reading it would wait for ever)."""
    return path.read_bytes() if stat.S_ISREG(os.stat(path).st_mode if path.exists() else 0) else None


def _notebook(data):
    """A saved copy as a notebook, or None for one that is empty, cut short, nested too deeply or not a
    notebook."""
    try:
        notebook = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    return notebook if isinstance(notebook, dict) and isinstance(notebook.get("cells"), list) else None


@settings(max_examples=int(os.environ.get("COPIES_EXAMPLES", 40)), deadline=None, derandomize=True,
          database=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(STEP, max_size=30))
def test_no_run_of_update_or_fresh_ever_loses_a_cell_the_learner_wrote(steps):
    with tempfile.TemporaryDirectory() as root, \
            mock.patch.object(files.time, "strftime", lambda *_: "2026-12-05 081500"):  # all in one second
        classroom = Classroom(Path(root))
        for kind, name, n in steps:
            if kind in RUNS:
                classroom.run(kind, name)
            elif kind in COURSE:
                classroom.change_course(kind, name, n)
            else:
                classroom.edit(kind, name, n)
