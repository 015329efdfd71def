"""JupyterHub's settings for the class hub; `python3 course.py hub` starts JupyterHub with this file and
passes the choices in COURSE_HUB_* environment variables (see classroom/hub.py).

To change how learners log in, put your own settings in .hub/jupyterhub_config_local.py (read last, so
they win over these), e.g.
    c.JupyterHub.authenticator_class = "nativeauthenticator.NativeAuthenticator"   # learners sign up
or an OAuthenticator (GitHub, Google, your university's login); docs/teaching.md says how."""
import asyncio
import os
import shutil
import sys
from pathlib import Path

from jupyterhub.spawner import SimpleLocalProcessSpawner

from classroom import hub
from launcher import copies
from launcher.environment import HERE

STATE = Path(os.environ["COURSE_HUB_STATE"])
HOMES = Path(os.environ["COURSE_HUB_HOMES"])
c = get_config()  # noqa: F821 (JupyterHub defines it when it reads this file)
os.umask(0o077)  # everything the hub and the learners' servers write is for this account only

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

# Who may log in: anyone who knows the class password, under a name made of safe characters (it becomes
# their folder's name); or only the names in a roster file. The teacher logs in with their own password.
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ["COURSE_HUB_PASSWORD"]
c.SharedPasswordAuthenticator.admin_password = os.environ["COURSE_HUB_TEACHER_PASSWORD"]
c.Authenticator.admin_users = {hub.TEACHER}
c.Authenticator.username_pattern = f"^{hub.NAME.pattern}$"
c.JupyterHub.template_vars = {"announcement_login": f"Your name: {hub.NAME_RULE} characters."}
roster = os.environ.get("COURSE_HUB_ROSTER")
if roster:
    c.Authenticator.allowed_users = set(hub.read_roster(roster))
    c.Authenticator.allow_existing_users = False  # names from an earlier class or a trial run are out too
else:
    c.Authenticator.allow_all = True


def give_the_course(spawner):
    """Before a learner's server starts: their own copies of the notebooks (never overwritten), the data,
    and the course's package beside them, so that each notebook's first cell finds ../course_utils. The
    copying runs in a thread: done in the hub's event loop, a class logging in at once held the hub still
    for seconds (20 learners: 11 s, seen by classroom/loadtest.py)."""
    return asyncio.to_thread(_give_the_course, Path(spawner.home_dir))


def _give_the_course(home):
    copies.give_copies(copies.COURSE, home / "my-work")
    if not (home / "data").exists():
        shutil.copytree(HERE / "data", home / "data")
    if not (home / "course_utils").exists():
        (home / "course_utils").symlink_to(HERE / "course_utils", target_is_directory=True)


# Each learner's server: a process of this user running the course's .venv, in the learner's own home.
# (Every server runs as the same system user: see docs/teaching.md for what that means and the options.)
c.JupyterHub.spawner_class = SimpleLocalProcessSpawner
c.SimpleLocalProcessSpawner.home_dir_template = str(HOMES / "{username}")
c.Spawner.pre_spawn_hook = give_the_course
BIN = Path(sys.executable).parent  # the hub's own Python: the course's .venv, as `course.py hub` starts it
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab/tree/my-work/00_start_here.ipynb"
c.Spawner.environment = {"PATH": os.pathsep.join([str(BIN), os.environ.get("PATH", "")]),
                         "MPLCONFIGDIR": str(STATE / "matplotlib"),  # one font cache for the class
                         # each quiz choice, for the gradebook (course_utils/marking/questions.py writes it)
                         "COURSE_QUIZ_ANSWERS": lambda spawner: str(Path(spawner.home_dir) / "quiz-answers.jsonl")}
c.Spawner.args = ["--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                  "--LabApp.extension_manager=readonly",
                  "--MappingKernelManager.cull_idle_timeout=7200",  # a kernel left idle for 2 hours stops
                  *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])]
c.Spawner.start_timeout = 180  # a whole class logging in at once shares the machine's cores
c.Spawner.http_timeout = 180

# A teacher's own changes (another way to log in, say) go in <state>/jupyterhub_config_local.py, which is
# not part of the course, so that `git pull` never clashes with them.
if (STATE / "jupyterhub_config_local.py").exists():
    load_subconfig(str(STATE / "jupyterhub_config_local.py"))  # noqa: F821 (defined by JupyterHub, as c is)
