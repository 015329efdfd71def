"""deploy/: the Zero to JupyterHub values use only keys the chart knows, agree with the capacity table in
deploy/README.md, and the nbgitpuller and Binder links there are well-formed and match the values."""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
CONFIG = DEPLOY / "z2jh" / "config.yaml"
README = DEPLOY / "README.md"

NUMBER = (int, float)
# Every key path config.yaml may use, each checked by hand against values.schema.yaml of the Zero to
# JupyterHub chart at tag 4.4.0 (read on 2026-11-29), with the types that schema allows for it. (The schema
# itself is not copied here.) Paths marked "passthrough" are objects the schema leaves open: extraEnv (env
# name -> value), lifecycleHooks.postStart (a Kubernetes LifecycleHandler), and hub.config.<Class>.<trait>
# (traitlets: authenticator_class and Authenticator.allow_all checked in JupyterHub 5.5.0's source, the
# chart's hub; "shared-password" is its entry point for SharedPasswordAuthenticator).
KNOWN_PATHS = {
    "singleuser.image.name": str,
    "singleuser.image.tag": str,
    "singleuser.memory.guarantee": (str, *NUMBER),
    "singleuser.memory.limit": (str, *NUMBER),
    "singleuser.cpu.guarantee": NUMBER,
    "singleuser.cpu.limit": NUMBER,
    "singleuser.storage.capacity": str,
    "singleuser.defaultUrl": str,
    "singleuser.extraEnv": dict,  # passthrough
    "singleuser.lifecycleHooks.postStart": dict,  # passthrough
    "cull.enabled": bool,
    "cull.timeout": int,
    "cull.every": int,
    "hub.config.JupyterHub.authenticator_class": str,  # passthrough
    "hub.config.Authenticator.allow_all": bool,  # passthrough
    "hub.config.Authenticator.admin_users": list,  # passthrough
}
PASSTHROUGH = {"singleuser.extraEnv", "singleuser.lifecycleHooks.postStart"}
GIB = {"K": 1 / 1024**2, "M": 1 / 1024, "G": 1, "T": 1024}  # KubeSpawner's suffixes are powers of 1024


def config():
    return yaml.safe_load(CONFIG.read_text(encoding="utf-8"))


def leaves(tree, prefix=""):
    """Every key path of a nested mapping down to its values (passthrough objects count as values)."""
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and path not in PASSTHROUGH:
            yield from leaves(value, path + ".")
        else:
            yield path, value


def gib(size):
    """'1G', '512M' or a number of bytes -> GiB."""
    if isinstance(size, NUMBER):
        return size / 1024**3
    return float(size[:-1]) * GIB[size[-1]]


def readme():
    return README.read_text(encoding="utf-8")


def test_every_yaml_file_in_deploy_parses():
    files = sorted(DEPLOY.rglob("*.yaml")) + sorted(DEPLOY.rglob("*.yml"))
    assert CONFIG in files
    for path in files:
        assert isinstance(yaml.safe_load(path.read_text(encoding="utf-8")), dict), path


def test_config_uses_only_known_keys_with_the_types_the_chart_allows():
    used = dict(leaves(config()))
    assert set(used) <= set(KNOWN_PATHS), set(used) - set(KNOWN_PATHS)
    for path, value in used.items():
        assert isinstance(value, KNOWN_PATHS[path]), (path, value)
        assert not (isinstance(value, bool) and KNOWN_PATHS[path] in (int, NUMBER)), (path, value)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in used["singleuser.extraEnv"].items())
    command = used["singleuser.lifecycleHooks.postStart"]["exec"]["command"]
    assert set(used["singleuser.lifecycleHooks.postStart"]) == {"exec"}
    assert isinstance(command, list) and all(isinstance(part, str) for part in command)


def test_the_hub_settings_are_traits_jupyterhub_knows():
    """hub.config is passed to JupyterHub as traitlets config: each <Class>.<trait> must be a configurable
    trait of that class in the JupyterHub installed with the course (5.5, the chart's hub's major version)."""
    from jupyterhub.app import JupyterHub
    from jupyterhub.auth import Authenticator
    from jupyterhub.authenticators.shared import SharedPasswordAuthenticator
    classes = {cls.__name__: cls for cls in (JupyterHub, Authenticator, SharedPasswordAuthenticator)}
    for name, traits in config()["hub"]["config"].items():
        for trait in traits:
            assert trait in classes[name].class_traits(config=True), f"{name}.{trait}"
    assert "user_password" in SharedPasswordAuthenticator.class_traits(config=True)  # what --set passes
    assert "admin_password" in SharedPasswordAuthenticator.class_traits(config=True)


def test_idle_servers_are_culled_and_the_default_login_is_safe():
    values = config()
    assert values["cull"]["enabled"] is True and 0 < values["cull"]["every"] < values["cull"]["timeout"]
    hub = values["hub"]["config"]
    assert hub["JupyterHub"]["authenticator_class"] == "shared-password"
    assert "SharedPasswordAuthenticator" not in hub  # the password is passed with --set, never stored here


def test_the_kernels_use_the_copy_that_the_start_hook_pulls():
    single = config()["singleuser"]
    folder = single["extraEnv"]["PYTHONPATH"]
    assert folder.startswith("/home/jovyan/") and "$" not in folder
    hook = single["lifecycleHooks"]["postStart"]["exec"]["command"][-1]
    name = Path(folder).name
    assert f'gitpuller "$COURSE_REPO" "$COURSE_BRANCH" "$HOME/{name}"' in hook
    assert f'python3 "$HOME/{name}/course.py" update' in hook
    assert hook.rstrip().endswith("exit 0")  # a failing postStart hook would kill the learner's server
    assert single["defaultUrl"] == f"/lab/tree/{name}/my-work/00_start_here.ipynb"


def test_resources_agree_with_the_capacity_table_and_capacity_py_prints_it():
    single = config()["singleuser"]
    command = re.findall(r"^python3 deploy/capacity.py --memory-gib (\S+) --cpu (\S+)$", readme(), re.MULTILINE)
    assert len(command) == 1
    memory, cpu = (float(figure) for figure in command[0])
    assert gib(single["memory"]["guarantee"]) == memory
    assert single["cpu"]["guarantee"] == cpu
    assert gib(single["memory"]["limit"]) == 2 * memory
    assert single["cpu"]["limit"] >= cpu
    printed = subprocess.run([sys.executable, DEPLOY / "capacity.py", "--memory-gib", command[0][0],
                              "--cpu", command[0][1]], capture_output=True, text=True, check=True).stdout
    assert printed.strip() in readme()
    assert readme().count("| node (vCPU / GiB) |") == 1


def test_capacity_is_the_smaller_of_memory_and_cpu():
    sys.path.insert(0, str(DEPLOY))
    try:
        import capacity
    finally:
        sys.path.remove(str(DEPLOY))
    assert capacity.learners_per_node(4, 16, memory_gib=1, cpu=0.1) == (13, 35, 13)  # (16 - 2.6) / 1; 3.5 / 0.1
    assert capacity.learners_per_node(4, 16, memory_gib=0.25, cpu=0.5) == (53, 7, 7)


def test_the_nbgitpuller_link_is_well_formed_and_matches_the_values():
    links = re.findall(r"^https://\S+/hub/user-redirect/git-pull\?\S+$", readme(), re.MULTILINE)
    assert len(links) == 1
    link = urlsplit(links[0])
    assert link.scheme == "https" and link.path == "/hub/user-redirect/git-pull" and not link.fragment
    query = parse_qs(link.query, strict_parsing=True)
    assert all(len(values) == 1 for values in query.values())
    query = {key: values[0] for key, values in query.items()}
    assert set(query) == {"repo", "branch", "targetPath", "urlpath"}
    env = config()["singleuser"]["extraEnv"]
    assert query["repo"] == env["COURSE_REPO"] and query["branch"] == env["COURSE_BRANCH"]
    assert query["targetPath"] == Path(env["PYTHONPATH"]).name
    assert query["urlpath"] == config()["singleuser"]["defaultUrl"].lstrip("/")
    assert (ROOT / "notebooks" / Path(query["urlpath"]).name).is_file()


def test_the_binder_link_opens_the_first_notebook():
    links = re.findall(r"^https://mybinder\.org/\S+$", readme(), re.MULTILINE)
    assert len(links) == 1
    link = urlsplit(links[0])
    assert link.path == "/v2/gh/<owner>/<repo>/HEAD"
    urlpath = parse_qs(link.query, strict_parsing=True)["urlpath"]
    assert urlpath == ["lab/tree/notebooks/00_start_here.ipynb"] and (ROOT / urlpath[0][9:]).is_file()


def test_the_start_hook_gives_copies_then_keeps_the_learners_cells(tmp_path):
    upstream, home = tmp_path / "course", tmp_path / "home"
    (upstream / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / "course.py", upstream)
    shutil.copytree(ROOT / "launcher", upstream / "launcher", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "notebooks" / "00_start_here.ipynb", upstream / "notebooks")
    git = ["git", "-c", "user.email=t@example.org", "-c", "user.name=t", "-C", str(upstream)]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "course"], check=True)
    home.mkdir()
    assert (Path(sys.executable).parent / "gitpuller").exists(), "nbgitpuller is pinned in the hub extra"
    command = config()["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"]
    env = dict(os.environ, **config()["singleuser"]["extraEnv"], HOME=str(home))
    env.update(COURSE_REPO=upstream.as_uri(), PATH=os.pathsep.join([str(Path(sys.executable).parent),
                                                                     env["PATH"]]))
    subprocess.run(command, cwd=home, env=env, check=True)
    copy = home / "backprop-course" / "my-work" / "00_start_here.ipynb"
    mine = json.loads(copy.read_text(encoding="utf-8"))
    mine["cells"][-1]["source"] = "# my own answer\n"
    copy.write_text(json.dumps(mine), encoding="utf-8")
    course = json.loads((upstream / "notebooks" / "00_start_here.ipynb").read_text(encoding="utf-8"))
    course["cells"][0]["source"] = "# Corrected title\n"
    (upstream / "notebooks" / "00_start_here.ipynb").write_text(json.dumps(course, indent=1), encoding="utf-8")
    subprocess.run([*git, "commit", "-qam", "correction"], check=True)
    subprocess.run(command, cwd=home, env=env, check=True)
    updated = json.loads(copy.read_text(encoding="utf-8"))
    assert updated["cells"][0]["source"] == "# Corrected title\n"
    assert updated["cells"][-1]["source"] == "# my own answer\n"
    assert len(list((copy.parent / "old").glob("00_start_here *.ipynb"))) == 1
