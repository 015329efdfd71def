"""Collecting the learners' work from the hub's homes: each learner's notebooks and quiz answers
together, with the time each was last saved, into a folder of its own that `grade` can mark.

    python3 course.py collect [HOMES] [--to FOLDER]

HOMES (default .hub/homes) holds one folder per learner. Into FOLDER (default collected/<date-time>/) go
<learner>/<notebook>.ipynb (each learner's newest copy, as `grade` finds it), <learner>/versions/ (the
notebook as it was at its last checkpoint, JupyterLab's File > Save, when that differs: what `grade
--before` falls back on when the notebook was saved again after the deadline), <learner>/quiz-answers.jsonl,
and collected.json, which says when each file was last saved. Every copy keeps its file's time. Files are
read as the grader reads them (regular files only, size capped): one that cannot be is listed, not copied.
The folder is the teacher's alone (0700): learners' work must not be readable by each other's kernels.
"""
import argparse
import datetime
import json
import os
import sys
from pathlib import Path

from classroom import handins
from classroom.gradebook import DEFAULT_FOLDER, HERE, VERSIONS, checkpoint_of, find_learners, saved_text, saved_time, \
    unlinked


def _copy(source, target, limit, home):
    """Copy a learner's file as the grader reads it (from their folder `home`, through no link), keeping its
    time; the time saved, as a text."""
    data = handins.read_capped(source, limit, beneath=home)
    saved = saved_time(source.lstat())  # not the modified time alone, which the learner can set
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    target.write_bytes(data)
    os.utime(target, (saved, saved))
    return saved_text(saved)


def collect_learner(home, notebooks, target):
    """Copy one learner's notebooks (and earlier checkpointed versions) and quiz answers; their entry of
    collected.json: {file: time saved} and, under "not collected", {file: why}."""
    entry, problems = {}, {}
    for name, path in notebooks.items():
        try:
            entry[f"{name}.ipynb"] = _copy(path, target / f"{name}.ipynb", handins.MAX_NOTEBOOK_BYTES, home)
        except (ValueError, OSError) as why:
            problems[f"{name}.ipynb"] = str(why)
            continue
        checkpoint = checkpoint_of(path)
        try:
            kept = saved_time(checkpoint.lstat())  # File > Save's copy: kept when older than the notebook
            older = checkpoint.is_file() and unlinked(checkpoint, home) and kept < saved_time(path.lstat()) - 1
        except OSError:  # none, or gone since it was looked at
            older = False
        if older:
            version = f"{VERSIONS}/{name}.{saved_text(kept).replace(':', '-')}.ipynb"
            try:
                entry[version] = _copy(checkpoint, target / version, handins.MAX_NOTEBOOK_BYTES, home)
            except (ValueError, OSError) as why:
                problems[version] = str(why)
    answers = home / "quiz-answers.jsonl"
    if os.path.lexists(answers):
        try:
            entry["quiz-answers.jsonl"] = _copy(answers, target / "quiz-answers.jsonl", handins.MAX_ANSWERS_BYTES,
                                                home)
        except (ValueError, OSError) as why:
            problems["quiz-answers.jsonl"] = str(why)
    return dict(entry, **({"not collected": problems} if problems else {}))


def collect(homes, to):
    """Collect every learner of homes into the new folder `to`; the collected.json record."""
    to.mkdir(mode=0o700, parents=True)
    record = {"from": str(Path(homes).resolve()), "collected": saved_text(datetime.datetime.now().timestamp()),
              "learners": {}}
    for learner, notebooks in find_learners(homes).items():
        record["learners"][learner] = collect_learner(Path(homes) / learner, notebooks, to / learner)
    (to / "collected.json").write_text(json.dumps(record, indent=1, ensure_ascii=False), encoding="utf-8")
    return record


def main(arguments=None):
    parser = argparse.ArgumentParser(prog="python3 course.py collect", description=__doc__.split("\n")[0])
    parser.add_argument("homes", nargs="?", default=str(DEFAULT_FOLDER),
                        help="one folder per learner (default: .hub/homes)")
    parser.add_argument("--to", help="a new folder (default: collected/<date-time>)")
    options = parser.parse_args(arguments)
    homes = Path(options.homes)
    to = Path(options.to or HERE / "collected" / datetime.datetime.now().strftime("%Y-%m-%d-%H%M%S"))
    if not homes.is_dir():
        sys.exit(f"There is no folder {homes}: give the folder that holds one folder per learner.")
    if to.exists():
        sys.exit(f"{to} exists already: collect into a new folder, so that no collection is overwritten.")
    record = collect(homes, to)
    files = sum(len([key for key in entry if key != "not collected"]) for entry in record["learners"].values())
    problems = {(learner, name): why for learner, entry in record["learners"].items()
                for name, why in entry.get("not collected", {}).items()}
    print(f"Collected {files} files of {len(record['learners'])} learner(s) into {to}.")
    for (learner, name), why in problems.items():
        print(f"  not collected: {learner}/{name}: {why}")
    print(f"Grade them with: python3 course.py grade {to} [--before 'YYYY-MM-DD HH:MM']")


if __name__ == "__main__":
    main()
