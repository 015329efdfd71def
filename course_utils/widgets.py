"""The pattern every interactive explorer follows: controls, plus one figure that is drawn once and
afterwards only has its artists moved. Introduced in 00_start_here.

    explorer.update(alpha=0.5)   # what a slider calls, and what the tests call

An explorer displays as its live widget in JupyterLab, Notebook 7 and VS Code; static viewers and
stored notebooks get a PNG of its current figure and a one-line text summary instead.
"""
import ipywidgets as widgets

from course_utils.plots import DPI, dollar_axis, new_figure, png_base64, signed_dollars, to_png


class Explorer:
    """Controls plus one reused figure. A subclass builds its artists once in __init__ and moves them
    in `draw(**values)`, which returns the status line to show under the controls."""

    def __init__(self, figure, controls):
        self.figure = figure
        self.controls = controls
        self.values = {name: control.value for name, control in controls.items()}
        width, height = (figure.get_size_inches() * DPI).astype(int)
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=f"{width}px", height=f"{height}px"))
        self.status = widgets.HTML()
        for name, control in controls.items():
            control.observe(lambda change, name=name: self.update(**{name: change.new}), names="value")
        self.widget = widgets.VBox([widgets.HBox(list(controls.values())), self.status, self.image])

    def update(self, **values):
        """Set some controls' values, redraw, and return the status line."""
        for name, value in values.items():
            self._validate(name, value)
        self.values.update(values)
        for name, value in values.items():
            if self.controls[name].value != value:
                self.controls[name].value = value  # keep the slider where the caller put it
        self.status_text = self.draw(**self.values)
        self.status.value = self.status_text
        self.image.value = to_png(self.figure)
        return self.status_text

    def _validate(self, name, value):
        if name not in self.controls:
            raise TypeError(f"{type(self).__name__}.update() has no control {name!r}; "
                            f"its controls are {sorted(self.controls)}")
        low, high = getattr(self.controls[name], "min", None), getattr(self.controls[name], "max", None)
        if low is not None and not low <= value <= high:
            raise ValueError(f"{name} must be between {low:g} and {high:g}, got {value!r}")

    def draw(self, **values):
        raise NotImplementedError("each explorer draws its own figure")

    def __repr__(self):
        shown = ", ".join(f"{name}={value:g}" if isinstance(value, float) else f"{name}={value!r}"
                          for name, value in self.values.items())
        return f"{type(self).__name__}({shown}): {_plain(self.status_text)}"

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        bundle["image/png"] = png_base64(self.figure)  # for viewers without a live kernel
        return bundle


def _plain(html_text):
    """The status line without its HTML tags."""
    import re
    return re.sub(r"<[^>]+>", "", html_text)


def slider(description, low, high, value, step, log=False, readout_format=".3g", width="340px"):
    """A slider that follows the mouse while dragged (the browser sends only the latest value while the
    kernel is busy, so no backlog builds up). Introduced in 00_start_here."""
    kind = widgets.FloatLogSlider if log else widgets.FloatSlider
    limits = dict(min=low, max=high) if not log else dict(min=low, max=high, base=10)
    return kind(value=value, step=step, description=description, continuous_update=True,
                readout_format=readout_format, style={"description_width": "initial"},
                layout=widgets.Layout(width=width), **limits)


class PredictionDemo(Explorer):
    """One house sold for $100,000: slide the prediction and watch the error. Introduced in 00_start_here."""

    ACTUAL = 100_000

    def __init__(self, prediction=150_000):
        figure, (ax,) = new_figure(width=7, height=2.2)
        figure.subplots_adjust(left=0.05, right=0.95, bottom=0.3, top=0.8)
        control = widgets.IntSlider(value=prediction, min=0, max=200_000, step=5_000, description="prediction ($)",
                                    continuous_update=True, style={"description_width": "initial"},
                                    layout=widgets.Layout(width="420px"))
        ax.axvline(self.ACTUAL, color="#2ca02c", lw=3, label="actual price: $100k")
        (self.marker,) = ax.plot([prediction], [0], "v", color="#ff7f0e", ms=14, label="prediction")
        self.arrow = ax.annotate("", xy=(prediction, 0), xytext=(self.ACTUAL, 0),
                                 arrowprops=dict(arrowstyle="<->", color="#d62728", lw=2))
        self.text = ax.set_title("")  # the title spells out the error
        ax.set(xlim=(0, 200_000), ylim=(-1, 1), yticks=[], xlabel="price ($)")
        dollar_axis(ax.xaxis)
        ax.legend(loc="lower left", fontsize=8, ncols=2)
        super().__init__(figure, {"prediction": control})
        self.update()

    def draw(self, prediction):
        self.marker.set_xdata([prediction])
        self.arrow.xy = (prediction, 0)
        error = prediction - self.ACTUAL
        self.text.set_text(f"error = prediction − actual = {signed_dollars(error)}")
        return f"Predicted <b>${prediction:,}</b> for a $100,000 house: the error is <b>{signed_dollars(error)}</b>."
