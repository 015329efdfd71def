"""When a class logs in at once, another learner's kernel can take a port between the moment a server chooses
a kernel's ports and the kernel's start: the kernel dies at once, or hangs. With the settings
classroom/singleuser.py gives each learner's server, kernels talk over Unix sockets named after them where
those fit, so no other kernel can take them; where they do not, the automatic restart that follows a taken
port chooses new ports and the kernel comes up (with jupyter_client's default it tried the same taken port
five times, and the learner had no kernel)."""
import asyncio
import os
import shutil
import socket
import stat
import tempfile
import time

import pytest
from jupyter_client.ioloop import AsyncIOLoopKernelManager
from jupyter_client.provisioning.local_provisioner import LocalProvisioner
from traitlets.config import Config

from classroom import singleuser


def settings(argument):
    """'--KernelManager.cache_ports=False' as the Config a server builds from it."""
    name, value = argument.removeprefix("--").split("=")
    section, trait = name.split(".")
    config = Config()
    config[section][trait] = {"False": False, "True": True}.get(value, value)
    return config


async def kernel_comes_up(config, taken, limit=90):
    manager = AsyncIOLoopKernelManager(config=config)
    await manager.start_kernel()
    manager.start_restarter()
    deadline = time.monotonic() + limit
    try:
        while time.monotonic() < deadline:
            client = manager.client()  # a new client each time: a restart may have moved the ports
            client.start_channels()
            try:
                await client.wait_for_ready(timeout=10)
                return manager.shell_port not in [holder.getsockname()[1] for holder in taken]
            except (RuntimeError, TimeoutError):
                await asyncio.sleep(1)
            finally:
                client.stop_channels()
        return False
    finally:
        manager.stop_restarter()
        await manager.shutdown_kernel(now=True)


def test_a_kernel_whose_port_was_taken_comes_up_on_new_ports(monkeypatch):
    taken, launch = [], LocalProvisioner.launch_kernel

    async def another_kernel_takes_the_port_first(self, command, **options):
        if not taken:  # the first start only, as in the race
            holder = socket.socket()
            holder.bind((self.parent.ip, self.parent.shell_port))
            holder.listen()
            taken.append(holder)
        return await launch(self, command, **options)
    monkeypatch.setattr(LocalProvisioner, "launch_kernel", another_kernel_takes_the_port_first)
    try:
        assert asyncio.run(kernel_comes_up(settings(singleuser.KERNEL_PORTS), taken))
        assert taken  # the port was really taken at the first start
    finally:
        for holder in taken:
            holder.close()


@pytest.mark.skipif(os.name == "nt", reason="Unix sockets: the hub's Linux and macOS")
def test_kernels_talk_over_unix_sockets_where_their_paths_fit(monkeypatch):
    short = tempfile.mkdtemp(prefix="ipc-")  # as the hub gives each learner (pytest's folders may be too long)
    try:
        monkeypatch.setenv("JUPYTER_RUNTIME_DIR", short)
        assert singleuser.kernel_sockets() == [singleuser.KERNEL_SOCKETS]
        assert asyncio.run(kernel_over_sockets(settings(singleuser.KERNEL_SOCKETS), short))
        monkeypatch.setenv("JUPYTER_RUNTIME_DIR", os.path.join(short, "a-home-deep-in-folders" * 4))
        assert singleuser.kernel_sockets() == []  # ports, as Jupyter's default
    finally:
        shutil.rmtree(short)


async def kernel_over_sockets(config, folder):
    """True if a kernel started with `config` answers over Unix sockets in `folder`, named after it."""
    manager = AsyncIOLoopKernelManager(config=config, connection_file=os.path.join(folder, "kernel-test.json"))
    await manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=60)
        reply = await client.execute("1 + 1", reply=True, timeout=30)
        sockets = [os.path.join(folder, name) for name in os.listdir(folder) if name.startswith("kernel-test-ipc-")]
        return (reply["content"]["status"] == "ok" and manager.transport == "ipc" and len(sockets) == 5
                and all(stat.S_ISSOCK(os.stat(path).st_mode) for path in sockets))
    finally:
        client.stop_channels()
        await manager.shutdown_kernel(now=True)
