"""The messages between the kernel, the checking process, the judge and the runner (sandbox.py tells
who sends what): each a pickle of plain data (tuples of text, numbers and bytes: loading it runs no class
or function) preceded by its length; from the checking process each also starts with its signature
(HMAC, with the key of the request it is about)."""
import hashlib
import hmac
import io
import os
import pickle
import struct

MESSAGE_LIMIT = 256 * 2 ** 20  # bytes: a longer "message" is not one of ours
ENDED = "{} ended the Python process it ran in (os._exit(), or a crash)."


class _PlainUnpickler(pickle.Unpickler):
    """Loads tuples, lists, text, numbers and bytes, and refuses every class and function."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"{module}.{name} is not plain data")


def plain_loads(data):
    """The message in data, if it is plain data; else UnpicklingError."""
    return _PlainUnpickler(io.BytesIO(data)).load()


def signature(key, body):
    """The HMAC of a message's body with its request's key."""
    return hmac.new(key, body, hashlib.sha256).digest()


UNSIGNED = bytes(32)  # the place of a signature, in the messages sent before a request has its key


def send(fd, message, key=None):
    """Write message, signed with key (the checking process to the kernel)."""
    body = pickle.dumps(message)
    write(fd, (UNSIGNED if key is None else signature(key, body)) + body)


def write(fd, data):
    """Write data to fd, preceded by its length."""
    data = struct.pack(">Q", len(data)) + data
    while data:
        data = data[os.write(fd, data):]


def read(fd):
    """The next message's bytes, or None once the other side has gone (or sent what is not a message)."""
    header = _read_exactly(fd, 8)
    if header is None:
        return None
    size, = struct.unpack(">Q", header)
    return _read_exactly(fd, size) if size <= MESSAGE_LIMIT else None


def _read_exactly(fd, size):
    parts = []
    while size:
        part = os.read(fd, min(size, 1 << 20))
        if not part:
            return None
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def read_plain(fd):
    """The next message, a tuple of plain data (() for anything else); None once the other side has gone."""
    data = read(fd)
    if data is None:
        return None
    try:
        message = plain_loads(data)
    except Exception:
        return ()
    return message if isinstance(message, tuple) else ()
