"""classroom/kernel_forks.py on its own: a process that has imported a kernel's modules forks a learner's
python3 kernels, which behave as kernels Jupyter starts as new Pythons (path, plots, interrupts, restarts,
shutdown, fresh randomness), and a server whose kernel forker has ended starts them as new Pythons.
(tests/test_hub.py runs them in a hub.) Each case runs in a Python of its own, as a learner's server does:
a fork server must have no threads, and pytest's process may."""
import json
import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(os.name == "nt", reason="a fork server: Linux and macOS only, as the hub")

SERVER = textwrap.dedent("""
    import asyncio, json, os, sys
    from classroom import kernel_forks
    os.environ.update(kernel_forks.IMPORT_SETTINGS)
    kernel_forks.preload()
    import multiprocessing  # as in the hub's preloaded process (Jupyter's server imports it): it draws its key
    if sys.argv[1] != "new":
        kernel_forks.start_forker()
    if sys.argv[1] == "forker-ended":  # as if the learner had ended it
        os.kill(kernel_forks._forker.pid, 9)
        os.waitpid(kernel_forks._forker.pid, 0)
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_client.provisioning.factory import KernelProvisionerFactory
    KernelProvisionerFactory.instance().default_provisioner_name = "classroom-forked-kernels"

    async def execute(client, code, timeout=60):
        found = {"error": None, "output": "", "images": 0}
        def note(message):
            content = message["content"]
            if message["msg_type"] == "stream":
                found["output"] += content["text"]
            elif message["msg_type"] == "display_data":
                found["images"] += "image/png" in content["data"]
            elif message["msg_type"] == "error":
                found["error"] = content["ename"]
        await client.execute_interactive(code, output_hook=note, timeout=timeout)
        return found

    async def main():
        seen = {}
        manager = AsyncKernelManager(kernel_name="python3")
        await manager.start_kernel(cwd=sys.argv[2])
        client = manager.client()
        client.start_channels()
        await client.wait_for_ready(timeout=60)
        first = await execute(client, "import sys; print('matplotlib.pyplot' in sys.modules)")
        seen["preimported"] = first["output"].strip()
        seen["pid"], seen["forker"] = manager.provisioner.pid, getattr(kernel_forks._forker, "pid", None)
        seen["failed"] = getattr(kernel_forks._forker, "failed", None)
        info = await client.kernel_info(reply=True)
        seen["features"] = info["content"].get("supported_features", [])
        probe = await execute(client, "import os, sys, json, random, multiprocessing, numpy as np, matplotlib\\n"
                              "print(json.dumps({'path': sys.path, 'folder': os.getcwd(), 'ppid': os.getppid(),"
                              "'backend': matplotlib.get_backend(), 'random': [random.random(), np.random.rand(), "
                              "multiprocessing.current_process().authkey.hex()],"
                              "'home': os.environ.get('HOME')}))")
        seen["kernel"] = json.loads(probe["output"])
        seen["plot"] = await execute(client, "import matplotlib.pyplot as plt; plt.plot([1, 2]); plt.show()")
        sleeping = asyncio.ensure_future(execute(client, "import time; time.sleep(60)"))
        await asyncio.sleep(2)
        await manager.interrupt_kernel()
        seen["interrupted"] = (await asyncio.wait_for(sleeping, 30))["error"]
        await manager.restart_kernel()
        await client.wait_for_ready(timeout=60)
        seen["restarted_pid"] = manager.provisioner.pid
        seen["restarted"] = (await execute(client, "import random, multiprocessing as m\\n"
                                       "print(random.random(), m.current_process().authkey.hex())"))["output"].split()
        client.stop_channels()
        await manager.shutdown_kernel()
        seen["handles_left"] = sum(os.readlink(f"/proc/self/fd/{n}") == "anon_inode:[pidfd]"
                                   for n in os.listdir("/proc/self/fd") if os.path.exists(f"/proc/self/fd/{n}"))
        seen["alive_after_shutdown"] = [pid for pid in (seen["pid"], seen["restarted_pid"])
                                        if os.path.exists(f"/proc/{pid}") and
                                        open(f"/proc/{pid}/stat").read().split()[2] != "Z"]
        if sys.argv[1] == "forked":  # a kernel ends with its forker (which ends when its server does)
            manager = AsyncKernelManager(kernel_name="python3")
            await manager.start_kernel(cwd=sys.argv[2])
            client = manager.client()
            client.start_channels()
            await client.wait_for_ready(timeout=60)  # running, as a learner's kernels are when a server ends
            client.stop_channels()
            os.kill(kernel_forks._forker.pid, 9)
            os.waitpid(kernel_forks._forker.pid, 0)
            for _ in range(100):
                if await manager.provisioner.poll() is not None:
                    break
                await asyncio.sleep(0.1)
            seen["outlived_its_forker"] = await manager.provisioner.poll() is None
        print(json.dumps(seen))

    asyncio.run(main())
""")


def serve(how, folder):
    """Start a kernel as a learner's server would (`how`: "forked", or "new" for Jupyter's own way), and tell
    what it saw."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("JPY_", "MPL"))}
    done = subprocess.run([sys.executable, "-c", SERVER, how, str(folder)], capture_output=True, text=True,
                          timeout=240, env=dict(environment, HOME=str(folder)), cwd=folder)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    folder = tmp_path_factory.mktemp("learner")
    return serve("forked", folder), serve("new", folder), folder


def test_a_forked_kernel_offers_no_debugger(both):
    # helper-59: the debugger listens on a port of 127.0.0.1 that any account may connect to, without a
    # key; another learner attached to it and ran code as its learner. A class hub's kernel has none.
    forked, _, _ = both
    assert "debugger" not in forked["features"]


def test_a_forked_kernel_is_a_child_of_the_forker_that_has_its_modules_already(both):
    forked, new, _ = both
    assert forked["kernel"]["ppid"] == forked["forker"] and forked["preimported"] == "True"
    assert new["forker"] is None and new["preimported"] == "False"  # what a new Python's kernel shows


def test_a_forked_kernel_sees_what_a_new_kernel_sees(both):
    forked, new, folder = both
    for key in ("path", "folder", "backend", "home"):
        assert forked["kernel"][key] == new["kernel"][key], key
    assert forked["kernel"]["folder"] == str(folder)
    assert forked["plot"] == {"error": None, "output": "", "images": 1}


def test_a_forked_kernel_is_interrupted_restarted_and_shut_down_as_jupyter_does(both):
    forked, _, _ = both
    assert forked["interrupted"] == "KeyboardInterrupt"
    assert forked["restarted_pid"] != forked["pid"] and forked["restarted"]
    assert forked["alive_after_shutdown"] == [] and forked["handles_left"] == 0  # a restart keeps no pidfd
    assert forked["outlived_its_forker"] is False


def test_each_forked_kernel_draws_its_own_random_numbers(both):
    forked, _, folder = both
    again = serve("forked", folder)
    assert forked["kernel"]["random"][0] != again["kernel"]["random"][0]  # Python's random
    assert forked["kernel"]["random"][1] != again["kernel"]["random"][1]  # numpy's
    assert forked["restarted"] != again["restarted"]
    # two kernels of one forker: the first, and the one its restart forked
    assert forked["kernel"]["random"][0] != float(forked["restarted"][0])
    assert forked["kernel"]["random"][2] != forked["restarted"][1]  # multiprocessing's key


def test_when_the_forker_has_ended_kernels_start_as_new_pythons(tmp_path):
    ended = serve("forker-ended", tmp_path)
    assert ended["preimported"] == "False" and ended["kernel"]["ppid"] != ended["forker"]
    assert "the kernel forker failed" in ended["failed"]
    assert ended["plot"]["images"] == 1 and ended["interrupted"] == "KeyboardInterrupt"
