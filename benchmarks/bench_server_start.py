"""A learner's Jupyter server starting, as `course.py lab` and each learner's server on the hub start it:
the processor time it spends until it answers. Goal: under 0.8 CPU-seconds (issue 19: a whole learner,
server, kernel and a notebook, in 3 CPU-seconds).

Each of the 5 runs starts `jupyter lab` in an empty folder on a free port and asks /api/status until it
answers; the figure is the median of the server's processor time (user + system) at that moment, which
another program on the machine does not change, unlike the wall time shown beside it. Before jsonschema
was held at 4.23 (pyproject.toml), a start took 1.4 to 1.6 CPU-seconds here, 1.1 of them building the
parsers of rfc3987-syntax.
"""
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

from benchlib import median, report
from launcher.ports import free_port

RUNS = 5
GOAL = 0.8  # CPU-seconds
TOKEN = "bench"


def one_start():
    """(CPU-seconds, wall seconds) of one server start, until /api/status answers."""
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        started = time.perf_counter()
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", f"--port={port}",
             f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={folder}", "--LabApp.news_url=None",
             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--allow-root"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ, HOME=folder))
        try:
            while not answers(f"http://127.0.0.1:{port}/api/status?token={TOKEN}"):
                if server.poll() is not None:
                    raise RuntimeError("the server ended before it answered")
                time.sleep(0.02)
            times = psutil.Process(server.pid).cpu_times()
            return times.user + times.system, time.perf_counter() - started
        finally:
            server.terminate()
            server.wait()


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def main():
    runs = [one_start() for _ in range(RUNS)]
    cpu, wall = median([run[0] for run in runs]), median([run[1] for run in runs])
    print("runs (CPU-s / wall s): " + ", ".join(f"{c:.2f} / {w:.2f}" for c, w in runs))
    report("bench_server_start", f"a Jupyter server's start, CPU-seconds (median of {RUNS}; wall {wall:.2f} s)",
           f"{cpu:.2f} CPU-s", f"under {GOAL} CPU-s", cpu < GOAL)


if __name__ == "__main__":
    main()
