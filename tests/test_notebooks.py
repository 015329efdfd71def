"""Notebook hygiene: what a learner opens is one clean top-to-bottom run, with the course's anatomy.
(That every notebook re-runs to the same outputs is checked by nbval, on the notebooks themselves.)"""
import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
COURSE = ["00_start_here", "01_error", "02_learning_rate", "03_derivatives", "04_dot_product",
          "05_backpropagation", "06_deeper"]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_the_course_is_all_there_in_order():
    assert sorted(path.stem for path in NOTEBOOKS.glob("*.ipynb")) == COURSE


def load(name):
    return json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))


def code_cells(notebook):
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code" and "".join(cell["source"]).strip()]


def source(cell):
    return "".join(cell["source"])


@pytest.mark.parametrize("name", COURSE)
def test_stored_as_one_clean_run(name):
    cells = code_cells(load(name))
    assert [cell["execution_count"] for cell in cells] == list(range(1, len(cells) + 1))
    for cell in cells:
        for output in cell["outputs"]:
            assert output["output_type"] != "error", source(cell)
            assert output.get("name") != "stderr", f"stderr in {source(cell)!r}: {output.get('text')}"


@pytest.mark.parametrize("name", COURSE)
def test_no_stray_metadata(name):
    notebook = load(name)
    assert set(notebook["metadata"]) <= {"kernelspec", "language_info", "widgets"}
    for cell in notebook["cells"]:
        assert set(cell["metadata"]) <= {"tags"}
        tags = cell["metadata"].get("tags", [])
        assert set(tags) <= {"nbval-ignore-output"}
        if tags:  # skipping comparison is only for cells that show a live widget
            assert any(WIDGET_VIEW in output.get("data", {}) for output in cell.get("outputs", []))


@pytest.mark.parametrize("name", COURSE)
def test_the_course_anatomy(name):
    notebook = load(name)
    first = source(notebook["cells"][0])
    assert first.startswith("# ") and "You will be able to" in first and "minutes" in first
    setup = source(code_cells(notebook)[0])
    assert "course_utils" in setup and "%run ../course_utils/setup_check.py" in setup
    assert sum("course_utils" in source(cell) and "import" in source(cell) for cell in code_cells(notebook)) == 1
    markdown = "\n".join(source(cell) for cell in notebook["cells"] if cell["cell_type"] == "markdown")
    assert "## Check your understanding" in markdown and "## Summary" in markdown
    assert any(f'quiz("{name}")' in source(cell) for cell in code_cells(notebook))



@pytest.mark.parametrize("name", COURSE)
def test_every_use_of_randomness_is_seeded(name):
    """Random numbers come only from a generator with a fixed seed, `rng = np.random.default_rng(0)`, made
    before its first use, so that every run draws the same numbers (nbval compares them); a notebook that
    draws none makes none."""
    code = "\n".join(source(cell) for cell in code_cells(load(name)))  # in running order
    unseeded = sorted(set(re.findall(r"\b(?:np|numpy)\.random\.(\w+)\(", code)) - {"default_rng"})
    assert unseeded == [], "draw through rng = np.random.default_rng(<seed>), not np.random directly"
    assert not re.search(r"^\s*(import random|from (numpy\.)?random import)", code, flags=re.MULTILINE)
    assert all(seed.strip().isdigit() for seed in re.findall(r"default_rng\(([^)]*)\)", code)), "a seed, please"
    made, first_use = re.search(r"\brng = np\.random\.default_rng\(\d+\)", code), re.search(r"\brng\.", code)
    if first_use:
        assert made and made.start() < first_use.start(), "rng used before it is made with a seed"
    else:
        assert made is None, "rng is made but never used"
