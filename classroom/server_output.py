"""A learner's server's messages, and its kernels', passed on to the hub's output: each line after the
learner's name, its control characters written out, at most CHARACTERS_A_SECOND of one learner's a second.
The hub's output may be the teacher's terminal or the hub's log; a learner's code never writes to either."""
import asyncio
import os
import sys

_RELAYS = set()
CHARACTERS_A_SECOND = 10_000  # of one learner's messages shown; past it the hub reads their pipe a second later


def relay(name):
    """The writing end of a pipe for a learner's server (and its kernels) to write their messages to; the hub
    passes each line on to its own output as "[name] line", control characters shown as escapes, so that
    nothing a learner's code writes can move the teacher's terminal. A flood waits: past CHARACTERS_A_SECOND
    the hub stops reading until the next second, the pipe fills, and only the learner's own writers wait."""
    reading, writing = os.pipe()
    task = asyncio.get_running_loop().create_task(_relay(reading, name))
    _RELAYS.add(task)  # the loop holds tasks weakly: without this, one could be collected mid-class
    task.add_done_callback(_RELAYS.discard)
    return writing


async def _relay(reading, name):
    loop = asyncio.get_running_loop()
    lines = asyncio.StreamReader(limit=2 ** 16)
    transport, _ = await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(lines), open(reading, "rb", 0))
    second, left = loop.time(), CHARACTERS_A_SECOND
    try:
        while line := await _next_line(lines):
            text = f"[{name}] {_harmless(line.decode(errors='replace').rstrip(chr(10)))[:1000]}\n"
            if len(text) > left:
                await asyncio.sleep(max(0.0, second + 1 - loop.time()))
                second, left = loop.time(), CHARACTERS_A_SECOND
            left -= len(text)
            sys.stderr.write(text)
    finally:
        transport.close()


def _harmless(text):
    """Text with its control characters (a terminal's escape sequences) written as escapes: '\\x1b'."""
    return "".join(character if character.isprintable() or character == "\t" else repr(character)[1:-1]
                   for character in text)


async def _next_line(lines):
    try:
        return await lines.readline()
    except ValueError:  # a line longer than the limit: its first part
        return await lines.read(2 ** 16)
