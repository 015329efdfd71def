"""The figures: what every figure shares (common) and each lesson's figures, one module a lesson.
Matplotlib only, no widgets: an explorer draws with these and then moves the artists they return.
The table in course_utils/__init__.py says what each module holds."""
