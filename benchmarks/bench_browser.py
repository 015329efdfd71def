"""Key press on the α slider to the new loss-curve picture on screen, in JupyterLab in headless Chromium.
Goal: under 150 ms median.

Both moments are taken inside the page with performance.now(): the keydown event on the slider handle,
and the moment the explorer's <img> gets its new picture. The slider alternates one step right and one
step left 40 times, waiting for each picture before the next key.
"""
import sys
import tempfile

from benchlib import ROOT, median, percentile, report, not_measured

sys.path.insert(0, str(ROOT / "tests"))
import browser  # noqa: E402  (the tests' private JupyterLab and Chromium)

PRESSES = 40
GOAL = 150  # milliseconds

WATCH = """([handle, image]) => {
    window.keyTimes = []; window.pictureTimes = [];
    handle.addEventListener('keydown', () => window.keyTimes.push(performance.now()), true);
    new MutationObserver(() => window.pictureTimes.push(performance.now()))
        .observe(image, {attributes: true, attributeFilter: ['src']});
}"""


def main():
    if not browser.CHROMIUM:
        not_measured("browser", "key press -> new picture", f"< {GOAL} ms", "no Chromium (apt-get install chromium)")
        return
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as workdir, browser.jupyterlab(workdir) as (base, token), \
            sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=browser.CHROMIUM, args=browser.CHROMIUM_ARGS)
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        browser.open_notebook(page, base, token, "02_learning_rate")
        browser.run_all_cells(page)
        handle, image, _status = browser.explorer(page, 0)
        handle.scroll_into_view_if_needed()
        page.evaluate(WATCH, [handle.element_handle(), image.element_handle()])
        handle.focus()
        for press in range(PRESSES):
            page.keyboard.press("ArrowRight" if press % 2 == 0 else "ArrowLeft")
            page.wait_for_function(f"window.pictureTimes.length >= {press + 1}", timeout=10_000)
        keys, pictures = page.evaluate("[window.keyTimes, window.pictureTimes]")
        chromium.close()
    latencies = [picture - key for key, picture in zip(keys, pictures)]
    typical = median(latencies)
    report("browser", "key press -> new picture in JupyterLab (median of 40)",
           f"{typical:.0f} ms (90th percentile {percentile(latencies, 90):.0f} ms)", f"< {GOAL} ms", typical < GOAL)


if __name__ == "__main__":
    main()
