"""theano.tensor.signal.pool's modes other than plain max pooling, on values.

`pool(x, ds, st, ignore_border, padding, mode)` pads the last two axes (`padding` rows
and columns on each side: -inf for max, zeros otherwise), then:
  * 'max': conv_primitives.max_pool over the padded image (the padding never wins);
  * 'sum': the sum of each window;
  * 'average_inc_pad': that sum over the number of the window's positions inside the
    padded image; 'average_exc_pad': over the number inside the real image.
(Theano 0.8.2's Pool, checked against its recorded numbers in tests/test_theano_pool.py.)
Two primitives carry the gradients: `pad_borders` (its gradient is the inner part) and
`window_sum` (each input position receives the gradients of the windows holding it).
"""
import numpy as np
from autograd.extend import defvjp, primitive

from .conv_primitives import _pool_geometry, _window_slices, max_pool

MODES = ('max', 'sum', 'average_inc_pad', 'average_exc_pad')


@primitive
def pad_borders(x, pad, extent, fill):
    """x with `pad` (rows, cols) of `fill` before its last two axes and enough after to
    reach `extent` (the padded size the pooling windows cover)."""
    ph, pw = pad
    out = np.full(x.shape[:-2] + tuple(extent), fill, dtype=x.dtype)
    out[..., ph:ph + x.shape[-2], pw:pw + x.shape[-1]] = x
    return out


defvjp(pad_borders, lambda ans, x, pad, extent, fill:
       lambda g: g[..., pad[0]:pad[0] + x.shape[-2], pad[1]:pad[1] + x.shape[-1]])


@primitive
def window_sum(x, ds, st, out_hw):
    slices = _window_slices(out_hw, ds, st)
    out = np.array(x[next(slices)], copy=True)
    for index in slices:
        out += x[index]
    return out


def _window_sum_vjp(ans, x, ds, st, out_hw):
    def vjp(g):
        gx = np.zeros(x.shape, dtype=x.dtype)
        for index in _window_slices(out_hw, ds, st):
            gx[index] += g
        return gx
    return vjp


defvjp(window_sum, _window_sum_vjp)


def _counts(n_out, ds, st, lo, hi):
    """Per window along one axis: how many of its positions lie in [lo, hi)."""
    starts = np.arange(n_out) * st
    return np.minimum(starts + ds, hi) - np.maximum(starts, lo)


def pool(x, ds, st, ignore_border, padding, mode):
    rows, cols = x.shape[-2:]
    ph, pw = padding
    padded = x.shape[:-2] + (rows + 2 * ph, cols + 2 * pw)
    out_hw, extent = _pool_geometry(padded, ds, st, ignore_border)
    if 0 in out_hw:
        raise ValueError('pool_2d: a pool of %s leaves no output for images of %dx%d'
                         % ('x'.join(map(str, ds)), rows, cols))
    if mode == 'max':
        if padding == (0, 0):
            return max_pool(x, ds, st, ignore_border)
        fill = -np.inf if x.dtype.kind == 'f' else np.iinfo(x.dtype).min
        return max_pool(pad_borders(x, padding, padded[-2:], fill), ds, st, True)
    total = window_sum(pad_borders(x, padding, extent, 0), ds, st, out_hw)
    if mode == 'sum':
        return total
    if mode == 'average_inc_pad':
        r = _counts(out_hw[0], ds[0], st[0], 0, padded[-2])
        c = _counts(out_hw[1], ds[1], st[1], 0, padded[-1])
    else:
        r = _counts(out_hw[0], ds[0], st[0], ph, ph + rows)
        c = _counts(out_hw[1], ds[1], st[1], pw, pw + cols)
    count = np.outer(r, c).astype(x.dtype)
    return total / count
