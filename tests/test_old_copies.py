"""A learner's copy of a notebook made before the modules moved into rooms (figures/, explorers/,
marking/) still runs: its first cell imports the old flat names (`from course_utils import plots,
widgets_error`) and the quiz from its old home (`from course_utils.quiz import quiz`), and course_utils
answers them with the modules' new homes, quietly (the notebooks treat a warning as an error). Remove with
the old names, one release after 2026-12-05."""
import subprocess
import sys

# The import lines of every notebook's first code cell before the rooms, as learners' copies have them.
OLD_CELLS = {
    "00_start_here": """import numpy as np
from course_utils import check, hint, solution, exercise_ids
from course_utils import widgets_start_here
from course_utils.quiz import quiz""",
    "01_error": """import numpy as np
from course_utils import check, hint, solution
from course_utils import data, linear, losses, plots, widgets_error
from course_utils.quiz import quiz""",
    "02_learning_rate": """import numpy as np
from course_utils import check, hint, solution
from course_utils import data, descent, linear, plots, plots_learning_rate, widgets_learning_rate
from course_utils.quiz import quiz""",
    "03_derivatives": """import numpy as np
from course_utils import check, hint, solution
from course_utils import data, gradcheck, linear, plots, plots_derivatives, widgets_derivatives
from course_utils.quiz import quiz""",
    "04_dot_product": """import numpy as np
from course_utils import check, hint, solution
from course_utils import data, descent, gradcheck, linear, losses, network_diagram
from course_utils import plots, plots_dot_product, widgets_dot_product
from course_utils.quiz import quiz""",
    "05_backpropagation": """import numpy as np
from course_utils import check, hint, solution
from course_utils import data, gradcheck, linear, network, network_diagram, plots, widgets_backprop
from course_utils.quiz import quiz""",
    "06_deeper": """import numpy as np
from course_utils import check, hint, solution
from course_utils import autodiff, data, deep, gradcheck, network, plots, plots_deeper
from course_utils import widgets_deeper
from course_utils.quiz import quiz""",
}
# What the old copies' other cells call through the old names.
USED = {
    "plots": ["new_figure", "show", "plain", "dollar_axis", "thousands_axis", "plot_predicted_vs_actual",
              "BLUE", "ORANGE", "GREEN", "RED", "GREY", "PURPLE"],
    "plots_learning_rate": ["plot_loss_curve"],
    "plots_derivatives": ["move_secant", "plot_chain", "plot_difference_errors", "plot_line_fit", "plot_secant",
                          "plot_slice"],
    "plots_dot_product": ["plot_contributions", "plot_error_vs_feature", "plot_predicted_scatter",
                          "plot_weight_matrix"],
    "plots_deeper": ["plot_layer_loop"],
    "network_diagram": ["NetworkDiagram"],
    "widgets_start_here": ["PredictionDemo"],
    "widgets_error": ["WeightExplorer"],
    "widgets_learning_rate": ["LearningRateExplorer"],
    "widgets_derivatives": ["GradientExplorer", "NudgeExplorer"],
    "widgets_dot_product": ["FeatureExplorer", "TimingExplorer"],
    "widgets_backprop": ["BackpropStepper", "NetworkNudge", "TrainingDashboard"],
    "widgets_deeper": ["DepthExplorer", "GraphStepper", "SpeedExplorer", "one_house_graph"],
}


def run_quietly(code):
    """Run code in a fresh Python that treats a warning as an error, as the notebooks do; assert that it
    ran to the end (it prints "ran") and said nothing on stderr."""
    result = subprocess.run([sys.executable, "-W", "error", "-c", code + "\nprint('ran')"], capture_output=True,
                            text=True)
    assert result.returncode == 0 and result.stdout == "ran\n" and result.stderr == "", result.stderr


def test_the_old_import_cells_still_run_quietly_and_find_what_the_old_cells_call():
    checks = "\n".join(f"assert {module}.{name}, {module!r}" for module, names in USED.items() for name in names)
    run_quietly("\n".join(OLD_CELLS.values()) + "\n" + checks)


def test_the_old_names_are_the_new_modules():
    run_quietly("import course_utils.figures.common, course_utils.explorers.deeper\n"
                "from course_utils import plots, widgets_deeper, ahead\n"
                "assert plots is course_utils.figures.common and widgets_deeper is course_utils.explorers.deeper\n"
                "assert ahead.__name__ == 'course_utils.explorers.ahead'")


# What the old copies' exercise and quiz cells call, after the old first cells above.
OLD_MARKING_CELLS = """
assert exercise_ids()[0] == "error"
assert "Hint 1" in repr(hint("mse")) and "def mse" in repr(solution("mse"))
def mse(predictions, actuals):
    return float(np.mean((predictions - actuals) ** 2))
assert check("mse", mse).passed and not check("mse", lambda p, a: 0.0).passed
assert "(a)" in repr(quiz("01_error"))
"""


def test_the_old_copies_check_hint_solution_and_quiz_as_before():
    run_quietly("\n".join(OLD_CELLS.values()) + OLD_MARKING_CELLS)


def test_the_old_quiz_module_is_the_new_quiz():
    run_quietly("import course_utils.quiz, course_utils.explorers.quiz, course_utils.marking.questions\n"
                "from course_utils.quiz import quiz, Quiz, QUESTIONS, answer\n"
                "assert quiz is course_utils.explorers.quiz.quiz and Quiz is course_utils.explorers.quiz.Quiz\n"
                "assert QUESTIONS is course_utils.marking.questions.QUESTIONS\n"
                "assert answer is course_utils.marking.questions.answer")
