"""The class hub's parts for a class that need not trust each other, used by jupyterhub_config.py: an
account of their own for each learner (as The Littlest JupyterHub makes them), limits on what one learner's
processes may take, logins slowed after wrong passwords, and a roster read again at each login.

JupyterHub's own classes do the work (LocalProcessSpawner, FirstUseAuthenticator, SharedPasswordAuthenticator);
these subclasses only add what the course needs."""
import asyncio
import atexit
import contextlib
import dbm
import functools
import hashlib
import math
import os
import pwd
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bcrypt
from firstuseauthenticator import FirstUseAuthenticator
from jupyterhub.auth import Authenticator
from jupyterhub.authenticators.shared import SharedPasswordAuthenticator
from jupyterhub.spawner import LocalProcessSpawner, SimpleLocalProcessSpawner
from jupyterhub.utils import random_port
from tornado import web
from traitlets import Bool, Float, Integer, Unicode

from classroom import accounts, hub, preloaded, server_output

PREFIX = hub.ACCOUNT_PREFIX  # as The Littlest JupyterHub names its learners' accounts
MARK = "class hub learner"  # the accounts' comment (GECOS): an account without it is never a learner's
GiB = 2**30


def account_name(name):
    """The system account of the learner `name`: 'jupyter-ada'. A long name is cut and given a hash of the
    whole (as TLJH does), since system account names have at most 32 characters."""
    if len(PREFIX + name) <= 32:
        return PREFIX + name
    # 64 bits of hash: no learner can search out a name that lands on another's account (24 bits could be).
    return f"{PREFIX}{name[:7]}-{hashlib.sha256(name.encode()).hexdigest()[:16]}"


def ensure_account(account, home):
    """The learner's system account, made at their first login (a locked password: they log in through the
    hub only), and their home: theirs, mode 0700. A home left by an earlier hub (shared mode, or an account
    deleted since) is handed to the account, without following any link in it. An account of that name
    the hub did not make (no MARK) is refused: a learner must never become an account of the machine's."""
    try:
        entry = pwd.getpwnam(account)
    except KeyError:
        subprocess.run(["useradd", "--system", "--user-group", "--no-create-home", "--home-dir", str(home),
                        "--shell", "/bin/bash", "--comment", MARK, account], check=True, capture_output=True)
        entry = pwd.getpwnam(account)
    if entry.pw_gecos != MARK or entry.pw_uid == 0:
        raise PermissionError(f"The account {account} exists but was not made by the class hub: this name "
                              "cannot be a learner's here.")
    if entry.pw_dir != str(home):  # the hub made it for another learner's home: never share an account
        raise PermissionError(f"The account {account} belongs to another learner's home ({entry.pw_dir}).")
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.lstat(home).st_uid != entry.pw_uid:
        _hand_over(home, entry.pw_uid, entry.pw_gid)
    os.chmod(home, 0o700)
    return entry


def _hand_over(home, uid, gid):
    """Every file under `home` given to uid:gid, links changed themselves and never followed; walked by
    folder descriptors, so a folder swapped for a link meanwhile cannot lead root's changes elsewhere."""
    os.chown(home, uid, gid, follow_symlinks=False)
    try:
        for _, names, files, folder in os.fwalk(home):  # fwalk enters no link to a folder, even one swapped in
            for name in names + files:
                status = os.stat(name, dir_fd=folder, follow_symlinks=False)
                if status.st_nlink > 1 and not stat.S_ISDIR(status.st_mode):  # a hard link may be anyone's: left
                    continue
                os.chown(name, uid, gid, dir_fd=folder, follow_symlinks=False)
    except RecursionError:
        raise OSError(f"{home} holds folders nested too deep to walk: move them out, then log in again") from None


def give_the_course_as(home):
    """The course's copies and data put into the learner's home by a process of the learner's account: root
    never writes there, so a link the learner made cannot lead root's writes elsewhere."""
    hub.as_learner(home, "import sys; from classroom import hub; hub.give_the_course(sys.argv[1])", home)


def end_account(account):
    """Every process of a learner's account stopped, and what it left where anyone may write removed."""
    with contextlib.suppress(KeyError):  # no such account: nothing of it runs
        uid = pwd.getpwnam(account).pw_uid
        accounts.stop_account(uid)
        accounts.remove_leftovers(uid)


class FromPreloaded(LocalProcessSpawner):
    """Starts each learner's server as a fork of one process that has already imported a server's code
    (classroom.preloaded), not as a new Python: 1.3 to 1.7 CPU-seconds less a learner. A subclass says whose
    server it is in `who()`, which Popen's way (the fallback) uses too."""

    preloaded = Bool(True, config=True, help="Fork servers from a preloaded process (else a new Python each).")
    forked_kernels = Bool(True, config=True, help="A forked server forks its python3 kernels too (kernel_forks.py).")
    _starter = None  # the hub's one preloaded process, shared by every learner's spawner

    def who(self):
        raise NotImplementedError

    def make_preexec_fn(self, name):
        return functools.partial(preloaded.become, **self.who())

    def get_env(self):
        who = self.who()
        environment = super().get_env()
        environment["JUPYTER_RUNTIME_DIR"] = runtime_folder(self.runtime_key(), who.get("uid"), who.get("gid"))
        return environment

    def runtime_key(self):
        return hashlib.sha256(self.user.name.encode()).hexdigest()[:16]  # short, and one learner's for good

    async def start(self):
        if self.port in (0, getattr(self, "_fresh_port", None)):  # a spawner tried again chooses again too
            self.port = self._fresh_port = fresh_port()
        output = server_output.relay(self.user.name)
        try:
            if self.preloaded and self.cmd == SERVER and not self.shell_cmd:
                if FromPreloaded._starter is None:
                    FromPreloaded._starter = preloaded.Starter(self.log)
                forked = await asyncio.to_thread(FromPreloaded._starter.start, self.get_args(), self.get_env(),
                                                 self.who(), output, self.forked_kernels)
                if forked is not None:
                    self._forked, self.pid = forked, forked.pid
                    self.log.info("Started %s's server as a fork of the preloaded process (pid %s)", self.user.name,
                                  forked.pid)
                    return (self.ip or "127.0.0.1", self.port)
            # A new Python, as JupyterHub's spawner starts it, with the same output as a fork's.
            self.popen_kwargs = {**self.popen_kwargs, "stdin": subprocess.DEVNULL, "stdout": output, "stderr": output}
            return await super().start()
        finally:
            os.close(output)  # the server holds it now

    async def poll(self):
        forked = getattr(self, "_forked", None)
        if forked is None:  # a new Python, or a server from before the hub restarted: JupyterHub's way
            return await super().poll()
        if forked.running():
            return None
        self.clear_state()
        return 0

    async def _signal(self, sig):
        forked = getattr(self, "_forked", None)
        return await super()._signal(sig) if forked is None else forked.send_signal(sig)

    def clear_state(self):
        super().clear_state()
        forked = getattr(self, "_forked", None)
        if forked is not None:
            forked.close()
            self._forked = None


PORT_HELD = 600  # seconds a port given to a server is not given again: it has bound it, or failed, by then
_ports_given = {}  # port: when this hub gave it to a server (time.monotonic())


def fresh_port():
    """A free port that no other server of this hub was given lately. JupyterHub's random_port asks the system
    for a free one, which it stays until the server binds it: two servers starting at once were once both
    given port 41895, and one learner's browser was sent to the other's server."""
    now = time.monotonic()
    for port, given in list(_ports_given.items()):
        if now - given > PORT_HELD:
            del _ports_given[port]
    for _ in range(100):
        port = random_port()
        if port not in _ports_given:
            _ports_given[port] = now
            return port
    # Every free port the system offers was given lately (the machine's are almost all taken): this server fails
    # to start, with a reason, rather than the hub waiting here for ever.
    raise OSError("no free port for the server: the machine's ports are almost all taken")


_RUNTIMES = None  # this hub's folder of learners' runtime folders


def runtime_folder(key, uid=None, gid=None):
    """A learner's Jupyter runtime folder (their server's files, their kernels' connection files and Unix
    sockets), theirs alone, in a folder of this hub's in the system's temporary folder: its path is short
    enough for a socket's (classroom/singleuser.py), which one under their home may not be. Only the hub
    makes entries in that folder, so none is another's or a link."""
    global _RUNTIMES
    if _RUNTIMES is None:
        _RUNTIMES = tempfile.mkdtemp(prefix="course-hub-")
        os.chmod(_RUNTIMES, 0o711)  # a learner may pass through to their own folder, and list nothing
        atexit.register(accounts.remove_folder, _RUNTIMES)  # however deep a learner made theirs
    folder = os.path.join(_RUNTIMES, key)
    with contextlib.suppress(FileExistsError):
        os.mkdir(folder, 0o700)
    if uid is not None:
        os.chown(folder, uid, gid, follow_symlinks=False)
    return folder


# The command a fork of classroom.preloaded stands for. -P: the learner's home, where it starts, is not
# searched for modules (a folder of theirs named like a package of the course would stop their server).
SERVER = [sys.executable, "-P", "-m", "classroom.singleuser"]


class LearnerSpawner(FromPreloaded):
    """Each learner's server runs as their own system account (jupyter-<name>), made at their first login,
    in their home <homes>/<name>, with the course given to them as that account."""

    homes = Unicode(config=True, help="The folder of the learners' homes (each <homes>/<name>, mode 0700).")
    memory_limit = Integer(4 * GiB, config=True, help="Bytes of address space per process of a learner (0: none).")
    process_limit = Integer(512, config=True, help="Processes and threads per learner's account (0: none).")

    @property
    def account(self):
        return account_name(self.user.name)

    @property
    def home_dir(self):  # as SimpleLocalProcessSpawner names it
        return str(Path(self.homes) / self.user.name)

    @property
    def home(self):
        return Path(self.home_dir)

    async def start(self):
        # useradd and the copying take a fraction of a second each: in a thread, the hub serves others meanwhile
        await asyncio.to_thread(ensure_account, self.account, self.home)
        await asyncio.to_thread(give_the_course_as, self.home)
        return await super().start()

    async def stop(self, now=False):
        await super().stop(now=now)
        # What the learner started in a session of its own (setsid, nohup) outlives the server: every process
        # of their account stops with it, and what they left in /tmp and /dev/shm (memory no limit counts) goes.
        try:
            await asyncio.to_thread(end_account, self.account)
            if _RUNTIMES is not None:  # their kernels' sockets and connection files, kept by no one now
                await asyncio.to_thread(accounts.remove_folder, os.path.join(_RUNTIMES, self.runtime_key()))
        except OSError as problem:  # the server is stopped all the same; the teacher is told what is left
            self.log.warning("%s", problem)

    def who(self):
        # The learner's account, not the hub's name for them; this hub's home, whatever an older entry says.
        entry = pwd.getpwnam(self.account)
        return {"home": self.home_dir, "memory": self.memory_limit, "processes": self.process_limit,
                "uid": entry.pw_uid, "gid": entry.pw_gid, "groups": os.getgrouplist(self.account, entry.pw_gid)}

    def user_env(self, env):
        env.update(USER=self.account, HOME=self.home_dir, SHELL=pwd.getpwnam(self.account).pw_shell)
        return env


class SharedSpawner(FromPreloaded, SimpleLocalProcessSpawner):
    """Shared mode: every learner's server a process of the hub's account in their own home, with the same
    memory limit per process (the account's process count is the whole class's, so it is not limited)."""

    memory_limit = Integer(4 * GiB, config=True, help="Bytes of address space per process of a learner (0: none).")

    def who(self):
        return {"home": self.home_dir, "memory": self.memory_limit, "processes": 0}


class SlowsWrongPasswords(Authenticator):
    """After `wrong_tries` wrong passwords for one name, that name must wait `wrong_wait` seconds before its
    next try is even checked, and the wait doubles with each further wrong one (at most 15 minutes). A right
    password clears the count. Counted per name, so guessing one learner's password is slow from any address."""

    wrong_tries = Integer(5, config=True, help="Wrong passwords for one name before the waits start.")
    wrong_wait = Float(30.0, config=True, help="Seconds of the first wait; each further wrong try doubles it.")

    def _wrong_passwords(self):
        if not hasattr(self, "_wrong"):
            self._wrong = {}  # name: (wrong passwords in a row, monotonic time before which none is checked)
        return self._wrong

    async def authenticate(self, handler, data):
        name, now = self.normalize_username(str(data.get("username", ""))), time.monotonic()
        wrong, until = self._wrong_passwords().get(name, (0, 0.0))
        if now < until:
            raise web.HTTPError(429, f"Too many wrong passwords for {name}: try again in {math.ceil(until - now)} s.")
        authenticated = await super().authenticate(handler, data)
        if authenticated:
            self._wrong_passwords().pop(name, None)
        else:
            wrong += 1
            wait = self.wrong_wait * 2 ** (wrong - self.wrong_tries) if wrong >= self.wrong_tries else 0.0
            self._wrong_passwords()[name] = (wrong, now + min(wait, 900.0))
        return authenticated


class ReadsTheRoster(Authenticator):
    """With a roster, only its names may log in, read again whenever the file changes: a late learner is a
    line added to it, with no restart. A name taken off it is logged out, and their server stopped, at its next
request to the hub (the server asks the hub about its visitor every few minutes). A name the
    teacher adds on the admin page ("Add Users") may log in too."""

    roster = Unicode("", config=True, help="A file of learners' names, one a line ('' for anyone).")

    def __init__(self, **settings):
        super().__init__(**settings)
        self._roster_at_start = set(self.allowed_users)  # the config's roster: later ones are the admin page's

    def roster_names(self):
        try:
            stamp = os.stat(self.roster).st_mtime_ns
        except OSError as error:  # moved or being saved: the names last read still hold
            self.log.warning("The roster %s cannot be read (%s): its names as last read hold", self.roster, error)
            return getattr(self, "_roster_read", (None, set()))[1]
        if getattr(self, "_roster_read", (None,))[0] != stamp:
            names, wrong = hub.roster_names(self.roster)
            for line in wrong:
                self.log.warning("The roster %s: %s cannot be a learner's name", self.roster, line)
            self._roster_read = (stamp, set(names))
        return self._roster_read[1]

    def check_allowed(self, username, authentication=None):
        if not self.roster:
            return super().check_allowed(username, authentication)
        added = username in self.allowed_users and username not in self._roster_at_start
        return username in self.roster_names() or username in self.admin_users or added

    async def refresh_user(self, user, handler=None, **kwargs):
        # A login cookie from an earlier class (or a name since taken off the roster) no longer lets in, and
        # the server of a name taken off stops (their work stays in their home).
        allowed = self.check_allowed(user.name)
        if not allowed and getattr(user, "running", False):
            self.log.warning("%s is no longer on the roster %s: their server is stopped", user.name, self.roster)
            await user.stop()
        return allowed


class OwnPasswords(SlowsWrongPasswords, ReadsTheRoster, FirstUseAuthenticator):
    """Each learner chooses their password at their first login (FirstUseAuthenticator, as TLJH offers)."""

    async def authenticate(self, handler, data):
        name = self.normalize_username(str(data.get("username", "")))
        if not self.validate_username(name) or not self.check_allowed(name, None):
            return None  # before FirstUse stores a password: no one claims a name the roster does not list yet
        return await super().authenticate(handler, data)


class ClassPassword(SlowsWrongPasswords, ReadsTheRoster, SharedPasswordAuthenticator):
    """Every learner logs in with the class password; the teacher with theirs (JupyterHub's shared-password)."""


def reserve(passwords, name, password):
    """The name's password set in FirstUseAuthenticator's file before any login, so that no learner can take
    the name (the teacher's) by logging in with it first."""
    with dbm.open(passwords, "c", 0o600) as stored:
        known = stored.get(name.encode())
        if known is None or not bcrypt.checkpw(password.encode(), known):
            stored[name] = bcrypt.hashpw(password.encode(), bcrypt.gensalt())
