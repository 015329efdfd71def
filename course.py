"""The course's two commands (and a few more for authors). Needs only Python 3.11+.

    python3 course.py lab       install everything into .venv (first time only) and open JupyterLab
    python3 course.py test      install everything into .venv (first time only) and run every test
    python3 course.py bench     run the speed benchmarks and print their figures
    python3 course.py execute   re-run the stored notebooks top to bottom (for authors)

Extra words after `test` go to pytest, e.g. `python3 course.py test notebooks/01_error.ipynb`; after
`lab` they go to JupyterLab, e.g. `python3 course.py lab --ServerApp.port=9999`.
"""
import hashlib
import os
import secrets
import subprocess
import sys
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / "installed-from.sha256"  # which pyproject.toml the environment was built from


def ensure_environment():
    """Create .venv and install the pinned packages, unless it already matches pyproject.toml."""
    wanted = hashlib.sha256((HERE / "pyproject.toml").read_bytes()).hexdigest()
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    if sys.version_info < (3, 11):
        sys.exit(f"The course needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    print("Setting up the course environment in .venv (once; a few minutes)...", flush=True)
    venv.create(VENV, with_pip=True, clear=PYTHON.exists() and not STAMP.exists())
    run([PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    run([PYTHON, "-m", "pip", "install", "--quiet", "-e", f"{HERE}[test]"])
    STAMP.write_text(wanted)


def run(command, **kwargs):
    """Run a command, stopping with its exit code if it fails."""
    result = subprocess.run([str(part) for part in command], cwd=HERE, **kwargs)
    if result.returncode != 0:
        sys.exit(result.returncode)


def lab_arguments(token, port=None, open_browser=True, root_dir=HERE):
    """JupyterLab on this machine only, with a token, and with nothing reaching out to the network.
    Without a port JupyterLab takes 8888, or the next free one."""
    return ["-m", "jupyterlab", f"--ServerApp.root_dir={root_dir}", "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={token}",
            "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
            "--LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb",
            *([f"--ServerApp.port={port}"] if port else []),
            *([] if open_browser else ["--ServerApp.open_browser=False"]),
            *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])]  # containers, CI


def main(command="help", *extra):
    if command == "lab":
        ensure_environment()
        os.execv(PYTHON, [str(PYTHON), *lab_arguments(secrets.token_hex(24)), *extra])
    elif command == "test":
        ensure_environment()
        run([PYTHON, "-m", "pytest", *extra])
    elif command == "bench":
        ensure_environment()
        run([PYTHON, HERE / "benchmarks" / "run_all.py", *extra])
    elif command == "execute":
        ensure_environment()
        run([PYTHON, HERE / "tests" / "store_notebooks.py", *extra])
    else:
        print(__doc__)
        sys.exit(0 if command in ("help", "-h", "--help") else 2)


if __name__ == "__main__":
    main(*sys.argv[1:])
