"""The set-up promises: pinned versions agree, the environment check names problems, JupyterLab is
private and quiet, and `import course_utils` stays light."""
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from course_utils import setup_check

ROOT = Path(__file__).resolve().parent.parent


def _pyproject_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    return set(project["dependencies"]) | set(extras["test"]) | set(extras["hub"])


def test_environment_yml_lists_the_same_pinned_packages_as_pyproject():
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\s*-\s+([A-Za-z0-9_.-]+==[0-9][^\s#]*)", text, flags=re.MULTILINE))
    assert listed == _pyproject_pins()
    assert all("==" in pin for pin in _pyproject_pins())


def test_the_environment_check_names_missing_and_old_packages(monkeypatch, capsys):
    monkeypatch.setattr(setup_check, "MINIMUM_VERSIONS", {"numpy": "99.0", "no-such-package-here": "1.0"})
    assert setup_check.check_environment() is False
    printed = capsys.readouterr().out
    assert "numpy" in printed and "too old (need 99.0" in printed
    assert "no-such-package-here is missing" in printed and "python3 course.py lab" in printed


def test_this_environment_passes_the_check(capsys):
    assert setup_check.check_environment() is True
    assert capsys.readouterr().out.startswith("Environment ready")


def test_importing_course_utils_loads_no_plotting_or_widgets():
    code = ("import sys, course_utils; "
            "print(sorted(m for m in ('matplotlib', 'ipywidgets', 'IPython') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]" and loaded.stderr == ""



def test_importing_course_utils_loads_only_the_maths_its_docstring_says():
    # "`import course_utils` loads only the maths named above it (losses, descent, gradcheck, linear, network"
    code = "import sys, course_utils; print(' '.join(sorted(m for m in sys.modules if m.startswith('course_utils.'))))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.split() == [f"course_utils.{name}" for name in
                                     ("descent", "gradcheck", "linear", "losses", "network")]
    import course_utils
    assert "(losses, descent, gradcheck, linear, network:" in " ".join(course_utils.__doc__.split())


def test_a_jupyter_server_loads_no_iri_parser_at_start():
    # jsonschema 4.24+ imports rfc3987-syntax, which builds its parsers on import: 1.1 CPU-seconds at every
    # server start (benchmarks/bench_server_start.py). pyproject.toml holds jsonschema at 4.23.
    code = "import sys, jupyterlab.labapp, jupyterhub.singleuser; print('rfc3987_syntax' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.split() == ["False"]
