"""The environment check that every notebook's setup cell runs. Introduced in 00_start_here."""
from importlib import metadata

# The oldest release of each package the course is known to work with.
MINIMUM_VERSIONS = {
    "numpy": "2.0",
    "matplotlib": "3.9",
    "ipywidgets": "8.1",
    "ipykernel": "6.29",
}

FIX = "From the course folder run `python3 course.py lab` (it installs the tested versions)."


def _as_tuple(version):
    """'3.11.2' -> (3, 11, 2), ignoring suffixes such as 'rc1'."""
    parts = []
    for piece in version.split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def environment_problems():
    """A list of sentences, one per missing or too-old package (empty when all is well).
    Introduced in 00_start_here."""
    problems = []
    for package, oldest in MINIMUM_VERSIONS.items():
        try:
            found = metadata.version(package)
        except metadata.PackageNotFoundError:
            problems.append(f"{package} is missing (need {oldest} or newer).")
            continue
        if _as_tuple(found) < _as_tuple(oldest):
            problems.append(f"{package} {found} is too old (need {oldest} or newer).")
    return problems


def check_environment():
    """Print one line saying the environment is ready, or what to fix and how. Introduced in 00_start_here."""
    problems = environment_problems()
    if not problems:
        print("Environment ready: " + ", ".join(MINIMUM_VERSIONS) + " are installed and recent enough.")
        return True
    for problem in problems:
        print("Problem: " + problem)
    print(FIX)
    return False
