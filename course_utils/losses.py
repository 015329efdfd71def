"""How wrong a prediction is: the error, the squared error, and their mean over many houses.
Introduced in 01_error."""
import numpy as np


def error(prediction, actual):
    """Signed error: positive when we predict too much. Works for numbers and arrays.
    Introduced in 01_error."""
    return prediction - actual


def squared_error(prediction, actual):
    """Squared error: always positive, and big misses count far more than small ones.
    Introduced in 01_error."""
    return (prediction - actual) ** 2


def mse(predictions, actuals):
    """Mean squared error over many houses (no factor 1/2), as a float. Introduced in 01_error."""
    predictions, actuals = np.asarray(predictions, dtype=float), np.asarray(actuals, dtype=float)
    if predictions.shape != actuals.shape:
        # (n,) against (n, 1) would silently broadcast to an (n, n) table of every pair.
        raise ValueError(f"predictions has shape {predictions.shape} but actuals has {actuals.shape}")
    return float(np.mean(squared_error(predictions, actuals)))


def rmse(predictions, actuals):
    """Square root of the MSE, back in the units of the prices (big misses weigh more than in a mean miss).
    Introduced in 04_dot_product (01_error explains it and takes the root by hand)."""
    return float(np.sqrt(mse(predictions, actuals)))
