"""A kernel's websocket sends each message at once (TCP_NODELAY on the server's end of it), in the JupyterLab
`python3 course.py lab` starts and in the hub's servers: otherwise a slider's second and third answers wait
for the browser's delayed acknowledgement of the first (classroom/prompt_websocket.py). Read off the
server's own socket, not timed: a copy of it is taken from the server process (Linux's pidfd_getfd)."""
import contextlib
import ctypes
import errno
import json
import os
import platform
import socket
import subprocess
import sys
import time
import urllib.request

import psutil
import pytest
import websocket

from classroom import prompt_websocket, singleuser
from launcher import lab, ports

PIDFD_GETFD = 438  # the system call's number on x86_64 and aarch64 (Linux 5.6 and later)
# Where a copy is refused, the test cannot look: a container's seccomp profile without CAP_SYS_PTRACE, Yama's
# ptrace_scope 2 or 3, an older kernel (CI runs as root on Linux, where it looks).
CANNOT_LOOK = (errno.EPERM, errno.EACCES, errno.ENOSYS)
JUPYTERS_OWN = "jupyter_server.services.kernels.connection.channels.ZMQChannelsWebsocketConnection"


def _copy_of_socket(pid, fd):
    """The socket another process holds as `fd`, as a socket of this process (same connection, same options)."""
    pidfd = os.pidfd_open(pid)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        copied = libc.syscall(PIDFD_GETFD, pidfd, fd, 0)
        if copied < 0:
            error = ctypes.get_errno()
            if error in CANNOT_LOOK:
                pytest.skip(f"this machine refuses a copy of another process's socket ({os.strerror(error)})")
            raise OSError(error, os.strerror(error))
        return socket.socket(fileno=copied)
    finally:
        os.close(pidfd)


def _serve(tmp_path, extra=(), settings="", command=None, environment=None):
    """JupyterLab as `lab` starts it (or `command`, given its port), on a free port, with the learner's
    `settings` in their jupyter_lab_config.py and `environment` added to theirs: (its process, its address,
    its token)."""
    port, token = ports.free_port(), "prompt-websocket-test"
    (tmp_path / "config").mkdir(parents=True)
    (tmp_path / "config" / "jupyter_lab_config.py").write_text(settings)
    env = dict(os.environ, JUPYTER_TOKEN=token, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_DATA_DIR=str(tmp_path / "data"),
               IPYTHONDIR=str(tmp_path / "ipython"), MPLCONFIGDIR=str(tmp_path / "matplotlib"))
    env.pop("JUPYTER_GATEWAY_URL", None)
    env.update(environment or {})
    arguments = command(port) if command else lab.lab_arguments(port, root_dir=tmp_path, extra=extra)
    said = tmp_path / "jupyterlab.log"
    with open(said, "wb") as log:
        server = subprocess.Popen([sys.executable, *arguments], env=env, stdout=log, stderr=subprocess.STDOUT)
    address = f"127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # a loaded machine starts JupyterLab slowly
    while time.monotonic() < deadline and server.poll() is None:
        try:
            urllib.request.urlopen(f"http://{address}/api/status?token={token}", timeout=5)
            return server, address, token
        except OSError:
            time.sleep(0.2)  # polling interval only
    lab._stop(server)
    pytest.fail(f"JupyterLab did not answer on {address} (exit code {server.returncode}); it said:\n"
                + said.read_text(errors="replace")[-2000:])


@contextlib.contextmanager
def _kernel_websocket(address, token):
    """A new kernel's websocket, once the kernel has answered on it (the server has connected the two)."""
    started = urllib.request.Request(f"http://{address}/api/kernels?token={token}", method="POST",
                                     data=json.dumps({"name": "python3"}).encode())
    kernel = json.load(urllib.request.urlopen(started, timeout=120))["id"]
    client = websocket.create_connection(f"ws://{address}/api/kernels/{kernel}/channels?token={token}",
                                         timeout=60)
    try:
        client.send(json.dumps({"header": {"msg_id": "1", "msg_type": "kernel_info_request", "session": "s",
                                           "username": "", "version": "5.3", "date": ""},
                                "parent_header": {}, "metadata": {}, "content": {}, "channel": "shell"}))
        while json.loads(client.recv())["msg_type"] != "kernel_info_reply":
            pass
        yield client
    finally:
        client.close()


def _nodelay_of_kernel_websocket(tmp_path, extra=(), settings=""):
    """TCP_NODELAY as the server set it on its end of a kernel's websocket, once the kernel has answered on it."""
    server, address, token = _serve(tmp_path, extra, settings)
    try:
        with _kernel_websocket(address, token) as client:
            here = client.sock.getsockname()
            [held] = [c for c in psutil.Process(server.pid).net_connections("tcp")
                      if c.raddr and (c.raddr.ip, c.raddr.port) == here]
            with _copy_of_socket(server.pid, held.fd) as servers_end:
                return servers_end.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        lab._stop(server)


@pytest.mark.skipif(not hasattr(os, "pidfd_open") or platform.machine() not in ("x86_64", "aarch64"),
                    reason="reads the server's socket with Linux's pidfd_getfd (x86_64 or aarch64)")
def test_a_kernels_websocket_sends_at_once_in_the_lab_course_py_starts(tmp_path):
    assert _nodelay_of_kernel_websocket(tmp_path / "course") != 0
    # Jupyter's own connection, as before: the test tells the two apart. A learner who names it, on the
    # command line or in their settings, gets it.
    jupyters = [f"--ServerApp.kernel_websocket_connection_class={JUPYTERS_OWN}"]
    assert _nodelay_of_kernel_websocket(tmp_path / "jupyters", jupyters) == 0
    for section in ("ServerApp", "Application"):  # Jupyter reads it in a section of any class above ServerApp
        named = f"c.{section}.kernel_websocket_connection_class = {JUPYTERS_OWN!r}\n"
        assert _nodelay_of_kernel_websocket(tmp_path / section, settings=named) == 0
    module, _, name = JUPYTERS_OWN.rpartition(".")  # or as a web setting, which the websocket handler reads
    named = (f"from {module} import {name}\n"
             f"c.ServerApp.tornado_settings = {{'kernel_websocket_connection_class': {name}}}\n")
    assert _nodelay_of_kernel_websocket(tmp_path / "tornado", settings=named) == 0


@pytest.mark.parametrize("way", ["settings", "command line", "environment"])
def test_a_gateways_kernels_keep_their_own_websocket_connection(tmp_path, way):
    """A gateway's kernels have a connection of their own, which Jupyter chooses once it has read every setting:
    with a gateway named in the learner's jupyter_lab_config.py, on lab's command line or in the environment,
    lab's JupyterLab still reaches its kernels. The gateway here is a plain Jupyter server."""
    def plain(port):
        return ["-m", "jupyter_server", f"--ServerApp.port={port}", "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.root_dir={tmp_path}", "--ServerApp.open_browser=False", "--allow-root"]
    gateway, gateways_address, gateways_token = _serve(tmp_path / "gateway", command=plain)
    named = {"url": f"http://{gateways_address}", "auth_token": gateways_token}
    try:
        server, address, token = _serve(
            tmp_path / "course",
            settings="".join(f"c.GatewayClient.{k} = {v!r}\n" for k, v in named.items()) if way == "settings" else "",
            extra=[f"--GatewayClient.{k}={v}" for k, v in named.items()] if way == "command line" else (),
            environment={f"JUPYTER_GATEWAY_{k.upper()}": v for k, v in named.items()} if way == "environment" else {})
        try:
            with _kernel_websocket(address, token):  # times out (fails) with the course's connection
                pass
            with urllib.request.urlopen(f"http://{gateways_address}/api/kernels?token={gateways_token}") as kernels:
                assert len(json.load(kernels)) == 1  # the kernel is the gateway's
        finally:
            lab._stop(server)
    finally:
        lab._stop(gateway)


def test_the_hubs_servers_use_the_same_prompt_connection(monkeypatch):
    """The hub's servers are given the option lab gives, which turns on the course's server extension."""
    assert singleuser.PROMPT == lab.PROMPT
    assert lab.PROMPT == f"--ServerApp.jpserver_extensions={prompt_websocket.__name__}=True"
    import jupyterhub.singleuser
    given = []
    monkeypatch.setattr(singleuser, "prepare", lambda: None)  # JupyterLab's yarn settings left as they are
    monkeypatch.setattr(jupyterhub.singleuser, "main", lambda argv: given.extend(argv))
    singleuser.main(["--debug"])
    assert singleuser.PROMPT in given and given[-1] == "--debug"
