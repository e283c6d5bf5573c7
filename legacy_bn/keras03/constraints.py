"""Parameter constraints of Keras 0.3.3 (applied by the optimizers to each new value).

Constraint (the identity) and NonNeg are the 4e1ec93 classes; MaxNorm gained `axis`
and K.epsilon() as its fuzz factor, and UnitNorm now normalizes along `axis` (default 0,
4e1ec93 used the last axis) with K.epsilon() added to the norm.
"""
from legacy_bn.constraints import Constraint, NonNeg, identity, nonneg  # noqa: F401
from legacy_bn.utils.generic_utils import get_from_module
from . import backend as K


def _norms(p, axis):
    return K.sqrt(K.sum(K.square(p), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    """Rescale each weight vector along `axis` whose L2 norm exceeds m down to m."""

    def __init__(self, m=2, axis=0):
        self.m = m
        self.axis = axis

    def __call__(self, p):
        norms = _norms(p, self.axis)
        desired = K.clip(norms, 0, self.m)
        return p * (desired / (K.epsilon() + norms))

    def get_config(self):
        return {"name": self.__class__.__name__, "m": self.m, "axis": self.axis}


class UnitNorm(Constraint):
    """Divide each weight vector along `axis` by its L2 norm (plus epsilon)."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, p):
        return p / (K.epsilon() + _norms(p, self.axis))

    def get_config(self):
        return {"name": self.__class__.__name__, "axis": self.axis}


maxnorm = MaxNorm
unitnorm = UnitNorm


def get(identifier, kwargs=None):
    return get_from_module(identifier, globals(), 'constraint', instantiate=True, kwargs=kwargs)
