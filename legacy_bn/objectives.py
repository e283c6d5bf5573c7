"""Loss functions of Keras 4e1ec93: (y_true, y_pred) -> per-sample loss (last axis reduced).

`epsilon` is fixed at import from floatX, as Keras did: 1e-9 in float64, 1e-7 in float32.
"""
import numpy as np

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from .utils.generic_utils import get_from_module

if theano.config.floatX == 'float64':
    epsilon = 1.0e-9
else:
    epsilon = 1.0e-7


def mean_squared_error(y_true, y_pred):
    return T.sqr(y_pred - y_true).mean(axis=-1)


def mean_absolute_error(y_true, y_pred):
    return T.abs_(y_pred - y_true).mean(axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    return T.abs_((y_true - y_pred) / T.clip(T.abs_(y_true), epsilon, np.inf)).mean(axis=-1) * 100.


def mean_squared_logarithmic_error(y_true, y_pred):
    return T.sqr(T.log(T.clip(y_pred, epsilon, np.inf) + 1.)
                 - T.log(T.clip(y_true, epsilon, np.inf) + 1.)).mean(axis=-1)


def squared_hinge(y_true, y_pred):
    return T.sqr(T.maximum(1. - y_true * y_pred, 0.)).mean(axis=-1)


def hinge(y_true, y_pred):
    return T.maximum(1. - y_true * y_pred, 0.).mean(axis=-1)


def categorical_crossentropy(y_true, y_pred):
    """Expects a binary class matrix (see np_utils.to_categorical), not class indices."""
    y_pred = T.clip(y_pred, epsilon, 1.0 - epsilon)
    # rescale so that each sample's class probabilities sum to 1
    y_pred /= y_pred.sum(axis=-1, keepdims=True)
    return T.nnet.categorical_crossentropy(y_pred, y_true)


def binary_crossentropy(y_true, y_pred):
    y_pred = T.clip(y_pred, epsilon, 1.0 - epsilon)
    return T.nnet.binary_crossentropy(y_pred, y_true).mean(axis=-1)


def poisson_loss(y_true, y_pred):
    return T.mean(y_pred - y_true * T.log(y_pred + epsilon), axis=-1)


# aliases
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
poisson = poisson_loss


def get(identifier):
    return get_from_module(identifier, globals(), 'objective')
