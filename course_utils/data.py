"""The Ames house sales shipped in data/: load them (checksum verified), choose features, standardise,
and split into training and test houses with a fixed seed. Introduced in 01_error."""
import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "ames_houses.csv"
DATA_SHA256 = "b694e4fc01b824c35b3b3ec6dc9a4cd43de897bb65d9c17602f71ab46894a2a5"
RESTORE = "Restore it from the course repository with: git checkout -- data/ames_houses.csv"

UNITS = {
    "Gr_Liv_Area": "sq ft", "Bedroom_AbvGr": "bedrooms", "Full_Bath": "full baths",
    "Half_Bath": "half baths", "Year_Built": "year", "Lot_Area": "sq ft",
    "Garage_Cars": "cars", "Sale_Price": "$",
}

# Each column as the figures and explorers name it.
FEATURE_NAMES = {
    "Gr_Liv_Area": "living area", "Bedroom_AbvGr": "bedrooms", "Full_Bath": "full baths",
    "Half_Bath": "half baths", "Year_Built": "year built", "Lot_Area": "lot area",
    "Garage_Cars": "garage (cars)",
}
EXPLORED = ("Gr_Liv_Area", "Year_Built", "Garage_Cars")  # the three features of 04's explorer

# 05's house, row 2254 of house_split's training houses: it sold for $100,000, as the made-up house of
# 01-04 did, and has 1,392 sq ft (that one has 1,500). The split's seed fixes the row, whatever the features.
OUR_HOUSE = 2254


class DataFileError(RuntimeError):
    """The house data file is missing or differs from the one the course ships (load_houses raises it)."""


def load_houses(path=DATA_FILE, sha256=DATA_SHA256):
    """Every column of the house data as a float array, keyed by column name. Introduced in 01_error."""
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"The house data file {path} is missing. {RESTORE}")
    try:
        raw = path.read_bytes()
    except OSError as problem:
        raise DataFileError(f"The house data file {path} cannot be read ({problem.strerror}). Check that "
                            "your user may read it, or copy the course folder somewhere you own.") from None
    text = raw.replace(b"\r\n", b"\n")  # a Windows checkout may end lines with CRLF: same data
    if hashlib.sha256(text).hexdigest() != sha256:
        raise DataFileError(f"The house data file {path} has been changed (its checksum differs). {RESTORE}")
    header, *rows = csv.reader(text.decode("utf-8").splitlines())
    table = np.array(rows, dtype=float)
    return {name: table[:, column] for column, name in enumerate(header)}


def select_features(houses, names):
    """Stack the named columns into a matrix X of shape (n_houses, len(names)).
    Introduced in 02_learning_rate."""
    missing = [name for name in names if name not in houses]
    if missing:
        raise KeyError(f"No column {missing[0]!r}; the columns are {sorted(houses)}")
    return np.column_stack([houses[name] for name in names])


@dataclass
class Scaler:
    """Standardises values to mean 0 and standard deviation 1, and maps them back.
    Introduced in 02_learning_rate."""
    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, values):
        return cls(np.mean(values, axis=0), np.std(values, axis=0))

    def scale(self, values):
        return (values - self.mean) / self.std

    def unscale(self, scaled):
        return scaled * self.std + self.mean


def train_test_split(n_rows, test_fraction=0.2, seed=0):
    """Row indices (train, test), shuffled with a fixed seed so every run picks the same houses.
    Introduced in 05_backpropagation."""
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    order = np.random.default_rng(seed).permutation(n_rows)
    n_test = int(round(n_rows * test_fraction))
    return order[n_test:], order[:n_test]


@dataclass
class HouseSplit:
    """Standardised training and test data, with the scalers that turn them back into units:
    what house_split returns."""
    features: list
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    x_scaler: Scaler
    y_scaler: Scaler

    def dollars(self, scaled_prices):
        """Scaled prices -> US dollars."""
        return self.y_scaler.unscale(scaled_prices)


def house_split(features=("Gr_Liv_Area",), test_fraction=0.2, seed=0):
    """Features and prices, split and standardised on the training houses only (so the test houses stay
    unseen); prices come as a column of shape (n, 1). Introduced in 05_backpropagation."""
    houses = load_houses()
    X = select_features(houses, list(features))
    y = houses["Sale_Price"].reshape(-1, 1)
    train, test = train_test_split(len(y), test_fraction, seed)
    x_scaler, y_scaler = Scaler.fit(X[train]), Scaler.fit(y[train])
    return HouseSplit(list(features), x_scaler.scale(X[train]), y_scaler.scale(y[train]),
                      x_scaler.scale(X[test]), y_scaler.scale(y[test]), x_scaler, y_scaler)


def area_and_price():
    """Living area (sq ft) and sale price ($) of every Ames house. Introduced in 03_derivatives."""
    houses = load_houses()
    return houses["Gr_Liv_Area"], houses["Sale_Price"]


def standardised_houses(features=EXPLORED):
    """Standardised features X (n, d), prices y in dollars (n,), and the scaler.
    Introduced in 04_dot_product."""
    houses = load_houses()
    X = select_features(houses, list(features))
    scaler = Scaler.fit(X)
    return scaler.scale(X), houses["Sale_Price"], scaler
