"""Loss functions of Keras 0.3.3: (y_true, y_pred) -> per-sample loss.

0.3 reads the fuzz factor from K.epsilon() when the loss is built (1e-07 unless
keras.json or set_epsilon says otherwise, in float64 too: 4e1ec93 used 1e-9 there),
rescales categorical predictions before clipping them (4e1ec93 clipped first) and
adds cosine_proximity. mse, mae, hinge and squared_hinge are the 4e1ec93 functions.
"""
import numpy as np

from legacy_bn.objectives import mean_squared_error, mean_absolute_error  # noqa: F401
from legacy_bn.objectives import squared_hinge, hinge, mse, MSE, mae, MAE  # noqa: F401
from legacy_bn.utils.generic_utils import get_from_module
from . import backend as K


def mean_absolute_percentage_error(y_true, y_pred):
    diff = K.abs((y_true - y_pred) / K.clip(K.abs(y_true), K.epsilon(), np.inf))
    return 100. * K.mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    log_pred = K.log(K.clip(y_pred, K.epsilon(), np.inf) + 1.)
    log_true = K.log(K.clip(y_true, K.epsilon(), np.inf) + 1.)
    return K.mean(K.square(log_pred - log_true), axis=-1)


def categorical_crossentropy(y_true, y_pred):
    """y_true: one-hot rows (a binary class matrix), not class indices."""
    return K.categorical_crossentropy(y_pred, y_true)


def binary_crossentropy(y_true, y_pred):
    return K.mean(K.binary_crossentropy(y_pred, y_true), axis=-1)


def poisson(y_true, y_pred):
    return K.mean(y_pred - y_true * K.log(y_pred + K.epsilon()), axis=-1)


def cosine_proximity(y_true, y_pred):
    """Minus the mean of the product of the L2-normalized vectors."""
    y_true = K.l2_normalize(y_true, axis=-1)
    y_pred = K.l2_normalize(y_pred, axis=-1)
    return -K.mean(y_true * y_pred, axis=-1)


# aliases
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
cosine = cosine_proximity


def get(identifier):
    return get_from_module(identifier, globals(), 'objective')
