"""Convolution and pooling primitives, each with its gradient rule in plain numpy.

Images are NCHW (batch, channels, rows, cols), filters (filters, channels, rows, cols),
as in Theano. conv2d is one primitive: the image's patches as columns (im2col, kernel-
flipped, padded for 'full' mode, only the strided positions) times the (F, C*kh*kw)
filters, one batched GEMM straight into (B, F, Ho, Wo). The patches are kept while the
result lives, so the filter gradient is one more GEMM; the image gradient is one GEMM and
a scatter of the columns back to the image (col2im: a loop over the kh*kw kernel
offsets, never over pixels). A strided convolution is differentiated like any other
(Theano 0.8 could not do that without static shapes). Pooling loops over the offsets
inside a window, or compares whole tiles when the windows tile the image. Every rule
keeps the dtype of its argument and is checked against finite differences in
tests/test_conv_ops.py.
"""
import collections
import warnings
import weakref

import numpy as np
from autograd.extend import defvjp, primitive
from numpy.lib.stride_tricks import as_strided


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
def _padded(x, pad):
    if not any(pad):
        return x
    ph, pw = pad
    out = np.zeros(x.shape[:2] + (x.shape[2] + 2 * ph, x.shape[3] + 2 * pw), dtype=x.dtype)
    out[:, :, ph:ph + x.shape[2], pw:pw + x.shape[3]] = x
    return out


def im2col(x, kshape, stride, pad, out_hw):
    """The patches as columns, kernel-flipped: (B, C*kh*kw, Ho*Wo) with
    cols[b, (c, u, v), (i, j)] = x_padded[b, c, i*sh + kh-1-u, j*sw + kw-1-v]."""
    kh, kw = kshape
    xp = _padded(x, pad)
    b, c = xp.shape[:2]
    sb, sc, sr, ss = xp.strides
    # a strided view starting at the last kernel offset, walking the kernel backwards
    windows = as_strided(xp[:, :, kh - 1:, kw - 1:], shape=(b, c, kh, kw) + tuple(out_hw),
                         strides=(sb, sc, -sr, -ss, sr * stride[0], ss * stride[1]),
                         writeable=False)
    return windows.reshape(b, c * kh * kw, out_hw[0] * out_hw[1])


def col2im(cols, x_shape, kshape, stride, pad, out_hw):
    """The transpose of im2col: each column entry added back where it was taken from
    (a loop over the kh*kw kernel offsets)."""
    kh, kw = kshape
    (sh, sw), (ph, pw), (ho, wo) = stride, pad, out_hw
    b, c, h, w = x_shape
    g = cols.reshape(b, c, kh, kw, ho, wo)
    gx = np.zeros((b, c, h + 2 * ph, w + 2 * pw), dtype=cols.dtype)
    for u in range(kh):
        r = kh - 1 - u
        for v in range(kw):
            s = kw - 1 - v
            gx[:, :, r:r + sh * (ho - 1) + 1:sh, s:s + sw * (wo - 1) + 1:sw] += g[:, :, u, v]
    return gx[:, :, ph:ph + h, pw:pw + w]


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


@primitive
def conv2d(x, w, border_mode, subsample, image_shape=None, filter_shape=None):
    """Theano's conv2d on values: a true convolution (filters flipped), NCHW: the image's
    patches (im2col) times the (F, C*kh*kw) filters, one batched GEMM straight into
    (B, F, Ho, Wo)."""
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
    cols = im2col(x, kshape, stride, pad, out_hw)
    out = np.matmul(w.reshape(w.shape[0], -1), cols).reshape((x.shape[0], w.shape[0]) + out_hw)
    _remember_patches(out, cols)
    return out


def _conv2d_vjp_x(ans, x, w, border_mode, subsample, image_shape=None, filter_shape=None):
    kshape, stride, pad, out_hw = _geometry(x, w, border_mode, subsample)
    # numpy's matmul runs a stack through BLAS only when each matrix is C-contiguous
    w2t = np.ascontiguousarray(w.reshape(w.shape[0], -1).T)

    def vjp(g):
        cols = np.matmul(w2t, g.reshape(g.shape[:2] + (-1,)))
        return col2im(cols, x.shape, kshape, stride, pad, out_hw).astype(x.dtype, copy=False)
    return vjp


def _conv2d_vjp_w(ans, x, w, border_mode, subsample, image_shape=None, filter_shape=None):
    kshape, stride, pad, out_hw = _geometry(x, w, border_mode, subsample)
    cols = _patches.get(id(ans))
    if cols is None:            # called on a result the forward pass did not make
        cols = im2col(x, kshape, stride, pad, out_hw)

    def vjp(g):
        per_image = np.matmul(g.reshape(g.shape[:2] + (-1,)), cols.transpose(0, 2, 1))
        return per_image.sum(axis=0).reshape(w.shape).astype(w.dtype, copy=False)
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


def max_pool_2d(x, ds, st, ignore_border):
    """Theano's max_pool_2d on values: max over ds windows of the last two axes, every st."""
    out_hw, _ = _pool_geometry(x.shape, ds, st, ignore_border)
    if 0 in out_hw:
        # Theano 0.8.2 answered a window larger than the image (ignore_border=True) with an
        # empty array and a zero gradient, and the 2015 tests rely on it: so do we, and say so
        warn_empty_pool('max_pool_2d', ds, x.shape[-2:], stacklevel=3)
    return max_pool(x, ds, st, ignore_border)


# -- the gradient rules ----------------------------------------------------------------
defvjp(conv2d, _conv2d_vjp_x, _conv2d_vjp_w)
defvjp(max_pool, _max_pool_vjp)
