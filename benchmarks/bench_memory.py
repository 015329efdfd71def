"""Memory of one learner's kernel for each notebook: the notebook run top to bottom in a fresh python3
kernel (started in notebooks/, as JupyterLab does), then the PSS of the kernel and every process it started
(check's worker, the second process that trains ahead in 05 and 06), read while they are all alive.

PSS (proportional set size) splits each shared page among the processes that share it, so the figures of
several processes add up; RSS would count numpy's and Python's libraries once per process. This is what
the capacity table (deploy/README.md) needs beside the load test's figure for a learner's server.
Goal: the heaviest notebook's kernel under 512 MiB, so that a learner (server + kernel) fits in the
1 GiB that deploy/z2jh/config.yaml guarantees. One run; memory barely varies between runs."""
import tempfile
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient
from traitlets.config import Config

from benchlib import ROOT, report

GOAL_MIB = 512
SETTLE_S = 2.0  # after the last cell: let a second process that trains ahead start and load its data


def kernel_memory(path, sockets):
    """(MiB of PSS of the kernel and its children after every cell ran, number of processes)."""
    notebook = nbformat.read(path, as_version=4)
    config = Config()
    config.KernelManager.transport = "ipc"  # local sockets: nothing listens on TCP
    config.KernelManager.ip = str(Path(sockets) / "kernel")
    client = NotebookClient(notebook, kernel_name="python3", timeout=600, config=config,
                            resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        time.sleep(SETTLE_S)
        kernel = psutil.Process(client.km.provisioner.pid)
        processes = [kernel, *kernel.children(recursive=True)]
        total = sum(_pss(process) for process in processes)
    return total / 2**20, len(processes)


def _pss(process):
    try:
        return process.memory_full_info().pss
    except psutil.NoSuchProcess:  # a child that finished its work while we counted
        return 0


def main():
    heaviest = (0.0, "")
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        with tempfile.TemporaryDirectory() as sockets:
            mebibytes, count = kernel_memory(path, sockets)
        print(f"  {path.name:<32} {mebibytes:6.0f} MiB in {count} process(es)", flush=True)
        report("memory", f"kernel of {path.stem}", f"{mebibytes:.0f} MiB", "part of the largest", None, echo=False)
        heaviest = max(heaviest, (mebibytes, path.stem))
    figure = f"the heaviest kernel ({heaviest[1]}), PSS with its child processes"
    report("memory", figure, f"{heaviest[0]:.0f} MiB", f"< {GOAL_MIB} MiB", heaviest[0] < GOAL_MIB)


if __name__ == "__main__":
    main()
