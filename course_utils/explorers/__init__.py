"""The explorers: the explorer pattern (ipywidgets over one reused figure), each lesson's explorers, and
what they lean on: work done ahead in a second process, and the backprop stepper's tracing. Nothing is
imported here, so that the second process (python -m course_utils.explorers.ahead) loads no widgets.
The table in course_utils/__init__.py says what each module holds."""
