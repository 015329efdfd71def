"""The variables .ci/run narrows numpy and OpenBLAS with (tests/narrowed_cpu.py): harmless on any machine,
and on this one they take effect."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from narrowed_cpu import LEVELS, narrowed

NUMPY_2_4_X86 = ["X86_V3", "X86_V4", "AVX512_ICL", "AVX512_SPR"]  # numpy 2.4.6's x86-64 wheel
HASWELL = {"AVX": True, "AVX2": True, "FMA3": True, "AVX512F": False}  # a CPU without AVX-512


def test_only_the_targets_this_numpy_dispatches_are_named():
    assert narrowed("avx2", NUMPY_2_4_X86, HASWELL, "x86_64") == {
        "NPY_DISABLE_CPU_FEATURES": "X86_V4,AVX512_ICL,AVX512_SPR", "OPENBLAS_CORETYPE": "Haswell"}
    assert narrowed("avx", NUMPY_2_4_X86, HASWELL, "x86_64") == {
        "NPY_DISABLE_CPU_FEATURES": "X86_V3,X86_V4,AVX512_ICL,AVX512_SPR", "OPENBLAS_CORETYPE": "SandyBridge"}
    older = ["SSE41", "AVX2", "FMA3", "AVX512F", "AVX512_SKX"]  # a numpy that names features, not levels
    assert narrowed("avx2", older, HASWELL, "x86_64")["NPY_DISABLE_CPU_FEATURES"] == "AVX512F,AVX512_SKX"


def test_no_core_the_cpu_lacks_and_none_off_x86():
    sandy_bridge = {"AVX": True, "AVX2": False, "FMA3": False}
    assert "OPENBLAS_CORETYPE" not in narrowed("avx2", NUMPY_2_4_X86, sandy_bridge, "x86_64")
    assert narrowed("avx", NUMPY_2_4_X86, sandy_bridge, "x86_64")["OPENBLAS_CORETYPE"] == "SandyBridge"
    assert narrowed("avx2", ["ASIMDHP", "ASIMDDP", "SVE"], {"ASIMD": True}, "aarch64") == {}


@pytest.mark.parametrize("level", LEVELS)
def test_numpy_says_nothing_and_takes_the_narrower_paths(level):
    env = narrowed(level)
    done = subprocess.run([sys.executable, "-W", "error", str(Path(__file__).parent / "narrowed_cpu.py"), "show"],
                          env={**os.environ, **env}, capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == "", done.stderr  # any warning would fail the tests
    numpy_on, openblas = done.stdout.strip().split("; ")
    for name in env.get("NPY_DISABLE_CPU_FEATURES", "").split(","):
        assert not name or name not in numpy_on.split(), (name, numpy_on)
    if "OPENBLAS_CORETYPE" in env and "not numpy’s own" not in openblas:
        assert openblas.lower() == f"openblas: {env['OPENBLAS_CORETYPE'].lower()}"
