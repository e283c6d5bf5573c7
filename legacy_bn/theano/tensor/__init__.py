"""legacy_bn.theano.tensor — what old code imports as `theano.tensor as T`."""
from .basic import *            # noqa: F401,F403  (constructors and functions)
from .basic import max, min, sum, round, pow, abs_  # noqa: F401  (names that shadow builtins)
from . import nnet              # noqa: F401
from . import extra_ops, signal, xlogx, shared_randomstreams  # noqa: F401  (reached as attributes, as in 2015)
from ..gradient import grad     # noqa: F401
from ..graph import Variable as TensorVariable, constant, Variable  # noqa: F401
from ..graph import SharedVariable as TensorSharedVariable  # noqa: F401
