"""Shared test set-up: a non-interactive matplotlib backend, so no test ever opens a window."""
import matplotlib

matplotlib.use("Agg")
