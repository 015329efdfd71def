"""JupyterHub's settings for the class hub; `python3 course.py hub` starts JupyterHub with this file and
passes the choices in COURSE_HUB_* environment variables (see classroom/hub.py).

To change how learners log in, put your own settings in .hub/jupyterhub_config_local.py (read last, so
they win over these), e.g.
    c.JupyterHub.authenticator_class = "nativeauthenticator.NativeAuthenticator"   # learners sign up
or an OAuthenticator (GitHub, Google, your university's login); docs/teaching.md says how."""
import asyncio
import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

from classroom import cell_priority, hub, hub_accounts

STATE = Path(os.environ["COURSE_HUB_STATE"])
HOMES = Path(os.environ["COURSE_HUB_HOMES"])
ISOLATED = bool(os.environ.get("COURSE_HUB_ISOLATED"))  # started as root: an account per learner
OWN_PASSWORDS = os.environ.get("COURSE_HUB_LOGIN", "class") == "own"
c = get_config()  # noqa: F821 (JupyterHub defines it when it reads this file)
os.umask(0o077)  # everything the hub and the learners' servers write is for its owner only

# Where the hub listens: 127.0.0.1 unless the teacher asked for --network; its own parts on loopback.
c.JupyterHub.ip = os.environ["COURSE_HUB_IP"]
c.JupyterHub.port = int(os.environ["COURSE_HUB_PORT"])
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["COURSE_HUB_INTERNAL_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['COURSE_HUB_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = [os.environ["COURSE_HUB_PROXY"]]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "cookie-secret")

# Who may log in: a name made of safe characters (it becomes their folder's name), or only the names in a
# roster file (read again at each login). Each learner chooses their password at first login (as root), or
# all know the class password. The teacher is the admin, with their own password in either case.
if OWN_PASSWORDS:
    c.JupyterHub.authenticator_class = hub_accounts.OwnPasswords
    c.FirstUseAuthenticator.dbm_path = str(STATE / "passwords.dbm")
    c.FirstUseAuthenticator.min_password_length = 8
    hub_accounts.reserve(str(STATE / "passwords.dbm"), hub.TEACHER, os.environ["COURSE_HUB_TEACHER_PASSWORD"])
else:
    c.JupyterHub.authenticator_class = hub_accounts.ClassPassword
    c.SharedPasswordAuthenticator.user_password = os.environ["COURSE_HUB_PASSWORD"]
    c.SharedPasswordAuthenticator.admin_password = os.environ["COURSE_HUB_TEACHER_PASSWORD"]
c.Authenticator.admin_users = {hub.TEACHER}
c.Authenticator.username_pattern = f"^{hub.NAME.pattern}$"
c.JupyterHub.template_vars = {"announcement_login": f"Your name: {hub.NAME_RULE} characters."}
roster = os.environ.get("COURSE_HUB_ROSTER")
if roster:
    c.Authenticator.allowed_users = set(hub.read_roster(roster))  # listed on the admin page from the start
    c.ReadsTheRoster.roster = roster
    c.Authenticator.allow_all = False
    c.Authenticator.allow_existing_users = False  # names from an earlier class or a trial run are out too
    c.Authenticator.auth_refresh_age = 60  # and a login cookie of theirs stops working within a minute
else:
    c.Authenticator.allow_all = True


def give_the_course(spawner):
    """Shared mode, before a learner's server starts: their copies (hub.give_the_course). In a thread: done in
    the hub's event loop, a class logging in at once held the hub still for seconds (20 learners: 11 s)."""
    return asyncio.to_thread(hub.give_the_course, Path(spawner.home_dir))


BIN = Path(sys.executable).parent  # the hub's own Python: the course's .venv, as `course.py hub` starts it
if ISOLATED:
    # Each learner's server: a process of their own account (jupyter-<name>), in their home of mode 0700,
    # with limits on its memory (a MemoryError in the cell past it) and on the processes of the account.
    c.JupyterHub.spawner_class = hub_accounts.LearnerSpawner
    c.LearnerSpawner.homes = str(HOMES)
    shared_settings = {}
else:
    # Each learner's server: a process of this account, in the learner's own home (docs/teaching.md: what
    # that does not protect).
    c.JupyterHub.spawner_class = hub_accounts.SharedSpawner
    c.SimpleLocalProcessSpawner.home_dir_template = str(HOMES / "{username}")
    c.Spawner.pre_spawn_hook = give_the_course
    shared_settings = {"MPLCONFIGDIR": str(STATE / "matplotlib")}  # one font cache for the class
if os.environ.get("COURSE_HUB_MEMORY_LIMIT"):  # bytes of address space per process (4 GiB unless set)
    c.LearnerSpawner.memory_limit = c.SharedSpawner.memory_limit = int(os.environ["COURSE_HUB_MEMORY_LIMIT"])
c.Spawner.cmd = hub_accounts.SERVER  # jupyterhub-singleuser, without what learners never use
# ... each forked from one process that has imported it already (classroom/preloaded.py); COURSE_HUB_PRELOADED=0
# starts each as a new Python instead (to compare the two, or should a fork ever misbehave).
c.FromPreloaded.preloaded = os.environ.get("COURSE_HUB_PRELOADED", "1") != "0"
# ... and each such server forks its learner's kernels from a process that has imported what a kernel imports
# (classroom/kernel_forks.py); COURSE_HUB_FORKED_KERNELS=0 starts each kernel as a new Python instead.
c.FromPreloaded.forked_kernels = os.environ.get("COURSE_HUB_FORKED_KERNELS", "1") != "0"
c.Spawner.default_url = "/lab/tree/my-work/00_start_here.ipynb"
c.Spawner.environment = {"PATH": os.pathsep.join([str(BIN), os.environ.get("PATH", "")]), **shared_settings,
                         # each quiz choice, for the gradebook (course_utils/marking/questions.py writes it)
                         "COURSE_QUIZ_ANSWERS": lambda spawner: str(Path(spawner.home_dir) / "quiz-answers.jsonl")}
c.Spawner.args = ["--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                  "--LabApp.extension_manager=readonly",
                  "--MappingKernelManager.cull_idle_timeout=7200",  # a kernel left idle for 2 hours stops
                  *(["--allow-root"] if hub.is_root() and not ISOLATED else [])]

# The idle culler, as The Littlest JupyterHub runs it: a server nobody has used for IDLE_TIMEOUT seconds
# (an hour, unless COURSE_HUB_IDLE_TIMEOUT says) is stopped; the learner's work stays, a login starts it again.
IDLE_TIMEOUT = int(os.environ.get("COURSE_HUB_IDLE_TIMEOUT") or hub.IDLE_TIMEOUT)
CULLER = [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={IDLE_TIMEOUT}",
          f"--cull-every={min(300, IDLE_TIMEOUT)}"]  # looked at every 5 minutes (or sooner, for a short timeout)
c.JupyterHub.services = [{"name": "idle-culler", "command": CULLER}]
if ISOLATED and cell_priority.available() and os.environ.get("COURSE_HUB_CELL_PRIORITY", "1") != "0":
    # Kernels running a cell yield the CPU to those answering a slider (classroom/cell_priority.py), through
    # a socket every learner's account may reach, in a folder of a name nobody could make before the hub.
    # COURSE_HUB_CELL_PRIORITY=0 leaves every kernel equal.
    PRIORITY = Path(tempfile.mkdtemp(prefix="course-hub-cells-")) / "socket"
    os.chmod(PRIORITY.parent, 0o755)
    atexit.register(shutil.rmtree, PRIORITY.parent, True)
    c.JupyterHub.services.append({"name": "cell-priority",
                                  "command": [sys.executable, "-P", "-m", "classroom.cell_priority", str(PRIORITY),
                                              str(os.getpid())]})
    c.Spawner.environment[cell_priority.ENVIRONMENT] = str(PRIORITY)
c.JupyterHub.load_roles = [{"name": "idle-culler", "services": ["idle-culler"],
                            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]}]
c.Spawner.start_timeout = 180  # a whole class logging in at once shares the machine's cores
c.Spawner.http_timeout = 180

# A teacher's own changes (another way to log in, say) go in <state>/jupyterhub_config_local.py, which is
# not part of the course, so that `git pull` never clashes with them.
if (STATE / "jupyterhub_config_local.py").exists():
    load_subconfig(str(STATE / "jupyterhub_config_local.py"))  # noqa: F821 (defined by JupyterHub, as c is)
