"""The learning-rate explorer of 02_learning_rate: run gradient descent on a line through the houses and
watch the loss curve, the path of the weights, and the regime (too slow / converging / oscillating /
diverging) change with α and the number of steps. Introduced in 02_learning_rate."""
import numpy as np
from matplotlib.transforms import Bbox

from course_utils.descent import CLOSE, NOISE, REGIMES, count, quadratic_regime, run_descent
from course_utils.explorers.explorer import Explorer, choice_slider, slider
from course_utils.figures.common import ORANGE, canvas_png, new_figure
from course_utils.figures.error import plot_error_landscape
from course_utils.figures.learning_rate import REGIME_COLOURS, RegimeStrip, plot_error_contours, plot_loss_curve
from course_utils.linear import LineProblem

WEIGHT_NAMES = ("w", "the bias")  # what the status line calls each weight; "crawls" follows

NICE = (1, 2, 3, 5, 8)  # the α slider's notches in each power of ten: 0.1, 0.2, 0.3, 0.5, 0.8, 1, 2, ...
BESIDE_EDGE = 0.05  # and a notch this share below and above each edge between regimes


def alpha_ladder(low, high, edges, also=()):
    """The values the α slider steps through, one per key press: 1, 2, 3, 5 and 8 times each power of ten
    from low to high, both ends, the values in `also`, and 5% either side of each edge (a value right on an
    edge would be named by rounding noise, so nice values within 10% of one give way to the pair)."""
    edges = [edge for edge in edges if low < edge < high]
    decades = range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
    nice = [float(f"{m}e{k}") for k in decades for m in NICE]  # exact decimals: 3e-1 is 0.3, not 0.30000000000000004
    beside = [float(f"{edge * (1 + side * BESIDE_EDGE):.3g}") for edge in edges for side in (-1, 1)]
    clear = [value for value in nice if all(abs(np.log(value / edge)) > np.log(1.1) for edge in edges)]
    values = sorted({value for value in [low, high, *also, *beside, *clear] if low <= value <= high})
    return [int(value) if value == int(value) else value for value in values]  # the slider reads 2, not 2.0


def _around(start, best):
    """A range holding both the start and the best value, with room on each side."""
    gap = abs(best - start)
    return min(start, best) - 0.2 * gap, max(start, best) + 0.6 * gap


class LearningRateExplorer(Explorer):
    """Sliders for α (alpha_ladder's values, one per key press) and the number of steps; the loss curve, the
    path on the error landscape and the regime follow live. The strip at the bottom names what happens at
    every α for this many steps,
    worked out from the curvatures (descent.quadratic_regime), so the band under the marker always says what
    the status line says. Introduced in 02_learning_rate."""

    def __init__(self, x, y, start, alpha, alpha_range, intercept=False, steps=30, max_steps=100,
                 units=("w", "b", "loss")):
        self.problem = LineProblem(x, y, intercept)
        self.start = np.asarray(start, float)
        figure = new_figure(width=9.5, height=5.0)[0]
        figure.clear()
        grid = figure.add_gridspec(2, 2, height_ratios=[4, 1.4], hspace=0.7, wspace=0.3)
        figure.subplots_adjust(left=0.09, right=0.98, bottom=0.1, top=0.92)
        loss_ax, landscape_ax, strip_ax = (figure.add_subplot(grid[0, 0]), figure.add_subplot(grid[0, 1]),
                                           figure.add_subplot(grid[1, :]))
        self.curve = plot_loss_curve(loss_ax, [1.0, 1.0])
        start_gap = self.problem.loss(self.start) - self.problem.lowest_loss
        # Fixed limits, so runs can be compared; a diverging run leaves through the top.
        loss_ax.set(ylabel=f"{units[2]} above its lowest (log)", title="loss curve",
                    ylim=(start_gap * 1e-9, start_gap * 1e3), xlim=(0, max_steps))
        self.loss_ax = loss_ax
        self._draw_landscape(landscape_ax, units)
        # The bowl's principal directions: their curvatures, and the start's gap to the bottom along each.
        self.curvatures, directions = np.linalg.eigh(self.problem.hessian)
        self.start_gaps = directions.T @ (self.start - self.problem.best)
        self.direction_names = [WEIGHT_NAMES[int(np.argmax(np.abs(v)))] for v in directions.T]
        self.alpha_range, self._segments = alpha_range, {}
        boundary = "α = 2 / curvature" if len(self.start) == 1 else "α = 2 / largest curvature"
        self.strip = RegimeStrip(strip_ax, *alpha_range, self.problem.stable_below(), boundary)
        # Each factor 1 − α·c changes sign at α = 1/c and passes −1 at α = 2/c: the regimes' edges.
        edges = [k / c for c in self.curvatures if c > 0 for k in (1, 2)]
        ladder = alpha_ladder(*alpha_range, edges, also=[alpha])
        controls = {"alpha": choice_slider("learning rate α", ladder),
                    "steps": slider("steps", 1, max_steps, 1, whole=True, width="300px")}
        self._strip_pictures = {}  # segments -> the strip as drawn: see _render
        super().__init__(figure, controls, [*self.strip.layer, self.curve, self.path, self.strip.marker],
                         start=dict(alpha=alpha, steps=steps))

    def _draw_landscape(self, ax, units):
        problem = self.problem
        if problem.intercept:  # two weights: contour lines, path drawn in (w, b)
            w_grid, b_grid = (np.linspace(*_around(self.start[k], problem.best[k]), 120) for k in (0, 1))
            W, B = np.meshgrid(w_grid, b_grid)
            # A quadratic is its lowest value plus half the curvatures times the squared gaps: exact, and
            # without a (grid × houses) array.
            gaps = np.stack([W - problem.best[0], B - problem.best[1]], axis=-1)
            losses = problem.lowest_loss + 0.5 * np.einsum("...i,ij,...j->...", gaps, problem.hessian, gaps)
            plot_error_contours(ax, w_grid, b_grid, losses, units[0], units[1])
            ax.plot(*problem.best, "*", color="black", ms=10, label="lowest loss")
        else:  # one weight: the parabola itself, path drawn on it
            spread = 1.6 * abs(self.start[0] - problem.best[0])
            w_grid = np.linspace(problem.best[0] - spread, problem.best[0] + spread, 200)
            marker = plot_error_landscape(ax, w_grid, [problem.loss(np.array([w])) for w in w_grid],
                                          units[0], units[2])
            marker.remove()  # the path below marks every weight visited instead
        (self.path,) = ax.plot([], [], "o-", color=ORANGE, ms=3, lw=1, label="path of gradient descent")
        ax.legend(loc="upper center", fontsize=8)
        ax.set_title("error landscape")

    def describe(self, alpha, steps):
        """(regime, crawler) for this α and number of steps: the regime, and, when some direction of a bowl
        crawls while another does not, the weight that direction is (almost) along, e.g. "the bias"; else
        None. For an array of α, a list of them."""
        kinds = [self._decode(code) for code in self._codes(np.atleast_1d(alpha), steps)]
        return kinds if np.ndim(alpha) else kinds[0]

    def _codes(self, alphas, steps):
        """describe() as one whole number per α, quick to compare: the regime's place in REGIMES times
        2^(number of directions), plus one bit per crawling direction when the crawl is worth a note."""
        regimes, crawling = quadratic_regime(self.curvatures, self.start_gaps, alphas, steps)
        moving = np.abs(self.start_gaps) > NOISE * np.linalg.norm(self.start_gaps)  # as quadratic_regime
        noted = (((regimes == "too slow") | (regimes == "oscillating")) & crawling.any(axis=1)
                 & ~crawling[:, moving].all(axis=1))
        bits = crawling.astype(int) @ (1 << np.arange(len(moving))) * noted
        order = np.select([regimes == regime for regime in REGIMES], range(len(REGIMES)))
        return order * 2 ** len(moving) + bits

    def _decode(self, code):
        regime, bits = REGIMES[int(code) >> len(self.start_gaps)], int(code) % 2 ** len(self.start_gaps)
        names = sorted({name for k, name in enumerate(self.direction_names) if bits >> k & 1})
        return regime, " and ".join(names) if names else None

    @staticmethod
    def label(regime, crawler, newline=False):
        """'too slow', 'too slow (the bias crawls)', 'oscillating (and the bias crawls)'."""
        if crawler is None:
            return regime
        return f"{regime}{chr(10) if newline else ' '}({'and ' if regime == 'oscillating' else ''}{crawler} crawls)"

    def segments(self, steps):
        """The strip's bands for this many steps: (low, high, regime, label) from left to right. Worked out
        once per number of steps, on a grid of α; each change is then pinned down on a finer grid."""
        if steps not in self._segments:
            low, high = self.alpha_range
            # Where the factors 1 − α·c cross 0 and −1, and keep 1% after `steps` steps: every narrow band
            # holds one of these, so the grid cannot step over it.
            turns = np.outer([1, 2, 1 - CLOSE ** (1 / steps)], 1 / self.curvatures[self.curvatures > 0]).ravel()
            turns = np.outer(turns, [1 - 1e-9, 1 + 1e-9]).ravel()
            grid = np.unique(np.concatenate([np.geomspace(low, high, 400), turns[(turns > low) & (turns < high)]]))
            codes = self._codes(grid, steps)
            edges, names = [low], [self._decode(codes[0])]
            for k in np.flatnonzero(np.diff(codes)) + 1:
                fine = np.geomspace(grid[k - 1], grid[k], 1000)  # to a millionth of α or so
                changed = np.argmax(self._codes(fine, steps) != codes[k - 1])
                edges.append(np.sqrt(fine[changed - 1] * fine[changed]))
                names.append(self._decode(codes[k]))
            edges.append(high)
            self._segments[steps] = [(edges[k], edges[k + 1], regime, self.label(regime, crawler, newline=True))
                                     for k, (regime, crawler) in enumerate(names)]
        return self._segments[steps]

    def _render(self):
        """As Explorer._render, with more saved pictures: the strip, for each number of steps it has been
        drawn for (its bands change only with the number of steps, and its names are slow to draw), so that
        moving α redraws only the loss curve, the path and the marker."""
        canvas = self.figure.canvas
        if None not in self._backgrounds:
            canvas.draw()  # everything except the moving artists
            self._backgrounds[None] = canvas.copy_from_bbox(self.figure.bbox)
            self._strip_pictures = {}
        else:
            canvas.restore_region(self._backgrounds[None])
        key = tuple(self.strip.segments)
        if key in self._strip_pictures:
            canvas.restore_region(self._strip_pictures[key])
        else:
            for artist in self.strip.layer:
                self.figure.draw_artist(artist)
            box = self.strip.ax.bbox  # the bands and their names lie inside the strip's axes
            box = Bbox.from_extents(box.x0 - 2, box.y0 - 2, box.x1 + 2, box.y1 + 2)
            self._strip_pictures[key] = canvas.copy_from_bbox(box)
        for artist in (self.curve, self.path, self.strip.marker):
            self.figure.draw_artist(artist)
        return canvas_png(canvas)

    def draw(self, alpha, steps):
        problem = self.problem
        run = run_descent(problem.loss, problem.gradient, self.start, alpha, steps, best=problem.best)
        excess = np.maximum(run.losses - problem.lowest_loss, 1e-300)  # a log axis needs > 0
        self.curve.set_data(np.arange(len(excess)), excess)
        if self.problem.intercept:
            self.path.set_data(run.weights[:, 0], run.weights[:, 1])
        else:
            self.path.set_data(run.weights[:, 0], run.losses)
        self.strip.point_at(alpha)
        self.strip.move(self.segments(steps))
        regime, crawler = self.describe(alpha, steps)
        self.regime, self.run = regime, run
        where = f", diverged at step {run.diverged_at}" if run.diverged_at else ""
        colour = REGIME_COLOURS[regime]
        note = self.label(regime, crawler)[len(regime):]
        return (f"α = {alpha:.3g}, {count(steps, 'step')}: <span style='background:{colour};color:#000;padding:0 4px'>"
                f"<b>{regime}</b></span>{note}{where}; stable below α = {self.problem.stable_below():.3g}")

    def __repr__(self):
        return f"LearningRateExplorer(alpha={self.values['alpha']:.3g}, steps={self.values['steps']}): " \
               f"{self.label(*self.describe(self.values['alpha'], self.values['steps']))}"
