"""Fused ops for the graphs Keras 0.3.3's layers build (put in place by fusion_keras03.py).

0.3.3 computes some things differently from 2015's 0.1, so its graphs have other shapes:
its BatchNormalization trains on the batch's own statistics (their gradients flow back
into x) and its categorical cross-entropy rescales the predictions before clipping them,
weighted as 0.3.3's weighted_objective weights. Like every fused op, each VJP is the
chain rule of the nodes it replaces multiplied out by hand; the values agree with the
unfused graph within float tolerance.

  batch_norm_train(x, m, s, gamma, beta, eps)
        gamma * (x - m) / (s + eps) + beta over a (batch, features) x, where m = mean(x,
        axis 0) and s = sqrt(mean((x - m)**2 + eps_in, axis 0)) are x's batch statistics
        (computed by their own nodes, which the running averages also use). The VJP for
        x includes the paths through m and s; m and s themselves take no gradient (the
        rewrite passes them through disconnected_grad).
  softmax_crossentropy_weighted(z, y, w, lo, hi, kept_dtype)
        mean(ce * w / mean(cast(w != 0, kept_dtype))) with ce = -sum(y * log(clip(p / sum(p), lo, hi)))
        per row and p = softmax(z): 0.3.3's weighted categorical cross-entropy of a
        softmax output, with a closed-form gradient for z.
"""
import numpy as np
from autograd.extend import defvjp, defvjp_argnums, primitive

from . import accel
from .fused import _COLUMN_MEAN_ROWS, _kernel_batch, _ones, _row_sum, _softmax
from .primitives import F32, reduce_mean


# -- BatchNormalization on batch statistics ------------------------------------------------
def _divisor(s, eps, dtype):
    """s + eps in x's dtype (the unfused add keeps the variable's float32)."""
    return np.add(s, eps).astype(dtype, copy=False)


@primitive
def batch_norm_train(x, m, s, gamma, beta, eps):
    kernels = accel.kernels_for(x.dtype)
    if kernels and _fast_batch_shapes(x, (m, s, gamma, beta)):
        out = np.empty_like(x)           # the four steps below in one pass
        kernels.bn_train_forward(x, m, _divisor(s, eps, x.dtype), gamma, beta, out)
        return out
    out = np.subtract(x, m)
    out /= _divisor(s, eps, out.dtype)
    out *= gamma
    out += beta
    return out.astype(x.dtype, copy=False)


def _axis0_sum(t):
    acc = np.float64 if t.dtype == F32 else None
    return np.add.reduce(t, axis=0, dtype=acc).astype(t.dtype, copy=False)


def _batch_norm_train_vjp_x(ans, x, m, s, gamma, beta, eps):
    """With c = x - m, d = s + eps, xn = c / d, s = sqrt(mean(c**2) + eps_in):
    dc = g*gamma/d - c * sum(g*gamma*xn) / (n * d * s) (the path through s; its clip at
    0 passes everything, the variance being positive), and dx = dc - mean(dc) (through m)."""
    def vjp(g):
        c = np.subtract(x, m)
        d = _divisor(s, eps, c.dtype)
        gxn = np.multiply(g, gamma, dtype=c.dtype)
        dot = _axis0_sum(gxn * c)                       # sum(gxn * xn) * d
        dc = gxn / d
        dc -= c * (dot / (d * d * s * x.shape[0])).astype(c.dtype, copy=False)
        dc -= _axis0_sum(dc) / x.shape[0]
        return dc
    return vjp


def _batch_norm_train_vjp_gamma(ans, x, m, s, gamma, beta, eps):
    def vjp(g):
        xn = np.subtract(x, m)
        xn /= _divisor(s, eps, xn.dtype)
        return _axis0_sum(g * xn)
    return vjp


_BATCH_NORM_TRAIN_VJPS = {0: _batch_norm_train_vjp_x, 3: _batch_norm_train_vjp_gamma,
                          4: lambda ans, x, m, s, gamma, beta, eps: lambda g: _axis0_sum(g)}


def _batch_norm_train_vjp(argnums, ans, args, kwargs):
    """The gradients a step asks for, made together: x - m once, and the row sums as
    products (sum(g * c) by einsum, sum(g) and sum(dc) with a vector of ones) in x's
    dtype instead of float64 reductions - within float tolerance of the rules above,
    which taller float32 batches and other shapes still use."""
    x, m, s, gamma, beta, eps = args
    missing = [k for k in argnums if k not in _BATCH_NORM_TRAIN_VJPS]
    if missing:
        raise NotImplementedError('VJP of batch_norm_train wrt argnum %d not defined' % missing[0])
    if not _fast_batch_shapes(x, (m, s, gamma, beta)):
        vjps = [_BATCH_NORM_TRAIN_VJPS[k](ans, *args) for k in argnums]
        return lambda g: tuple(vjp(g) for vjp in vjps)

    def vjp(g):
        if not (isinstance(g, np.ndarray) and g.dtype == x.dtype and g.shape == x.shape):
            return tuple(_BATCH_NORM_TRAIN_VJPS[k](ans, *args)(g) for k in argnums)
        n = x.shape[0]
        ones = _ones(n, x.dtype)
        d = _divisor(s, eps, x.dtype)
        kernels = accel.kernels_for(x.dtype)
        if kernels:                      # the sums in one pass, dx in two
            gc, g_sum = np.empty_like(d), np.empty_like(d)
            kernels.bn_train_sums(g, x, m, gc, g_sum)
        else:
            c = np.subtract(x, m)
            gc = np.einsum('ij,ij->j', g, c)             # sum(g * c) = sum(g * xn) * d
            g_sum = np.dot(ones, g) if 4 in argnums else None
        by_arg = {4: g_sum, 3: gc / d}
        if 0 in argnums:
            # dc = g * gamma / d - c * sum(g * gamma * xn) / (n * d * s), dx = dc - mean(dc)
            coef = (gamma * gc / (d * d * s * n)).astype(x.dtype, copy=False)
            if kernels:
                dc = np.empty_like(g)
                kernels.bn_train_dx(g, x, m, np.true_divide(gamma, d), coef, dc)
            else:
                dc = np.multiply(g, np.true_divide(gamma, d))
                dc -= np.multiply(c, coef, out=c)
                dc -= np.dot(ones, dc) / n
            by_arg[0] = dc
        return tuple(by_arg[k] for k in argnums)
    return vjp


def _fast_batch_shapes(x, vectors):
    if not (isinstance(x, np.ndarray) and x.ndim == 2 and x.dtype.kind == 'f' and x.shape[0]):
        return False
    # float32 row sums by products accumulate in float32 up to column_mean's row bound;
    # taller float32 batches keep the float64 reductions
    if x.dtype == F32 and x.shape[0] > _COLUMN_MEAN_ROWS or x.dtype not in (F32, np.float64):
        return False
    return all(isinstance(v, np.ndarray) and v.dtype == x.dtype and v.shape == x.shape[1:]
               for v in vectors)


defvjp_argnums(batch_norm_train, _batch_norm_train_vjp)


# -- 0.3.3's weighted categorical cross-entropy of a softmax -------------------------------
def _renormalized(z):
    """p = softmax(z), its row sums S and t = p / S, as the unfused nodes compute them."""
    p = _softmax(z)
    S = _row_sum(p)
    return p, S, p / S


def _kept_fraction(w, dtype):
    """mean(cast(w != 0, dtype)): 0.3.3's correction for zero sample weights (dtype is
    Keras's floatx, whatever w's). The mean's value is the count over the size rounded
    once to dtype (reduce_mean sums exactly and divides in float64), so it is computed
    so, without the cast array."""
    if np.size(w) == 0:
        return reduce_mean.fun(np.not_equal(w, 0).astype(dtype or w.dtype), axis=None)
    return np.asarray(np.count_nonzero(w) / np.size(w), dtype=dtype or w.dtype)


@primitive
def softmax_crossentropy_weighted(z, y, w, lo, hi, kept_dtype=None):
    kernels = _kernels_for(z, y, w, lo, hi, kept_dtype)
    if kernels:
        return np.asarray(kernels.softmax_ce_weighted_forward(
            z, y, w, np.float32(lo), np.float32(hi)), F32)
    p, S, t = _renormalized(z)
    q = np.minimum(np.maximum(t, lo), hi)
    acc = np.float64 if q.dtype == F32 else None
    ce = np.negative(np.add.reduce(y * np.log(q), axis=-1, dtype=acc)).astype(q.dtype,
                                                                             copy=False)
    weighted = ce * w
    weighted /= _kept_fraction(w, kept_dtype)
    return reduce_mean.fun(weighted, axis=None)


def _kernels_for(z, y, w, lo, hi, kept_dtype):
    """The accelerator's kernels where they take these arguments (all float32), else None."""
    kernels = accel.kernels_for(z.dtype)
    if kernels and (kept_dtype or w.dtype) == F32 and _kernel_batch(z, y, w, z.shape[:1], lo, hi):
        return kernels
    return None


def _softmax_ce_weighted_vjp_z(ans, z, y, w, lo, hi, kept_dtype=None):
    """Per row, with mask = lo <= t <= hi (the clip's rule) and Ym = sum(mask * y):
    d ce / d z = p * Ym / S - mask * y (the chain softmax -> rescale -> clip -> log
    multiplied out: the y / p terms cancel), times the row's weight in the mean."""
    kernels = _kernels_for(z, y, w, lo, hi, kept_dtype)

    def vjp(g):
        if kernels and getattr(g, 'dtype', None) == F32 and not np.ndim(g):
            out = np.empty_like(z)
            kernels.softmax_ce_weighted_backward(np.float32(g), z, y, w, np.float32(lo),
                                                 np.float32(hi), out)
            return out
        p, S, t = _renormalized(z)
        mask = (t >= lo) & (t <= hi)
        my = y * mask
        Ym = np.add.reduce(my, axis=-1, keepdims=True)
        row = g / w.shape[0] * w              # mean's rule, mul's, then true_div's
        row /= _kept_fraction(w, kept_dtype)
        row = row.astype(p.dtype, copy=False)
        out = p * (Ym / S)
        out -= my
        out *= np.reshape(row, row.shape + (1,))
        return out.astype(z.dtype, copy=False)
    return vjp


defvjp(softmax_crossentropy_weighted, _softmax_ce_weighted_vjp_z, None, None, None, None)

KERAS03_FUSED = {
    'batch_norm_train': batch_norm_train,
    'softmax_crossentropy_weighted': softmax_crossentropy_weighted,
}
