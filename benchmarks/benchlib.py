"""What the benchmark scripts share: the course's root folder, medians, and the PASS/MISS lines.

Each figure is printed twice: once for people ("PASS  import course_utils: 0.21 s  (goal < 0.5 s)") and
once as a `RESULT {json}` line that run_all.py collects into its final table.
"""
import json
import os
import platform
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median(values):
    return statistics.median(values)


def percentile(values, q):
    """The q-th percentile (1..99) of values, linear between the nearest two (as the class load test's)."""
    values = list(values)
    return values[0] if len(values) == 1 else statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def report(benchmark, figure, value, goal, passed, echo=True):
    """One measured figure against its goal; passed=None means the figure has no goal of its own.
    echo=False leaves out the line for people (for a figure the script has already printed its own way)."""
    status = "info" if passed is None else "PASS" if passed else "MISS"
    if echo:
        print(f"{status:<5} {figure}: {value}  (goal: {goal})", flush=True)
    _result(benchmark, figure, value, goal, status)


def not_measured(benchmark, figure, goal, reason):
    print(f"NOT MEASURED  {figure}: {reason}", flush=True)
    _result(benchmark, figure, f"not measured ({reason})", goal, "NOT MEASURED")


def _result(benchmark, figure, value, goal, status):
    row = dict(benchmark=benchmark, figure=figure, value=value, goal=goal, status=status)
    print("RESULT " + json.dumps(row, ensure_ascii=False), flush=True)


def machine():
    """One line about where the figures were measured."""
    blas = {name: os.environ[name] for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if name in os.environ}
    blas_text = ", ".join(f"{k}={v}" for k, v in blas.items()) or "no OPENBLAS_* variables set"
    return (f"{_cpu_name()}, {os.cpu_count()} cores, Python "
            f"{sys.version.split()[0]}, {blas_text}")


def _cpu_name():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()
