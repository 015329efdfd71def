"""Reading what learners hand in, when a learner may have made it hostile: regular files only (a FIFO
would wait for ever, /dev/zero never end), never through a link, a size cap, a depth cap; each problem is
a ValueError whose message says, for the teacher, why the file cannot be graded."""
import errno
import json
import os
import warnings

import nbformat

from launcher import files

MAX_NOTEBOOK_BYTES = files.FILE_LIMIT  # as `update` reads a copy: a bigger file is outputs, not answers
MAX_ANSWERS_BYTES = 5_000_000     # quiz-answers.jsonl: a line per click, a few KB for a course
MAX_ANSWER_LINES = 100_000
MAX_DEPTH = 64                    # a notebook is 6 levels deep; cell metadata may add a few
MAX_CELLS = 5_000                 # the course's notebooks have under 100: a million empty cells took nbformat
                                  # 50 CPU-seconds and 1.9 GB of the grader's own to validate


def read_capped(path, limit, beneath=None):
    """The bytes of a regular file no bigger than limit, read as `update` reads a learner's copy (without
    waiting on a FIFO), and never through a link: with `beneath` (the learner's folder), not through a
    link to a folder on the way either (files.read_file)."""
    try:
        return files.read_file(path, limit, follow=False, beneath=beneath)
    except files.NotRead as problem:
        raise ValueError(f"{path.name} {problem}") from None
    except OSError as problem:
        link = problem.errno == errno.ELOOP  # swapped for a link since the check
        raise ValueError(f"{path.name} {'is a link, not a regular file' if link else 'could not be read'}"
                         + ("" if link else f" ({problem.strerror})")) from None


def too_deep(value, limit=MAX_DEPTH):
    """True when value (parsed JSON) nests deeper than limit; iterative, so it cannot overflow itself."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def parse_json(data, what):
    """JSON from bytes, with the depth cap; ValueError saying why not."""
    try:
        value = json.loads(data.decode("utf-8"))
    except RecursionError:  # the parser's own limit (about 1000 levels) came first
        raise ValueError(f"{what} is nested too deeply to be read") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as problem:
        raise ValueError(f"{what} is not valid JSON ({problem})") from None
    if too_deep(value):
        raise ValueError(f"{what} is nested too deeply to be read (more than {MAX_DEPTH} levels)")
    return value


def read_notebook(path, beneath=None):
    """The notebook (nbformat's NotebookNode, version 4), or ValueError saying why it cannot be graded.
    beneath: the learner's folder that holds it (read_capped)."""
    data = read_capped(path, MAX_NOTEBOOK_BYTES, beneath)
    if not data:
        raise ValueError("the notebook file is empty (0 bytes)")
    value = parse_json(data, "the notebook file")
    if not isinstance(value, dict) or not isinstance(value.get("cells"), list):
        raise ValueError("the file is JSON but not a notebook (no list of cells)")
    if len(value["cells"]) > MAX_CELLS:
        raise ValueError(f"the notebook has {len(value['cells']):,} cells, more than the {MAX_CELLS:,} graded")
    try:
        with warnings.catch_warnings():  # nbformat warns of a missing cell id: the grader needs none
            warnings.simplefilter("ignore")
            notebook = nbformat.convert(nbformat.from_dict(value), 4)  # what nbformat.reads does, unparsed again
            nbformat.validate(notebook)
    except Exception as problem:  # nbformat's errors have no common base: any is "not a notebook"
        raise ValueError(f"the file is not a valid notebook ({_first_line(problem)})") from None
    return notebook


def read_answer_lines(path, beneath=None):
    """The JSON objects of quiz-answers.jsonl, one per line (a line that is not one is left out); [] when
    there is no such file; ValueError when the file is hostile. beneath: the learner's folder (read_capped)."""
    if not os.path.lexists(path):
        return []
    entries = []
    for line in read_capped(path, MAX_ANSWERS_BYTES, beneath).splitlines()[:MAX_ANSWER_LINES]:
        try:
            entries.append(parse_json(line, "a line"))
        except ValueError:
            continue
    return [entry for entry in entries if isinstance(entry, dict)]


def _first_line(problem):
    text = str(problem).strip().splitlines()
    return (text[0] if text else type(problem).__name__)[:200]
