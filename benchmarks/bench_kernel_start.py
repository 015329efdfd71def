"""A learner's python3 kernel on the class hub, forked by their server's kernel forker
(classroom/kernel_forks.py) against started as a new Python, as Jupyter starts it: the processor time the
kernel spends until it has run the first cell of 02 (the course's imports). Goal: a forked kernel costs at
most half a new one (issue 19: a whole learner, server, kernel and a notebook, in 3 CPU-seconds).

One Python stands for a learner's server: it imports what the hub's preloaded process imports for kernels,
forks its kernel forker, then starts RUNS kernels of each kind in turns (so that the machine's other work
falls on both alike). Each figure is the kernel's own processor time (user + system) once the cell has run,
which another program on the machine does not change, unlike the wall time shown beside it."""
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from benchlib import median, report

RUNS = 5
GOAL = 0.5  # forked / new
NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "02_learning_rate.ipynb"

SERVER = textwrap.dedent("""
    import asyncio, json, os, sys, time
    import psutil
    from classroom import kernel_forks
    os.environ.update(kernel_forks.IMPORT_SETTINGS)
    kernel_forks.preload()
    kernel_forks.start_forker()
    forker = kernel_forks._forker
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_client.provisioning.factory import KernelProvisionerFactory
    KernelProvisionerFactory.instance().default_provisioner_name = "classroom-forked-kernels"

    async def one(forked, cell, folder):
        kernel_forks._forker = forker if forked else None  # None: the provisioner starts a new Python
        started = time.perf_counter()
        manager = AsyncKernelManager(kernel_name="python3")
        await manager.start_kernel(cwd=folder)
        client = manager.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=120)
            reply = await client.execute(cell, reply=True, timeout=120)
            assert reply["content"]["status"] == "ok", reply["content"]
            times = psutil.Process(manager.provisioner.pid).cpu_times()
            return times.user + times.system, time.perf_counter() - started
        finally:
            client.stop_channels()
            await manager.shutdown_kernel()

    async def main():
        cell, folder, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
        seen = {"forked": [], "new": []}
        for _ in range(runs):
            for kind in seen:
                seen[kind].append(await one(kind == "forked", cell, folder))
        print(json.dumps(seen))

    asyncio.run(main())
""")


def first_cell():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    return next("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")


def main():
    with tempfile.TemporaryDirectory() as home:
        environment = {key: value for key, value in os.environ.items() if not key.startswith(("JPY_", "MPL"))}
        done = subprocess.run([sys.executable, "-c", SERVER, first_cell(), str(NOTEBOOK.parent), str(RUNS)],
                              capture_output=True, text=True, env=dict(environment, HOME=home), check=True)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    for kind, runs in seen.items():
        print(f"{kind:6s} (CPU-s / wall s): " + ", ".join(f"{cpu:.2f} / {wall:.2f}" for cpu, wall in runs))
    forked, new = (median([cpu for cpu, _ in seen[kind]]) for kind in ("forked", "new"))
    report("bench_kernel_start", f"a kernel's start and 02's first cell, CPU-seconds (median of {RUNS}): "
           f"forked {forked:.2f}, new Python {new:.2f}", f"{forked / new:.2f} of a new one",
           f"at most {GOAL} of a new one", forked / new <= GOAL)


if __name__ == "__main__":
    main()
