"""What `python3 course.py` runs before the course's own Python exists: the standard library only.

    environment   .venv, with what each command needs, made again when pyproject.toml changes
    lab           JupyterLab on this machine only, with a private link
    ports         a free port, whether one is taken, who listens on one
    copies        the learner's copies of the notebooks: given, started afresh, updated keeping their cells
    files         writing without losing a byte; reading without being stopped by a pipe or an endless file
    servers       which notebooks a running Jupyter server has open

The class hub (classroom/) uses copies, files and environment too, from the course's .venv, where this
package is installed with the course."""
