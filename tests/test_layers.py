"""course_utils is layered: numerics, then figures, then explorers. No module imports a layer above its
own, so the numbers can be read (and tested, and run in the dashboard's second process) without any
drawing code, and the figures without any widgets."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "course_utils"
NUMERICS = {"losses", "data", "descent", "gradcheck", "linear", "network", "ahead", "deep", "autodiff"}
FIGURES = {"plots", "network_diagram"} | {path.stem for path in PACKAGE.glob("plots_*.py")}
DRAWING = {"matplotlib", "PIL", "ipywidgets"}


def imports(module):
    """The top-level packages and the course_utils modules that a module imports."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            if node.module == "course_utils":
                found |= {f"course_utils.{alias.name}" for alias in node.names}
    course = {name.split(".")[1] for name in found if name.startswith("course_utils.")}
    return {name.split(".")[0] for name in found}, course


def test_the_numerics_import_no_drawing_code_and_no_other_layer():
    for module in NUMERICS:
        packages, course = imports(module)
        assert not packages & DRAWING, module
        assert course <= NUMERICS, (module, course - NUMERICS)


def test_the_figures_import_no_widgets():
    for module in FIGURES:
        packages, course = imports(module)
        assert "ipywidgets" not in packages, module
        assert course <= NUMERICS | FIGURES, (module, course - NUMERICS - FIGURES)


def test_every_module_is_in_a_layer_that_exists():
    assert NUMERICS | FIGURES <= {path.stem for path in PACKAGE.glob("*.py")}
