"""The core path through each notebook: what a beginner reads on a first pass, every optional part
skipped. An optional part is a markdown cell that starts with OPTIONAL_BOX, quoted whole so that it shows
as a box with a visible end (with the code cells right after it that start with "# Optional"), or
everything under a heading that ends with OPTIONAL_HEADING, up to the next heading of its level or above.
Answers folded into <details> are not read until opened.

Tested here: the core path's cells stay short, optional code belongs to an optional box, and each
notebook's time line (core path and everything) is the one the README's table gives."""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
OPTIONAL_BOX = "> **Optional, skip on a first pass:**"
OPTIONAL_HEADING = "*(optional, skip on a first pass)*"
MOST_WORDS = 170  # "keep a cell under about 150 words"; formulas and code names count as words here
# From these headings on, a notebook's cells are for reading once at the end, not steps of the path.
CLOSING = ("## Summary", "## Where next")
TIME_LINE = re.compile(r"\*Core path: about (\d+)–(\d+) minutes\. Everything, optional parts too: "
                       r"about (\d+)–(\d+) minutes\.[^*]*\*")


def source(cell):
    return "".join(cell["source"])


def heading_level(line):
    match = re.match(r"(#+) ", line)
    return len(match.group(1)) if match else None


def parts(path):
    """Each cell of the notebook with True if it is optional."""
    cells = json.loads(path.read_text("utf-8"))["cells"]
    optional_level, in_box, marked = None, False, []
    for cell in cells:
        text = source(cell)
        if cell["cell_type"] != "markdown":
            marked.append((cell, optional_level is not None or (in_box and text.startswith("# Optional"))))
            continue
        in_box = text.startswith(OPTIONAL_BOX)
        for number, line in enumerate(text.splitlines()):
            level = heading_level(line)
            if level and optional_level and level <= optional_level:
                optional_level = None
            if level and line.rstrip().endswith(OPTIONAL_HEADING):
                optional_level = level
            if number == 0:
                starts_optional = in_box or optional_level is not None
        marked.append((cell, starts_optional if text else in_box))
    return marked


def words_read(text):
    """The words of a markdown cell read as running text: not its tables' rows (a table is for looking
    things up in), nor its folded answers until opened."""
    text = re.sub(r"<details>.*?</details>", " ", text, flags=re.S)
    return len(" ".join(line for line in text.splitlines() if not line.lstrip().startswith("|")).split())


def core_path(path):
    """The indexes and texts of the markdown cells on the core path, from after the title cell to the
    summary."""
    for index, (cell, optional) in enumerate(parts(path)):
        if source(cell).startswith(CLOSING):
            return
        if index and cell["cell_type"] == "markdown" and not optional:
            yield index, source(cell)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_the_core_paths_cells_are_short(path):
    long = [(index, words_read(text)) for index, text in core_path(path) if words_read(text) > MOST_WORDS]
    assert long == [], f"core-path cells over {MOST_WORDS} words (cell, words)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_each_optional_box_is_quoted_whole(path):
    """A box is a quote (every line starts with ">"), so it shows with a bar down its side to its end."""
    for index, (cell, _) in enumerate(parts(path)):
        text = source(cell)
        if cell["cell_type"] == "markdown" and OPTIONAL_BOX.removeprefix("> ") in text:
            assert text.startswith(OPTIONAL_BOX) and all(line.startswith(">") for line in text.splitlines()), index


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_optional_code_follows_an_optional_box(path):
    marked = parts(path)
    for index, (cell, optional) in enumerate(marked):
        if cell["cell_type"] == "code" and source(cell).startswith("# Optional"):
            assert optional, f"cell {index} says it is optional, but no optional box or section holds it"


def test_the_parts_are_found_as_the_convention_says(tmp_path):
    def markdown(text):
        return {"cell_type": "markdown", "source": text}

    def code(text):
        return {"cell_type": "code", "source": text}
    cells = [markdown("## 1. Core"), code("x = 1"), markdown(f"{OPTIONAL_BOX} *a box.*"), code("# Optional: y"),
             code("z = 2"), markdown(f"## 2. Side trip {OPTIONAL_HEADING}"), code("w = 3"),
             markdown("### Inside it"), markdown("## 3. Back"), code("v = 4")]
    path = tmp_path / "notebook.ipynb"
    path.write_text(json.dumps({"cells": cells}))
    assert [optional for _, optional in parts(path)] == [False, False, True, True, False, True, True, True,
                                                         False, False]
    assert words_read("one two <details><summary>x</summary>\n\nthree four\n\n</details> five") == 3
    assert words_read("A table:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nAfter it.") == 4


def times_in_readme():
    """notebook stem -> (core low, core high, all low, all high) from the README's table of times."""
    rows = re.findall(r"^\| `(\d\d_\w+)` \| (\d+)–(\d+) \| (\d+)–(\d+) \|", (ROOT / "README.md").read_text("utf-8"),
                      flags=re.M)
    return {stem: tuple(map(int, numbers)) for stem, *numbers in rows}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_each_notebook_gives_its_core_and_full_time_as_the_readme_does(path):
    first = source(json.loads(path.read_text("utf-8"))["cells"][0])
    found = TIME_LINE.search(" ".join(first.split()))
    assert found, "the title cell has no line *Core path: about A–B minutes. Everything, ...*"
    core_low, core_high, all_low, all_high = times = tuple(map(int, found.groups()))
    assert core_low <= core_high <= all_high and core_low <= all_low <= all_high
    assert times_in_readme().get(path.stem) == times


def test_the_readmes_total_adds_up_its_table():
    times = times_in_readme()
    assert sorted(times) == [path.stem for path in NOTEBOOKS]
    hours = [sum(row[k] for row in times.values()) / 60 for k in range(4)]
    said = (f"the core path takes about {round(hours[0])} to {round(hours[1])} hours, everything about "
            f"{round(hours[2])} to {round(hours[3])}")
    assert said in " ".join((ROOT / "README.md").read_text("utf-8").split())
    start_here = json.loads((ROOT / "notebooks" / "00_start_here.ipynb").read_text("utf-8"))["cells"]
    assert said in " ".join(" ".join(source(cell) for cell in start_here).split())  # 00's "Give it time"
