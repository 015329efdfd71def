"""The teacher's gradebook: how long `python3 course.py grade` takes for a class.

Goal: a class of 30 learners, every one with all the course's notebooks done (each exercise cell holding
the reference solution, every other cell as the course has it), graded in at most 3 minutes on 2 cores,
with the default number of jobs. Each learner's notebooks run in contained kernels (classroom/contained.py)
and every exercise is judged by check's judge; the figure is the whole command, start to gradebook.

    python3 benchmarks/bench_grade.py [--learners 30] [--runs 1] [--jobs N]

Each run builds the class afresh in a temporary folder and grades it in a process of its own (started as
`python -m classroom.gradebook` from the course's root). Prints the time of each run, their median, the
time per learner, and checks that every exercise was marked passed (a slow grader that marks wrong is
no good).
"""
import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from benchlib import ROOT, machine, median, report

GOAL = 180.0  # seconds for 30 learners


def solved(notebook_path, exercise_ids, defines, solution):
    """The course notebook with each exercise cell holding the reference solution and its check."""
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        for exercise_id in exercise_ids:
            if cell["cell_type"] == "code" and defines(source, exercise_id):
                code = repr(solution(exercise_id)).split("```python\n", 1)[1].rsplit("```", 1)[0]
                cell["source"] = f"import numpy as np\n\n{code}\n\ncheck({exercise_id!r}, {exercise_id})"
    return json.dumps(notebook)


def build_class(folder, learners):
    from classroom import gradebook
    from course_utils.marking.checking import solution
    texts = {name: solved(gradebook.COURSE / f"{name}.ipynb", gradebook.exercises_of(name), gradebook.defines,
                          solution) for name in gradebook.course_notebooks()}
    for number in range(learners):
        work = folder / f"learner{number:02d}" / "my-work"
        work.mkdir(parents=True)
        for name, text in texts.items():
            (work / f"{name}.ipynb").write_text(text, encoding="utf-8")


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def grade_once(learners, jobs):
    """(seconds, processor seconds, Counter of statuses) for one run on a fresh class. The processor time
    (the grader and every kernel and judge) says more than the wall time on a machine others use too."""
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as temporary:
        folder, out = Path(temporary) / "class", Path(temporary) / "gradebook"
        build_class(folder, learners)
        command = [sys.executable, "-m", "classroom.gradebook", str(folder), "--out", str(out), "--no-feedback"]
        started, cpu = time.monotonic(), children_cpu()
        done = subprocess.run(command + (["--jobs", str(jobs)] if jobs else []), cwd=ROOT, capture_output=True,
                              text=True)
        seconds, cpu = time.monotonic() - started, children_cpu() - cpu
        if done.returncode != 0:
            sys.exit(f"grading failed:\n{done.stderr[-3000:]}")
        with open(out / "gradebook.csv", newline="", encoding="utf-8") as handle:
            statuses = Counter(row["status"] for row in csv.DictReader(handle) if row["notebook"])
        return seconds, cpu, statuses


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=0, help="default: the grader's own default")
    options = parser.parse_args()
    print(f"Grading {options.learners} learners, all notebooks done, on {machine()}", flush=True)
    times = []
    for run in range(options.runs):
        seconds, cpu, statuses = grade_once(options.learners, options.jobs)
        times.append(seconds)
        print(f"  run {run + 1}: {seconds:.1f} s ({seconds / options.learners:.1f} s a learner; processor time "
              f"{cpu:.1f} s, {cpu / options.learners:.1f} s a learner), "
              + ", ".join(f"{count} {status}" for status, count in statuses.items()), flush=True)
        if set(statuses) != {"passed"}:
            print("  (not every reference solution was marked passed: the figure does not count)", flush=True)
    seconds = median(times)
    scaled = seconds * 30 / options.learners
    report("bench_grade", f"grading {options.learners} learners (median of {len(times)})", f"{seconds:.1f} s",
           f"30 learners in ≤ {GOAL:.0f} s", scaled <= GOAL if options.learners == 30 else None)


if __name__ == "__main__":
    main()
