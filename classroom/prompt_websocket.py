"""The kernel's websocket as Jupyter's server opens it, but sending each message at once: a Jupyter server
extension, turned on in the hub's servers (classroom/singleuser.py) and in `python3 course.py lab`'s
JupyterLab (launcher/lab.py).

A slider's move comes back as three messages in a row (the slider's echo, the status line, the picture).
Tornado leaves Nagle's algorithm on for a websocket, so each message after the first waits until the one
before is acknowledged, and the browser (or the hub's proxy) delays its acknowledgement: by at least 40 ms
on Linux, 200 ms by default on Windows. The hub's load test with 2 learners: a slider's round trip took
52 ms, 20 with this.

The extension chooses the connection once the server has read every setting, so that a gateway's kernels
keep the connection Jupyter gives them, and a learner who names a connection of their own gets theirs.
Turned off on lab's command line (which outranks a settings file), as any server extension is:
`python3 course.py lab --ServerApp.jpserver_extensions=classroom.prompt_websocket=False`."""
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

SETTING = "kernel_websocket_connection_class"  # the server's option (and web setting) that names the class


class PromptConnection(ZMQChannelsWebsocketConnection):
    """Jupyter's connection of a kernel to a websocket, with TCP_NODELAY on the websocket."""

    async def connect(self):
        self.websocket_handler.set_nodelay(True)
        return await super().connect()


def _jupyter_server_extension_points():
    return [{"module": __name__}]


def _load_jupyter_server_extension(serverapp):
    """Use PromptConnection for the kernels' websockets, unless the server has another already (a gateway's,
    or one an extension loaded before this one chose) or the settings name one: in a section of ServerApp
    or of any class it is built on (JupyterApp, Application), as Jupyter reads them, or as a web setting."""
    named = SETTING in serverapp.tornado_settings or any(
        SETTING in serverapp.config.get(cls.__name__, {}) for cls in type(serverapp).__mro__)
    if named or serverapp.kernel_websocket_connection_class is not ZMQChannelsWebsocketConnection:
        return
    serverapp.kernel_websocket_connection_class = PromptConnection
    serverapp.web_app.settings[SETTING] = PromptConnection  # where the kernels' websocket handler reads it
