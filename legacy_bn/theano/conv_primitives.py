"""Convolution and pooling primitives, each with its gradient rule in plain numpy.

Images are NCHW (batch, channels, rows, cols), filters (filters, channels, rows, cols),
as in Theano. conv2d is one primitive: the image's patches as columns (im2col, kernel-
flipped, padded for 'full' mode, only the strided positions) times the (F, C*kh*kw)
filters, one GEMM over all images, in a batch-last memory order (see below). The patches
are kept while the result lives, so the filter gradient is one more GEMM; the image
gradient is one GEMM and a scatter of the columns back to the image (col2im: a loop over
the kh*kw kernel offsets, each adding a whole block, never over pixels). A strided convolution is differentiated like any other
(Theano 0.8 could not do that without static shapes). Pooling loops over the offsets
inside a window, or compares whole tiles when the windows tile the image. Every rule
keeps the dtype of its argument and is checked against finite differences in
tests/test_conv_ops.py.
"""
import collections
import warnings
import weakref

import numpy as np
from autograd.extend import defvjp, defvjp_argnums, primitive
from numpy.lib.stride_tricks import as_strided

from .buffers import BUFFERS
from .primitives import product


# -- sizes ---------------------------------------------------------------------------
def conv_output_size(size, k, stride, border_mode):
    """Theano's ConvOp: the unstrided output ('valid': size - k + 1, 'full': size + k - 1),
    then every stride-th position from the first."""
    n = size - k + 1 if border_mode == 'valid' else size + k - 1
    return (n - 1) // stride + 1 if n > 0 else 0


def pool_output_size(size, ds, st, ignore_border):
    """Theano 0.8's DownsampleFactorMax output length for one axis, as its C code computed
    it: windows start every st rows; without ignore_border a last, partial window covers
    the remainder."""
    if ignore_border:
        return max(0, (size - ds) // st + 1)
    if st >= ds:
        return (size - 1) // st + 1
    # Theano's C code (what ran) divides with C's truncation toward zero: a pool as large
    # as the image, every st < ds, gives 2 positions where Python's floor would give 1
    behind = size - 1 - ds
    quotient = behind // st if behind >= 0 else -(-behind // st)
    return max(0, quotient + 1) + 1


# -- convolution ---------------------------------------------------------------------
# Inside the convolution the batch axis is the last one in memory ("batch-last":
# channels, rows, cols, batch). Patches copied in that order move runs of `batch`
# contiguous numbers instead of runs of one image row, the products are one GEMM over
# all images at once, and col2im adds whole (rows, cols * batch) blocks per kernel
# offset. The result is handed out as a transposed view, NCHW in shape and batch-last
# in memory, so the bias, the activation and the pooling after it run on the same
# memory order and the next convolution finds its input already batch-last.
def _batch_last(x):
    """x (B, C, H, W) as a contiguous (C, H, W, B) array (a view when it already is)."""
    t = x.transpose(1, 2, 3, 0)
    if t.flags.c_contiguous:
        return t
    out = BUFFERS.get(t.shape, t.dtype)
    np.copyto(out, t)
    return out


def _padded(xt, pad):
    """A batch-last image with `pad` zero rows and columns on each side."""
    if not any(pad):
        return xt
    ph, pw = pad
    c, h, w, b = xt.shape
    out = np.zeros((c, h + 2 * ph, w + 2 * pw, b), dtype=xt.dtype)
    out[:, ph:ph + h, pw:pw + w] = xt
    return out


def im2col(xt, kshape, stride, pad, out_hw):
    """The patches of a batch-last image xt (C, H, W, B) as columns, kernel-flipped:
    (C*kh*kw, Ho*Wo*B) with cols[(c, u, v), (i, j, b)] =
    x_padded[b, c, i*sh + kh-1-u, j*sw + kw-1-v]."""
    kh, kw = kshape
    xp = _padded(xt, pad)
    c, b = xp.shape[0], xp.shape[3]
    sc, sr, ss, sb = xp.strides
    # a strided view starting at the last kernel offset, walking the kernel backwards
    windows = as_strided(xp[:, kh - 1:, kw - 1:], shape=(c, kh, kw) + tuple(out_hw) + (b,),
                         strides=(sc, -sr, -ss, sr * stride[0], ss * stride[1], sb),
                         writeable=False)
    cols = BUFFERS.get(windows.shape, xp.dtype)
    np.copyto(cols, windows)
    return cols.reshape(c * kh * kw, out_hw[0] * out_hw[1] * b)


def col2im(cols, xt_shape, kshape, stride, pad, out_hw):
    """The transpose of im2col: each column entry added back where it was taken from,
    one (C, Ho, Wo * B) block per kernel offset; a batch-last (C, H, W, B) result."""
    kh, kw = kshape
    (sh, sw), (ph, pw), (ho, wo) = stride, pad, out_hw
    c, h, w, b = xt_shape
    g = cols.reshape(c, kh, kw, ho, wo, b)
    gx = BUFFERS.zeros((c, h + 2 * ph, w + 2 * pw, b), cols.dtype)
    for u in range(kh):
        r = kh - 1 - u
        for v in range(kw):
            s = kw - 1 - v
            gx[:, r:r + sh * (ho - 1) + 1:sh, s:s + sw * (wo - 1) + 1:sw] += g[:, u, v]
    return gx[:, ph:ph + h, pw:pw + w]


def _geometry(x, w, border_mode, subsample):
    kh, kw = w.shape[2:]
    out_hw = tuple(conv_output_size(n, k, s, border_mode)
                   for n, k, s in zip(x.shape[2:], (kh, kw), subsample))
    pad = (kh - 1, kw - 1) if border_mode == 'full' else (0, 0)
    return (kh, kw), tuple(subsample), pad, out_hw


# The patches of the latest convolutions, each kept while its result lives: the filter
# gradient needs them, and the reverse pass calls the VJP with that very result (`ans`).
# Bounded, so results a caller keeps do not keep their patches; a miss recomputes them.
_patches = collections.OrderedDict()
_MAX_PATCHES = 64


def _remember_patches(out, cols):
    key = id(out)
    _patches[key] = cols
    weakref.finalize(out, _patches.pop, key, None)
    if len(_patches) > _MAX_PATCHES:
        _patches.popitem(last=False)


def _checked_geometry(x, w, border_mode, subsample, image_shape, filter_shape):
    for what, given, actual in (('image_shape', image_shape, x.shape),
                                ('filter_shape', filter_shape, w.shape)):
        if given is not None and any(g is not None and g != a for g, a in zip(given, actual)):
            raise ValueError('conv2d: %s=%s was given, but the %s has shape %s'
                             % (what, tuple(given), 'image' if what == 'image_shape' else 'filters',
                                actual))
    if x.shape[1] != w.shape[1]:
        raise ValueError('conv2d: the input has %d channels (shape %s) but the filters expect %d '
                         '(filters of shape %s: nb_filter, stack_size, rows, cols)'
                         % (x.shape[1], x.shape, w.shape[1], w.shape))
    kshape, stride, pad, out_hw = _geometry(x, w, border_mode, subsample)
    if 0 in out_hw:
        raise ValueError("conv2d: filters of %dx%d do not fit in images of %dx%d in 'valid' mode"
                         % (kshape + x.shape[2:]))
    return kshape, stride, pad, out_hw


def _convolved_rows(x, w, geometry):
    """The (F, Ho*Wo*B) product of the filters and the patches, and the patches."""
    kshape, stride, pad, out_hw = geometry
    cols = im2col(_batch_last(x), kshape, stride, pad, out_hw)
    return _product(w.reshape(w.shape[0], -1), cols), cols


def _as_nchw(rows, x, w, out_hw, cols):
    """(F, Ho*Wo*B) rows as the (B, F, Ho, Wo) result (a view), its patches remembered."""
    out = rows.reshape((w.shape[0],) + out_hw + (x.shape[0],)).transpose(3, 0, 1, 2)
    _remember_patches(out, cols)
    return out


@primitive
def conv2d(x, w, border_mode, subsample, image_shape=None, filter_shape=None):
    """Theano's conv2d on values: a true convolution (filters flipped), NCHW: the (F,
    C*kh*kw) filters times the image's patches (im2col) of all images, one GEMM; the
    result is NCHW in shape and batch-last in memory (see above)."""
    geometry = _checked_geometry(x, w, border_mode, subsample, image_shape, filter_shape)
    rows, cols = _convolved_rows(x, w, geometry)
    return _as_nchw(rows, x, w, geometry[3], cols)


def _product(a, b):
    """a . b into a pooled array."""
    dtype = np.result_type(a, b)
    if a.ndim != 2 or b.ndim != 2 or dtype.kind != 'f':
        return product(a, b)
    return product(a, b, out=BUFFERS.get((a.shape[0], b.shape[1]), dtype))


def _batch_last_rows(g):
    """A (B, F, Ho, Wo) gradient as the (F, Ho*Wo*B) matrix of the batch-last layout."""
    return _batch_last(g).reshape(g.shape[1], -1)


def _conv2d_vjp_x(ans, x, w, border_mode, subsample, image_shape=None, filter_shape=None):
    kshape, stride, pad, out_hw = _geometry(x, w, border_mode, subsample)
    xt_shape = x.shape[1:] + x.shape[:1]

    def vjp(g):
        cols = _product(w.reshape(w.shape[0], -1).T, _batch_last_rows(g))
        gx = col2im(cols, xt_shape, kshape, stride, pad, out_hw).transpose(3, 0, 1, 2)
        return gx.astype(x.dtype, copy=False)
    return vjp


def _conv2d_vjp_w(ans, x, w, border_mode, subsample, image_shape=None, filter_shape=None):
    kshape, stride, pad, out_hw = _geometry(x, w, border_mode, subsample)
    cols = _patches.get(id(ans))
    if cols is None:            # called on a result the forward pass did not make
        cols = im2col(_batch_last(x), kshape, stride, pad, out_hw)

    def vjp(g):
        return product(_batch_last_rows(g), cols.T).reshape(w.shape).astype(w.dtype, copy=False)
    return vjp


# -- a convolution, its bias and its activation in one step (a fused op, see fusion.py) --
ACTIVATIONS = (None, 'tanh')


@primitive
def conv2d_bias(x, w, b, border_mode, subsample, image_shape=None, filter_shape=None,
                activation=None):
    """activation(conv2d(x, w) + b[None, :, None, None]) (Keras's Convolution2D), the bias
    and the activation applied in place on the product's rows: the unfused chain's values
    (the same operations on the same numbers), with no array of their own."""
    geometry = _checked_geometry(x, w, border_mode, subsample, image_shape, filter_shape)
    rows, cols = _convolved_rows(x, w, geometry)
    column = np.reshape(b, (-1, 1))
    if rows.dtype == np.result_type(rows, column):
        rows += column
    else:
        rows = rows + column
    if activation == 'tanh':
        np.tanh(rows, out=rows)
    return _as_nchw(rows, x, w, geometry[3], cols)


def _conv2d_bias_vjp(argnums, ans, args, kwargs):
    x, w, b = args[:3]
    border_mode, subsample = args[3:5] if len(args) > 4 else (kwargs['border_mode'],
                                                               kwargs['subsample'])
    activation = args[7] if len(args) > 7 else kwargs.get('activation')
    kshape, stride, pad, out_hw = _geometry(x, w, border_mode, subsample)

    def vjp(g):
        gz = _batch_last_rows(g)
        if activation == 'tanh':
            # tanh's rule, g * (1 - a * a), on the batch-last rows of the result
            a = ans.transpose(1, 2, 3, 0).reshape(gz.shape)
            t = BUFFERS.get(gz.shape, np.result_type(gz, a))
            np.multiply(a, a, out=t)
            np.subtract(1, t, out=t)
            gz = np.multiply(gz, t, out=t)
        grads = []
        for k in argnums:
            if k == 0:
                cols = _product(w.reshape(w.shape[0], -1).T, gz)
                gx = col2im(cols, x.shape[1:] + x.shape[:1], kshape, stride, pad, out_hw)
                grads.append(gx.transpose(3, 0, 1, 2).astype(x.dtype, copy=False))
            elif k == 1:
                cols = _patches.get(id(ans))
                if cols is None:
                    cols = im2col(_batch_last(x), kshape, stride, pad, out_hw)
                grads.append(product(gz, cols.T).reshape(w.shape).astype(w.dtype, copy=False))
            elif k == 2:
                grads.append(np.add.reduce(gz, axis=1).astype(b.dtype, copy=False))
            else:
                raise ValueError('conv2d_bias: no gradient for argument %d' % k)
        return tuple(grads)
    return vjp


# -- max pooling over the last two axes ----------------------------------------------
def _pool_geometry(shape, ds, st, ignore_border):
    rows, cols = shape[-2:]
    out = (pool_output_size(rows, ds[0], st[0], ignore_border),
           pool_output_size(cols, ds[1], st[1], ignore_border))
    # the extent the windows cover; beyond the image (a partial last window) is -inf
    extent = tuple(max(size, (n - 1) * s + d) if n else size
                   for size, n, s, d in zip((rows, cols), out, st, ds))
    return out, extent


def _window_slices(out, ds, st):
    """For each offset (u, v) inside a window: the slice of the (padded) input holding that
    offset of every window."""
    for u in range(ds[0]):
        for v in range(ds[1]):
            yield (Ellipsis, slice(u, u + st[0] * (out[0] - 1) + 1, st[0]),
                   slice(v, v + st[1] * (out[1] - 1) + 1, st[1]))


def _neg_inf_padded(x, extent):
    if extent == x.shape[-2:]:
        return x
    fill = -np.inf if x.dtype.kind == 'f' else np.iinfo(x.dtype).min
    out = np.full(x.shape[:-2] + extent, fill, dtype=x.dtype)
    out[..., :x.shape[-2], :x.shape[-1]] = x
    return out


@primitive
def max_pool(x, ds, st, ignore_border):
    out_hw, extent = _pool_geometry(x.shape, ds, st, ignore_border)
    if 0 in out_hw:     # no window fits (ignore_border): Theano's empty output
        return np.zeros(x.shape[:-2] + tuple(out_hw), dtype=x.dtype)
    xp = _neg_inf_padded(x, extent)
    slices = _window_slices(out_hw, ds, st)
    out = np.array(xp[next(slices)], copy=True)
    for index in slices:
        np.maximum(out, xp[index], out=out)
    return out


def _max_pool_vjp(ans, x, ds, st, ignore_border):
    # Theano's gradient: every input equal to its window's maximum receives the window's
    # full gradient (ties are not split); overlapping windows add up.
    out_hw, extent = _pool_geometry(x.shape, ds, st, ignore_border)
    if 0 in out_hw:     # an empty output: a zero gradient, as Theano's
        return lambda g: np.zeros_like(x)
    if ds == st and x.shape[-2:] == (out_hw[0] * ds[0], out_hw[1] * ds[1]):
        # windows tile the image exactly (LeNet's 2x2): one comparison, one product
        lead = x.shape[:-2]
        tiles = lead + (out_hw[0], ds[0], out_hw[1], ds[1])
        spread = lead + (out_hw[0], 1, out_hw[1], 1)
        hit = x.reshape(tiles) == ans.reshape(spread)
        return lambda g: (hit * g.reshape(spread)).reshape(x.shape).astype(x.dtype, copy=False)
    xp = _neg_inf_padded(x, extent)

    def vjp(g):
        gx = np.zeros(xp.shape, dtype=x.dtype)
        for index in _window_slices(out_hw, ds, st):
            gx[index] += np.where(xp[index] == ans, g, 0)
        return gx[..., :x.shape[-2], :x.shape[-1]]
    return vjp


# -- the op implementation of pooling (a check, then the primitive) ----------------
def warn_empty_pool(who, ds, sizes, detail='', stacklevel=2):
    """The RuntimeWarning for a pool window larger than its input with ignore_border=True,
    whose output Theano made empty (every release's pooling layers warn the same way)."""
    warnings.warn('%s: a pool of %s is larger than its input (%s), and ignore_border=True '
                  'leaves no output%s: the result is empty, as in Theano'
                  % (who, 'x'.join(map(str, ds)), 'x'.join(map(str, sizes)), detail),
                  RuntimeWarning, stacklevel=stacklevel + 1)


@primitive
def max_pool_2d(x, ds, st, ignore_border):
    """Theano's max_pool_2d on values: max over ds windows of the last two axes, every st.
    A primitive of its own (max_pool's values and rule), so the reverse pass calls its
    rule directly instead of tracing a wrapper."""
    out_hw, _ = _pool_geometry(x.shape, ds, st, ignore_border)
    if 0 in out_hw:
        # Theano 0.8.2 answered a window larger than the image (ignore_border=True) with an
        # empty array and a zero gradient, and the 2015 tests rely on it: so do we, and say so
        warn_empty_pool('max_pool_2d', ds, x.shape[-2:], stacklevel=3)
    return max_pool.fun(x, ds, st, ignore_border)


# -- the gradient rules ----------------------------------------------------------------
defvjp(conv2d, _conv2d_vjp_x, _conv2d_vjp_w)
defvjp(max_pool, _max_pool_vjp)
defvjp(max_pool_2d, _max_pool_vjp)
defvjp_argnums(conv2d_bias, _conv2d_bias_vjp)
