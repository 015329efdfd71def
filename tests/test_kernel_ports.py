"""When a class logs in at once, another learner's kernel can take a port between the moment a server chooses
a kernel's ports and the kernel's start: the kernel dies at once. With the setting classroom/singleuser.py
gives each learner's server, the automatic restart that follows chooses new ports and the kernel comes up
(with jupyter_client's default it tried the same taken port five times, and the learner had no kernel)."""
import asyncio
import socket
import time

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
