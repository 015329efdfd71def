"""The whole course executed: every notebook in notebooks/, top to bottom, each in a fresh python3 kernel
started in notebooks/ (as JupyterLab does), with nbclient. The notebooks on disk are not changed.
Goal: all of them in under 60 s in total on a 2-core machine.

One run only (it takes a while); each notebook's time includes starting its kernel.
"""
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from traitlets.config import Config

from benchlib import ROOT, not_measured, report

GOAL = 60  # seconds


def run_notebook(path, sockets):
    """Seconds to execute the notebook in a fresh kernel, and how many cells printed to stderr."""
    notebook = nbformat.read(path, as_version=4)
    config = Config()
    config.KernelManager.transport = "ipc"  # local sockets: nothing listens on TCP, so no warning about it
    config.KernelManager.ip = str(Path(sockets) / "kernel")
    client = NotebookClient(notebook, kernel_name="python3", timeout=600, config=config,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    stderr = sum(any(out.get("name") == "stderr" for out in cell.get("outputs", [])) for cell in notebook.cells)
    return seconds, stderr


def main():
    paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
    total, failed = 0.0, []
    for path in paths:
        with tempfile.TemporaryDirectory() as sockets:
            try:
                seconds, stderr = run_notebook(path, sockets)
            except CellExecutionError as error:
                failed.append(path.name)
                print(f"  {path.name:<32} failed: {str(error).strip().splitlines()[-1]}", flush=True)
                continue
        total += seconds
        note = f"   ({stderr} cells wrote to stderr)" if stderr else ""
        print(f"  {path.name:<32} {seconds:6.1f} s{note}", flush=True)
        report("course run", path.name, f"{seconds:.1f} s", "part of the total", None, echo=False)
    print(f"  {'total':<32} {total:6.1f} s   (one run, {len(paths)} notebooks)")
    figure = f"whole course, {len(paths)} notebooks, one run"
    if failed:
        return not_measured("course run", figure, f"< {GOAL} s", f"{', '.join(failed)} failed to run")
    report("course run", figure, f"{total:.1f} s", f"< {GOAL} s", total < GOAL)


if __name__ == "__main__":
    main()
