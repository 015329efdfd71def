"""A learner's server on the class hub: JupyterHub's `jupyterhub-singleuser`, started without the work a
learner's server never uses. A class logging in at once is bound by the machine's cores, so each
CPU-second a learner's start costs is half a minute for a class of 30 on 2 cores.

    python -m classroom.singleuser [jupyterhub-singleuser's options]

(The hub runs `main` in a fork of classroom.preloaded's process, which has run `prepare` once.)

What it leaves out:
- JupyterLab asks Node.js for yarn's and npm's settings when it is imported (`node yarn.js config`, then
  `npm prefix -g`: 0.5 to 0.7 CPU-seconds a learner), to learn where to build extensions from. A learner's
  server never builds one (the extension manager is read-only), and the hub's machine has Node.js for
  the proxy.
- The server extensions a learner does not use (EXTENSIONS_OFF): language servers (none is installed),
  Notebook 7's pages (learners open JupyterLab) and nbgitpuller (the course is copied in by the hub).

It also has kernels talk over Unix sockets (KERNEL_SOCKETS), or else lets a kernel whose port another took
meanwhile restart on new ports (KERNEL_PORTS), and has its python3 kernels forked from a process that has
imported them (kernel_forks)."""
import os
import sys
import uuid

# The option that turns on the kernel's websocket sending each message at once, as lab gives it its JupyterLab.
from launcher.lab import PROMPT

# A kernel's ports are chosen just before it starts, and when a class logs in at once another learner's kernel
# may take one first. Not cached, they are chosen anew by the automatic restart that follows (cached, the
# restarts tried the same taken port until the kernel was given up).
KERNEL_PORTS = "--KernelManager.cache_ports=False"
# So that no other kernel can take them at all, a kernel's channels are Unix sockets named after it, in the
# learner's runtime folder, wherever their paths fit in a socket's address (the hub gives each learner a short
# folder; under a home they may not fit). Their folder is the learner's alone: no other account reaches them.
KERNEL_SOCKETS = "--KernelManager.transport=ipc"
SOCKET_PATH_ROOM = 103  # bytes of a Unix socket's path: 107 on Linux, 103 on macOS
# Jupyter server extensions turned off in a learner's server (a name not installed is passed over).
EXTENSIONS_OFF = ("jupyter_lsp", "notebook", "nbgitpuller")
FORKED_KERNELS = "classroom-forked-kernels"  # the kernel provisioner pyproject.toml registers


def no_yarn_config(logger=None):
    """What JupyterLab's own function returns when Node.js is not installed: no yarn or npm settings."""
    return {"yarn config": {}, "npm config": {}}


def prepare():
    """JupyterLab told there is no Node.js, then the server's code imported (classroom.preloaded calls this
    once, before its forks)."""
    import jupyterlab.commands
    jupyterlab.commands._yarn_config = no_yarn_config  # before jupyterlab.labapp is imported: it calls it
    import jupyterhub.singleuser  # noqa: F401


def kernel_forks():
    """The option that has kernels forked (classroom/kernel_forks.py), if its provisioner is installed (an
    environment set up before it was added has not registered it: there kernels start as new Pythons)."""
    from importlib.metadata import entry_points
    if entry_points(group="jupyter_client.kernel_provisioners", name=FORKED_KERNELS):
        return [f"--KernelProvisionerFactory.default_provisioner_name={FORKED_KERNELS}"]
    return []


def kernel_sockets():
    """The option that has kernels talk over Unix sockets in the runtime folder, where their paths fit."""
    from jupyter_core.paths import jupyter_runtime_dir
    longest = os.path.join(jupyter_runtime_dir(), f"kernel-{uuid.uuid4()}-ipc-99")
    return [KERNEL_SOCKETS] if os.name == "posix" and len(os.fsencode(longest)) <= SOCKET_PATH_ROOM else []


def main(arguments):
    prepare()
    from jupyterhub.singleuser import main as singleuser
    off = [f"--ServerApp.jpserver_extensions={name}=False" for name in EXTENSIONS_OFF]
    return singleuser(argv=[*off, PROMPT, KERNEL_PORTS, *kernel_sockets(), *kernel_forks(), *arguments])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
