"""theano.tensor.signal.downsample: max pooling over the last two axes."""
import numbers

from ...graph import apply, as_variable

def max_pool_2d(input, ds, ignore_border=False, st=None, padding=(0, 0), mode='max'):
    """The maximum of each ds[0] x ds[1] window of the last two axes, windows every st
    (default: ds, no overlap). With ignore_border=False a partial window at the bottom or
    right edge still gives an output; with True it is dropped. Gradient as Theano's:
    every element equal to its window's maximum receives that window's whole gradient."""
    input = as_variable(input)
    if input.ndim < 2:
        raise TypeError('max_pool_2d: the input needs at least 2 dimensions, got %s'
                        % input.describe())
    if mode != 'max':
        raise NotImplementedError("max_pool_2d: only mode='max' is supported, got %r" % (mode,))
    if tuple(padding) != (0, 0):
        raise NotImplementedError('max_pool_2d: padding is not supported, got %r' % (padding,))
    ds = _pair(ds, 'ds')
    st = ds if st is None else _pair(st, 'st')
    return apply('max_pool_2d', input, ds=ds, st=st, ignore_border=bool(ignore_border))

def _pair(value, what):
    value = tuple(value)
    if len(value) != 2 or not all(isinstance(v, numbers.Integral) and v >= 1 for v in value):
        raise ValueError('max_pool_2d: %s must be two positive ints, got %r' % (what, value))
    return tuple(int(v) for v in value)

