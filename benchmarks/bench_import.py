"""`import course_utils` in a fresh Python, as every notebook's first cell does. Goal: under 0.5 s.

Each of the 7 runs starts a new interpreter; the figure is the median time of the import statement itself
(timed inside the child). The child's whole wall time, interpreter start-up included, is shown beside it,
and one `-X importtime` run names the packages that take longest.
"""
import subprocess
import sys
import time

from benchlib import ROOT, median, report

RUNS = 7
GOAL = 0.5  # seconds
STARTUP = {"course_utils", "site", "encodings", "io", "abc", "codecs", "_frozen_importlib_external"}
CODE = "import time; t = time.perf_counter(); import course_utils; print(time.perf_counter() - t)"


def one_run():
    """(seconds for the import, seconds for the whole child process)."""
    start = time.perf_counter()
    child = subprocess.run([sys.executable, "-c", CODE], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(child.stdout), time.perf_counter() - start


def slowest_packages(count=5):
    """The packages that `import course_utils` spends most time loading, from `python -X importtime`."""
    child = subprocess.run([sys.executable, "-X", "importtime", "-c", "import course_utils"], cwd=ROOT,
                           capture_output=True, text=True, check=True)
    totals = {}
    for line in child.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line or "cumulative" in line:
            continue
        _, cumulative, name = line.split("|")
        name = name.strip()
        if "." not in name and name not in STARTUP and not name.startswith("__editable"):  # numpy, not numpy._core
            totals[name] = int(cumulative) / 1e6
    top = sorted(totals.items(), key=lambda item: -item[1])[:count]
    return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in top)


def main():
    runs = [one_run() for _ in range(RUNS)]
    imports, wall = [r[0] for r in runs], [r[1] for r in runs]
    print(f"import course_utils, {RUNS} fresh interpreters: " + ", ".join(f"{t:.3f}" for t in imports) + " s")
    print(f"whole child process (start-up included): median {median(wall):.3f} s")
    print(f"slowest packages to load (one -X importtime run): {slowest_packages()}")
    value = median(imports)
    report("import", "`import course_utils` (median of 7 fresh interpreters)", f"{value:.3f} s",
           f"< {GOAL} s", value < GOAL)


if __name__ == "__main__":
    main()
