"""Keras 0.3.3's backend settings: the float type and the fuzz factor of the session.

The backend module reads these once, when it is imported (as 0.3.3's did): a later
set_floatx changes floatx() but not the dtype K.variable and friends default to.
"""
import numpy as np

# legacy_bn.theano computes in float32 or float64; 0.3.3 also named float16, which
# needed a GPU.
SUPPORTED_FLOATX = ('float32', 'float64')
KNOWN_FLOATX = ('float16',) + SUPPORTED_FLOATX

_FLOATX = 'float32'
_EPSILON = 10e-8          # 1e-07, written as 0.3.3 wrote it


def epsilon():
    return _EPSILON


def set_epsilon(e):
    global _EPSILON
    _EPSILON = e


def floatx():
    return _FLOATX


def check_floatx(value, where):
    """value if legacy_bn can compute in it, else a ValueError naming `where`."""
    if value not in KNOWN_FLOATX:
        raise ValueError('%s: unknown floatx %r; Keras 0.3.3 knew %s'
                         % (where, value, ', '.join(KNOWN_FLOATX)))
    if value not in SUPPORTED_FLOATX:
        raise ValueError('%s: floatx %r is not supported by legacy_bn (its Theano computes in '
                         '%s only)' % (where, value, ' or '.join(SUPPORTED_FLOATX)))
    return str(value)


def set_floatx(value):
    global _FLOATX
    _FLOATX = check_floatx(value, 'set_floatx')


def cast_to_floatx(x):
    """A numpy array of x in floatx()."""
    return np.asarray(x, dtype=_FLOATX)
