"""Tools for teaching a class with the course: a class hub, its load test and a gradebook."""
