"""The learner's copies of the notebooks, in my-work/: given once, started afresh, or updated to a new version of
the course keeping every cell the learner wrote.

Nothing a learner writes is ever lost. A copy is only ever replaced whole, after the old one was copied
into my-work/old/ under a name no file has yet (launcher.files). A copy that cannot be read is named and
left as it is, a notebook open in JupyterLab is not changed (launcher.servers), and a folder that cannot be
written gets a sentence, not a traceback."""
import contextlib
import difflib
import errno
import hashlib
import json
import os
import secrets
from pathlib import Path

from launcher.environment import HERE
from launcher.files import FOLDER_ERRORS, NotRead, create, put_aside, read_file, replace_whole
from launcher.servers import open_in_jupyter, path_key

COURSE = HERE / "notebooks"  # the course as shipped: the tests run these
MY_WORK = Path(os.environ.get("COURSE_WORK_DIR", HERE / "my-work"))  # a class hub may choose another


def give_copies(course, work, command="lab"):
    """Copy each course notebook into the learner's folder, once; never overwrite one that is there."""
    report = []
    try:
        work.mkdir(parents=True, exist_ok=True)
        for source in sorted(course.glob("*.ipynb")):
            target = work / source.name
            if target.exists() or target.is_symlink():
                continue  # the learner's, whatever it holds
            with contextlib.suppress(FileExistsError):  # made a moment ago by another course.py: theirs
                create(target, _as_bytes(_copy_of(_read(source))))
                report.append(f"Your own copy of {source.name} is in {work.name}/.")
    except OSError as error:
        report.append(_not_written(error, work, "the missing copies", command))
    return report


def outdated_copies(course, work):
    """Sentences naming the learner's copies made from an older version of the course, and those that
    cannot be read; `lab` prints them before it starts, so this never stops it."""
    older, lines = [], []
    for source in sorted(course.glob("*.ipynb")):
        path = work / source.name
        if not path.exists():
            continue
        try:
            mine = _parse(read_file(path))
        except NotRead as error:
            lines.append(_not_read(path, error, "update"))
            continue
        except OSError:
            mine = None
        if mine is None:
            lines.append(_broken(path))
        elif _origin(mine).get("sha256") != _sha256(_read(source)):
            older.append(source.stem)
    if older:
        lines.insert(0, f"The course has changed since these copies of yours were made: {', '.join(older)}. To "
                        "take the corrections and keep your own cells, close those notebooks and run (JupyterLab "
                        "may keep running): python3 course.py update")
    return lines


def fresh_copy(name, course, work, runtimes=None):
    """Put the learner's copy of one notebook aside and give them the course's version again."""
    name = Path(name).stem
    source, path = course / f"{name}.ipynb", work / f"{name}.ipynb"
    if not source.exists():
        names = ", ".join(path.stem for path in sorted(course.glob("*.ipynb")))
        return [f"There is no notebook {name!r}; the notebooks are: {names}."]
    if _linked_old(work):
        return [_linked_old(work, "fresh " + name)]
    opened, unasked = open_in_jupyter(work, runtimes)
    if unasked or path_key(path) in opened:
        return [_not_asked(unasked, "fresh " + name)] if unasked else [_is_open(name, "fresh " + name)]
    try:
        work.mkdir(parents=True, exist_ok=True)  # `fresh` before the first `lab`
        kept = put_aside(path, work) if path.exists() else None
        replace_whole(path, _as_bytes(_copy_of(_read(source))))
    except NotRead as error:
        return [_not_read(path, error, "fresh " + name)]
    except OSError as error:
        return [_not_written(error, work, f"your copy of {name}", "fresh " + name)]
    return [f"A fresh copy of {name} is in {work.name}/."] + ([f"Your old copy is {kept}."] if kept else [])


def update_copies(course, work, runtimes=None, command="update"):
    """Bring every copy up to the course's current notebooks, keeping the cells the learner changed
    or added and their notebook's metadata; the old copy is copied aside first, so nothing is lost.
    `runtimes`: the folders where the learner's Jupyter servers say what they have open."""
    report = give_copies(course, work, command)
    if not work.is_dir():
        return report
    if _linked_old(work):
        return report + [_linked_old(work, command)]
    opened, unasked = open_in_jupyter(work, runtimes)
    if unasked:
        return report + [_not_asked(unasked, command)]
    for source in sorted(course.glob("*.ipynb")):
        try:
            line = _update_one(source, work / source.name, work, opened, command)
        except NotRead as error:
            line = _not_read(work / source.name, error, command)
        except OSError as error:
            report.append(_not_written(error, work, f"your copy of {source.stem}", command))
            if error.errno in FOLDER_ERRORS:
                break  # the next copies would fail the same way: one sentence says it
            continue
        report += [line] if line else []
    return report or ["Your copies are up to date."]


def _update_one(source, path, work, opened, command):
    """Update one copy, or say why it is left as it is; None when it is up to date."""
    data = read_file(path)
    mine, theirs = _parse(data), _read(source)
    if mine is None:
        return _broken(path)
    if _origin(mine).get("sha256") == _sha256(theirs):
        return None  # already made from this version of the course
    if path_key(path) in opened:
        return _is_open(source.stem, command)
    cells, kept = _merge(mine, theirs)
    try:
        updated = _as_bytes(dict(theirs, cells=cells, metadata=_merged_metadata(mine, theirs)))
    except RecursionError:  # nested just too deeply to be written out again
        return _broken(path)
    aside = put_aside(path, work, data)
    if read_file(path) != data:  # saved meanwhile (by a program that keeps no session)
        return f"{source.stem} changed while it was being updated, so it was left as it is: run {command} again."
    replace_whole(path, updated)
    return (f"{source.stem}: updated, keeping your {kept} changed or added cell(s); "
            f"the copy before the update is {aside}.")


def _merge(mine, theirs):
    """The course's new cells, with the learner's version of each course cell they edited (its text or its
    type), and every other cell of theirs (added, duplicated, or one whose course cell is gone) placed after
    the cell it followed. Returns the cells, each with an id of its own, and how many are the learner's."""
    origin = _origin(mine)
    started_as = _started_as(mine["cells"], origin, theirs)
    course_ids = {cell.get("id") for cell in theirs["cells"]} - {None}
    edited = {cid: cell for cell, cid in zip(mine["cells"], started_as)
              if cid in course_ids and not _unchanged(cell, cid, origin, theirs)}
    merged = [edited.get(cell.get("id"), cell) for cell in theirs["cells"]]
    slot = {course.get("id"): cell for course, cell in zip(theirs["cells"], merged)}  # before added cells
    anchor = None  # the cell of `merged` the next added cell goes after (None: the top)
    for cell, cid in zip(mine["cells"], started_as):
        if cid in course_ids:
            anchor = slot[cid]
        elif cid is None or not _unchanged(cell, cid, origin, theirs):  # the learner's: never dropped
            at = next((i + 1 for i, c in enumerate(merged) if c is anchor), 0)
            merged.insert(at, cell)
            anchor = cell
    learners = {id(cell) for cell in mine["cells"]}
    return _unique_ids(merged), sum(id(cell) in learners for cell in merged)


def _started_as(cells, origin, theirs):
    """For each of the learner's cells, the id of the course cell it started as, or None for one they
    added. A duplicated id belongs to one cell only (an unchanged one if there is); cells saved without
    ids (nbformat 4.4: older Jupyter, Colab) are matched to the course's by lining up their texts."""
    hashes = origin.get("cells", {})
    ids = [cell.get("id") if cell.get("id") in hashes else None for cell in cells]
    for cid in set(ids) - {None}:
        where = [i for i, x in enumerate(ids) if x == cid]
        keep = next((i for i in where if _unchanged(cells[i], cid, origin, theirs)), where[0])
        ids = [None if i in where and i != keep else x for i, x in enumerate(ids)]
    bare = [i for i, cell in enumerate(cells) if "id" not in cell]
    free = [cid for cid in hashes if cid not in ids]
    lined_up = difflib.SequenceMatcher(None, [_cell_hash(cells[i]) for i in bare], [hashes[c] for c in free],
                                       autojunk=False)
    for kind, i1, i2, j1, j2 in lined_up.get_opcodes():
        if kind in ("equal", "replace"):  # in a changed stretch, the first cells are taken as edited course cells
            for i, j in zip(range(i1, i2), range(j1, j2)):
                ids[bare[i]] = free[j]
    return ids


def _unchanged(cell, cid, origin, theirs):
    """Whether the learner's cell is still the course cell `cid` as their copy got it: same text, same
    type (copies made before types were recorded: the course's current type)."""
    now = next((c["cell_type"] for c in theirs["cells"] if c.get("id") == cid), cell["cell_type"])
    return (_cell_hash(cell) == origin.get("cells", {}).get(cid)
            and cell["cell_type"] == origin.get("types", {}).get(cid, now))


def _unique_ids(cells):
    """Every cell with an id no other cell has (nbformat 4.5 asks for it), keeping the ids there are."""
    seen = set()
    for cell in cells:
        while not isinstance(cell.get("id"), str) or cell["id"] in seen:
            cell["id"] = secrets.token_hex(4)
        seen.add(cell["id"])
    return cells


def _merged_metadata(mine, theirs):
    """The learner's notebook metadata (their widgets' saved state, their own keys), with the keys only the
    course has, the course's kernel, and the record of the course version the copy now comes from."""
    metadata = dict(theirs.get("metadata", {}), **mine.get("metadata", {}))
    if "kernelspec" in theirs.get("metadata", {}):
        metadata["kernelspec"] = theirs["metadata"]["kernelspec"]
    metadata["course"] = _provenance(theirs)
    return metadata


def _copy_of(notebook):
    """A course notebook as the learner's copy, remembering which course version and cells it started from."""
    return dict(notebook, metadata=dict(notebook.get("metadata", {}), course=_provenance(notebook)))


def _provenance(notebook):
    cells = [cell for cell in notebook["cells"] if "id" in cell]
    return {"sha256": _sha256(notebook), "cells": {cell["id"]: _cell_hash(cell) for cell in cells},
            "types": {cell["id"]: cell["cell_type"] for cell in cells}}


# --- Messages ------------------------------------------------------------------------------------------

def _not_written(error, work, what, command):
    """What to do when a folder cannot be written, in a sentence (nothing was changed)."""
    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return f"The disk is full, so {what} was left as it is: free some space, then run {command} again."
    if error.errno in FOLDER_ERRORS:
        return (f"{work} cannot be written ({error.strerror}), so {what} was left as it is: make that folder "
                f"writable (on Linux or macOS: chmod -R u+w \"{work}\"; or close the program that holds the "
                f"file open), then run {command} again.")
    return f"{what[0].upper()}{what[1:]} was left as it is: {error}. Run {command} again once that is put right."


def _broken(path):
    return (f"Your copy {path.name} cannot be read (it is empty, cut short or not a notebook), so it was left "
            f"as it is. To start that notebook again, run: python3 course.py fresh {path.stem}")


def _not_read(path, error, command):
    return (f"Your copy {path.name} {error}, so it was left as it is: move it out of {path.parent.name}/ (`update` "
            f"then gives you a new copy), then run {command} again.")


def _linked_old(work, command=None):
    """A sentence if work/old is a link (set-aside copies would land where it leads), else None."""
    old = work / "old"
    if old.is_symlink():
        return (f"{work.name}/old is a link (to {os.readlink(old)}), so nothing was changed: make it a folder again "
                f"(move the link away), then run {command} again.")
    return None


def _not_asked(servers, command):
    return (f"{' and '.join(servers)} could not be asked which notebooks it has open, so none of the copies "
            f"was changed: close the notebooks (File > Close and Shut Down Notebook) or stop that JupyterLab, "
            f"then run {command} again.")


def _is_open(name, command):
    return (f"{name} is open in JupyterLab, so it was left as it is: close it (File > Close and Shut Down "
            f"Notebook), then run {command} again.")


# --- Notebooks -----------------------------------------------------------------------------------------

def _read(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _parse(data):
    try:
        notebook = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError, MemoryError):  # nested too deeply for Python's parser: as broken
        return None
    if not (isinstance(notebook, dict) and isinstance(notebook.get("metadata", {}), dict)
            and isinstance(notebook.get("cells"), list) and all(map(_is_cell, notebook["cells"]))):
        return None
    return notebook


def _is_cell(cell):
    source = cell.get("source", "") if isinstance(cell, dict) else None
    return (isinstance(cell, dict) and isinstance(cell.get("cell_type"), str) and isinstance(cell.get("id", ""), str)
            and (isinstance(source, str) or isinstance(source, list) and all(isinstance(s, str) for s in source)))


def _origin(notebook):
    origin = notebook.get("metadata", {}).get("course", {})
    tables = [origin.get(key, {}) for key in ("cells", "types")] if isinstance(origin, dict) else [None]
    fine = all(isinstance(table, dict) and all(isinstance(v, str) for v in table.values()) for table in tables)
    return origin if fine else {}  # a record the learner's tools mangled: every cell counts as theirs


def _as_bytes(notebook):
    return (json.dumps(notebook, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _sha256(notebook):
    cells = [[cell["cell_type"], "".join(cell.get("source", ""))] for cell in notebook["cells"]]
    return hashlib.sha256(json.dumps(cells).encode()).hexdigest()


def _cell_hash(cell):
    return hashlib.sha256("".join(cell.get("source", "")).encode()).hexdigest()
