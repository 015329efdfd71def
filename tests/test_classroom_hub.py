"""The class hub's parts that need no running hub: its secrets, its command line and `hub update`.
(A running hub is tested in test_hub.py and, with a browser, in test_browser_hub.py.)"""
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import course  # noqa: E402
from classroom import hub  # noqa: E402


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
    monkeypatch.setattr(course, "COURSE", shipped)
    for name in ("ada", "bob"):
        course.give_copies(shipped, homes / name / "my-work")
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
