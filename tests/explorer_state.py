"""What the explorer tests of every notebook share: an explorer's visible state, and moving one of its
controls there and back."""


def state(explorer):
    """Everything of an explorer a learner sees or a test reads: values, controls, status line, picture."""
    return (dict(explorer.values), {name: control.value for name, control in explorer.controls.items()},
            explorer.status.value, bytes(explorer.image.value))


def check_there_and_back(explorer, control, values):
    """Move the control to another value (the first of `values` that differs from where it is), as a
    browser drag does: the picture changes; move it back: everything is as it was."""
    before = state(explorer)
    start = explorer.controls[control].value
    value = values[0] if values[0] != start else values[1]
    explorer.controls[control].value = value  # what a browser drag does
    assert explorer.values[control] == value and bytes(explorer.image.value) != before[3]
    explorer.controls[control].value = start
    assert state(explorer) == before
