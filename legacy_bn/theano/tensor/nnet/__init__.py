"""theano.tensor.nnet: the neural-network functions 2015 Keras used."""
from ...graph import apply, as_variable
from .. import basic as T
from . import conv  # noqa: F401  (T.nnet.conv.conv2d)


def softmax(x):
    """Row-wise softmax over the last axis (one fused op with its own VJP). A vector
    gives a (1, n) row, as in Theano."""
    x = as_variable(x)
    if x.ndim == 1:
        x = T.shape_padleft(x)
    return apply('softmax', x)


def sigmoid(x):
    return apply('sigmoid', x)


def softplus(x):
    return apply('softplus', x)


def relu(x, alpha=0):
    x = as_variable(x)
    if alpha == 0:
        return 0.5 * (x + abs(x))
    return 0.5 * (1 + alpha) * x + 0.5 * (1 - alpha) * abs(x)


def hard_sigmoid(x):
    """clip(0.2 * x + 0.5, 0, 1), as Theano 0.8 defined it."""
    return T.clip(as_variable(x) * 0.2 + 0.5, 0, 1)


def categorical_crossentropy(coding_dist, true_dist):
    """-sum(true * log(coding), axis=-1); integer class indices are accepted too."""
    return apply('categorical_crossentropy', coding_dist, true_dist)


def binary_crossentropy(output, target):
    output, target = as_variable(output), as_variable(target)
    return -(target * T.log(output) + (1.0 - target) * T.log(1.0 - output))


def ultra_fast_sigmoid(x):
    """Theano's fast piecewise approximation of the sigmoid (error up to ~0.02)."""
    return apply('ultra_fast_sigmoid', x)
