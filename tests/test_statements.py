"""What the notebooks' text says is what the code computes (issue 23's "Seven statements", and others of
their kind). Each test reads a sentence of a notebook's markdown, computes its numbers or its claim from
course_utils with the notebook's own settings, and compares them at the digits the sentence shows, digits
that hold on every CPU. A test names the notebook and the section it checks."""
import json
import re
from pathlib import Path

import numpy as np
import pytest

from course_utils import data, deep, linear, network

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
DOLLAR = "\\\\$"  # how the notebooks' markdown writes a dollar sign: \\$


def markdown(name):
    """A notebook's markdown cells as one text, every run of spaces, line breaks and indents one space."""
    notebook = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text("utf-8"))
    return " ".join(" ".join("".join(cell["source"]) for cell in notebook["cells"]
                             if cell["cell_type"] == "markdown").split())


def said(name, words):
    """Whether notebook `name` says these words (line breaks and indents count as one space)."""
    return " ".join(words.split()) in markdown(name)


def usd(value, digits=-2):
    """A dollar amount as the notebooks' markdown writes it, rounded: usd(49_247) == '\\\\$49,200'."""
    return f"{DOLLAR}{round(value, digits):,.0f}"


# --- 1. 04, section 2: the RMSEs of the best weights, and their median misses -----------------------------

def best_misses(features):
    """Each house's miss, in dollars, with the best weights (least squares) on these features, all houses."""
    houses = data.load_houses()
    X = data.select_features(houses, features)
    w, b = linear.best_weights(X, houses["Sale_Price"])
    return np.abs(X @ w + b - houses["Sale_Price"])


def test_04_says_rmse_where_it_means_rmse_and_gives_the_median_misses():
    misses = {name: best_misses(features) for name, features in [
        ("two", ["Gr_Liv_Area", "Garage_Cars"]),
        ("four", ["Gr_Liv_Area", "Bedroom_AbvGr", "Full_Bath", "Garage_Cars"]),
        ("three", ["Gr_Liv_Area", "Year_Built", "Garage_Cars"])]}
    rmse = {name: np.sqrt(np.mean(miss ** 2)) for name, miss in misses.items()}
    median = {name: np.median(miss) for name, miss in misses.items()}
    assert said("04_dot_product", f"""living area and garage alone reach an RMSE of {usd(rmse["two"])}; adding
        bedrooms and baths brings that down by {usd(rmse["two"] - rmse["four"])}, adding the year built instead
        by {usd(rmse["two"] - rmse["three"])}. So, each at its best weights, the four features above reach
        {usd(rmse["four"])} and these three {usd(rmse["three"])}: about {usd(rmse["four"] - rmse["three"], -3)}
        better""")
    assert said("04_dot_product", f"""An RMSE is not the miss of a typical house (notebook 01): half the houses
        are missed by less than {usd(median["two"])} with area and garage, {usd(median["four"])} with the four,
        {usd(median["three"])} with these three.""")
    assert all(median[name] < rmse[name] / 2 for name in misses)  # the RMSE is far from a typical miss
    assert not re.search(r"miss(es)? by \S+ on a typical house", markdown("04_dot_product"))
