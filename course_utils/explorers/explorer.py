"""The pattern every interactive explorer follows, from the demo of 00_start_here on: controls, plus one
figure that is drawn once and afterwards only has its artists moved.

    explorer.update(alpha=0.5)   # what a slider calls, and what the tests call

An explorer displays as its live widget in JupyterLab, Notebook 7 and VS Code; static viewers and
stored notebooks get a PNG of its current figure and a one-line text summary instead.
"""
import base64
import html
import numbers
import re

import ipywidgets as widgets

from course_utils.explorers.screen_reader import STATUS_CLASS, ScreenReaderText
from course_utils.figures.common import RED, canvas_png, ink


class Explorer:
    """Controls plus one reused figure. A subclass builds its artists once in __init__, hands the figure,
    its controls, the artists that move and the first values to Explorer.__init__, and moves the artists
    in `draw(**values)`, which returns the status line to show under the controls. Its controls are
    sliders or choices (options), built without a value: the first update, made here with `start`, sets
    them, so a constructor checks its values exactly as update() does. `rows` lays the controls (and any
    buttons) out in rows; by default they stand in one row.

    Artists listed in `moving` are redrawn on every update over a saved picture of everything else
    (blitting), which is several times faster than drawing the whole figure; a draw() that changes
    anything else (an axis limit, say) calls `redraw_everything()`; it may also narrow `moving` to the
    artists that can change this time (each must have been in `moving` when the explorer was made)."""

    # True for an explorer with few pictures whose draw() sets every moving artist from the values alone:
    # each picture is then drawn once and shown again at once.
    remember_pictures = False

    def __init__(self, figure, controls, moving, start, rows=None):
        # Drawn in the order of their zorder, as a full drawing would.
        self.figure, self.controls = figure, controls
        self.moving = sorted(moving, key=lambda artist: artist.zorder)
        for artist in self.moving:
            artist.set_animated(True)  # left out of the saved background
        self._backgrounds = {}  # background_key() -> the picture of everything that does not move
        self._pictures = {}  # the control values -> their PNG, if remember_pictures
        self._setting_controls = False
        self.values = {name: control.value for name, control in controls.items()}
        self.png, self.status_text = None, ""  # no picture until the first update()
        width, height = figure.canvas.get_width_height(physical=True)
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=f"{width}px", height=f"{height}px"))
        self.status = widgets.HTML().add_class(STATUS_CLASS)
        for name, control in controls.items():
            control.observe(lambda change, name=name: self._control_moved(name, change.new), names="value")
        rows = rows or [list(controls.values())]
        self.widget = widgets.VBox([*(widgets.HBox(row) for row in rows), self.status, self.image,
                                    ScreenReaderText()])
        self.update(**start)

    def _control_moved(self, name, value):
        """What a slider (or button) calls. In a notebook an exception raised here reaches only the
        kernel's log, so it is shown in the status line instead, and the control goes back."""
        if self._setting_controls:  # the echo of update() moving the control itself
            return
        try:
            self.update(**{name: value})
        except Exception as error:
            self._move_controls({name: self.values[name]})  # back to the last value that drew
            message = html.escape(f"{type(error).__name__}: {error}")
            self.status.value = f"<span style='color:{ink(RED)};background:#fff;padding:0 4px'>{message}</span>"

    def update(self, **values):
        """Set some controls' values, redraw, and return the status line. All or nothing: a value a
        control cannot take, or a draw() that fails, raises and leaves the explorer as it was."""
        for name, value in values.items():
            self._check(name, value)
        new_values = {**self.values, **values}
        key = tuple(new_values.items())
        try:
            status_text = self.draw(**new_values)
            # Drawn before: the same values always give the same picture, so skip the slow part.
            png = self._pictures[key] if key in self._pictures else self._render()
        except Exception:
            self._draw_again()
            raise
        if self.remember_pictures:
            self._pictures[key] = png
        self._move_controls(values)  # keep the slider where the caller put it
        self.values, self.status_text, self.png = new_values, status_text, png
        self.status.value, self.image.value = status_text, png
        return status_text

    def _draw_again(self):
        """After a failed draw(): put the artists back where the picture shown has them."""
        if self.png is not None:  # not the first update: there is a last good picture
            self.redraw_everything()  # the failed draw may have changed more than the moving artists
            self.draw(**self.values)

    def _move_controls(self, values):
        self._setting_controls = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._setting_controls = False

    def redraw_everything(self):
        """Forget the saved backgrounds: the next update draws the whole figure again."""
        self._backgrounds = {}

    def background_key(self):
        """Which saved background the current picture sits on. An explorer whose background takes a few
        forms (one per diagram shown, say) returns a different key for each, and each is drawn once."""
        return None

    def _render(self):
        canvas, key = self.figure.canvas, self.background_key()
        if key not in self._backgrounds or not self.moving:
            canvas.draw()  # everything except the moving artists
            self._backgrounds[key] = canvas.copy_from_bbox(self.figure.bbox)
        else:
            canvas.restore_region(self._backgrounds[key])
        for artist in self.moving:
            self.figure.draw_artist(artist)
        return canvas_png(canvas)

    def _check(self, name, value):
        """Refuse a value the control cannot take, with a message that says what it can take."""
        if name not in self.controls:
            raise TypeError(f"{type(self).__name__}.update() has no control {name!r}; "
                            f"its controls are {sorted(self.controls)}")
        control = self.controls[name]
        if hasattr(control, "options"):
            _check_choice(name, control.options, value)
        else:
            _check_number(name, control, value)

    def draw(self, **values):
        raise NotImplementedError("each explorer draws its own figure")

    def __repr__(self):
        shown = ", ".join(f"{name}={value:g}" if isinstance(value, float) else f"{name}={value!r}"
                          for name, value in self.values.items())
        return f"{type(self).__name__}({shown}): {_plain(self.status_text)}"

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        bundle["image/png"] = base64.b64encode(self.png).decode("ascii")  # for viewers without a kernel
        return bundle


def _plain(html_text):
    """The status line without its HTML tags."""
    return re.sub(r"<[^>]+>", "", html_text)


def _is_number(value):
    """True for 3 and 0.5 (numpy's too), False for "3" and for True."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _check_number(name, slider, value):
    """A slider takes a number between its ends; an IntSlider takes only whole numbers."""
    low, high = slider.min, slider.max
    whole = isinstance(slider, widgets.IntSlider)
    if not _is_number(value) or (whole and not isinstance(value, numbers.Integral)):
        kind = "a whole number" if whole else "a number"
        raise TypeError(f"{name} must be {kind} between {low:g} and {high:g}, got {value!r}")
    slack = 1e-12 * (high - low)  # float round-off at the ends
    if not low - slack <= value <= high + slack:
        raise ValueError(f"{name} must be between {low:g} and {high:g}, got {value!r}")


def _check_choice(name, options, value):
    """A selection slider or a row of buttons takes only its own options."""
    if value in options:
        return
    shown = ", ".join(f"{option:g}" if _is_number(option) else repr(option) for option in options)
    if all(_is_number(option) for option in options):  # a slider of numbers: give its range too
        kind = ValueError if _is_number(value) else TypeError  # "0.1" is the wrong kind; 0.25 a wrong value
        raise kind(f"{name} must be between {min(options):g} and {max(options):g} and one of the slider's "
                   f"values: {shown}; got {value!r}")
    raise ValueError(f"{name} must be one of {shown}; got {value!r}")


def slider(description, low, high, step, whole=False, follow=True, readout_format=".3g", width="340px"):
    """A slider from low to high; with whole=True it takes whole numbers only. (For values spread over powers of
    ten, give choice_slider a ladder of them: a key press then moves one notch.) It follows the mouse while
    dragged (the browser sends only the latest value while the kernel is busy, so no backlog builds up), or with
    follow=False only moves the explorer when let go (for a value that takes long to show). It has no value of
    its own yet: the explorer's first update() sets it. Every explorer's sliders are made with it or with
    choice_slider; width=None leaves ipywidgets' own width."""
    looks = _looks(description, follow, width)
    if whole:
        return widgets.IntSlider(min=low, max=high, step=step, **looks)
    return widgets.FloatSlider(min=low, max=high, step=step, readout_format=readout_format, **looks)


def choice_slider(description, options, follow=True, width="340px"):
    """A slider over a few chosen values (options), made as slider makes its sliders."""
    return widgets.SelectionSlider(options=options, **_looks(description, follow, width))


def _looks(description, follow, width):
    """What every slider shares: its label at its own width, following the mouse or not, its width."""
    return dict(description=description, continuous_update=follow, style={"description_width": "initial"},
                layout=widgets.Layout(width=width) if width else widgets.Layout())
