"""legacy_bn.theano — a Theano-style symbolic core evaluated by autograd.

Old code imports it as `theano`: `theano.shared`, `theano.function`,
`theano.config.floatX`, `theano.grad`, `theano.tensor` (as T).
"""
from .configparser import config                      # noqa: F401
from .graph import shared, SharedVariable, Variable    # noqa: F401
from .compile import function, In, Param              # noqa: F401
from .gradient import grad                            # noqa: F401
from .scan_module import scan                         # noqa: F401
from .errors import MissingInputError, UnusedInputError, DisconnectedInputError  # noqa: F401
from . import gradient, tensor, scalar                # noqa: F401

__version__ = '0.8.2-legacy_bn'
