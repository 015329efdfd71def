"""What a screen reader says about an explorer. ipywidgets gives a slider no name (a reader hears
"slider, minus 1" for α = 0.1 on a log slider), says nothing when the status line changes, and gives the
picture no text. ScreenReaderText is an invisible widget in each explorer's box that, in the page, names
each slider by its label and gives its value as the readout shows it, marks the status line as a live
region (read out when it changes), and makes the status line the picture's text alternative. It is
anywidget's: a few lines of JavaScript in the Python file, nothing to build."""
import anywidget

STATUS_CLASS = "course-status"  # the class of the explorer's status line, which the script looks for

SCRIPT = """
function describe(box) {
    for (const slider of box.querySelectorAll('.widget-slider')) {
        const handle = slider.querySelector('.noUi-handle');
        const name = slider.querySelector('.widget-label')?.textContent.trim();
        const value = slider.querySelector('.widget-readout')?.textContent.trim();
        if (!handle) continue;
        // Set only what differs: the observer below sees these changes too, and must come to rest.
        if (name && handle.getAttribute('aria-label') !== name) handle.setAttribute('aria-label', name);
        if (value && handle.getAttribute('aria-valuetext') !== value) handle.setAttribute('aria-valuetext', value);
    }
    const status = box.querySelector('.STATUS_CLASS');
    if (!status) return;
    if (status.getAttribute('role') !== 'status') {
        status.setAttribute('role', 'status');
        status.setAttribute('aria-live', 'polite');
    }
    const text = status.textContent.trim(), picture = box.querySelector('img.widget-image');
    if (picture && text && picture.alt !== text) picture.alt = text;
}

function render({ el }) {
    el.style.display = 'none';
    let observer = null;
    const start = () => {
        const box = el.parentElement;  // the explorer's box, once the widget is placed in it
        if (!box) return requestAnimationFrame(start);
        describe(box);
        observer = new MutationObserver(() => describe(box));
        observer.observe(box, {subtree: true, childList: true, characterData: true,
                               attributes: true, attributeFilter: ['aria-valuetext', 'src']});
    };
    start();
    return () => observer?.disconnect();
}

export default { render };
""".replace("STATUS_CLASS", STATUS_CLASS)


class ScreenReaderText(anywidget.AnyWidget):
    """The invisible widget an Explorer puts in its box; see the module's docstring."""

    _esm = SCRIPT
