"""Every picture shows what its text says, to every learner. Each notebook's code runs here, in this
process (its checks left out), and every figure it shows and every explorer it makes is looked at:

- colours that tell two things apart (two lines of a legend with the same style, a positive and a
  negative term, 02's regimes) stay apart for readers with deuteranopia, protanopia and tritanopia;
- text drawn in a figure, and check's verdict, is dark enough on its background (WCAG 2.2 AA: 4.5:1);
- with each explorer's controls moved to their ends, its markers stay inside their axes and no title,
  label, legend or axis is cut off at the figure's edge.
"""
import ast
import io
import itertools
import os
import re
from pathlib import Path

import colorspacious
import IPython.display
import nbformat
import numpy as np
import PIL.Image
import pytest
from matplotlib.colors import to_rgb, to_rgba
from matplotlib.container import Container
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

import course_utils
from browser import output_folder
from course_utils.explorers.explorer import Explorer
from course_utils.figures import common, dot_product
from course_utils.figures.learning_rate import REGIME_COLOURS
from course_utils.marking.judging import CheckResult

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(path.stem for path in (ROOT / "notebooks").glob("*.ipynb"))
BLINDNESS = ("deuteranomaly", "protanomaly", "tritanomaly")  # at severity 100: the full dichromacies
# How far apart two colours must stay, in CAM02-UCS units (where about 1 is the least difference seen
# between large patches), under each simulated colour blindness. matplotlib's default green and red,
# the pair 04 used for "raises the price" and "lowers it", are 5.2 apart under deuteranopia, and that is
# the pair such readers cannot tell apart; lines and bars are thin, so we ask for about twice that.
APART = 10.0


def run_notebook(name):
    """Run a notebook's code cells in this process, as a kernel would (a cell's last expression is shown),
    with check, hint and solution doing nothing. Returns (figures shown, explorers shown)."""
    figures, explorers = [], []

    def shown(*objects, **_):
        for thing in objects:
            (explorers if isinstance(thing, Explorer) else figures).append(thing)
    saved = (common.show, IPython.display.display, course_utils.check, course_utils.hint, course_utils.solution)
    common.show = lambda figure, dpi=100: figures.append(figure)
    IPython.display.display = shown
    course_utils.check = course_utils.hint = course_utils.solution = lambda *args, **kwargs: None
    namespace, here = {"__name__": "__main__"}, os.getcwd()
    os.chdir(ROOT / "notebooks")  # the notebooks read ../data
    try:
        for cell in nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4).cells:
            if cell.cell_type == "code":
                _run_cell(cell.source, namespace, shown)
    finally:
        os.chdir(here)
        common.show, IPython.display.display, course_utils.check, course_utils.hint, course_utils.solution = saved
    return [figure for figure in figures if hasattr(figure, "axes")], explorers


def _run_cell(source, namespace, shown):
    lines = [line for line in source.splitlines() if not line.lstrip().startswith("%")]  # %run setup_check
    tree = ast.parse("\n".join(lines))
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "cell", "exec"), namespace)
    if last is not None:
        shown(eval(compile(ast.Expression(last.value), "cell", "eval"), namespace))


@pytest.fixture(scope="module")
def pictures():
    """{"01_error: WeightExplorer": figure, ...} and the explorers, from every notebook."""
    figures, explorers = {}, []
    for name in NOTEBOOKS:
        shown, made = run_notebook(name)
        figures.update({f"{name}: figure {i}": figure for i, figure in enumerate(shown)})
        figures.update({f"{name}: {type(explorer).__name__} {i}": explorer.figure for i, explorer in enumerate(made)})
        explorers += [(f"{name}: {type(explorer).__name__}", explorer) for explorer in made]
    return figures, explorers


def as_seen(colour, blindness):
    """The colour as a reader with this colour blindness sees it, in CAM02-UCS."""
    rgb = colorspacious.cspace_convert(np.array(to_rgb(colour)), {"name": "sRGB1+CVD", "cvd_type": blindness,
                                                                   "severity": 100}, "sRGB1")
    return colorspacious.cspace_convert(np.clip(rgb, 0, 1), "sRGB1", "CAM02-UCS")


def closest(one, other):
    """The smallest distance between two colours under the three colour blindnesses, and which."""
    return min((float(np.linalg.norm(as_seen(one, kind) - as_seen(other, kind))), kind) for kind in BLINDNESS)


def legend_entries(ax):
    """{label: (colour, cue)} of the axes' legend, where the cue is what besides colour tells an entry
    apart: its kind, line style, marker and hatch."""
    entries = {}
    for handle, label in zip(*ax.get_legend_handles_labels()):
        if isinstance(handle, Container):  # bars, error bars: their first part stands for them
            handle = handle[0]
        if isinstance(handle, Line2D):
            drawn = handle.get_linestyle() not in ("None", "", " ")
            marker = handle.get_marker() if handle.get_marker() not in ("None", "", " ", None) else None
            colour = handle.get_color() if drawn else handle.get_markerfacecolor()
            cue = ("line", handle.get_linestyle() if drawn else None, marker)
        elif isinstance(handle, Patch):
            colour, cue = handle.get_facecolor(), ("patch", None, handle.get_hatch())
        else:  # a scatter's dots
            colours = handle.get_facecolor()
            colour, cue = (colours[0] if len(colours) else handle.get_edgecolor()[0]), ("dots", None, None)
        if to_rgba(colour)[3] > 0:
            entries[label] = (colour, cue)
    return entries


def test_colours_that_tell_things_apart_stay_apart_for_colour_blind_readers(pictures):
    figures, _ = pictures
    alike = []
    for where, figure in figures.items():
        for ax in figure.axes:
            for (one, (a, cue_a)), (other, (b, cue_b)) in itertools.combinations(legend_entries(ax).items(), 2):
                distance, kind = closest(a, b)
                if cue_a == cue_b and distance < APART:  # told apart by colour alone
                    alike.append(f"{where}: {one!r} and {other!r} are {distance:.1f} apart under {kind}")
    assert not alike, "\n".join(alike)


def test_the_signs_and_the_regimes_stay_apart_and_a_sign_has_a_second_cue(pictures):
    assert closest(common.GREEN, common.RED)[0] >= APART  # 04: raises the price, lowers it
    assert closest(dot_product.BASE, common.GREEN)[0] >= APART  # 04: the base price, a term that raises it
    assert closest(common.FORWARD_COLOUR, common.BACKWARD_COLOUR)[0] >= APART  # 05, 06: values, gradients
    for one, other in itertools.combinations(REGIME_COLOURS.values(), 2):  # 02's bands are also named
        assert closest(one, other)[0] >= APART / 2, (one, other)
    figure, (ax,) = common.new_figure()
    dot_product.plot_contributions(ax, ["up", "down"], np.array([3000.0, -2000.0]), 10_000.0)
    bars = ax.patches
    assert bars[2].get_hatch() == "//" and not bars[1].get_hatch()  # the term that lowers the price
    assert [text.get_text() for text in ax.texts][1:3] == ["+$3,000", "−$2,000"]


def test_text_in_figures_is_dark_enough_on_its_background(pictures):
    figures, _ = pictures
    faint = []
    for where, figure in figures.items():
        for ax in figure.axes:
            texts = [*ax.texts, ax.title, *(ax.get_legend().get_texts() if ax.get_legend() else [])]
            for text in texts:
                if not text.get_visible() or not text.get_text().strip():
                    continue
                box = text.get_bbox_patch()
                ground = box.get_facecolor() if box and to_rgba(box.get_facecolor())[3] > 0 else ax.get_facecolor()
                ratio = common.contrast(text.get_color(), ground)
                if ratio < 4.5:
                    faint.append(f"{where}: {text.get_text()[:40]!r} is {ratio:.1f}:1")
    assert not faint, "\n".join(faint)


def ends(control):
    """The values at a control's ends: a slider's lowest and highest, each of a choice's options."""
    if hasattr(control, "options"):
        return [option[1] if isinstance(option, tuple) else option for option in control.options]
    return [control.min, control.max]


def cut_off(figure):
    """What of the figure is drawn outside it or outside its axes: text past the figure's edge, a marker
    (a "you are here" of at most three points, clipped by its axes) not whole inside its axes."""
    figure.canvas.draw()
    renderer, edge = figure.canvas.get_renderer(), figure.bbox
    found = []
    for ax in figure.axes:
        texts = [*ax.texts, ax.title, *(ax.get_legend().get_texts() if ax.get_legend() else [])]
        boxes = [(repr(text.get_text()[:30]), text.get_window_extent(renderer))
                 for text in texts if text.get_visible() and text.get_text().strip()]
        if ax.axison:
            boxes += [(f"the {axis.axis_name} axis", axis.get_tightbbox(renderer))
                      for axis in (ax.xaxis, ax.yaxis) if axis.get_visible()]
        found += [f"{what} is cut at the figure's edge" for what, box in boxes
                  if box is not None and (box.x0 < -1 or box.y0 < -1 or box.x1 > edge.x1 + 1 or box.y1 > edge.y1 + 1)]
        for line in ax.get_lines():
            points = np.column_stack(line.get_data()).astype(float)
            if not line.get_visible() or not line.get_clip_on() or len(points) > 3 or line.get_marker() in (
                    None, "None", "", " "):
                continue
            radius = line.get_markersize() * figure.dpi / 72 / 2
            for x, y in line.get_transform().transform(points):
                inside = ax.bbox.x0 - 1 <= x - radius and x + radius <= ax.bbox.x1 + 1 and (
                    ax.bbox.y0 - 1 <= y - radius and y + radius <= ax.bbox.y1 + 1)
                if np.isfinite([x, y]).all() and not inside:
                    found.append(f"the marker {line.get_label()!r} is not whole inside its axes")
    return found


def covered_by_a_legend(figure):
    """The texts in an axes (a bar's label, a note) that its legend covers."""
    figure.canvas.draw()
    renderer, found = figure.canvas.get_renderer(), []
    for ax in figure.axes:
        legend = ax.get_legend()
        if legend is None or not legend.get_visible():
            continue
        box = legend.get_window_extent(renderer)
        found += [f"the legend covers {text.get_text()[:30]!r}" for text in ax.texts
                  if text.get_visible() and text.get_text().strip() and box.overlaps(text.get_window_extent(renderer))]
    return found


def test_no_legend_covers_a_text_of_its_figure(pictures):
    # Before: 04's waterfall had its legend over the area bar's "+$105,000".
    figures, _ = pictures
    found = [f"{where}: {what}" for where, figure in figures.items() for what in covered_by_a_legend(figure)]
    assert not found, "\n".join(found)


def test_every_log_axis_is_labelled_in_plain_text(pictures):
    # matplotlib's own log labels are typeset formulas ($\\mathdefault{10^{-3}}$), each parsed at every
    # first drawing: 02's cells took 1.88 CPU-s with them, 1.63 without. common.powers_of_ten writes 0.001.
    figures, _ = pictures
    found, log_axes = [], 0
    for where, figure in figures.items():
        figure.canvas.draw()
        for ax in figure.axes:
            for axis in (ax.xaxis, ax.yaxis):
                if axis.get_scale() != "log":
                    continue
                log_axes += 1
                found += [f"{where}: {label.get_text()!r}" for label in axis.get_ticklabels(which="both")
                          if "$" in label.get_text()]
                low, high = sorted(axis.get_view_interval())
                shown = [label for label, place in zip(axis.get_ticklabels(), axis.get_majorticklocs())
                         if low <= place <= high and label.get_text()]
                if len(shown) < 2:  # a span without two powers of ten would be left unlabelled
                    found.append(f"{where}: {len(shown)} labels from {low:g} to {high:g}")
    assert log_axes >= 10 and not found, "\n".join(found)


def test_powers_of_ten_are_written_as_decimals_or_in_scientific_notation():
    figure, (ax,) = common.new_figure()
    ax.set(yscale="log", ylim=(1e-3, 1e3))
    common.powers_of_ten(ax.yaxis)
    figure.canvas.draw()
    shown = [label.get_text() for label in ax.yaxis.get_ticklabels() if 1e-3 <= label.get_position()[1] <= 1e3]
    assert shown == ["0.001", "0.01", "0.1", "1", "10", "100", "1,000"]
    assert not [label.get_text() for label in ax.yaxis.get_ticklabels(minor=True) if label.get_text()]
    label = ax.yaxis.get_major_formatter()
    assert [label(value) for value in (1e-8, 1e-4, 1e4, 1e5, 1e12)] == ["1e-8", "1e-4", "10,000", "1e5", "1e12"]


def test_an_explorers_picture_is_a_png_of_exactly_what_its_canvas_holds():
    figure, (ax,) = common.new_figure(width=4, height=2)
    ax.plot([0, 1], [0, 1], color=common.ORANGE)
    ax.set_title("a line")
    figure.canvas.draw()
    png = common.canvas_png(figure.canvas)
    picture = PIL.Image.open(io.BytesIO(png))
    assert png.startswith(b"\x89PNG") and picture.format == "PNG" and picture.mode == "RGB"
    assert np.array_equal(np.asarray(picture), np.asarray(figure.canvas.buffer_rgba())[:, :, :3])


def test_every_explorer_shows_its_marks_and_text_whole_with_its_controls_at_their_ends(pictures):
    _, explorers = pictures
    found = []
    for where, explorer in explorers:
        start = dict(explorer.values)
        for name, control in explorer.controls.items():
            for value in ends(control):
                explorer.update(**{name: value})
                found += [f"{where} at {name}={value}: {what}"
                          for what in cut_off(explorer.figure) + covered_by_a_legend(explorer.figure)]
            explorer.update(**{name: start[name]})
    assert not found, "\n".join(sorted(set(found)))


def test_04s_contributions_as_a_reader_with_deuteranopia_sees_them():
    """The picture is saved (test-output/, or $COURSE_TEST_OUTPUT) for a person to look at; the bar that
    lowers the price stays apart from those that raise it."""
    figure, (ax,) = common.new_figure(1, width=7, height=3.4)
    dot_product.plot_contributions(ax, ["area", "bedrooms", "age", "garage"],
                                   np.array([105_000.0, 6_000.0, -12_000.0, 20_000.0]), 4_000.0, actual=100_000)
    picture = np.asarray(PIL.Image.open(io.BytesIO(common.to_png(figure))).convert("RGB")) / 255
    seen = colorspacious.cspace_convert(picture, {"name": "sRGB1+CVD", "cvd_type": "deuteranomaly",
                                                  "severity": 100}, "sRGB1")
    path = output_folder() / "04_contributions_deuteranopia.png"
    PIL.Image.fromarray((np.clip(seen, 0, 1) * 255).astype(np.uint8)).save(path)
    assert path.stat().st_size > 0
    assert closest(common.GREEN, common.RED)[0] >= APART
    assert covered_by_a_legend(figure) == []  # before: the legend covered the area bar's "+$105,000"


@pytest.mark.parametrize("message", ["passed: correct on all 3 test cases.", "… mse: not attempted yet",
                                     "mse: wrong for [1, 2]"])
@pytest.mark.parametrize("passed", [True, False])
def test_checks_verdicts_are_dark_enough_on_their_own_background_in_any_theme(message, passed):
    # The verdict sets its own background: in a dark theme its colours on the page were 2.7 to 3.5:1.
    style = re.search(r'style="([^"]*)"', CheckResult(passed, message)._repr_html_()).group(1)
    rules = dict(rule.split(":", 1) for rule in style.split(";"))
    assert common.contrast(rules["color"], rules["background"]) >= 4.5, rules
