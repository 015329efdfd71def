"""Ports on this machine: a free one, whether one is taken, and (on Linux) which process listens on one."""
import contextlib
import os
import random
import socket
import sys
import time
from pathlib import Path


def free_port(first=None, count=100):
    """A port nobody on this machine listens on: between `first` and `first + count`, picked at random, so
    that two JupyterLabs started at the same moment rarely try the same one; or, without `first`, one the
    system chooses. None when every port of the range is taken."""
    if first is None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]
    return next((port for port in random.sample(range(first, first + count), count) if not port_taken(port)), None)


def port_taken(port, address="127.0.0.1"):
    """Is another program listening on the port (it cannot be bound)? Connections a stopped server left
    in TIME_WAIT do not count (SO_REUSEADDR), so a hub or lab can start again at once on its old port."""
    with socket.socket() as probe:
        if sys.platform.startswith("linux"):  # elsewhere it lets a socket share a port another listens on
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((address, port))
            return False
        except OSError:
            return True


def held_by(server, port):
    """Is the socket listening on 127.0.0.1:port the server's: True, False (another program's) or None
    (nothing listens yet)? On Linux, every socket that takes connections to 127.0.0.1:port must be among
    the server's open files (the venv's python is the server itself there, not a launcher). Nothing is
    sent to the port, and on Linux it is connected to only when its table does not show the socket."""
    listening = _listening(port)
    if not listening and not _accepts(port):
        return None  # nothing listens yet
    listening = listening or _listening(port)  # something does: Linux's table names it, unless it is blind
    if listening:
        return listening <= _open_files(server.pid)
    # macOS, Windows (and WSL 1, whose table is empty): the standard library cannot tell who holds a port.
    # JupyterLab stops when it cannot bind, so a port that accepts a bare connection while it still runs
    # a second later is taken for its. Not guaranteed: a program that binds the port between JupyterLab's
    # check and its bind, while JupyterLab is slow to exit (a loaded machine), is taken for it.
    time.sleep(1)
    return (server.poll() is None and _accepts(port)) or None


def _proc_address(family, address):
    """An address as /proc/net/tcp writes it: 32-bit words in hexadecimal, in this machine's byte order."""
    packed = socket.inet_pton(family, address)
    return "".join(f"{int.from_bytes(packed[i:i + 4], sys.byteorder):08X}" for i in range(0, len(packed), 4))


# The addresses a listening socket may be bound to and take connections to 127.0.0.1.
TAKES_LOOPBACK = {_proc_address(socket.AF_INET, address) for address in ("127.0.0.1", "0.0.0.0")} | {
    _proc_address(socket.AF_INET6, address) for address in ("::", "::ffff:127.0.0.1")}


def _listening(port):
    """The sockets listening on the port that take connections to 127.0.0.1, as 'socket:[inode]', from
    Linux's /proc/net/tcp and tcp6; none where there are no such tables."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):  # not Linux; or tcp6 on a machine without IPv6
            for line in Path(table).read_text(encoding="ascii").splitlines()[1:]:
                fields = line.split()  # sl, local address:port, remote, state (0A: listening), ..., inode
                address, _, hex_port = fields[1].partition(":")
                if fields[3] == "0A" and int(hex_port, 16) == port and address in TAKES_LOOPBACK:
                    found.add(f"socket:[{fields[9]}]")
    return found


def _open_files(pid):
    """What the process's open files are, e.g. socket:[123] (Linux; our own child's, so we may read them)."""
    found = set()
    with contextlib.suppress(OSError):  # it has exited
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):  # closed meanwhile
                found.add(os.readlink(f"/proc/{pid}/fd/{fd}"))
    return found


def _accepts(port):
    """Does something on this machine accept connections on the port? Connects and sends nothing."""
    with socket.socket() as probe:
        probe.settimeout(2)
        return probe.connect_ex(("127.0.0.1", port)) == 0
