"""Environment variables that make numpy and OpenBLAS take the code paths of an older CPU, so that the
numerical tests and the notebooks can run again as on a learner's machine (.ci/run does; README, Tests).
Last bits of tanh, exp and matrix products differ between those paths, and a test or a notebook that
passes on one CPU only has pinned a number it should not have.

    python tests/narrowed_cpu.py avx2    as on a CPU without AVX-512: numpy's AVX-512 kernels off,
                                         OpenBLAS's Haswell (AVX2) kernels
    python tests/narrowed_cpu.py avx     as on a CPU without AVX2 either: numpy's AVX2 kernels off too,
                                         OpenBLAS's Sandy Bridge (AVX) kernels
    python tests/narrowed_cpu.py show    what is in effect: numpy's targets on, OpenBLAS's core

Prints NAME=VALUE words for `env` (nothing where there is nothing to narrow). Safe on any machine:
- NPY_DISABLE_CPU_FEATURES gets only names this numpy dispatches: any other name makes numpy raise an
  ImportWarning (an error under the tests' filterwarnings = error), and a baseline one a RuntimeError.
  A dispatched feature the CPU lacks is disabled silently, so the same words do on a CPU without AVX-512.
- OPENBLAS_CORETYPE only on an x86-64 CPU that has what that core needs: a core the CPU lacks would die
  on its first instruction. Where numpy does not use OpenBLAS the variable is read by no one.
"""
import ctypes
import platform
import sys
from pathlib import Path

import numpy as np
from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

# numpy 2.4 names its x86 targets by level (X86_V3: AVX2 and FMA3; X86_V4: AVX-512); older numpys by
# feature. Both are listed; only those this numpy dispatches are given to it.
AVX512 = ["X86_V4", "AVX512F", "AVX512CD", "AVX512_KNL", "AVX512_KNM", "AVX512_SKX", "AVX512_CLX",
          "AVX512_CNL", "AVX512_ICL", "AVX512_SPR"]
AVX2 = ["X86_V3", "AVX2", "FMA3"]
LEVELS = {  # level: (numpy's targets to turn off, OpenBLAS's core, the CPU features that core needs)
    "avx2": (AVX512, "Haswell", ["AVX2", "FMA3"]),
    "avx": (AVX2 + AVX512, "SandyBridge", ["AVX"]),
}


def narrowed(level, dispatched=__cpu_dispatch__, features=__cpu_features__, machine=platform.machine()):
    """The variables for this level, as a dict."""
    targets, core, needs = LEVELS[level]
    env = {}
    off = [name for name in targets if name in dispatched]
    if off:
        env["NPY_DISABLE_CPU_FEATURES"] = ",".join(off)  # commas: one word for `env`
    if machine.lower() in ("x86_64", "amd64") and all(features.get(name) for name in needs):
        env["OPENBLAS_CORETYPE"] = core
    return env


def openblas_core():
    """The core OpenBLAS runs on, where numpy brings its own OpenBLAS (None elsewhere)."""
    for path in (Path(np.__file__).parent.parent / "numpy.libs").glob("*openblas*"):
        library = ctypes.CDLL(str(path))
        for name in ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename", "openblas_get_corename"):
            if hasattr(library, name):
                getattr(library, name).restype = ctypes.c_char_p
                return getattr(library, name)().decode()
    return None


def in_effect():
    """numpy's dispatched targets that are on, and OpenBLAS's core."""
    numpy_on = " ".join(name for name in __cpu_dispatch__ if __cpu_features__.get(name)) or "baseline only"
    return f"numpy: {numpy_on}; OpenBLAS: {openblas_core() or 'not numpy’s own'}"


if __name__ == "__main__":
    if sys.argv[1:] == ["show"]:
        print(in_effect())
    elif len(sys.argv) == 2 and sys.argv[1] in LEVELS:
        print(" ".join(f"{name}={value}" for name, value in narrowed(sys.argv[1]).items()))
    else:
        sys.exit(f"usage: python {sys.argv[0]} {'|'.join(LEVELS)}|show")
