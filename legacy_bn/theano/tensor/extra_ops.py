"""theano.tensor.extra_ops: repeat (UpSample1D/UpSample2D use it)."""
import numbers

import numpy as np

from ..graph import apply, as_variable


def repeat(x, repeats, axis=None):
    """np.repeat with one (possibly symbolic) integer count; axis=None flattens first.
    Each input element's gradient is the sum over its copies."""
    x, repeats = as_variable(x), as_variable(repeats)
    if repeats.ndim != 0 or np.dtype(repeats.dtype).kind not in 'iu':
        raise NotImplementedError('repeat: only a scalar integer count is supported, got %s'
                                  % repeats.describe())
    if axis is None:
        ndim = 1
    else:
        if not isinstance(axis, numbers.Integral) or not -x.ndim <= axis < x.ndim:
            raise ValueError('repeat: axis %r is out of range for %s' % (axis, x.describe()))
        axis, ndim = int(axis) % x.ndim, x.ndim
    return apply('repeat', x, repeats, axis=axis, out_type=(x.dtype, ndim))
