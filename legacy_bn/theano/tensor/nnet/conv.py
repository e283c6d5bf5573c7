"""theano.tensor.nnet.conv: the 2-D convolution 2015 Keras used (`T.nnet.conv.conv2d`)."""
import numbers

import numpy as np

from ...graph import apply, as_variable

BORDER_MODES = ('valid', 'full')


def conv2d(input, filters, image_shape=None, filter_shape=None, border_mode='valid',
           subsample=(1, 1), **kwargs):
    """A true 2-D convolution (each filter flipped), as Theano's ConvOp computed it.

    input: (batch, stack_size, rows, cols); filters: (nb_filter, stack_size, rows, cols).
    'valid' keeps the positions where the filter fits inside the image, 'full' every
    position where it overlaps; subsample=(sr, sc) keeps every sr-th row and sc-th column
    of that output, starting with the first. image_shape / filter_shape are checked
    against the values when given (None entries are free). Differentiable with respect
    to both arguments, strided or not. Other ConvOp options (unroll_*, openmp) are
    accepted and have no effect.
    """
    input, filters = as_variable(input), as_variable(filters)
    if border_mode not in BORDER_MODES:
        raise ValueError("conv2d: border_mode must be 'valid' or 'full', got %r" % (border_mode,))
    for what, var in (('input', input), ('filters', filters)):
        if var.ndim != 4:
            raise TypeError('conv2d: %s must be a 4-d tensor (%s), got %s'
                            % (what, 'batch, stack_size, rows, cols' if what == 'input'
                               else 'nb_filter, stack_size, rows, cols', var.describe()))
        if np.dtype(var.dtype).kind != 'f':
            raise TypeError('conv2d: %s must be a float tensor, got %s' % (what, var.describe()))
    subsample = tuple(subsample)
    if len(subsample) != 2 or not all(isinstance(s, (numbers.Integral, np.integer)) and s >= 1
                                      for s in subsample):
        raise ValueError('conv2d: subsample must be two positive ints, got %r' % (subsample,))
    dtype = np.result_type(input.dtype, filters.dtype)
    return apply('conv2d', input, filters, border_mode=border_mode,
                 subsample=tuple(int(s) for s in subsample),
                 image_shape=_static_shape(image_shape, 'image_shape'),
                 filter_shape=_static_shape(filter_shape, 'filter_shape'),
                 out_type=(dtype, 4))


def _static_shape(shape, what):
    if shape is None:
        return None
    shape = tuple(None if s is None else int(s) for s in shape)
    if len(shape) != 4:
        raise ValueError('conv2d: %s must have 4 entries, got %r' % (what, shape))
    return shape
