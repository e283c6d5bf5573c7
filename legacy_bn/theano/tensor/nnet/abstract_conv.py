"""T.nnet.conv2d with Theano 0.8's interface (theano.tensor.nnet.abstract_conv): border
modes 'valid', 'full', 'half', an int or (rows, cols) of zero padding; filter_flip=False
for a cross-correlation. Evaluated with the one conv2d primitive: the image is padded
(pool_primitives.pad_borders, whose gradient is the inner part) and the filters flipped
by indexing, so every gradient comes from rules already checked."""
import numbers

import numpy as np

from ...conv_primitives import conv2d as conv_values
from ...graph import apply, as_variable
from ...ops import OPS, Op
from ...pool_primitives import pad_borders
from . import conv as conv07


def _conv_padded(x, w, border_mode, subsample, flip, input_shape=None, filter_shape=None):
    if not flip:
        w = w[:, :, ::-1, ::-1]
    kh, kw = w.shape[2:]
    if border_mode in ('valid', 'full'):
        return conv_values(x, w, border_mode, subsample, input_shape, filter_shape)
    if input_shape is not None and any(g is not None and g != a
                                       for g, a in zip(input_shape, x.shape)):
        raise ValueError('conv2d: input_shape=%s was given, but the image has shape %s'
                         % (tuple(input_shape), x.shape))
    pad = (kh // 2, kw // 2) if border_mode == 'half' else border_mode
    if pad != (0, 0):
        x = pad_borders(x, pad, (x.shape[2] + 2 * pad[0], x.shape[3] + 2 * pad[1]), 0)
    return conv_values(x, w, 'valid', subsample, None, filter_shape)


OPS['conv2d_08'] = Op(_conv_padded, None)


def conv2d(input, filters, input_shape=None, filter_shape=None, border_mode='valid',
           subsample=(1, 1), filter_flip=True, image_shape=None, **kwargs):
    """Theano 0.8's T.nnet.conv2d (NCHW input, (nb_filter, channels, rows, cols) filters).

    border_mode: 'valid', 'full', 'half' (pad rows // 2 and cols // 2 of the filter: the
    output keeps the image's size for odd filters), an int p or a pair (p_rows, p_cols) of
    zero padding. filter_flip=True (default) convolves; False cross-correlates.
    input_shape (or the 0.7 name image_shape) and filter_shape are checked when given."""
    input, filters = as_variable(input), as_variable(filters)
    if input_shape is None:
        input_shape = image_shape
    if isinstance(border_mode, (numbers.Integral, np.integer)):
        border_mode = (int(border_mode), int(border_mode))
    if isinstance(border_mode, tuple):
        if len(border_mode) != 2 or min(border_mode) < 0:
            raise ValueError('conv2d: border_mode as padding must be two non-negative ints, '
                             'got %r' % (border_mode,))
        border_mode = tuple(int(b) for b in border_mode)
    elif border_mode not in ('valid', 'full', 'half'):
        raise ValueError("conv2d: border_mode must be 'valid', 'full', 'half', an int or a "
                         "pair of ints, got %r" % (border_mode,))
    if border_mode in ('valid', 'full') and filter_flip:
        return conv07.conv2d(input, filters, image_shape=input_shape, filter_shape=filter_shape,
                             border_mode=border_mode, subsample=subsample)
    # the same checks as the 0.7 function, on a valid-mode node that is not used
    conv07.conv2d(input, filters, subsample=subsample)
    dtype = np.result_type(input.dtype, filters.dtype)
    return apply('conv2d_08', input, filters, border_mode=border_mode,
                 subsample=tuple(int(s) for s in subsample), flip=bool(filter_flip),
                 input_shape=conv07._static_shape(input_shape, 'input_shape'),
                 filter_shape=conv07._static_shape(filter_shape, 'filter_shape'),
                 out_type=(dtype, 4))
