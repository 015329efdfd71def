"""The kernel's websocket as Jupyter's server opens it, but sending each message at once. Used by the hub's
servers (classroom/singleuser.py) and by `python3 course.py lab` (launcher/lab.py names it).

A slider's move comes back as three messages in a row (the slider's echo, the status line, the picture).
Tornado leaves Nagle's algorithm on for a websocket, so each message after the first waits until the one
before is acknowledged, and the browser (or the hub's proxy) delays its acknowledgement: by at least 40 ms
on Linux, 200 ms by default on Windows. The hub's load test with 2 learners: a slider's round trip took
52 ms, 20 with this."""
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection


class PromptConnection(ZMQChannelsWebsocketConnection):
    """Jupyter's connection of a kernel to a websocket, with TCP_NODELAY on the websocket."""

    async def connect(self):
        self.websocket_handler.set_nodelay(True)
        return await super().connect()
