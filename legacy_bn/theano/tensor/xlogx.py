"""theano.tensor.xlogx: x * log(x) and x * log(y), taken as 0 where x == 0."""
from ..graph import apply


def xlogx(x):
    """x * log(x), 0 at x == 0; gradient 1 + log(x)."""
    return apply('xlogx', x)


def xlogy0(x, y):
    """x * log(y), 0 where x == 0 (whatever y is); gradients log(y) and x / y."""
    return apply('xlogy0', x, y)
