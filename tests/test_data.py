import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_utils import data


def test_the_shipped_file_loads_with_every_column():
    houses = data.load_houses()
    assert set(houses) == set(data.UNITS)
    assert all(len(column) == 2930 for column in houses.values())
    assert houses["Sale_Price"].min() > 10_000 and houses["Sale_Price"].max() < 1_000_000
    assert houses["Gr_Liv_Area"][0] == 1656 and houses["Sale_Price"][0] == 215_000


def test_an_altered_file_is_refused_with_the_way_to_restore_it(tmp_path):
    altered = tmp_path / "ames_houses.csv"
    altered.write_bytes(data.DATA_FILE.read_bytes().replace(b"215000", b"215001", 1))
    with pytest.raises(data.DataFileError, match="changed.*git checkout -- data/ames_houses.csv") as caught:
        data.load_houses(altered)
    assert str(altered) in str(caught.value)


def test_a_windows_copy_with_crlf_line_endings_loads_the_same_houses(tmp_path):
    crlf = tmp_path / "ames_houses.csv"
    crlf.write_bytes(data.DATA_FILE.read_bytes().replace(b"\n", b"\r\n"))
    houses, same = data.load_houses(crlf), data.load_houses()
    assert all(np.array_equal(houses[name], same[name]) for name in same)


def test_a_git_checkout_with_autocrlf_gets_the_data_byte_for_byte(tmp_path):
    root = data.DATA_FILE.parent.parent
    if not (root / ".git").exists() or shutil.which("git") is None:
        assert not os.environ.get("CI"), "CI runs in a git clone, with git installed"
        pytest.skip("not a git checkout: nothing to check out")
    clone = tmp_path / "windows-clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "-c", "core.autocrlf=true", root.as_uri(), str(clone)],
                   check=True, capture_output=True)
    checked_out = clone / "data" / "ames_houses.csv"
    assert checked_out.read_bytes() == data.DATA_FILE.read_bytes()
    assert b"\r\n" not in (clone / "notebooks" / "01_error.ipynb").read_bytes()
    assert len(data.load_houses(checked_out)["Sale_Price"]) == 2930


def test_an_unreadable_file_says_what_to_do(tmp_path, monkeypatch):
    def refuse(path):
        raise PermissionError(13, "Permission denied", str(path))
    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(data.DataFileError, match="cannot be read \\(Permission denied\\).*your user may read it"):
        data.load_houses()


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(data.DataFileError, match="missing.*git checkout"):
        data.load_houses(tmp_path / "nowhere.csv")


def test_select_features_stacks_columns_and_names_unknown_ones():
    houses = data.load_houses()
    X = data.select_features(houses, ["Gr_Liv_Area", "Year_Built"])
    assert X.shape == (2930, 2)
    assert np.array_equal(X[:, 1], houses["Year_Built"])
    with pytest.raises(KeyError, match="Garage_Area"):
        data.select_features(houses, ["Garage_Area"])


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(2, 30), st.integers(1, 4)),
              elements=st.floats(-1e6, 1e6, allow_nan=False)))
def test_scaling_then_unscaling_gives_the_values_back(values):
    values = values + np.arange(values.shape[0])[:, None]  # no constant column (std 0)
    scaler = data.Scaler.fit(values)
    scaled = scaler.scale(values)
    assert np.allclose(scaled.mean(axis=0), 0, atol=1e-8)
    assert np.allclose(scaler.unscale(scaled), values, rtol=1e-9, atol=1e-6)


def test_the_split_is_seeded_disjoint_and_complete():
    train, test = data.train_test_split(100, test_fraction=0.2, seed=3)
    again_train, again_test = data.train_test_split(100, test_fraction=0.2, seed=3)
    assert np.array_equal(train, again_train) and np.array_equal(test, again_test)
    assert len(test) == 20 and len(train) == 80
    assert sorted(np.concatenate([train, test])) == list(range(100))
    assert not np.array_equal(test, data.train_test_split(100, 0.2, seed=4)[1])
    with pytest.raises(ValueError, match="between 0 and 1"):
        data.train_test_split(100, test_fraction=1.5)


def test_house_split_standardises_on_training_houses_and_converts_back_to_dollars():
    split = data.house_split(["Gr_Liv_Area", "Garage_Cars"])
    assert split.X_train.shape == (2344, 2) and split.X_test.shape == (586, 2)
    assert split.y_train.shape == (2344, 1)
    assert np.allclose(split.X_train.mean(axis=0), 0) and np.allclose(split.X_train.std(axis=0), 1)
    prices = data.load_houses()["Sale_Price"]
    train, test = data.train_test_split(2930, 0.2, 0)
    assert np.allclose(split.dollars(split.y_test)[:, 0], prices[test])
