"""Activation functions of Keras 4e1ec93, looked up by name with `get`."""
import legacy_bn.theano.tensor as T
from .utils.generic_utils import get_from_module


def softmax(x):
    """Softmax over the last axis (rows of a matrix; higher ranks are flattened to rows)."""
    if x.ndim == 2:
        return T.nnet.softmax(x)
    return T.nnet.softmax(x.reshape((-1, x.shape[-1]))).reshape(x.shape)


def time_distributed_softmax(x):
    import warnings
    warnings.warn("time_distributed_softmax is deprecated. Just use softmax!", DeprecationWarning)
    return softmax(x)


def softplus(x):
    return T.nnet.softplus(x)


def relu(x):
    # Keras 0.1 wrote relu with abs (not maximum): the gradient at exactly 0 is
    # 0.5, since abs'(0) = 0; the golden data depends on it.
    return (x + abs(x)) / 2.0


def tanh(x):
    return T.tanh(x)


def sigmoid(x):
    return T.nnet.sigmoid(x)


def hard_sigmoid(x):
    return T.nnet.hard_sigmoid(x)


def linear(x):
    """The identity: returns its argument, whatever its type."""
    return x


def get(identifier):
    return get_from_module(identifier, globals(), 'activation function')
