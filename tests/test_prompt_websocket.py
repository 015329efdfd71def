"""A kernel's websocket sends each message at once (TCP_NODELAY on the server's end of it), in the JupyterLab
`python3 course.py lab` starts and in the hub's servers: otherwise a slider's second and third answers wait
for the browser's delayed acknowledgement of the first (classroom/prompt_websocket.py). Read off the
server's own socket, not timed: a copy of it is taken from the server process (Linux's pidfd_getfd)."""
import ctypes
import errno
import importlib
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

from classroom import singleuser
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


def _serve(tmp_path, extra=()):
    """JupyterLab as `lab` starts it, on a free port: (its process, its address, its token)."""
    port, token = ports.free_port(), "prompt-websocket-test"
    tmp_path.mkdir()
    env = dict(os.environ, JUPYTER_TOKEN=token, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_DATA_DIR=str(tmp_path / "data"),
               IPYTHONDIR=str(tmp_path / "ipython"), MPLCONFIGDIR=str(tmp_path / "matplotlib"))
    said = tmp_path / "jupyterlab.log"
    with open(said, "wb") as log:
        server = subprocess.Popen([sys.executable, *lab.lab_arguments(port, root_dir=tmp_path, extra=extra)],
                                  env=env, stdout=log, stderr=subprocess.STDOUT)
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


def _nodelay_of_kernel_websocket(tmp_path, extra=()):
    """TCP_NODELAY as the server set it on its end of a kernel's websocket, once the kernel has answered on it."""
    server, address, token = _serve(tmp_path, extra)
    try:
        started = urllib.request.Request(f"http://{address}/api/kernels?token={token}", method="POST",
                                         data=json.dumps({"name": "python3"}).encode())
        kernel = json.load(urllib.request.urlopen(started, timeout=120))["id"]
        client = websocket.create_connection(f"ws://{address}/api/kernels/{kernel}/channels?token={token}",
                                             timeout=120)
        try:
            client.send(json.dumps({"header": {"msg_id": "1", "msg_type": "kernel_info_request", "session": "s",
                                               "username": "", "version": "5.3", "date": ""},
                                    "parent_header": {}, "metadata": {}, "content": {}, "channel": "shell"}))
            while json.loads(client.recv())["msg_type"] != "kernel_info_reply":
                pass  # the server has connected the kernel to this websocket (connect() has run)
            here = client.sock.getsockname()
            [held] = [c for c in psutil.Process(server.pid).net_connections("tcp")
                      if c.raddr and (c.raddr.ip, c.raddr.port) == here]
            with _copy_of_socket(server.pid, held.fd) as servers_end:
                return servers_end.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        finally:
            client.close()
    finally:
        lab._stop(server)


@pytest.mark.skipif(not hasattr(os, "pidfd_open") or platform.machine() not in ("x86_64", "aarch64"),
                    reason="reads the server's socket with Linux's pidfd_getfd (x86_64 or aarch64)")
def test_a_kernels_websocket_sends_at_once_in_the_lab_course_py_starts(tmp_path):
    assert _nodelay_of_kernel_websocket(tmp_path / "course") != 0
    # Jupyter's own connection, as before: the test tells the two apart.
    jupyters = [f"--ServerApp.kernel_websocket_connection_class={JUPYTERS_OWN}"]
    assert _nodelay_of_kernel_websocket(tmp_path / "jupyters", jupyters) == 0


def test_the_hubs_servers_use_the_same_prompt_connection(monkeypatch):
    """The hub's servers are given the option, and it names the class lab names: Jupyter's own connection,
    with TCP_NODELAY set."""
    name = singleuser.PROMPT.split("=", 1)[1]
    assert name == lab.PROMPT
    module, _, cls = name.rpartition(".")
    jupyters_module, _, jupyters_cls = JUPYTERS_OWN.rpartition(".")
    assert issubclass(getattr(importlib.import_module(module), cls),
                      getattr(importlib.import_module(jupyters_module), jupyters_cls))
    import jupyterhub.singleuser
    given = []
    monkeypatch.setattr(singleuser, "prepare", lambda: None)  # JupyterLab's yarn settings left as they are
    monkeypatch.setattr(jupyterhub.singleuser, "main", lambda argv: given.extend(argv))
    singleuser.main(["--debug"])
    assert singleuser.PROMPT in given and given[-1] == "--debug"
