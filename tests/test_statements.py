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


# --- 3. 01 and 02: what the blog post writes, and why its reason for adding does not hold in general -----

def test_no_notebook_says_the_blog_post_writes_the_error_as_actual_minus_prediction():
    """The post never writes y − ŷ, nor w + α(y − ŷ)x; many other texts do."""
    for name in ("01_error", "02_learning_rate"):
        text = markdown(name)
        for sentence in re.split(r"(?<=[.:;])\s", text):
            if "blog post" in sentence:
                assert "actual − prediction" not in sentence and "y - \\hat y" not in sentence, sentence
    assert said("01_error", "Many texts write actual − prediction instead; then positive means too low.")
    assert said("02_learning_rate", "Many texts write the error the other way round, actual − prediction")


def test_02_the_slope_is_negative_on_one_side_of_the_bottom_and_positive_on_the_other():
    """02 answers the post's reason for adding (a negative derivative) with the slopes that its section 1
    prints, at $60 and $200 a square foot on 01's line."""
    houses = data.load_houses()
    slopes = [linear.line_gradient(w, houses["Gr_Liv_Area"], houses["Sale_Price"]) / 1e9 for w in (60, 200)]
    assert slopes[0] < 0 < slopes[1]
    shown = [f"{slope:+.2f}".replace("-", "−") for slope in slopes]
    assert said("02_learning_rate", f"""the partial derivative, it says, has a negative sign. That holds only on
        one side of the bottom. On notebook 01's line the slope $\\frac{{dE}}{{dw}}$ is negative at {DOLLAR}60 a
        square foot and positive at {DOLLAR}200 (section 1 printed both: {shown[0]} and {shown[1]} billion""")


# --- 7. 02, section 3: where the raw valley lies ---------------------------------------------------------

def test_02_the_raw_valley_runs_along_the_b_axis_at_w_112_to_120():
    """The valley floor: for each b, the w of lowest loss, the best line through the origin for price − b."""
    houses = data.load_houses()
    area, price = houses["Gr_Liv_Area"], houses["Sale_Price"]
    best_w, best_b = linear.LineProblem(area, price, intercept=True).best
    floor = [linear.best_line_weight(area, price - b) for b in (0.0, best_b)]
    assert floor[1] == pytest.approx(best_w)
    assert said("02_learning_rate", f"""The valley is a thin sliver that runs almost parallel to the $b$ axis, at
        $w$ between about {floor[1]:.0f} and {floor[0]:.0f}: its floor is at $w = {floor[0]:.0f}$ where $b = 0$, and
        at $w = {best_w:.0f}$ at the star, {usd(best_b, 0)} further along $b$.""")
