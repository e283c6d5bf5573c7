"""theano.tensor.signal.pool (Theano 0.8): pool_2d with its modes and padding;
max_pool_2d_same_size is not provided."""
import warnings

from ...graph import apply, as_variable
from ...pool_primitives import MODES
from .downsample import _pair


def pool_2d(input, ds, ignore_border=None, st=None, padding=(0, 0), mode='max'):
    """Pool the last two axes of `input` over ds[0] x ds[1] windows every st (default ds).

    mode: 'max', 'sum', 'average_inc_pad' (the mean counting the padding) or
    'average_exc_pad' (the mean of the image's own values); max and sum never count the
    padding. padding=(rows, cols) pads each side of the image (only with
    ignore_border=True, and smaller than ds, as in Theano). ignore_border=None warns,
    as Theano 0.8 did, and means False."""
    input = as_variable(input)
    if input.ndim < 2:
        raise NotImplementedError('pool_2d requires a dimension >= 2, got %s' % input.describe())
    if ignore_border is None:
        warnings.warn('pool_2d(): ignore_border is not given; it means False here, as in '
                      'Theano 0.8 (pass it explicitly)', stacklevel=2)
        ignore_border = False
    if mode not in MODES:
        raise ValueError("pool_2d: mode must be one of %s, got %r" % (', '.join(MODES), mode))
    ds = _pair(ds, 'ds')
    st = ds if st is None else _pair(st, 'st')
    padding = tuple(int(p) for p in padding)
    if len(padding) != 2 or min(padding) < 0:
        raise ValueError('pool_2d: padding must be two non-negative ints, got %r' % (padding,))
    if padding != (0, 0):
        if not ignore_border:
            raise NotImplementedError('pool_2d: padding works only with ignore_border=True')
        if padding[0] >= ds[0] or padding[1] >= ds[1]:
            raise NotImplementedError('pool_2d: padding %r must be smaller than ds %r'
                                      % (padding, ds))
    if mode == 'max' and padding == (0, 0):
        return apply('max_pool_2d', input, ds=ds, st=st, ignore_border=bool(ignore_border))
    dtype = input.dtype
    return apply('pool_2d', input, ds=ds, st=st, ignore_border=bool(ignore_border),
                 padding=padding, mode=mode, out_type=(dtype, input.ndim))


def max_pool_2d_same_size(input, patch_size):
    raise NotImplementedError('pool.max_pool_2d_same_size is not provided by legacy_bn')
