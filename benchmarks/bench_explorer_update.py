"""How long an explorer's update() takes inside the Jupyter kernel: the cost of one slider change, from the
new value to the new picture (PNG) sent to the browser. Goals: median under 30 ms and 90th percentile
under 50 ms for every control, first visits included.

The headline is the first explorer of 02_learning_rate, built exactly as that notebook builds it, with
update(alpha=a) over 60 log-spaced α values across its slider and update(steps=s) over 60 step counts,
each swept up and back down. Every other explorer in course_utils/explorers/ is built as its notebook
builds it, and each of its controls is swept the same way over 60 values across its range (every option,
for a choice). An explorer that cannot be built (a module or class missing or changed) is skipped with a
note.

Run as a script, this starts a python3 kernel, as JupyterLab does, and measures inside it, so the widget
messages that carry each picture are included; `--here` measures in this process instead, and
`--only=(06)` measures only the explorers whose label contains "(06)".
"""
import importlib
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchlib import ROOT, median, percentile, report

GOAL_MS, GOAL_P90_MS = 30, 50
AHEAD_LIMIT = 300  # seconds to wait for the dashboard's runs trained ahead
VALUES = 60  # per control


def headline_explorer():
    from course_utils.data import Scaler, load_houses
    from course_utils.explorers.learning_rate import LearningRateExplorer
    houses = load_houses()
    area, price = houses["Gr_Liv_Area"], houses["Sale_Price"]
    x, y = Scaler.fit(area).scale(area), Scaler.fit(price).scale(price)
    return LearningRateExplorer(x, y, start=[-1.5], alpha=0.1, alpha_range=(1e-3, 4))


def other_explorers():
    """(label, how it is built, a function building it), in course order."""
    from course_utils.data import Scaler, house_split, load_houses, train_test_split
    from course_utils.linear import best_line_weight

    def houses():
        data = load_houses()
        return data["Gr_Liv_Area"], data["Sale_Price"]

    def scaled():
        area, price = houses()
        return Scaler.fit(area).scale(area), Scaler.fit(price).scale(price)

    def split():
        return house_split(["Gr_Liv_Area", "Year_Built"])

    def line_rmse():  # the best line's test error, the dashed line on the dashboard's loss plot
        area, price = houses()
        train, test = train_test_split(len(price), test_fraction=0.2, seed=0)
        return np.sqrt(np.mean((best_line_weight(area[train], price[train]) * area[test] - price[test]) ** 2))

    def explorers(lesson):
        return importlib.import_module(f"course_utils.explorers.{lesson}")

    def init_params_05():
        from course_utils.network import init_params
        return init_params(n_inputs=2, n_hidden=3, seed=0)

    def stepper():
        return explorers("backprop").BackpropStepper(split(), init_params_05())

    return [
        ("PredictionDemo (00)", "PredictionDemo()", lambda: explorers("start_here").PredictionDemo()),
        ("WeightExplorer (01)", "WeightExplorer(area, price, weight=60)",
         lambda: explorers("error").WeightExplorer(*houses(), weight=60)),
        ("LearningRateExplorer raw (02)", "raw_explorer: (area, price), start [0, 0], intercept",
         lambda: explorers("learning_rate").LearningRateExplorer(
             *houses(), start=[0, 0], alpha=1e-7, alpha_range=(1e-8, 1e-6), intercept=True,
             units=("w ($ per sq ft)", "b ($)", "loss ($²)"))),
        ("LearningRateExplorer scaled (02)", "scaled_explorer: (x, y), start [-1.5, 1], intercept",
         lambda: explorers("learning_rate").LearningRateExplorer(
             *scaled(), start=[-1.5, 1.0], alpha=0.3, alpha_range=(1e-3, 4), intercept=True,
             units=("w (standardised)", "b (standardised)", "loss"))),
        ("NudgeExplorer (03)", "NudgeExplorer(w=80, h=20)",
         lambda: explorers("derivatives").NudgeExplorer(w=80, h=20)),
        ("GradientExplorer (03)", "GradientExplorer(w=60, b=50)",
         lambda: explorers("derivatives").GradientExplorer(w=60, b=50)),
        ("FeatureExplorer (04)", "FeatureExplorer()", lambda: explorers("dot_product").FeatureExplorer()),
        ("TimingExplorer (04)", "TimingExplorer()", lambda: explorers("dot_product").TimingExplorer()),
        ("BackpropStepper (05)", "BackpropStepper(split, params): living area and year built, 3 hidden units",
         stepper),
        ("NetworkNudge (05)", "NetworkNudge(split, params, weight='w1_00')",
         lambda: explorers("backprop").NetworkNudge(split(), init_params_05())),
        ("TrainingDashboard (05)", "TrainingDashboard(split, alpha=0.3, hidden=3, epochs=1000, line_rmse=...)",
         lambda: explorers("backprop").TrainingDashboard(split(), alpha=0.3, hidden=3, epochs=1000,
                                                         line_rmse=line_rmse())),
        ("GraphStepper (06)", "GraphStepper()", lambda: explorers("deeper").GraphStepper()),
        ("SpeedExplorer (06)", "SpeedExplorer(split): 15 networks timed when it is made",
         lambda: explorers("deeper").SpeedExplorer(split())),
        ("DepthExplorer (06)", "DepthExplorer(split, depth=4, activation='sigmoid', scale=1.0)",
         lambda: explorers("deeper").DepthExplorer(split(), depth=4, activation="sigmoid", scale=1.0)),
    ]


def sweep_values(control):
    """VALUES values across a control's range, in slider order (its options, for a choice)."""
    import ipywidgets as w
    if hasattr(control, "options"):
        return list(control.options)
    if isinstance(control, w.IntSlider):
        return sorted({int(v) for v in np.linspace(control.min, control.max, VALUES).round()})
    return [float(v) for v in np.linspace(control.min, control.max, VALUES)]


def time_updates(explorer, name, values):
    """Milliseconds per update(name=value), sweeping the values up and back down."""
    times = []
    for value in [*values, *values[::-1]]:
        start = time.perf_counter()
        explorer.update(**{name: value})
        times.append(1000 * (time.perf_counter() - start))
    return times


def measure(label, explorer):
    for name, control in explorer.controls.items():
        values = sweep_values(control)
        start_value = explorer.values[name]
        times = time_updates(explorer, name, values)
        explorer.update(**{name: start_value})
        when = "while dragging" if getattr(control, "continuous_update", False) else "on release / click"
        up, down = times[:len(values)], times[len(values):]
        typical, high = median(times), percentile(times, 90)
        print(f"  {name} ({len(values)} values, {when}): median {typical:.1f} ms (sweeping up "
              f"{median(up):.1f}, back down {median(down):.1f}), 90th percentile {high:.1f} ms, "
              f"slowest {max(times):.1f} ms")
        report("explorer update", f"{label}: update({name}=...)", f"median {typical:.1f} ms, 90th {high:.1f} ms",
               f"< {GOAL_MS} ms, 90th < {GOAL_P90_MS} ms", typical < GOAL_MS and high < GOAL_P90_MS)


def wait_for_runs_ahead(explorer):
    """The dashboard trains every setting ahead in a second process: measure once they are ready, and
    say how long that took after the dashboard appeared (a learner reads its text meanwhile)."""
    ahead = getattr(explorer, "ahead", None)
    if ahead is None:
        return
    start, total = time.perf_counter(), ahead.total
    while ahead.ready() < total and time.perf_counter() - start < AHEAD_LIMIT:
        time.sleep(0.2)
    name = type(explorer).__name__
    print(f"  everything worked out ahead ({ahead.ready()} of {total}) {time.perf_counter() - start:.1f} s after "
          f"the {name} appeared", flush=True)
    report("explorer update", f"{name}: all worked out ahead, after it appeared",
           f"{time.perf_counter() - start:.0f} s", "info", None)


def measure_all(only=""):
    """Every explorer, or those whose label contains `only` (e.g. "(06)")."""
    print("in", "a Jupyter kernel" if "ipykernel" in sys.modules else "a plain Python process", flush=True)
    if not only:
        print("LearningRateExplorer first (02): LearningRateExplorer(x, y, start=[-1.5], alpha=0.1, "
              "alpha_range=(1e-3, 4))", flush=True)
        measure("LearningRateExplorer first (02)", headline_explorer())
    for label, how, build in other_explorers():
        if only not in label:
            continue
        try:
            explorer = build()
        except Exception as error:  # a module or class not there yet, or changed
            print(f"{label}: skipped, could not build {how}: {type(error).__name__}: {error}", flush=True)
            continue
        print(f"{label}: {how}", flush=True)
        wait_for_runs_ahead(explorer)
        measure(label, explorer)


def measure_in_kernel():
    """Run measure_all() in a fresh python3 kernel started in notebooks/, printing what it prints."""
    from jupyter_client.manager import KernelManager
    sockets = tempfile.mkdtemp()  # ipc: local sockets, so nothing listens on TCP (and the kernel warns of none)
    manager = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(sockets) / "kernel"))
    manager.start_kernel(cwd=str(ROOT / "notebooks"))
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    arguments = [__file__, "--here", *sys.argv[1:]]
    code = (f"import sys, runpy; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
            f"sys.argv = {arguments!r}; runpy.run_path({__file__!r}, run_name='__main__')")

    def show(message):
        if message["msg_type"] == "stream":
            print(message["content"]["text"], end="", flush=True)
        elif message["msg_type"] == "error":
            print("\n".join(message["content"]["traceback"]), file=sys.stderr)

    try:
        reply = client.execute_interactive(code, timeout=900, output_hook=show)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
        shutil.rmtree(sockets, ignore_errors=True)
    if reply["content"]["status"] != "ok":
        sys.exit("the measurement failed inside the kernel")


if __name__ == "__main__":
    ONLY = next((arg.split("=", 1)[1] for arg in sys.argv if arg.startswith("--only=")), "")
    measure_all(ONLY) if "--here" in sys.argv else measure_in_kernel()
