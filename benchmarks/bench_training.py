"""The course's training loop, course_utils.network.train, against the same network and loop written two
other ways. Goals: numpy at least as fast as PyTorch on the CPU, and at least 50x faster than plain Python.

The network: 6 standardised Ames features -> 8 sigmoid hidden units -> one linear output, mean squared
error, full-batch gradient descent with alpha = 0.1 from init_params(6, 8, seed=0), on the training houses
of house_split. Like train(), every loop makes epochs + 1 forward and backward passes (the last one only
to report the final loss) and `epochs` updates, and stops if the loss blows up.

(a) PyTorch: float64 tensors holding the same starting values, loss.backward() and a manual update under
    torch.no_grad(), with 1 thread and with torch's default number of threads; 300 epochs, timed
    interleaved with numpy (median of 9 each). Torch is not in the course's environment: it is installed
    (torch==2.13.0, the CPU build) into .venv-bench on first use, and this part runs there.
(b) Plain Python: floats and lists, no numpy in the loop; 3 epochs, timed interleaved with numpy (median
    of 5 each) and compared per epoch (a pass over the training houses and its update).
Each pair is first checked to compute the same losses (relative difference below 1e-8).
"""
import math
import os
import subprocess
import sys
import time
import venv

import numpy as np

from benchlib import ROOT, median, not_measured, report

FEATURES = ["Gr_Liv_Area", "Year_Built", "Garage_Cars", "Full_Bath", "Lot_Area", "Bedroom_AbvGr"]
HIDDEN, ALPHA, EPOCHS, SCALAR_EPOCHS = 8, 0.1, 300, 3
REPEATS, SCALAR_REPEATS = 9, 5
SAME = 1e-8  # largest relative difference between final losses for two loops to count as the same computation
BENCH_ENV = ROOT / ".venv-bench"
TORCH = "torch==2.13.0"  # pinned: the CPU wheel kept on this machine (never an unpinned torch: gigabytes)


def training_data():
    from course_utils.data import house_split
    split = house_split(FEATURES)
    return split.X_train, split.y_train


def numpy_losses(X, y, epochs):
    """The course's own loop."""
    from course_utils.network import train
    return list(train(X, y, n_hidden=HIDDEN, alpha=ALPHA, epochs=epochs, seed=0).train_losses)


def starting_params(X):
    from course_utils.network import init_params
    return init_params(X.shape[1], HIDDEN, seed=0)


def python_losses(X, y, epochs):
    """The same training with Python floats and lists only."""
    from course_utils.descent import BLOW_UP
    params = starting_params(X)
    X, y = X.tolist(), [row[0] for row in y.tolist()]
    W1, b1 = params["W1"].tolist(), params["b1"].tolist()
    W2, b2 = [row[0] for row in params["W2"].tolist()], float(params["b2"][0])
    n, d, h = len(X), len(W1), len(b1)
    losses = []
    for epoch in range(epochs + 1):
        total, d_W1, d_b1, d_W2, d_b2 = 0.0, [[0.0] * h for _ in range(d)], [0.0] * h, [0.0] * h, 0.0
        for x, target in zip(X, y):
            hidden = [_sigmoid(b1[j] + sum(x[i] * W1[i][j] for i in range(d))) for j in range(h)]
            error = sum(hidden[j] * W2[j] for j in range(h)) + b2 - target
            total += error * error
            d_prediction = 2 * error / n
            d_b2 += d_prediction
            for j in range(h):
                d_W2[j] += hidden[j] * d_prediction
                d_z = d_prediction * W2[j] * hidden[j] * (1 - hidden[j])
                d_b1[j] += d_z
                for i in range(d):
                    d_W1[i][j] += x[i] * d_z
        loss = total / n
        if not math.isfinite(loss) or (losses and loss > BLOW_UP * losses[0]):
            break
        losses.append(loss)
        if epoch < epochs:
            W1 = [[W1[i][j] - ALPHA * d_W1[i][j] for j in range(h)] for i in range(d)]
            b1 = [b1[j] - ALPHA * d_b1[j] for j in range(h)]
            W2 = [W2[j] - ALPHA * d_W2[j] for j in range(h)]
            b2 -= ALPHA * d_b2
    return losses


def _sigmoid(z):
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def torch_losses(X, y, epochs):
    """The same training in PyTorch: autograd for the gradients, a manual update."""
    import torch
    from course_utils.descent import BLOW_UP
    X, y = torch.from_numpy(X), torch.from_numpy(y)
    params = [torch.tensor(value, requires_grad=True) for value in starting_params(X.numpy()).values()]
    W1, b1, W2, b2 = params
    losses = []
    for epoch in range(epochs + 1):
        prediction = torch.sigmoid(X @ W1 + b1) @ W2 + b2
        loss = torch.mean((prediction - y) ** 2)
        for p in params:
            p.grad = None
        loss.backward()
        value = loss.item()
        if not math.isfinite(value) or (losses and value > BLOW_UP * losses[0]):
            break
        losses.append(value)
        if epoch < epochs:
            with torch.no_grad():
                for p in params:
                    p -= ALPHA * p.grad
    return losses


def seconds(run, *args):
    start = time.perf_counter()
    run(*args)
    return time.perf_counter() - start


def spread(times):
    return f"fastest {1000 * min(times):.1f} ms, slowest {1000 * max(times):.1f} ms"


def same_losses(a, b):
    """The largest relative difference between two loss curves (inf if their lengths differ)."""
    if len(a) != len(b):
        return math.inf
    return max(abs(p - q) / abs(q) for p, q in zip(a, b))


def compare_with_python(X, y):
    gap = same_losses(python_losses(X, y, SCALAR_EPOCHS), numpy_losses(X, y, SCALAR_EPOCHS))
    figure = f"numpy vs plain Python, per epoch ({SCALAR_EPOCHS} epochs for Python)"
    if not gap < SAME:
        return not_measured("training", figure, "≥ 50× faster", f"the losses differ (relative {gap:.1e})")
    python, numpy = [], []
    for _ in range(SCALAR_REPEATS):  # interleaved
        python.append(seconds(python_losses, X, y, SCALAR_EPOCHS) / (SCALAR_EPOCHS + 1))
        numpy.append(seconds(numpy_losses, X, y, EPOCHS) / (EPOCHS + 1))
    ratio = median(python) / median(numpy)
    print(f"plain Python: {1000 * median(python):.1f} ms per epoch (median of {SCALAR_REPEATS}); numpy, timed "
          f"between them: {1000 * median(numpy):.2f} ms per epoch; every epoch's loss the same to {gap:.0e}")
    report("training", figure, f"{ratio:,.0f}× faster", "≥ 50× faster", ratio >= 50)


def compare_with_torch(X, y):
    """Runs inside .venv-bench: numpy, torch on 1 thread, torch on its default threads, interleaved."""
    import torch
    default_threads = torch.get_num_threads()
    print(f"PyTorch {torch.__version__} (numpy {np.__version__}), default threads: {default_threads}")
    expected = numpy_losses(X, y, EPOCHS)
    runs = {"numpy": [], **{threads: [] for threads in sorted({1, default_threads})}}
    for threads in list(runs)[1:]:
        torch.set_num_threads(threads)
        gap = same_losses(torch_losses(X, y, EPOCHS), expected)
        print(f"torch, {threads} thread(s): every epoch's loss as in numpy to {gap:.0e} relative "
              f"(final loss {expected[-1]:.6f})")
        if not gap < SAME:
            runs.pop(threads)
            not_measured("training", f"numpy vs PyTorch CPU, {threads} thread(s)", "numpy ≤ torch",
                         f"the final losses differ (relative {gap:.1e})")
    for _ in range(REPEATS):  # interleaved, so a busy moment of the machine hits all of them alike
        runs["numpy"].append(seconds(numpy_losses, X, y, EPOCHS))
        for threads in list(runs)[1:]:
            torch.set_num_threads(threads)
            runs[threads].append(seconds(torch_losses, X, y, EPOCHS))
    numpy_times = runs.pop("numpy")
    numpy_time = median(numpy_times)
    print(f"numpy: {1000 * numpy_time:.1f} ms for {EPOCHS} epochs (median of {REPEATS}; {spread(numpy_times)})")
    for threads, times in runs.items():
        torch_time = median(times)
        print(f"torch, {threads} thread(s): {1000 * torch_time:.1f} ms for {EPOCHS} epochs ({spread(times)})")
        report("training", f"numpy vs PyTorch CPU, {threads} thread(s) ({EPOCHS} epochs)",
               f"{1000 * numpy_time:.1f} ms vs {1000 * torch_time:.1f} ms: numpy {torch_time / numpy_time:.2f}× "
               "as fast", "numpy ≤ torch", numpy_time <= torch_time)


def bench_python():
    """The Python of .venv-bench (torch and the course installed), set up on first use; None if that fails."""
    python = BENCH_ENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    check = [str(python), "-c", "import torch, course_utils"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python
    print(f"Setting up {BENCH_ENV.name} for the PyTorch comparison: {TORCH} (CPU) and the course "
          "(once; about a minute)...", flush=True)
    try:
        venv.create(BENCH_ENV, with_pip=True)  # from this venv's base Python, like .venv itself
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", TORCH, "-e", str(ROOT)],
                       capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as error:
        lines = (getattr(error, "stderr", None) or str(error)).strip().splitlines()
        print(f"Could not set up {BENCH_ENV.name}: {next((line for line in lines if 'ERROR' in line), lines[-1])}")
        return None
    return python


def main():
    X, y = training_data()
    if "--torch" in sys.argv:
        return compare_with_torch(X, y)
    print(f"{len(X)} training houses, {len(FEATURES)} features -> {HIDDEN} hidden units, α = {ALPHA}; numpy "
          f"{np.__version__}, OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(not set)')}")
    compare_with_python(X, y)
    python = bench_python()
    if python is None:
        for threads in ("1", "default"):
            not_measured("training", f"numpy vs PyTorch CPU, {threads} thread(s)", "numpy ≤ torch",
                         f"{TORCH} could not be installed in {BENCH_ENV.name}")
        return
    sys.stdout.flush()
    subprocess.run([str(python), __file__, "--torch"], check=True)


if __name__ == "__main__":
    main()
