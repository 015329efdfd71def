"""Run every speed benchmark (the bars in the README's "Speed" section) and print a Markdown table of the figures.

    python3 course.py bench                      all of them
    python3 course.py bench training import      only those whose names contain these words

Each bench_*.py runs in turn as its own process with this same Python and prints its figures as it goes;
the table at the end gathers the figures that have a goal (the machine is shared, so expect some noise:
every ratio is measured side by side in one run, and times are medians).
"""
import json
import subprocess
import sys
import time
from pathlib import Path

from benchlib import machine

HERE = Path(__file__).resolve().parent
BENCHMARKS = ["bench_import.py", "bench_explorer_update.py", "bench_browser.py", "bench_course_run.py",
              "bench_training.py", "bench_check.py", "bench_memory.py", "bench_server_start.py",
              "bench_kernel_start.py"]


def run(script):
    """Run one benchmark, echoing its output; its RESULT rows (a crash becomes a row of its own)."""
    rows = []
    child = subprocess.Popen([sys.executable, "-u", str(HERE / script)], cwd=HERE.parent, text=True,
                             stdout=subprocess.PIPE, bufsize=1)
    for line in child.stdout:
        if line.startswith("RESULT "):
            rows.append(json.loads(line[len("RESULT "):]))
        else:
            print("    " + line, end="", flush=True)
    if child.wait() != 0:
        rows.append(dict(benchmark=script, figure=f"{script} stopped with exit code {child.returncode}",
                         value="-", goal="-", status="FAILED"))
    return rows


def table(rows):
    lines = ["| benchmark | figure | measured | goal | status |", "| --- | --- | --- | --- | --- |"]
    lines += [f"| {r['benchmark']} | {r['figure']} | {r['value']} | {r['goal']} | **{r['status']}** |"
              for r in rows if r["status"] != "info"]
    return "\n".join(lines)


def main(words):
    chosen = [name for name in BENCHMARKS if not words or any(word in name for word in words)]
    if not chosen:
        sys.exit(f"No benchmark matches {' '.join(words)}; they are {', '.join(BENCHMARKS)}")
    rows, start = [], time.perf_counter()
    for script in chosen:
        summary = (HERE / script).read_text().splitlines()[0].strip('"')
        print(f"\n== {script}: {summary}", flush=True)
        rows += run(script)
    print(f"\nMeasured {time.strftime('%Y-%m-%d')} on {machine()} ({time.perf_counter() - start:.0f} s in all):\n")
    print(table(rows))
    missed = [r for r in rows if r["status"] not in ("PASS", "info")]
    print(f"\n{len(rows) - len(missed) - sum(r['status'] == 'info' for r in rows)} passed, {len(missed)} not met"
          " (MISS, NOT MEASURED or FAILED)")
    if any(r["status"] == "FAILED" for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
