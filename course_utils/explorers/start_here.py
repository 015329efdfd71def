"""The explorer of 00_start_here: one house, one prediction, one error, to show that sliders work.
"""
from course_utils.explorers.explorer import Explorer, slider
from course_utils.figures.common import GREEN, ORANGE, RED, dollar_axis, new_figure, padded, signed_dollars


class PredictionDemo(Explorer):
    """One house sold for $100,000: slide the prediction and watch the error. Introduced in 00_start_here."""

    ACTUAL = 100_000

    def __init__(self, prediction=150_000):
        figure, (ax,) = new_figure(width=7, height=2.2)
        figure.subplots_adjust(left=0.05, right=0.95, bottom=0.3, top=0.8)
        control = slider("prediction ($)", 0, 200_000, 5_000, whole=True, width="420px")
        ax.axvline(self.ACTUAL, color=GREEN, lw=3, label="actual price: $100k")
        # The marker and the arrow start at the actual price; draw() moves them to the prediction.
        (self.marker,) = ax.plot([self.ACTUAL], [0], "v", color=ORANGE, ms=14, label="prediction")
        self.arrow = ax.annotate("", xy=(self.ACTUAL, 0), xytext=(self.ACTUAL, 0),
                                 arrowprops=dict(arrowstyle="<->", color=RED, lw=2))
        self.text = ax.set_title("")  # the title spells out the error
        ax.set(xlim=padded(0, 200_000), ylim=(-1, 1), yticks=[], xlabel="price ($)")
        dollar_axis(ax.xaxis)
        ax.legend(loc="lower left", fontsize=8, ncols=2)
        super().__init__(figure, {"prediction": control}, [self.marker, self.arrow, self.text],
                         start={"prediction": prediction})

    def draw(self, prediction):
        self.marker.set_xdata([prediction])
        self.arrow.xy = (prediction, 0)
        error = prediction - self.ACTUAL
        self.text.set_text(f"error = prediction − actual = {signed_dollars(error)}")
        return f"Predicted <b>${prediction:,}</b> for a $100,000 house: the error is <b>{signed_dollars(error)}</b>."
