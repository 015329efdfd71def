"""The code is lint-clean, by ruff's rules in pyproject.toml: the .py files within 120 characters a
line, and the notebooks' cells, which every learner reads, within 100. Ruff runs from this Python
environment (it is pinned with the test dependencies), so everyone runs the same version."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ruff(*arguments):
    """Run `ruff check` in the repository; return its findings, one a line ("" when clean)."""
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise",
                           *arguments], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr  # 1 means findings; anything else, that ruff failed
    return done.stdout if done.returncode else ""


def test_the_repository_is_lint_clean():
    assert ruff(".") == ""


def test_notebook_cells_are_lint_clean_within_100_characters():
    notebooks = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks
    assert ruff("--line-length", "100", *notebooks) == ""
