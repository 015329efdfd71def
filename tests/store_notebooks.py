"""Execute notebooks top to bottom in a fresh kernel and store them clean (for authors).

    python3 course.py execute                      every notebook
    python3 course.py execute notebooks/01_error.ipynb

Keeps outputs and the widget state (so static viewers can show the widgets), and drops what differs
from run to run and means nothing to a learner: timing metadata.

Keeps the kernel's language_info whole, as the kernel reported it (Python's version included): JupyterLab
writes its kernel's language_info into a notebook as soon as the kernel connects, and a notebook stored
with anything else (just {"name": "python"}, say) counts as changed the moment it opens, so closing it
untouched asks to save. Stored this way it opens clean wherever the kernel runs the same Python version
as the one that stored it; elsewhere that version number is the one change on opening.
"""
import sys
import tempfile
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOK_KEYS = {"kernelspec", "language_info", "widgets"}


def store(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    with tempfile.TemporaryDirectory() as sockets:  # local sockets: no kernel listening on TCP
        kernel = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(sockets) / "kernel"))
        NotebookClient(notebook, km=kernel, timeout=300, record_timing=False,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in notebook.cells:
        cell.metadata = {key: value for key, value in cell.metadata.items() if key == "tags"}
    notebook.metadata = {key: value for key, value in notebook.metadata.items() if key in NOTEBOOK_KEYS}
    nbformat.write(notebook, path)
    print(f"stored {path.name}")


if __name__ == "__main__":
    paths = [Path(arg).resolve() for arg in sys.argv[1:]] or sorted(NOTEBOOKS.glob("*.ipynb"))
    for path in paths:
        store(path)
