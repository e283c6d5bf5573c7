"""Keras 0.3.3's Theano backend (`K.*`), written on legacy_bn.theano.

Every name of 0.3.3's theano_backend is here with its signature and numerics. Like
0.3.3, the module reads floatx and epsilon once, at import: they are the default
dtype of variable/placeholder/zeros/ones/random_* and the clipping bound of the
cross-entropies, and floatx becomes legacy_bn.theano's config.floatX (0.3.3 set
theano.config.floatX the same way). A later set_floatx() changes only floatx().

0.3.3 imported `theano`, `T` and `np` here and exported them with `import *`, so
`K.T` and `K.np` exist, as they did.
"""
import builtins
import inspect
import numbers

import numpy as np

import legacy_bn.theano as theano
from legacy_bn.theano import tensor as T
from legacy_bn.theano.sandbox.rng_mrg import MRG_RandomStreams as RandomStreams
from legacy_bn.theano.tensor.signal.downsample import max_pool_2d as _max_pool_2d
from . import common

_FLOATX = common.floatx()
_EPSILON = common.epsilon()
theano.config.floatX = _FLOATX


# -- variables ---------------------------------------------------------------------
def variable(value, dtype=_FLOATX, name=None):
    """A shared variable holding `value` as `dtype`."""
    return theano.shared(np.asarray(value, dtype=dtype), name=name, strict=False)


def placeholder(shape=None, ndim=None, dtype=_FLOATX, name=None):
    """A symbolic input with len(shape) (or ndim) dimensions; the sizes are not kept."""
    if shape is None and ndim is None:
        raise ValueError('K.placeholder: give a shape or an ndim (got neither)')
    if shape is not None:
        ndim = len(shape)
    return T.TensorType(dtype, (False,) * ndim)(name)


def shape(x):
    """The symbolic shape vector of x."""
    return x.shape


def ndim(x):
    return x.ndim


def eval(x):
    """The value of x (its graph evaluated with the current shared values)."""
    return x.eval()


def zeros(shape, dtype=_FLOATX, name=None):
    return variable(np.zeros(shape), dtype, name)


def ones(shape, dtype=_FLOATX, name=None):
    return variable(np.ones(shape), dtype, name)


def ones_like(x):
    return T.ones_like(x)


def zeros_like(x):
    return T.zeros_like(x)


def count_params(x):
    """The number of scalars in x (a numpy integer)."""
    return np.prod(x.shape.eval())


def cast(x, dtype):
    return T.cast(x, dtype)


# -- linear algebra ----------------------------------------------------------------
def dot(x, y):
    return T.dot(x, y)


def _summed_axes(axes, x, y):
    """batch_dot's axes as two lists (x's, y's), as Theano's batched_tensordot read them:
    an int n means x's last n axes and y's n axes after the batch axis."""
    if isinstance(axes, (numbers.Integral, np.integer)):
        return list(range(x.ndim - int(axes), x.ndim)), list(range(1, int(axes) + 1))
    ax_x, ax_y = axes
    ax_x = [ax_x] if isinstance(ax_x, (numbers.Integral, np.integer)) else list(ax_x)
    ax_y = [ax_y] if isinstance(ax_y, (numbers.Integral, np.integer)) else list(ax_y)
    return [a % x.ndim for a in ax_x], [a % y.ndim for a in ax_y]


def batch_dot(x, y, axes=None):
    """For each sample b: tensordot(x[b], y[b]) over the given axes (default: x's last
    with y's second-to-last). Result axes: batch, x's free axes, y's free axes."""
    if axes is None:
        axes = [(x.ndim - 1,), (y.ndim - 2,)]
    ax_x, ax_y = _summed_axes(axes, x, y)
    if 0 in ax_x or 0 in ax_y:
        raise ValueError('K.batch_dot: the summed axes %s must not include the batch axis 0'
                         % ([ax_x, ax_y],))
    if len(ax_x) != len(ax_y):
        raise ValueError('K.batch_dot: axes %s pair %d axes of x with %d of y'
                         % ([ax_x, ax_y], len(ax_x), len(ax_y)))
    free_x = [a for a in range(1, x.ndim) if a not in ax_x]
    free_y = [a for a in range(1, y.ndim) if a not in ax_y]
    # both as (batch, free_x..., free_y..., summed...), multiplied, summed over the tail
    xs = x.dimshuffle([0] + free_x + ['x'] * len(free_y) + ax_x)
    ys = y.dimshuffle([0] + ['x'] * len(free_x) + free_y + ax_y)
    n_kept = 1 + len(free_x) + len(free_y)
    return T.sum(xs * ys, axis=list(range(n_kept, n_kept + len(ax_x))))


def transpose(x):
    """x with its axes reversed."""
    return x.T


def gather(reference, indices):
    """reference[indices] along the first axis (indices: an int tensor)."""
    return reference[indices]


# -- reductions and elementwise ------------------------------------------------------
def max(x, axis=None, keepdims=False):
    return T.max(x, axis=axis, keepdims=keepdims)


def min(x, axis=None, keepdims=False):
    return T.min(x, axis=axis, keepdims=keepdims)


def sum(x, axis=None, keepdims=False):
    return T.sum(x, axis=axis, keepdims=keepdims)


def prod(x, axis=None, keepdims=False):
    return T.prod(x, axis=axis, keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    """The mean; an integer tensor's mean is floatx."""
    dtype = _FLOATX if 'int' in x.dtype else None
    return T.mean(x, axis=axis, keepdims=keepdims, dtype=dtype)


def std(x, axis=None, keepdims=False):
    return T.std(x, axis=axis, keepdims=keepdims)


def any(x, axis=None, keepdims=False):
    """1 where some element along axis is nonzero (logical OR)."""
    return T.any(x, axis=axis, keepdims=keepdims)


def argmax(x, axis=-1):
    return T.argmax(x, axis=axis, keepdims=False)


def argmin(x, axis=-1):
    return T.argmin(x, axis=axis, keepdims=False)


def square(x):
    return T.sqr(x)


def abs(x):
    return T.abs_(x)


def sqrt(x):
    """sqrt of x clipped at 0 (negative inputs give 0, not nan), as 0.3.3 did."""
    return T.sqrt(T.clip(x, 0., np.inf))


def exp(x):
    return T.exp(x)


def log(x):
    return T.log(x)


def round(x):
    """Halves rounded away from zero (Theano 0.8's default)."""
    return T.round(x)


def sign(x):
    """-1, 0 or 1 in x's dtype (no gradient, as Theano's sgn)."""
    return T.cast(T.gt(x, 0), x.dtype) - T.cast(T.lt(x, 0), x.dtype)


def pow(x, a):
    return T.pow(x, a)


def clip(x, min_value, max_value):
    """x clipped to [min_value, max_value]; a max below the min is raised to the min."""
    if max_value < min_value:
        max_value = min_value
    return T.clip(x, min_value, max_value)


def equal(x, y):
    return T.eq(x, y)


def not_equal(x, y):
    return T.neq(x, y)


def maximum(x, y):
    return T.maximum(x, y)


def minimum(x, y):
    return T.minimum(x, y)


# -- shapes ----------------------------------------------------------------------------
def concatenate(tensors, axis=-1):
    return T.concatenate(tensors, axis=axis)


def reshape(x, shape):
    return T.reshape(x, shape)


def permute_dimensions(x, pattern):
    """x with its axes in the order `pattern` (a list or tuple of axis indices)."""
    return x.dimshuffle(tuple(pattern))


def repeat_elements(x, rep, axis):
    """np.repeat(x, rep, axis): each element `rep` times along axis."""
    return T.extra_ops.repeat(x, rep, axis=axis)


def _image_axes(dim_ordering, n_spatial, what):
    """The spatial axes of a 'th' (channels first) or 'tf' (channels last) tensor."""
    if dim_ordering == 'th':
        return list(range(2, 2 + n_spatial))
    if dim_ordering == 'tf':
        return list(range(1, 1 + n_spatial))
    raise ValueError("%s: dim_ordering must be 'th' or 'tf', got %r" % (what, dim_ordering))


def resize_images(X, height_factor, width_factor, dim_ordering):
    """Each pixel of a 4-d image batch repeated into a height x width block."""
    for axis, factor in zip(_image_axes(dim_ordering, 2, 'K.resize_images'),
                            (height_factor, width_factor)):
        X = repeat_elements(X, factor, axis=axis)
    return X


def resize_volumes(X, depth_factor, height_factor, width_factor, dim_ordering):
    """Each voxel of a 5-d volume batch repeated into a depth x height x width block."""
    for axis, factor in zip(_image_axes(dim_ordering, 3, 'K.resize_volumes'),
                            (depth_factor, height_factor, width_factor)):
        X = repeat_elements(X, factor, axis=axis)
    return X


def repeat(x, n):
    """(samples, dim) -> (samples, n, dim), each row repeated n times."""
    if x.ndim != 2:
        raise ValueError('K.repeat: x must be 2-d (samples, dim), got %s' % x.describe())
    return T.extra_ops.repeat(x.dimshuffle((0, 'x', 1)), n, axis=1)


def tile(x, n):
    """np.tile(x, n) for an int or a list of ints/int scalars, as Theano 0.8 built it
    (x broadcast to reps + shape, axes interleaved, reshaped)."""
    reps = list(n) if isinstance(n, (list, tuple)) else [n]
    out_ndim = builtins.max(len(reps), x.ndim)
    reps = [1] * (out_ndim - len(reps)) + reps
    sizes = [1] * (out_ndim - x.ndim) + [x.shape[i] for i in range(x.ndim)]
    y = T.alloc(x, *(reps + sizes))
    interleaved = [a for i in range(out_ndim) for a in (i, out_ndim + i)]
    return y.dimshuffle(interleaved).reshape([s * r for s, r in zip(sizes, reps)])


def flatten(x):
    return T.flatten(x)


def batch_flatten(x):
    """(samples, ...) -> (samples, everything else)."""
    return T.reshape(x, (x.shape[0], T.prod(x.shape) // x.shape[0]))


def expand_dims(x, dim=-1):
    """x with a new axis of size 1 at `dim` (-1: after the last)."""
    pattern = list(range(x.ndim))
    if dim < 0:
        dim = 0 if x.ndim == 0 else dim % x.ndim + 1
    pattern.insert(dim, 'x')
    return x.dimshuffle(pattern)


def squeeze(x, axis):
    """x without its axis `axis` (which must have size 1).

    0.3.3 marked the axis broadcastable and called T.squeeze, which drops every
    broadcastable axis; legacy_bn does not track broadcastability, so exactly `axis`
    is dropped (the same result unless x had other broadcastable axes)."""
    axis = axis % x.ndim
    return x.dimshuffle([i for i in range(x.ndim) if i != axis])


def _pad_zeros(x, pads):
    """x inside a zero tensor, with pads[axis] zeros before and after each listed axis
    (an int, or a (before, after) pair). The zeros take x's dtype (0.3.3's took floatx,
    the same for floatx inputs)."""
    out_shape, index = [], []
    for axis in range(x.ndim):
        before, after = _pair(pads.get(axis, 0))
        out_shape.append(x.shape[axis] + (before + after) if before or after else x.shape[axis])
        index.append(slice(before, x.shape[axis] + before) if before or after else slice(None))
    return T.set_subtensor(T.zeros(out_shape, dtype=x.dtype)[tuple(index)], x)


def _pair(p):
    return (p, p) if isinstance(p, (numbers.Integral, np.integer)) else tuple(p)


def temporal_padding(x, padding=1):
    """(samples, time, dim) with `padding` zero steps before and after the time axis."""
    return _pad_zeros(x, {1: padding})


def spatial_2d_padding(x, padding=(1, 1), dim_ordering='th'):
    """A 4-d image batch with padding[0] zero rows and padding[1] zero columns on each side."""
    axes = _image_axes(dim_ordering, 2, 'K.spatial_2d_padding')
    return _pad_zeros(x, dict(zip(axes, padding)))


def spatial_3d_padding(x, padding=(1, 1, 1), dim_ordering='th'):
    """A 5-d volume batch zero-padded on each side of its three spatial axes."""
    axes = _image_axes(dim_ordering, 3, 'K.spatial_3d_padding')
    return _pad_zeros(x, dict(zip(axes, padding)))


def pack(x):
    """Stack a list of same-shaped tensors along a new first axis."""
    return T.stack(*x)


# -- values ----------------------------------------------------------------------------
def get_value(x):
    if not hasattr(x, 'get_value'):
        raise TypeError('K.get_value() needs a variable (made by K.variable), got %s; '
                        'use K.eval() for an expression' % _describe(x))
    return x.get_value()


def set_value(x, value):
    """Set variable x to value, converted to x's dtype."""
    x.set_value(np.asarray(value, dtype=x.dtype))


def _describe(x):
    return x.describe() if hasattr(x, 'describe') else repr(x)


# -- graphs ----------------------------------------------------------------------------
class Function(object):
    """A compiled K.function; call it with a list (or tuple) of input values."""

    def __init__(self, inputs, outputs, updates=[], **kwargs):
        self.function = theano.function(inputs, outputs, updates=updates,
                                        allow_input_downcast=True, **kwargs)

    def __call__(self, inputs):
        if type(inputs) not in (list, tuple):
            raise TypeError('a K.function is called with a list of input values, got %s'
                            % type(inputs).__name__)
        return self.function(*inputs)


_FUNCTION_ARGS = tuple(inspect.signature(theano.function).parameters)


def function(inputs, outputs, updates=[], **kwargs):
    """Compile outputs of inputs (with updates) once; returns a Function."""
    for key in kwargs:
        if key not in _FUNCTION_ARGS:
            raise ValueError("Invalid argument '%s' passed to K.function (theano.function "
                             'takes %s)' % (key, ', '.join(_FUNCTION_ARGS)))
    return Function(inputs, outputs, updates=updates, **kwargs)


def gradients(loss, variables):
    return T.grad(loss, variables)


# -- control flow -------------------------------------------------------------------------
def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None,
        constants=None):
    """Run step_function(input_t, states) over axis 1 of inputs (samples, time, ...).

    Returns (last_output, outputs (samples, time, ...), last states). With a mask
    (samples, time) a masked step repeats the previous output and states (the output
    before the first unmasked step is zeros). go_backwards runs from the last step to
    the first; outputs then come in that order, as 0.3.3 returned them.
    """
    ndim = inputs.ndim
    if ndim < 3:
        raise ValueError('K.rnn: inputs must be at least 3-d (samples, time, ...), got %s'
                         % inputs.describe())
    time_major = [1, 0] + list(range(2, ndim))
    inputs = inputs.dimshuffle(time_major)
    constants = [] if constants is None else constants

    if mask is not None:
        if mask.ndim == ndim - 1:
            mask = expand_dims(mask)
        if mask.ndim != ndim:
            raise ValueError('K.rnn: the mask %s does not fit inputs of %d dimensions'
                             % (mask.describe(), ndim))
        mask = mask.dimshuffle(time_major)
        # zeros shaped like one output: the "previous output" of a first masked step
        initial_output = step_function(inputs[0], initial_states + constants)[0] * 0

        def _step(input, mask_t, output_tm1, *states):
            output, new_states = step_function(input, states)
            kept = [T.switch(mask_t, new, old) for old, new in zip(states, new_states)]
            return [T.switch(mask_t, output, output_tm1)] + kept

        results, _ = theano.scan(_step, sequences=[inputs, mask],
                                 outputs_info=[initial_output] + initial_states,
                                 non_sequences=constants, go_backwards=go_backwards)
    else:
        def _step(input, *states):
            output, new_states = step_function(input, states)
            return [output] + list(new_states)

        results, _ = theano.scan(_step, sequences=inputs,
                                 outputs_info=[None] + initial_states,
                                 non_sequences=constants, go_backwards=go_backwards)

    if isinstance(results, (list, tuple)):
        outputs, states = results[0], list(results[1:])
    else:
        outputs, states = results, []
    # 0.3.3 squeezed the broadcastable axes of outputs and states here; step outputs
    # of the recurrent layers have none, so nothing is dropped.
    last_output = outputs[-1]
    outputs = outputs.dimshuffle([1, 0] + list(range(2, outputs.ndim)))
    return last_output, outputs, [state[-1] for state in states]


def switch(condition, then_expression, else_expression):
    """then_expression where condition is nonzero, else_expression elsewhere."""
    return T.switch(condition, then_expression, else_expression)


# -- neural-network functions ---------------------------------------------------------
def relu(x, alpha=0., max_value=None):
    """Theano's relu (alpha: the slope below zero), capped at max_value if given."""
    x = T.nnet.relu(x, alpha)
    if max_value is not None:
        x = T.minimum(x, max_value)
    return x


def softmax(x):
    return T.nnet.softmax(x)


def softplus(x):
    return T.nnet.softplus(x)


def categorical_crossentropy(output, target, from_logits=False):
    """-sum(target * log(p)) per sample, where p is the softmax of output (from_logits)
    or output rescaled to sum to 1, then clipped to [epsilon, 1 - epsilon]."""
    if from_logits:
        output = T.nnet.softmax(output)
    else:
        output = output / output.sum(axis=-1, keepdims=True)
    output = T.clip(output, _EPSILON, 1.0 - _EPSILON)
    return T.nnet.categorical_crossentropy(output, target)


def binary_crossentropy(output, target, from_logits=False):
    """Elementwise cross-entropy of the probabilities output (sigmoid of the logits when
    from_logits), clipped to [epsilon, 1 - epsilon]."""
    if from_logits:
        output = T.nnet.sigmoid(output)
    output = T.clip(output, _EPSILON, 1.0 - _EPSILON)
    return T.nnet.binary_crossentropy(output, target)


def sigmoid(x):
    return T.nnet.sigmoid(x)


def hard_sigmoid(x):
    return T.nnet.hard_sigmoid(x)


def tanh(x):
    return T.tanh(x)


def _random_streams(seed):
    """A fresh MRG stream seeded with `seed`, or (None) with np.random.randint(10e6)
    drawn now, from the global numpy RNG, as 0.3.3 drew it."""
    if seed is None:
        seed = np.random.randint(10e6)
    return RandomStreams(seed=seed)


def dropout(x, level, seed=None):
    """Inverted dropout: x times a 0/1 mask keeping each entry with probability
    1 - level, divided by 1 - level. The mask's stream is seeded when the graph is
    built (a new seed each call, from np.random unless `seed` is given)."""
    if level < 0. or level >= 1:
        raise ValueError('K.dropout: level must be in [0, 1), got %r' % (level,))
    rng = _random_streams(seed)
    retain_prob = 1. - level
    x = x * rng.binomial(x.shape, p=retain_prob, dtype=x.dtype)
    return x / retain_prob


def l2_normalize(x, axis):
    """x divided by its L2 norm along axis."""
    return x / T.sqrt(T.sum(T.sqr(x), axis=axis, keepdims=True))


# -- convolution and pooling ------------------------------------------------------------
def _check_dim_ordering(dim_ordering, what):
    if dim_ordering not in ('th', 'tf'):
        raise ValueError("%s: dim_ordering must be 'th' or 'tf', got %r" % (what, dim_ordering))


def _int_or_none(value):
    try:
        return int(value)
    except TypeError:
        return None


def conv2d(x, kernel, strides=(1, 1), border_mode='valid', dim_ordering='th',
           image_shape=None, filter_shape=None):
    """2-D convolution (filters flipped, as Theano's conv2d) of a 4-d image batch.

    th: x (samples, channels, rows, cols), kernel (nb_filter, channels, rows, cols);
    tf: x (samples, rows, cols, channels), kernel (rows, cols, channels, nb_filter).
    border_mode 'valid' or 'same' ('same' pads kernel_size // 2 zeros on each side, as
    Theano's 'half' mode, then crops to ceil(size / stride); it reads the kernel's
    value for its size, as 0.3.3 did).
    """
    _check_dim_ordering(dim_ordering, 'K.conv2d')
    if dim_ordering == 'tf':
        x = x.dimshuffle((0, 3, 1, 2))
        kernel = kernel.dimshuffle((3, 2, 0, 1))
        if image_shape:
            image_shape = (image_shape[0], image_shape[3], image_shape[1], image_shape[2])
        if filter_shape:
            filter_shape = (filter_shape[3], filter_shape[2], filter_shape[0], filter_shape[1])
    if image_shape is not None:
        image_shape = tuple(_int_or_none(v) for v in image_shape)
    if filter_shape is not None:
        filter_shape = tuple(_int_or_none(v) for v in filter_shape)

    if border_mode == 'same':
        k_rows, k_cols = kernel.eval().shape[2:]
        if strides[0] > k_rows or strides[1] > k_cols:
            raise ValueError('K.conv2d: strides %s must not exceed the kernel size %s'
                             % (tuple(strides), (k_rows, k_cols)))
        padded = _pad_zeros(x, {2: k_rows // 2, 3: k_cols // 2})
        if image_shape is not None:
            image_shape = image_shape[:2] + tuple(
                None if s is None else s + 2 * (k // 2)
                for s, k in zip(image_shape[2:], (k_rows, k_cols)))
        out = T.nnet.conv.conv2d(padded, kernel, border_mode='valid', subsample=strides,
                                 image_shape=image_shape, filter_shape=filter_shape)
        # an even kernel gives one position more than ceil(size / stride)
        if k_rows % 2 == 0:
            out = out[:, :, :(x.shape[2] + strides[0] - 1) // strides[0], :]
        if k_cols % 2 == 0:
            out = out[:, :, :, :(x.shape[3] + strides[1] - 1) // strides[1]]
    elif border_mode == 'valid':
        out = T.nnet.conv.conv2d(x, kernel, border_mode='valid', subsample=strides,
                                 image_shape=image_shape, filter_shape=filter_shape)
    else:
        raise ValueError("K.conv2d: border_mode must be 'valid' or 'same', got %r"
                         % (border_mode,))
    if dim_ordering == 'tf':
        out = out.dimshuffle((0, 2, 3, 1))
    return out


def conv3d(x, kernel, strides=(1, 1, 1), border_mode='valid', dim_ordering='th',
           volume_shape=None, filter_shape=None):
    """3-D convolution (the kernel flipped along all three axes, as Theano's conv3d2d) of a
    5-d volume batch. th: x (samples, channels, d1, d2, d3), kernel (nb_filter, channels,
    k1, k2, k3); tf: x (samples, d1, d2, d3, channels), kernel (k1, k2, k3, channels,
    nb_filter). 'same' zero-pads k - 1 along each axis, (k - 1) // 2 of it before, as
    0.3.3 did, and needs strides (1, 1, 1); strides keep every s-th output position.
    The kernel's size is read from filter_shape or the kernel's value."""
    _check_dim_ordering(dim_ordering, 'K.conv3d')
    if border_mode not in ('same', 'valid'):
        raise ValueError("K.conv3d: border_mode must be 'valid' or 'same', got %r"
                         % (border_mode,))
    if dim_ordering == 'tf':
        x = x.dimshuffle((0, 4, 1, 2, 3))
        kernel = kernel.dimshuffle((4, 3, 0, 1, 2))
        if filter_shape:
            filter_shape = (filter_shape[4], filter_shape[3]) + tuple(filter_shape[:3])
    k_shape = tuple(int(k) for k in (filter_shape or kernel.eval().shape)[2:])
    if border_mode == 'same':
        if tuple(strides) != (1, 1, 1):
            raise ValueError("K.conv3d: border_mode='same' needs strides (1, 1, 1), got %s"
                             % (tuple(strides),))
        x = _pad_zeros(x, {2 + i: ((k - 1) // 2, k - 1 - (k - 1) // 2)
                           for i, k in enumerate(k_shape)})
    out = _conv3d_valid(x, kernel, k_shape[0])
    if tuple(strides) != (1, 1, 1):
        out = out[:, :, ::strides[0], ::strides[1], ::strides[2]]
    if dim_ordering == 'tf':
        out = out.dimshuffle((0, 2, 3, 4, 1))
    return out


def _conv3d_valid(x, kernel, k_depth):
    """'valid' 3-D convolution as a sum over the kernel's depth slices of 2-d
    convolutions of the matching input frames (all frames of a batch in one conv2d)."""
    depth = x.shape[2] - k_depth + 1
    total = None
    for k in range(k_depth):
        frames = x[:, :, k:k + depth].dimshuffle((0, 2, 1, 3, 4))      # (b, depth, c, r, c)
        flat = frames.reshape((x.shape[0] * depth, x.shape[1], x.shape[3], x.shape[4]))
        conv = T.nnet.conv.conv2d(flat, kernel[:, :, k_depth - 1 - k], border_mode='valid')
        total = conv if total is None else total + conv
    out = total.reshape((x.shape[0], depth, total.shape[1], total.shape[2], total.shape[3]))
    return out.dimshuffle((0, 2, 1, 3, 4))


def _window_sum(y, pool_size, strides, out_rows, out_cols):
    """Sum over each pool_size window of the last two axes of y, windows every strides,
    out_rows x out_cols of them (offsets added in row-major order, as Theano's loop)."""
    total = None
    for i in range(pool_size[0]):
        for j in range(pool_size[1]):
            part = y[..., i:i + strides[0] * (out_rows - 1) + 1:strides[0],
                     j:j + strides[1] * (out_cols - 1) + 1:strides[1]]
            total = part if total is None else total + part
    return total


def _average_pool(x, pool_size, strides, padding):
    """Theano's pool_2d(mode='average_exc_pad', ignore_border=True) over the last two
    axes: each window's mean over the entries that are not padding."""
    rows_axis, cols_axis = x.ndim - 2, x.ndim - 1
    pads = {rows_axis: padding[0], cols_axis: padding[1]}
    rows = (x.shape[rows_axis] + 2 * padding[0] - pool_size[0]) // strides[0] + 1
    cols = (x.shape[cols_axis] + 2 * padding[1] - pool_size[1]) // strides[1] + 1
    summed = _window_sum(_pad_zeros(x, pads), pool_size, strides, rows, cols)
    if padding == (0, 0):
        return summed / (pool_size[0] * pool_size[1])
    one_image = T.ones_like(x[(slice(0, 1),) * (x.ndim - 2)])
    return summed / _window_sum(_pad_zeros(one_image, pads), pool_size, strides, rows, cols)


def _max_pool(x, pool_size, strides, padding):
    """Theano's pool_2d(mode='max', ignore_border=True) over the last two axes; its
    windows never count the padding, so padding with -inf gives the same maxima."""
    if padding != (0, 0):
        x = _pad_value(x, {x.ndim - 2: padding[0], x.ndim - 1: padding[1]}, -np.inf)
    return _max_pool_2d(x, pool_size, ignore_border=True, st=strides)


def _pad_value(x, pads, value):
    """x padded like _pad_zeros, with `value` in the padding."""
    inside = _pad_zeros(T.ones_like(x), pads)
    return T.switch(inside, _pad_zeros(x, pads), value)


def pool2d(x, pool_size, strides=(1, 1), border_mode='valid', dim_ordering='th',
           pool_mode='max'):
    """Max or average ('avg') pooling over the two spatial axes of a 4-d batch.

    'same' pads pool_size - 2 (odd sizes) or pool_size - 1 (even) on each side, as
    0.3.3 asked Theano to, and crops to ceil(size / stride); padding never enters a
    maximum or an average.
    """
    if border_mode == 'same':
        padding = tuple(p - 2 if p % 2 == 1 else p - 1 for p in pool_size)
    elif border_mode == 'valid':
        padding = (0, 0)
    else:
        raise ValueError("K.pool2d: border_mode must be 'valid' or 'same', got %r"
                         % (border_mode,))
    _check_dim_ordering(dim_ordering, 'K.pool2d')
    if dim_ordering == 'tf':
        x = x.dimshuffle((0, 3, 1, 2))
    pool_size, strides = tuple(pool_size), tuple(strides)
    if pool_mode == 'max':
        out = _max_pool(x, pool_size, strides, padding)
    elif pool_mode == 'avg':
        out = _average_pool(x, pool_size, strides, padding)
    else:
        raise ValueError("K.pool2d: pool_mode must be 'max' or 'avg', got %r" % (pool_mode,))
    if border_mode == 'same':
        out = out[:, :, :(x.shape[2] + strides[0] - 1) // strides[0],
                  :(x.shape[3] + strides[1] - 1) // strides[1]]
    if dim_ordering == 'tf':
        out = out.dimshuffle((0, 2, 3, 1))
    return out


def pool3d(x, pool_size, strides=(1, 1, 1), border_mode='valid', dim_ordering='th',
           pool_mode='max'):
    """Max or average ('avg') pooling over the three spatial axes of a 5-d batch, built
    as 0.3.3 built it: a 2-d pooling over the first two spatial axes, then one over the
    third. Only border_mode 'valid' (0.3.3 refused 'same' with Theano too)."""
    if border_mode == 'same':
        raise ValueError('K.pool3d: border_mode="same" is not supported with Theano '
                         '(Keras 0.3.3 refused it too)')
    if border_mode != 'valid':
        raise ValueError("K.pool3d: border_mode must be 'valid', got %r" % (border_mode,))
    _check_dim_ordering(dim_ordering, 'K.pool3d')
    pools = {'max': _max_pool, 'avg': _average_pool}
    if pool_mode not in pools:
        raise ValueError("K.pool3d: pool_mode must be 'max' or 'avg', got %r" % (pool_mode,))
    pool = pools[pool_mode]
    if dim_ordering == 'tf':
        x = x.dimshuffle((0, 4, 1, 2, 3))
    swapped = (0, 1, 4, 3, 2)     # the first two spatial axes last (second, then first)
    out = pool(x.dimshuffle(swapped), (pool_size[1], pool_size[0]),
               (strides[1], strides[0]), (0, 0)).dimshuffle(swapped)
    out = pool(out, (1, pool_size[2]), (1, strides[2]), (0, 0))
    if dim_ordering == 'tf':
        out = out.dimshuffle((0, 2, 3, 4, 1))
    return out


# -- random tensors ---------------------------------------------------------------------
def random_normal(shape, mean=0.0, std=1.0, dtype=_FLOATX, seed=None):
    """Normal draws from a new MRG stream (seeded as in dropout)."""
    return _random_streams(seed).normal(size=shape, avg=mean, std=std, dtype=dtype)


def random_uniform(shape, low=0.0, high=1.0, dtype=_FLOATX, seed=None):
    """Uniform draws in [low, high) from a new MRG stream (seeded as in dropout).

    Theano cast low and high to dtype and computed u * (high - low) + low in compiled
    code, where the compiler fuses the multiply and the add (one rounding); in float32
    that is the float64 result rounded once, which is how it is computed here."""
    u = _random_streams(seed).uniform(shape, dtype=dtype)
    if low == 0.0 and high == 1.0:
        return u
    low, high = np.asarray(low, dtype), np.asarray(high, dtype)
    scale, shift = float(high - low), float(low)
    if np.dtype(dtype) == np.float32:
        return T.cast(T.cast(u, 'float64') * scale + shift, dtype)
    return u * scale + shift


def random_binomial(shape, p=0.0, dtype=_FLOATX, seed=None):
    """0/1 draws, 1 with probability p."""
    return _random_streams(seed).binomial(shape, p=p, dtype=dtype)
