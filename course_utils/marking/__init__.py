"""The marking: what a learner calls to mark an exercise (check, hint, solution), the exercises as
content, how an answer is judged, the separate processes it is judged in, and the quiz questions. It
imports no figures, explorers or widgets (pyproject.toml's contracts hold it to that); nothing is
imported here, so that the checking process (python -m course_utils.marking.worker) loads only what it
uses. The table in course_utils/__init__.py says what each module holds."""
