"""A load test of the class hub: start the hub, let N simulated learners log in at the same moment, and
measure what a class would feel. Loopback only, with its own hub and a temporary folder: a teacher's real
class (.hub/) is never touched.

    python3 course.py loadtest                       10 learners
    python3 course.py loadtest --learners 10 20      10, then 20 (one fresh hub each)
    python3 course.py loadtest --json figures.json   also write the raw figures
    sudo python3 course.py loadtest --isolated       as a class hub runs as root: an account per learner,
                                                     each setting their own password (the accounts it made
                                                     are removed afterwards)

Each learner does what a browser does, one thread per learner, all started together: GET /hub/login (the
_xsrf cookie), POST /hub/login with the class password, follow the redirects to the spawn, wait on the
hub's progress stream until the server is ready, open /user/<name>/lab (the OAuth redirects give the
server's cookie), read its own copy my-work/02_learning_rate.ipynb, start a kernel with POST api/sessions,
connect to the kernel's websocket (JupyterLab's v1 protocol), run every code cell of 02 in order, move the
α slider of the first explorer eight times (comm messages, as the widget sends them) and wait each time
for the explorer's new picture, then run one check() with a right answer.

A move of the slider is the message JupyterLab's slider sends, on the shell channel: comm_msg with data
{"method": "update", "state": {"index": k}, "buffer_paths": []} to the SelectionSlider "learning rate α"
(k: the place of α among its notches).
The kernel answers on iopub with three comm_msg: "echo_update" of the slider's value, "update" of the
status line (an HTML widget), and "update" of the explorer's Image, whose value (the new PNG) comes as a
binary buffer (buffer_paths [["value"]]). That last message ends the round trip.

Per class size it reports: logins that worked, the time from the start of login to a running kernel (p50,
p90, and when the whole class was ready), the α slider's round trip (p50, p90) and how much of it the
kernel took (from its "busy" status to its picture, by the times in the kernel's messages), memory per learner (PSS:
see `usage`) and CPU seconds per learner, the hub's and proxy's own, the machine's other work meanwhile,
and every failure."""
import argparse
import inspect
import json
import os
import secrets
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import psutil
import requests
import websocket

from classroom import hub

NOTEBOOK = "my-work/02_learning_rate.ipynb"
SLIDER_DESCRIPTION = "α"  # the slider whose description contains this: "learning rate α"
ALPHAS = (0.002, 0.01, 0.05, 0.2, 0.525, 0.8, 2, 3)  # the slider's moves (its notches): every regime
CHECK_ID = "gradient_step"  # the exercise whose right answer the check cell gives
MOST_LEARNERS = 40
DEADLINE = 600.0  # seconds for one class's learners, from their start together to the last one's end
STEP_LIMIT = 300.0  # seconds for one step (a spawn, a cell, a slider move) before it counts as failed
KERNEL_PROTOCOL = "v1.kernel.websocket.jupyter.org"  # JupyterLab 4's binary framing of kernel messages
NAVIGATE = {"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Site": "same-origin", "Sec-Fetch-Dest": "document"}
FETCH = {"Sec-Fetch-Mode": "cors", "Sec-Fetch-Site": "same-origin", "Sec-Fetch-Dest": "empty"}


class Failed(Exception):
    """A step of a learner's session went wrong; the message says which and how."""


# --- The kernel's websocket ---------------------------------------------------------------------------

def pack_v1(channel, message):
    """A kernel message as JupyterLab sends it over the v1 websocket protocol: a count of offsets and the
    offsets (8-byte little-endian), then the channel's name and the four JSON parts (no binary buffers)."""
    parts = [json.dumps(message[key]).encode() for key in ("header", "parent_header", "metadata", "content")]
    pieces = [channel.encode(), *parts]
    offsets = [8 * (len(pieces) + 2)]
    for piece in pieces:
        offsets.append(offsets[-1] + len(piece))
    head = b"".join(number.to_bytes(8, "little") for number in [len(offsets), *offsets])
    return head + b"".join(pieces)


def unpack_v1(frame):
    """The message in a v1 frame: a dict with channel, header, parent_header, metadata, content, buffers."""
    count = int.from_bytes(frame[:8], "little")
    offsets = [int.from_bytes(frame[8 * (k + 1):8 * (k + 2)], "little") for k in range(count)]
    pieces = [frame[start:end] for start, end in zip(offsets, offsets[1:])]
    message = {key: json.loads(piece) for key, piece in zip(("header", "parent_header", "metadata", "content"),
                                                            pieces[1:5])}
    return dict(message, channel=pieces[0].decode(), buffers=pieces[5:])


def with_buffers(data, buffers):
    """A widget's state with its binary parts (an Image's value) put back where buffer_paths says."""
    state = dict(data.get("state", {}))
    for path, buffer in zip(data.get("buffer_paths", []), buffers):
        place = state
        for key in path[:-1]:
            place = place[key]
        place[path[-1]] = bytes(buffer)
    return state


class Kernel:
    """One learner's connection to their kernel: sends requests, reads every message that comes back, and
    keeps the widgets the kernel has opened (comm_open) by comm id, with the cell that opened them."""

    def __init__(self, url, cookies, origin, limit):
        self.session_id = uuid.uuid4().hex
        self.socket = websocket.create_connection(
            f"{url}?session_id={self.session_id}", timeout=limit, cookie=cookies, origin=origin,
            header={"Sec-Fetch-Mode": "websocket", "Sec-Fetch-Site": "same-origin"},
            subprotocols=[KERNEL_PROTOCOL])
        self.widgets = {}  # comm id -> {"state": ..., "opened_by": the execute request's msg_id}
        self.seen = []  # (msg_type, comm method) of every message, in order: what the report describes
        self.in_kernel = None  # seconds the kernel took over the last slider move, by its messages' times

    def close(self):
        self.socket.close()

    def send(self, channel, msg_type, content):
        """Send a request; returns its msg_id (the parent of every message that answers it)."""
        header = {"msg_id": uuid.uuid4().hex, "session": self.session_id, "username": "", "msg_type": msg_type,
                  "version": "5.3", "date": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())}
        message = {"header": header, "parent_header": {}, "metadata": {}, "content": content}
        self.socket.send_binary(pack_v1(channel, message))
        return header["msg_id"]

    def receive(self, deadline):
        """The next message from the kernel (widgets it opens or changes are noted on the way)."""
        self.socket.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            frame = self.socket.recv()
        except websocket.WebSocketTimeoutException:
            raise Failed("the kernel did not answer in time") from None
        if isinstance(frame, str):
            raise Failed("the server answered in the legacy JSON protocol, not v1")
        message = unpack_v1(frame)
        self._note(message)
        return message

    def _note(self, message):
        kind, content = message["header"]["msg_type"], message["content"]
        method = content.get("data", {}).get("method") if kind.startswith("comm_") else None
        self.seen.append((kind, method))
        if kind == "comm_open" and content.get("target_name") == "jupyter.widget":
            self.widgets[content["comm_id"]] = {"state": with_buffers(content["data"], message["buffers"]),
                                                "opened_by": message["parent_header"].get("msg_id")}
        elif kind == "comm_msg" and content["comm_id"] in self.widgets and method in ("update", "echo_update"):
            self.widgets[content["comm_id"]]["state"].update(with_buffers(content["data"], message["buffers"]))

    def kernel_info(self, limit):
        """Ask for kernel_info, as JupyterLab does on connecting; returns when the kernel has answered."""
        asked, deadline = self.send("shell", "kernel_info_request", {}), time.monotonic() + limit
        while True:
            message = self.receive(deadline)
            if message["header"]["msg_type"] == "kernel_info_reply" and \
                    message["parent_header"].get("msg_id") == asked:
                return message["content"]

    def execute(self, code, limit):
        """Run code; returns (the execute_reply's content, the outputs: text of streams, results, errors)
        once both the reply and the kernel's idle status for this request have come."""
        asked, deadline = self.send("shell", "execute_request", {
            "code": code, "silent": False, "store_history": True, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": True}), time.monotonic() + limit
        reply, idle, outputs = None, False, []
        while reply is None or not idle:
            message = self.receive(deadline)
            if message["parent_header"].get("msg_id") != asked:
                continue
            kind, content = message["header"]["msg_type"], message["content"]
            if kind == "execute_reply":
                reply = content
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
            elif kind == "stream":
                outputs.append(content["text"])
            elif kind in ("execute_result", "display_data"):
                outputs.append(content["data"].get("text/plain", ""))
            elif kind == "error":
                outputs.append(f"{content['ename']}: {content['evalue']}")
        return reply, outputs

    def find_explorer(self):
        """(the α slider's comm id, its explorer's Image comm id): the first slider whose description has
        α, and the Image opened by the same cell (each explorer is made by a cell of its own)."""
        for comm_id, widget in self.widgets.items():
            state = widget["state"]
            if state.get("_model_name", "").endswith("SliderModel") and \
                    SLIDER_DESCRIPTION in state.get("description", ""):
                for other, partner in self.widgets.items():
                    if partner["state"].get("_model_name") == "ImageModel" and \
                            partner["opened_by"] == widget["opened_by"]:
                        return comm_id, other
        raise Failed(f"no slider described with {SLIDER_DESCRIPTION!r} and picture among the kernel's widgets")

    def move(self, slider, image, value, limit):
        """Move the slider as the browser's widget does (a comm_msg "update" of the index of the notch whose
        label reads `value`) and wait for the explorer's new picture (the kernel's comm_msg "update" of the
        Image's value); returns the PNG."""
        index = self.widgets[slider]["state"]["_options_labels"].index(f"{value:.3g}")
        asked = self.send("shell", "comm_msg", {"comm_id": slider, "data": {
            "method": "update", "state": {"index": index}, "buffer_paths": []}})
        deadline, began = time.monotonic() + limit, None
        while True:
            message = self.receive(deadline)
            content = message["content"]
            if message["header"]["msg_type"] == "status" and content.get("execution_state") == "busy" and \
                    message["parent_header"].get("msg_id") == asked:
                began = message["header"]["date"]  # the kernel took the move
            if message["header"]["msg_type"] == "comm_msg" and content["comm_id"] == image and \
                    content["data"].get("method") == "update" and \
                    "value" in with_buffers(content["data"], message["buffers"]):  # the PNG comes as a buffer
                self.in_kernel = seconds_between(began, message["header"]["date"])
                return self.widgets[image]["state"]["value"]


def seconds_between(start, end):
    """Seconds from one message's header date to another's (ISO 8601 text), or None without a start."""
    if start is None:
        return None
    start, end = (datetime.fromisoformat(str(date).replace("Z", "+00:00")) for date in (start, end))
    return (end - start).total_seconds()


# --- One learner ------------------------------------------------------------------------------------

@dataclass
class Learner:
    """What happened to one simulated learner: times in seconds from the moment the class started."""
    name: str
    logged_in: bool = False
    server_ready: float = None  # the hub's progress stream said "ready"
    first_kernel: float = None  # the kernel answered kernel_info: the learner can run a cell
    cells_run: int = 0
    cell_errors: list = field(default_factory=list)  # "cell 7: NameError: ..."
    round_trips: list = field(default_factory=list)  # seconds from each slider move to the new picture
    in_kernel: list = field(default_factory=list)  # of which the kernel's, from taking the move to the picture
    pictures_changed: list = field(default_factory=list)  # each new picture differs from the one before
    check_passed: bool = False
    check_output: str = ""
    messages_seen: list = field(default_factory=list)  # the kernel's messages for the first slider move
    failure: str = ""  # the step that failed, and why
    finished: float = None


class Browser:
    """A learner's browser: one requests session (cookies, redirects), headers as a browser sends them."""

    def __init__(self, base, name, limit):
        self.base, self.name, self.limit = base, name, limit
        self.session = requests.Session()

    def close(self):
        self.session.close()

    def xsrf(self, path):
        """The _xsrf cookie the hub (path /hub/) or the learner's server (/user/<name>/) has set."""
        return self.session.cookies.get("_xsrf", path=path)

    def go(self, path, **kwargs):
        """Navigate to a page (following redirects), as typing its address does."""
        response = self.session.get(urljoin(self.base, path), headers=NAVIGATE, timeout=self.limit, **kwargs)
        response.raise_for_status()
        return response

    def api(self, method, path, **kwargs):
        """A JupyterLab API call to the learner's server, with its xsrf token in X-XSRFToken."""
        headers = dict(FETCH, **{"X-XSRFToken": self.xsrf(f"/user/{self.name}/") or ""})
        response = self.session.request(method, urljoin(self.base, f"/user/{self.name}/api/{path}"),
                                        headers=headers, timeout=self.limit, **kwargs)
        response.raise_for_status()
        return response

    def cookie_header(self):
        """The Cookie header a browser sends with the kernel's websocket (the cookies for the server's path)."""
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.session.cookies
                         if f"/user/{self.name}/".startswith(cookie.path))


def log_in(browser, password):
    """GET the login page (its _xsrf cookie), POST name and password, follow the redirects to the spawn.
    Returns the page it lands on (the spawn's progress page, or the server itself)."""
    browser.go("/hub/login")
    response = browser.session.post(urljoin(browser.base, "/hub/login?next="), headers=NAVIGATE,
                                    timeout=browser.limit, data={"username": browser.name, "password": password,
                                                                 "_xsrf": browser.xsrf("/hub/")})
    response.raise_for_status()
    if urlsplit(response.url).path.rstrip("/") == "/hub/login":
        raise Failed("the hub refused the login")
    return response


def wait_for_server(browser, deadline):
    """Read the hub's progress stream (as the spawn page's EventSource does) until the server is ready."""
    headers = dict(FETCH, Accept="text/event-stream", **{"X-XSRFToken": browser.xsrf("/hub/") or ""})
    url = urljoin(browser.base, f"/hub/api/users/{browser.name}/server/progress")
    with browser.session.get(url, headers=headers, stream=True, timeout=max(1, deadline - time.monotonic())) as r:
        r.raise_for_status()
        for line in r.iter_lines():
            if line.startswith(b"data:"):
                event = json.loads(line[5:])
                if event.get("ready"):
                    return
                if event.get("failed"):
                    raise Failed(f"the server did not start: {event.get('message')}")
    raise Failed("the hub's progress stream ended before the server was ready")


def open_kernel(browser, deadline):
    """Open the server's page (the OAuth redirects through the hub give the server's cookie), read the
    learner's own copy of 02, start its kernel as JupyterLab does (POST api/sessions) and connect to it.
    Returns (the notebook, the Kernel)."""
    browser.go(f"/user/{browser.name}/lab")  # -> /hub/api/oauth2/authorize -> oauth_callback -> lab
    browser.api("GET", "status")
    notebook = browser.api("GET", f"contents/{NOTEBOOK}").json()["content"]
    model = browser.api("POST", "sessions", json={"path": NOTEBOOK, "name": Path(NOTEBOOK).name,
                                                  "type": "notebook", "kernel": {"name": "python3"}}).json()
    address = urljoin(browser.base.replace("http", "ws", 1),
                      f"/user/{browser.name}/api/kernels/{model['kernel']['id']}/channels")
    kernel = Kernel(address, browser.cookie_header(), browser.base.rstrip("/"), browser.limit)
    kernel.kernel_info(max(1, deadline - time.monotonic()))
    return notebook, kernel


def run_cells(kernel, notebook, record, limit):
    """Run every code cell of the notebook in order; a cell whose reply is an error is noted and the rest
    still run (a learner would go on too)."""
    for number, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        reply, outputs = kernel.execute(cell["source"], limit)
        record.cells_run += 1
        if reply["status"] != "ok":
            record.cell_errors.append(f"cell {number}: {reply.get('ename')}: {reply.get('evalue')}")


def move_slider(kernel, record, limit):
    """Move the first explorer's α slider to each of ALPHAS, timing each round trip to the new picture."""
    slider, image = kernel.find_explorer()
    picture = kernel.widgets[image]["state"].get("value")
    for number, alpha in enumerate(ALPHAS):
        seen_before, started = len(kernel.seen), time.monotonic()
        new_picture = kernel.move(slider, image, alpha, limit)
        record.round_trips.append(time.monotonic() - started)
        if kernel.in_kernel is not None:
            record.in_kernel.append(kernel.in_kernel)
        record.pictures_changed.append(new_picture != picture)
        picture = new_picture
        if number == 0:
            record.messages_seen = [f"{kind} {method}" if method else kind
                                    for kind, method in kernel.seen[seen_before:]]


def check_code():
    """The check cell: the reference solution of CHECK_ID (what solution() shows), then check() on it."""
    from course_utils.marking import exercises
    reference = next(exercise.reference for exercise in exercises.EXERCISES if exercise.id == CHECK_ID)
    return f"{inspect.getsource(reference)}\n\ncheck({CHECK_ID!r}, {reference.__name__})"


def run_check(kernel, code, record, limit):
    """Run one check() with a right answer (code); it passes when its result says ✓."""
    reply, outputs = kernel.execute(code, limit)
    record.check_output = " ".join(outputs).strip()
    record.check_passed = reply["status"] == "ok" and record.check_output.startswith(f"✓ {CHECK_ID}")


def learn(base, name, password, check, start, deadline, record):
    """One learner's whole session (see the module's docstring); fills `record`, never raises."""
    browser, kernel, step = Browser(base, name, STEP_LIMIT), None, "login"

    def limit():  # seconds this step may take: STEP_LIMIT, or less near the deadline
        return max(1.0, min(STEP_LIMIT, deadline - time.monotonic()))
    try:
        log_in(browser, password)
        record.logged_in, step = True, "waiting for the server"
        wait_for_server(browser, min(deadline, time.monotonic() + STEP_LIMIT))
        record.server_ready, step = time.monotonic() - start, "starting the kernel"
        notebook, kernel = open_kernel(browser, min(deadline, time.monotonic() + STEP_LIMIT))
        record.first_kernel, step = time.monotonic() - start, "running the cells"
        run_cells(kernel, notebook, record, limit())
        step = "moving the slider"
        move_slider(kernel, record, limit())
        step = "running check"
        run_check(kernel, check, record, limit())
    except (Failed, requests.RequestException, websocket.WebSocketException, OSError, KeyError, ValueError) as error:
        record.failure = f"{step}: {type(error).__name__}: {error}"
    except Exception as error:  # a thread's exception must end up in the report, not on stderr
        record.failure = f"{step}: unexpected {type(error).__name__}: {error}"
    finally:
        record.finished = time.monotonic() - start
        if kernel is not None:
            kernel.close()
        browser.close()


# --- A class ----------------------------------------------------------------------------------------

def run_learners(base, password, count, limit=DEADLINE):
    """`count` learners (learner01, learner02, ...) doing everything at once against the hub at `base`;
    returns (their Learner records, seconds from the start until the last one finished). Threads that
    are still running at the deadline are reported as failed and left to end with the hub."""
    names = [f"learner{number:02d}" for number in range(1, count + 1)]
    records, check = [Learner(name) for name in names], check_code()
    start = time.monotonic()
    deadline = start + limit
    threads = [threading.Thread(target=learn, args=(base, record.name, password, check, start, deadline, record),
                                name=record.name, daemon=True) for record in records]
    for thread in threads:
        thread.start()
    for thread, record in zip(threads, records):
        thread.join(max(0.0, deadline + 5 - time.monotonic()))
        if thread.is_alive():
            record.failure = record.failure or f"still running at the deadline ({limit:.0f} s)"
    return records, time.monotonic() - start


def processes(hub_process):
    """The hub's process and all its descendants: the proxy, each learner's server and its kernels, and
    the kernels' own children (check's worker, the explorers' 'ahead' process)."""
    try:
        root = psutil.Process(hub_process.pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def usage(hub_process):
    """Memory and CPU time, per learner and for the hub with its proxy: {who: {"pss", "uss", "cpu",
    "processes"}}, memory in bytes. A process belongs to the learner in its JUPYTERHUB_USER.

    Memory is PSS (proportional set size): each page shared by several processes (numpy's and Python's
    libraries, mapped by every kernel) is split among them, so the sums add up to what the machine
    really spends. RSS would count every shared library once per process; USS (only the pages a process
    has to itself) would leave the shared pages out altogether, so USS is given beside it as the least a
    further learner costs."""
    totals = {}
    for process in processes(hub_process):
        try:
            who = process.environ().get("JUPYTERHUB_USER") or forked_servers_learner(process) or "hub and proxy"
            memory, times = process.memory_full_info(), process.cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        total = totals.setdefault(who, {"pss": 0, "uss": 0, "cpu": 0.0, "processes": 0})
        total["pss"] += memory.pss
        total["uss"] += memory.uss
        total["cpu"] += times.user + times.system + times.children_user + times.children_system
        total["processes"] += 1
    return totals


def forked_servers_learner(process):
    """The learner of a server forked by classroom.preloaded, or of a process it forked (its kernels), or None.
    Their environment in /proc is still the preloaded process's (a fork changes it in memory only), so they
    are known by the server's folder: the learner's home."""
    for server, parent in zip([process, *process.parents()], process.parents()):
        if is_preloaded(parent):
            return Path(server.cwd()).name
    return None


def is_preloaded(process):
    """The hub's preloaded process (its forks show the same command line, but it is not a fork of one)."""
    parent = process.parent()
    return "classroom.preloaded" in process.cmdline() and not (parent and "classroom.preloaded" in parent.cmdline())


def stop_all(hub_process, limit=30):
    """Stop the hub (it stops every learner's server, which stops its kernels); returns the processes
    of the hub's tree still there 10 s after that, as "pid name", each then killed by its pid."""
    tree = processes(hub_process)
    names = {}
    for process in tree:
        try:
            names[process.pid] = " ".join(process.cmdline()[:3])
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    hub.stop(hub_process, limit)
    _, alive = psutil.wait_procs(tree, timeout=10)
    for process in alive:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(alive, timeout=5)
    return [f"{process.pid} {names.get(process.pid, '')}" for process in alive]


def learner_accounts():
    """The system accounts of an isolated hub's learners on this machine (jupyter-<name>)."""
    import pwd
    return {entry.pw_name for entry in pwd.getpwall() if entry.pw_name.startswith(hub.ACCOUNT_PREFIX)}


def remove_accounts(accounts):
    """Learners' accounts (made by a test) removed, with any process still running as one of them killed
    first; returns those processes, as "pid name", and any account userdel could not remove."""
    import pwd
    uids = {pwd.getpwnam(account).pw_uid: account for account in accounts}
    left = [entry for entry in psutil.process_iter(["uids", "name"]) if entry.info["uids"] and
            entry.info["uids"].real in uids and entry.status() != psutil.STATUS_ZOMBIE]
    for entry in left:
        entry.kill()
    psutil.wait_procs(left, timeout=5)
    refused = [account for account in sorted(accounts) if subprocess.run(
        ["userdel", account], capture_output=True).returncode != 0]
    return [f"{entry.pid} {entry.info['name']}" for entry in left] + [f"account {name}" for name in refused]


def run_class(count, limit=DEADLINE, keep=False, isolated=False):
    """Start a hub of its own (a free port on 127.0.0.1, a temporary folder), run `count` learners, measure,
    stop everything; returns the figures (see `figures`). Everything is stopped even on Ctrl+C. `isolated`
    (as root): the hub a class runs, an account per learner, each choosing a password at first login; the
    accounts it made are removed at the end, any process of theirs still running killed first (and reported
    as left behind)."""
    accounts_before = learner_accounts() if isolated else set()
    state = Path(tempfile.mkdtemp(prefix="course-loadtest-"))
    port, load_before, tester_before = hub.free_port(), os.getloadavg(), time.process_time()
    machine_before, started = busy_seconds(), time.monotonic()
    base = f"http://127.0.0.1:{port}"
    log = open(state / "hub.log", "wb")
    process = hub.start(state=state, homes=state / "homes", port=port, stdout=log, stderr=log, isolated=isolated,
                        start_new_session=True)  # Ctrl+C reaches only this process; it stops the hub
    password = secrets.token_urlsafe(12) if isolated else hub.passwords(state)[0]  # each sets it at first login
    records, seconds, totals, leftovers, interrupted = [], None, {}, [], False
    try:
        if not hub.wait_until_answering(process, base, limit=120):
            raise Failed(f"the hub did not start; its messages are in {state / 'hub.log'}")
        records, seconds = run_learners(base, password, count, limit)
        totals = usage(process)
        machine = {"cores": psutil.cpu_count(), "seconds": time.monotonic() - started,
                   "busy": busy_seconds() - machine_before}
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        leftovers = stop_all(process)
        if isolated:
            leftovers += remove_accounts(learner_accounts() - accounts_before)
        log.close()
        failed = not records or any(problems(record) for record in records) or leftovers
        if not keep and (interrupted or not failed):  # else the hub's log is kept, for finding out why
            shutil.rmtree(state, ignore_errors=True)
    return figures(records, seconds, totals, leftovers, load_before, os.getloadavg(),
                   time.process_time() - tester_before, machine, state if state.exists() else None)


def busy_seconds():
    """CPU seconds the whole machine has spent busy since it started, all cores together: with the CPU
    the class used, it says how much other work shared the machine while the test ran."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0) - getattr(times, "guest", 0) - \
        getattr(times, "guest_nice", 0)  # a guest's time is counted in user time already


def percentile(values, share):
    """The value below which `share` of the values lie (linear between the nearest two, as the benchmarks'
    percentile); None if none."""
    values = list(values)
    if len(values) < 2:
        return values[0] if values else None
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def figures(records, seconds, totals, leftovers, load_before, load_after, tester_cpu, machine, kept):
    """The raw figures of one class, as a dict that json can write."""
    kernels = [record.first_kernel for record in records if record.first_kernel is not None]
    servers = [record.server_ready for record in records if record.server_ready is not None]
    ours = sum(total["cpu"] for total in totals.values()) + tester_cpu
    trips = [trip for record in records for trip in record.round_trips]
    in_kernel = [seconds for record in records for seconds in record.in_kernel]
    learners = [total for who, total in totals.items() if who != "hub and proxy"]
    complete = [record for record in records if not record.failure and not record.cell_errors
                and record.check_passed and all(record.pictures_changed) and record.round_trips]
    return {
        "learners": len(records), "logged_in": sum(record.logged_in for record in records),
        "complete": len(complete), "wall_seconds": seconds,
        "server_ready": {"p50": percentile(servers, 0.5), "p90": percentile(servers, 0.9)},
        "first_kernel": {"p50": percentile(kernels, 0.5), "p90": percentile(kernels, 0.9),
                         "max": max(kernels, default=None)},
        "class_ready": max(kernels) if len(kernels) == len(records) and records else None,
        "round_trip": {"p50": percentile(trips, 0.5), "p90": percentile(trips, 0.9),
                       "max": max(trips, default=None), "moves": len(trips),
                       "in_kernel": {"p50": percentile(in_kernel, 0.5), "p90": percentile(in_kernel, 0.9)}},
        "per_learner": {key: {"mean": statistics.fmean(total[key] for total in learners) if learners else None,
                              "max": max((total[key] for total in learners), default=None)}
                        for key in ("pss", "uss", "cpu", "processes")},
        "hub_and_proxy": totals.get("hub and proxy", {}),
        "tester_cpu": tester_cpu, "load_before": load_before, "load_after": load_after,
        "machine": dict(machine, ours=ours, others=max(0.0, machine["busy"] - ours)),
        "problems": [f"{record.name}: {problem}" for record in records for problem in problems(record)],
        "left_behind": leftovers, "kept": str(kept) if kept else None,
        "records": [asdict(record) for record in records],
    }


def problems(record):
    """Everything that went wrong for one learner, as sentences."""
    found = [record.failure] if record.failure else []
    found += record.cell_errors
    if not record.failure and not record.check_passed:
        found.append(f"check did not pass: {record.check_output[:200]}")
    if record.round_trips and not all(record.pictures_changed):
        found.append("a slider move gave the same picture as before")
    return found


# --- The report -------------------------------------------------------------------------------------

def _seconds(value):
    return "-" if value is None else f"{value:.1f} s"


def _milliseconds(value):
    return "-" if value is None else f"{1000 * value:.0f} ms"


def _mebibytes(value):
    return "-" if value is None else f"{value / 2 ** 20:.0f} MiB"


def table(results):
    """The figures of each class size side by side, one row per measure, as plain text."""
    rows = [("learners, all starting together", [str(r["learners"]) for r in results]),
            ("logins that worked", [f"{r['logged_in']}/{r['learners']}" for r in results]),
            ("learners who did everything", [f"{r['complete']}/{r['learners']}" for r in results]),
            ("server ready, p50", [_seconds(r["server_ready"]["p50"]) for r in results]),
            ("server ready, p90", [_seconds(r["server_ready"]["p90"]) for r in results]),
            ("first running kernel, p50", [_seconds(r["first_kernel"]["p50"]) for r in results]),
            ("first running kernel, p90", [_seconds(r["first_kernel"]["p90"]) for r in results]),
            ("whole class has a kernel", [_seconds(r["class_ready"]) for r in results]),
            ("whole class done (cells, slider, check)", [_seconds(r["wall_seconds"]) for r in results]),
            ("α slider round trip, p50", [_milliseconds(r["round_trip"]["p50"]) for r in results]),
            ("α slider round trip, p90", [_milliseconds(r["round_trip"]["p90"]) for r in results]),
            ("α slider round trip, max", [_milliseconds(r["round_trip"]["max"]) for r in results]),
            ("  of which in the kernel, p50", [_milliseconds(r["round_trip"]["in_kernel"]["p50"]) for r in results]),
            ("  of which in the kernel, p90", [_milliseconds(r["round_trip"]["in_kernel"]["p90"]) for r in results]),
            ("memory per learner, PSS mean", [_mebibytes(r["per_learner"]["pss"]["mean"]) for r in results]),
            ("memory per learner, PSS max", [_mebibytes(r["per_learner"]["pss"]["max"]) for r in results]),
            ("memory per learner, USS mean", [_mebibytes(r["per_learner"]["uss"]["mean"]) for r in results]),
            ("processes per learner, max", [str(r["per_learner"]["processes"]["max"]) for r in results]),
            ("CPU per learner, mean", [_seconds(r["per_learner"]["cpu"]["mean"]) for r in results]),
            ("CPU per learner, max", [_seconds(r["per_learner"]["cpu"]["max"]) for r in results]),
            ("hub + proxy memory, PSS", [_mebibytes(r["hub_and_proxy"].get("pss")) for r in results]),
            ("hub + proxy CPU", [_seconds(r["hub_and_proxy"].get("cpu")) for r in results]),
            ("the load test's own CPU", [_seconds(r["tester_cpu"]) for r in results]),
            ("load average before (1 min)", [f"{r['load_before'][0]:.2f}" for r in results]),
            ("machine's CPU busy, all cores",
             [f"{r['machine']['busy']:.0f} of {r['machine']['cores'] * r['machine']['seconds']:.0f} s"
              for r in results]),
            ("  of which this test (hub, servers, itself)", [_seconds(r["machine"]["ours"]) for r in results]),
            ("  of which other work on the machine", [_seconds(r["machine"]["others"]) for r in results]),
            ("failures or lost messages", [str(len(r["problems"])) for r in results]),
            ("processes left after the hub stopped", [str(len(r["left_behind"])) for r in results])]
    width = max(len(name) for name, _ in rows) + 2
    lines = [name.ljust(width) + "".join(cell.rjust(18) for cell in cells) for name, cells in rows]
    for result in results:
        for problem in result["problems"] + [f"left behind: {entry}" for entry in result["left_behind"]]:
            lines.append(f"  [{result['learners']} learners] {problem}")
        if result["kept"]:
            lines.append(f"  [{result['learners']} learners] the hub's folder and log are kept in {result['kept']}")
    return "\n".join(lines)


def main(arguments=None):
    parser = argparse.ArgumentParser(prog="python3 course.py loadtest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, nargs="+", default=[10], metavar="N",
                        help=f"how many learners log in at once; several numbers: one class each (at most "
                             f"{MOST_LEARNERS})")
    parser.add_argument("--deadline", type=float, default=DEADLINE, help="seconds each class may take (600)")
    parser.add_argument("--json", type=Path, help="also write the raw figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep each hub's temporary folder and log")
    parser.add_argument("--isolated", action="store_true",
                        help="as root: an account per learner, as a class hub runs (accounts removed after)")
    options = parser.parse_args(arguments)
    if options.isolated and not hub.is_root():
        parser.error("--isolated makes an account per learner: run it as root (sudo)")
    if not all(1 <= count <= MOST_LEARNERS for count in options.learners):
        parser.error(f"--learners takes numbers from 1 to {MOST_LEARNERS}")
    results = []
    try:
        for count in options.learners:
            print(f"{count} learners logging in at once...", flush=True)
            results.append(run_class(count, options.deadline, options.keep, options.isolated))
            print(table(results[-1:]), flush=True)
    except KeyboardInterrupt:  # run_class has stopped its hub and every learner's server already
        print("\nStopped: the hub and every learner's server have been stopped.")
        return 130
    except Failed as error:  # the hub did not start
        print(error)
        return 1
    print("\n" + table(results))
    if options.json:
        options.json.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
        print(f"\nThe raw figures are in {options.json}.")
    return 0 if all(not result["problems"] and not result["left_behind"] for result in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
