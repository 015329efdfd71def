"""The class hub's parts that need no running hub: its secrets, its command line and `hub update`.
(A running hub is tested in test_hub.py and, with a browser, in test_browser_hub.py.)"""
import json
import os
import runpy
import signal
import socket
import stat
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from classroom import hub
from launcher import copies

ROOT = Path(__file__).resolve().parent.parent


def _notebook(*sources):
    cells = [{"cell_type": "code", "id": f"cell{i}", "metadata": {}, "source": source, "outputs": [],
              "execution_count": None} for i, source in enumerate(sources)]
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_the_passwords_are_made_once_readable_only_by_their_owner(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_HUB_PASSWORD", raising=False)
    learners, teacher = hub.passwords(tmp_path)
    assert hub.passwords(tmp_path) == (learners, teacher)  # the same at every start
    assert len(learners) == 14 and learners.count("-") == 2 and not set(learners) & set("l1o0")
    assert len(teacher) >= 32 and teacher != learners  # JupyterHub asks 32 characters of an admin's
    for name in ("class-password", "teacher-password"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o600
    assert len({hub.new_class_password() for _ in range(50)}) == 50


def test_a_teacher_may_choose_the_class_password(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_HUB_PASSWORD", "our-own-words")
    assert hub.passwords(tmp_path)[0] == "our-own-words"
    assert not (tmp_path / "class-password").exists()


def test_hub_update_brings_every_learner_up_to_the_course_and_keeps_their_cells(tmp_path, monkeypatch):
    shipped, homes = tmp_path / "notebooks", tmp_path / "homes"
    shipped.mkdir()
    (shipped / "01_error.ipynb").write_text(json.dumps(_notebook("intro", "def mse(p, a):\n    ...")))
    monkeypatch.setattr(copies, "COURSE", shipped)
    for name in ("ada", "bob"):
        copies.give_copies(shipped, homes / name / "my-work")
    ada = homes / "ada" / "my-work" / "01_error.ipynb"
    mine = json.loads(ada.read_text())
    mine["cells"][1]["source"] = "def mse(p, a):\n    return ((p - a) ** 2).mean()"
    ada.write_text(json.dumps(mine))
    assert hub.update_learners(homes) == ["ada: Your copies are up to date.", "bob: Your copies are up to date."]

    (shipped / "01_error.ipynb").write_text(json.dumps(_notebook("intro, corrected", "def mse(p, a):\n    ...")))
    report = hub.update_learners(homes)
    assert report[0].startswith("ada: 01_error: updated, keeping your 1 changed")
    assert report[1].startswith("bob: 01_error: updated, keeping your 0 changed")
    sources = ["".join(cell["source"]) for cell in json.loads(ada.read_text())["cells"]]
    assert sources == ["intro, corrected", "def mse(p, a):\n    return ((p - a) ** 2).mean()"]
    assert list((homes / "ada" / "my-work" / "old").glob("01_error *.ipynb"))
    assert "No learner has logged in yet" in hub.update_learners(tmp_path / "nobody")[0]


def test_the_hub_command_refuses_a_certificate_without_its_key():
    ran = subprocess.run([sys.executable, str(ROOT / "course.py"), "hub", "--ssl-cert=cert.pem"],
                         capture_output=True, text=True, timeout=120)
    assert ran.returncode == 2 and "--ssl-cert and --ssl-key go together" in ran.stderr


def test_a_roster_keeps_one_name_a_line_and_names_the_lines_it_cannot_use(tmp_path):
    roster = tmp_path / "class.txt"
    roster.write_text("Ada\n\n# the second group\nbob.b  # a comment\n", encoding="utf-8")
    assert hub.read_roster(roster) == ["ada", "bob.b"]
    roster.write_text("ada\ndave smith\nÉlise\n", encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        hub.read_roster(roster)
    assert "line 2: 'dave smith'" in str(stopped.value) and "line 3: 'Élise'" in str(stopped.value)


def _hub_settings(tmp_path, monkeypatch, roster=""):
    """The settings classroom/jupyterhub_config.py makes, read as JupyterHub reads them (no hub started)."""
    from traitlets.config import Config
    values = dict(STATE=tmp_path, HOMES=tmp_path / "homes", IP="127.0.0.1", PORT=8000, INTERNAL_PORT=8001,
                  PROXY_API_PORT=8002, PROXY="chp", PASSWORD="class-pass", TEACHER_PASSWORD="t" * 32, ROSTER=roster)
    for name, value in values.items():
        monkeypatch.setenv(f"COURSE_HUB_{name}", str(value))
    config, umask = Config(), os.umask(0o022)
    try:
        runpy.run_path(str(hub.CONFIG), init_globals={"get_config": lambda: config, "load_subconfig": None})
        return config, os.umask(umask)
    finally:
        os.umask(umask)


def test_the_hub_settings_let_in_the_roster_only_and_keep_files_private(tmp_path, monkeypatch):
    config, umask = _hub_settings(tmp_path, monkeypatch)
    assert config.Authenticator.allow_all is True and umask == 0o077
    assert config.JupyterHub.ip == "127.0.0.1" and config.JupyterHub.hub_ip == "127.0.0.1"
    roster = tmp_path / "class.txt"
    roster.write_text("ada\nbob\n", encoding="utf-8")
    config, _ = _hub_settings(tmp_path, monkeypatch, roster=roster)
    assert config.Authenticator.allowed_users == {"ada", "bob"}
    assert config.Authenticator.allow_existing_users is False  # last term's learners are not let in
    assert "allow_all" not in config.Authenticator
    assert config.Authenticator.admin_users == {"teacher"}
    learner = type("Spawner", (), {"home_dir": str(tmp_path / "homes" / "ada")})()
    assert config.Spawner.environment["COURSE_QUIZ_ANSWERS"](learner) == str(tmp_path / "homes/ada/quiz-answers.jsonl")


def _serve(tmp_path, *options, **environment):
    env = dict(os.environ, COURSE_HUB_STATE=str(tmp_path / "state"), PYTHONUNBUFFERED="1", **environment)
    return subprocess.Popen([sys.executable, str(ROOT / "course.py"), "hub", *options], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="checks what root is told")
def test_the_hub_refuses_to_run_as_root(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_HUB_ALLOW_ROOT", raising=False)
    server = _serve(tmp_path, f"--port={hub.free_port()}")
    output, _ = server.communicate(timeout=120)
    assert server.returncode == 1 and "does not run as root" in output and "sudo adduser course" in output


def test_a_taken_port_is_named_before_anything_starts(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = _serve(tmp_path, f"--port={port}", COURSE_HUB_ALLOW_ROOT="1")
        output, _ = server.communicate(timeout=120)
    assert server.returncode == 1 and f"Port {port} is taken" in output


def test_the_hub_serves_https_with_a_certificate_made_for_its_name(tmp_path):
    """The certificate names the hub's host, not 127.0.0.1: the hub must still be seen to start, and stop
    with everything it started when told to."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=hub.school.example", "-keyout", tmp_path / "key.pem", "-out", tmp_path / "cert.pem"],
                   check=True, capture_output=True)
    port = hub.free_port()
    server = _serve(tmp_path, f"--port={port}", f"--ssl-cert={tmp_path / 'cert.pem'}",
                    f"--ssl-key={tmp_path / 'key.pem'}", COURSE_HUB_ALLOW_ROOT="1")
    lines = []
    try:
        for line in server.stdout:  # the hub's log, then the teacher's instructions
            lines.append(line)
            if "The class hub is running at" in line:
                break
        assert f"The class hub is running at https://127.0.0.1:{port}" in "".join(lines), "".join(lines[-30:])
    finally:
        family = [server.pid] + [child.pid for child in psutil.Process(server.pid).children(recursive=True)]
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=60)
    assert not [pid for pid in family if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"]
