"""Activation functions of Keras 0.3.3 (on keras03.backend), looked up by name with `get`.

softplus, tanh, sigmoid, hard_sigmoid and linear are the 4e1ec93 functions (the same
Theano ops); softmax and relu changed in 0.3.
"""
from legacy_bn.activations import softplus, tanh, sigmoid, hard_sigmoid, linear  # noqa: F401
from legacy_bn.utils.generic_utils import get_from_module
from . import backend as K


def softmax(x):
    """Softmax over the last axis of a 2-d or 3-d tensor (3-d: written out with exp)."""
    ndim = K.ndim(x)
    if ndim == 2:
        return K.softmax(x)
    if ndim == 3:
        e = K.exp(x - K.max(x, axis=-1, keepdims=True))
        return e / K.sum(e, axis=-1, keepdims=True)
    raise ValueError('softmax: Keras 0.3.3 applies it to 2-d or 3-d tensors only, got %d-d %s'
                     % (ndim, x.describe()))


def relu(x, alpha=0., max_value=None):
    """max(x, alpha * x), capped at max_value when given."""
    return K.relu(x, alpha=alpha, max_value=max_value)


def get(identifier):
    return get_from_module(identifier, globals(), 'activation function')
