"""Parameter constraints of Keras 4e1ec93: callables mapping a symbolic new
parameter value to its constrained value (optimizers apply them after each step)."""
import legacy_bn.theano.tensor as T
from .utils.generic_utils import get_from_module


class Constraint(object):
    """The identity constraint."""

    def __call__(self, p):
        return p

    def get_config(self):
        return {"name": self.__class__.__name__}


class MaxNorm(Constraint):
    """Rescale each column (norm over axis 0) whose norm exceeds m down to m."""

    def __init__(self, m=2):
        self.m = m

    def __call__(self, p):
        norms = T.sqrt(T.sum(T.sqr(p), axis=0))
        desired = T.clip(norms, 0, self.m)
        return p * (desired / (1e-7 + norms))

    def get_config(self):
        return {"name": self.__class__.__name__, "m": self.m}


class NonNeg(Constraint):
    """Set negative entries to zero."""

    def __call__(self, p):
        # Keras 0.1 wrapped p in theano.shared() first, which fails for a symbolic
        # p (every real use), so nonneg crashed at compile; this is the intended maths.
        return p * T.ge(p, 0.)


class UnitNorm(Constraint):
    """Divide by the L2 norm over the last axis."""

    def __call__(self, p):
        return p / T.sqrt(T.sum(p ** 2, axis=-1, keepdims=True))


identity = Constraint
maxnorm = MaxNorm
nonneg = NonNeg
unitnorm = UnitNorm


def get(identifier, kwargs=None):
    return get_from_module(identifier, globals(), 'constraint', instantiate=True, kwargs=kwargs)
