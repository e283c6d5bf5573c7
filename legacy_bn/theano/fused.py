"""Fused ops: what the rewrite passes (rewrite/) put in place of common subgraphs.

Each computes in one step what several nodes computed, with a hand-derived VJP
that applies the same rounding steps as the chain of primitive rules it replaces
(so a rewritten graph agrees with the unrewritten one to the last bit, or within
float tolerance where noted). One op per concept:

  dense(x, W, b)                    dot(x, W) + b
  keras_relu(x)                     (x + |x|) / 2, gradient 0.5 at 0 (Theano's abs'(0) = 0)
  normalize(x, m, d)                (x - m) / d             (BatchNormalization, LN)
  scale_shift(xn, g, b)             g * xn + b
  clip_affine(x, a, b, lo, hi)      clip(x * a + b, lo, hi)  (hard_sigmoid: a=0.2, b=0.5, 0, 1)
  layer_norm(x, eps)                (x - m) / sqrt(mean((x - m)**2) + eps), m = mean(x),
                                    both means over the last axis (LN, LSTM_LN)
  batch_std(x, m, eps)              mean((x - m) ** 2 + eps, axis=0) ** 0.5
  blend(a, x, c, y)                 a * x + c * y           (running averages)
  sgd_velocity(m, g, mu, lr)        mu * m - lr * g         (Keras SGD's velocity)
  momentum_step(m, v, mu)           mu * m + v              (the same, v = -lr * g given)
  clipped_crossentropy(p, y, lo, hi)  Keras's categorical cross-entropy after its clip
                                      and renormalisation, per sample
  advanced_subtensor1(x, i)                   x[i] for an integer vector i (Theano's AdvancedSubtensor1)
  weighted_mean(w, v)               sum(w * v) / sum(w)
  weighted_crossentropy(p, y, w, lo, hi)   the last two with Keras's zero-weight filter
  softmax_crossentropy(z, y, w, lo, hi)    the same of softmax(z), closed-form gradient
  lstm_scan(xi, xf, xo, xc, mask, h0, c0, u_i, u_f, u_o, u_c, inner, activation, truncate)
                                    the whole 2015 LSTM loop (Keras's LSTM._step scanned
                                    over time): one GEMM per step over stacked U's, the
                                    gates' elementwise work in a few whole-gate calls, and
                                    back-propagation through time written out by hand
  lstm_scan_projected(X, w_i.., b_i.., mask, h0, c0, u_i.., ...)
                                    the same with its inputs' projections dot(X, w) + b
                                    for all steps and gates as one product
"""
import sys

import numpy as np
from autograd.builtins import SequenceBox, TupleVSpace
from autograd.extend import defvjp, defvjp_argnums, primitive

from .primitives import F32, reduce_mean, unbroadcast


# -- dense -----------------------------------------------------------------------------
@primitive
def dense(x, W, b):
    out = np.dot(x, W)
    if np.result_type(out, b) == out.dtype:
        out += b                     # the product is ours: add the bias in place
        return out
    return out + b


def _dense_vjp_x(ans, x, W, b):
    def vjp(g):
        if g.shape[0] <= 32:
            # (W . g^T)^T: BLAS runs a small-batch product with a transposed operand
            # about twice as slowly as this orientation
            return unbroadcast(np.ascontiguousarray(np.dot(W, g.T).T), x)
        return unbroadcast(np.dot(g, W.T), x)
    return vjp


class _Buffers:
    """Reusable output arrays for the weight-gradient products, which are as large as
    the weights: an array is handed out again only when nothing but this pool holds it
    any more (say, once the optimizer's state has moved on to a newer one), so the
    allocator does not hand back and fault in fresh memory on every step."""

    def __init__(self):
        self.free = {}

    def get(self, shape, dtype):
        pool = self.free.setdefault((shape, dtype.str), [])
        for buf in pool:
            if sys.getrefcount(buf) == 3:        # the pool's list, `buf`, the argument
                return buf
        buf = np.empty(shape, dtype)
        if len(pool) < 3:
            pool.append(buf)
        return buf


_BUFFERS = _Buffers()


def _dense_vjp_W(ans, x, W, b):
    def vjp(g):
        dtype = np.result_type(x, g)
        if x.ndim == 2 and g.ndim == 2 and dtype == W.dtype:
            return np.dot(x.T, g, out=_BUFFERS.get(W.shape, dtype))
        return unbroadcast(np.dot(x.T, g), W)
    return vjp


defvjp(dense, _dense_vjp_x, _dense_vjp_W,
       lambda ans, x, W, b: lambda g: unbroadcast(g, b))


# -- activations ------------------------------------------------------------------------
@primitive
def keras_relu(x):
    out = np.abs(x)
    out += x
    out /= 2
    return out


def _keras_relu_vjp(ans, x):
    def vjp(g):
        half = g / 2                 # the chain's rules: true_div, then add and abs
        out = np.sign(x).astype(half.dtype, copy=False)
        out *= half
        out += half
        return unbroadcast(out, x)
    return vjp


defvjp(keras_relu, _keras_relu_vjp)


# -- normalization ---------------------------------------------------------------------
def _normalized(x, m, d):
    out = np.subtract(x, m)
    if np.result_type(out, d) != out.dtype:
        return out / d                 # d is wider (a float64 epsilon): the result too
    out /= d
    return out


@primitive
def normalize(x, m, d):
    return _normalized(x, m, d)


defvjp(normalize,
       lambda ans, x, m, d: lambda g: unbroadcast(g / d, x),      # true_div's rule, sub's
       lambda ans, x, m, d: lambda g: unbroadcast(-(g / d), m),
       lambda ans, x, m, d: lambda g: unbroadcast(-g * ans / d, d))


@primitive
def scale_shift(xn, gamma, beta):
    """gamma * xn + beta into a new array (xn stays for the gradient of gamma)."""
    out = np.multiply(gamma, xn)
    if out.dtype == np.result_type(out, beta) and out.shape == np.broadcast_shapes(
            out.shape, np.shape(beta)):
        out += beta
        return out
    return out + beta


defvjp(scale_shift,
       lambda ans, xn, gamma, beta: lambda g: unbroadcast(g * gamma, xn),
       lambda ans, xn, gamma, beta: lambda g: unbroadcast(g * xn, gamma),
       lambda ans, xn, gamma, beta: lambda g: unbroadcast(g, beta))


# -- hard_sigmoid -------------------------------------------------------------------------
@primitive
def clip_affine(x, a, b, lo, hi):
    out = np.multiply(x, a)
    if isinstance(out, np.ndarray) and out.ndim and np.result_type(out, b, lo, hi) == out.dtype:
        out += b                     # the product is ours: finish in place (np.clip's two
        np.maximum(out, lo, out=out)     # steps without its Python wrapper)
        return np.minimum(out, hi, out=out)
    return np.clip(out + b, lo, hi)


def _clip_affine_vjp(ans, x, a, b, lo, hi):
    def vjp(g):
        y = np.multiply(x, a) + b    # clip's rule (bounds inclusive), then add's, then mul's
        return unbroadcast(g * ((y >= lo) & (y <= hi)) * a, x)
    return vjp


defvjp(clip_affine, _clip_affine_vjp)


# -- layer normalization ---------------------------------------------------------------------
def _last_axis_mean(x):
    """mean over the last axis, kept; float32 accumulates in float64 (as reduce_mean).
    np.mean's own steps (sum, then divide by the count) without its Python overhead."""
    acc = np.float64 if x.dtype == F32 else None
    total = np.add.reduce(x, axis=-1, keepdims=True, dtype=acc)
    return (total / x.shape[-1]).astype(x.dtype, copy=False)


@primitive
def layer_norm(x, eps):
    """The steps of the unfused chain (mean, sub, sqr, mean, add, sqrt, true_div)."""
    centred = x - _last_axis_mean(x)
    return centred / np.sqrt(_last_axis_mean(np.square(centred)) + eps)


def _layer_norm_vjp(ans, x, eps):
    def vjp(g):
        # d = sqrt(var + eps), ans = (x - m) / d:
        # dx = (g - mean(g) - ans * mean(g * ans)) / d
        centred = x - _last_axis_mean(x)
        d = np.sqrt(_last_axis_mean(np.square(centred)) + eps)
        out = g - _last_axis_mean(g)
        out -= ans * _last_axis_mean(g * ans)
        out /= d
        return out.astype(x.dtype, copy=False)
    return vjp


defvjp(layer_norm, _layer_norm_vjp, None)


@primitive
def batch_std(x, m, eps):
    """The 2015 running-std statistic, one step instead of six nodes (same numpy calls)."""
    return np.power(_batch_var(x, m, eps), 0.5)


def _batch_var(x, m, eps):
    t = np.subtract(x, m)
    t = np.power(t, 2, out=t) if t.dtype == np.result_type(t, 2) else np.power(t, 2)
    return reduce_mean.fun(np.add(t, eps), axis=(0,))


def _batch_std_vjp(argnum):
    def maker(ans, x, m, eps):
        def vjp(g):
            # power(., 0.5), mean over axis 0, add eps, power(., 2), sub: each one's rule
            g_s = g * 0.5 * np.power(_batch_var(x, m, eps), -0.5)
            g_u = np.broadcast_to(g_s / x.shape[0], np.broadcast_shapes(np.shape(x), np.shape(m)))
            if argnum == 2:
                return unbroadcast(g_u, eps)
            g_t = g_u * 2 * np.subtract(x, m)
            return unbroadcast(g_t if argnum == 0 else -g_t, (x, m)[argnum])
        return vjp
    return maker


defvjp(batch_std, _batch_std_vjp(0), _batch_std_vjp(1), _batch_std_vjp(2))


@primitive
def blend(a, x, c, y):
    out = np.multiply(a, x)
    cy = np.multiply(c, y)
    if out.dtype == np.result_type(out, cy) and out.shape == np.broadcast_shapes(out.shape, cy.shape):
        out += cy
        return out
    return out + cy


defvjp(blend,
       lambda ans, a, x, c, y: lambda g: unbroadcast(g * x, a),
       lambda ans, a, x, c, y: lambda g: unbroadcast(g * a, x),
       lambda ans, a, x, c, y: lambda g: unbroadcast(g * y, c),
       lambda ans, a, x, c, y: lambda g: unbroadcast(g * c, y))


@primitive
def sgd_velocity(m, g, momentum, lr):
    """momentum * m - lr * g. When momentum is 0 the product 0 * m is skipped: the
    result differs only where m holds inf or NaN (a run that has already diverged)."""
    dtype = np.result_type(m, g, momentum, lr)
    if momentum == 0:
        return np.multiply(g, -lr, dtype=dtype)
    out = np.multiply(momentum, m, dtype=dtype)
    out -= np.multiply(lr, g, dtype=dtype)
    return out


defvjp(sgd_velocity,
       lambda ans, m, g, momentum, lr: lambda G: unbroadcast(G * momentum, m),
       lambda ans, m, g, momentum, lr: lambda G: unbroadcast(-G * lr, g),
       lambda ans, m, g, momentum, lr: lambda G: unbroadcast(G * m, momentum),
       lambda ans, m, g, momentum, lr: lambda G: unbroadcast(-G * g, lr))


@primitive
def momentum_step(m, v, momentum):
    """momentum * m + v, where v is already -lr * g (the gradients of a cost scaled by
    -lr, see fusion.scale_sgd_gradients). With momentum 0 it is v itself (no pass over
    the parameter; 0 * m is skipped as in sgd_velocity)."""
    dtype = np.result_type(m, v, momentum)
    if momentum == 0:
        return v if v.dtype == dtype else v.astype(dtype)
    out = np.multiply(momentum, m, dtype=dtype)
    out += v
    return out


defvjp(momentum_step,
       lambda ans, m, v, momentum: lambda G: unbroadcast(G * momentum, m),
       lambda ans, m, v, momentum: lambda G: unbroadcast(G, v),
       lambda ans, m, v, momentum: lambda G: unbroadcast(G * m, momentum))


# -- objectives ------------------------------------------------------------------------
@primitive
def clipped_crossentropy(p, y, lo, hi):
    """-sum(y * log(q / sum(q))) over the last axis, q = clip(p, lo, hi)."""
    q = _clip(p, lo, hi)
    r = q / _row_sum(q)
    return _neg_row_sum(y * np.log(r))


def _clip(p, lo, hi):
    """np.clip's values (NaN stays NaN) without its Python wrapper: these arrays are
    (batch, classes), where the wrapper costs more than the work."""
    return np.minimum(np.maximum(p, lo), hi)


def _softmax(z):
    """primitives.softmax's numpy calls (max, exp, sum reductions), wrapper-free."""
    e = np.exp(z - np.maximum.reduce(z, axis=-1, keepdims=True))
    return e / np.add.reduce(e, axis=-1, keepdims=True)


def _row_sum(q):
    acc = np.float64 if q.dtype == F32 else None
    return np.add.reduce(q, axis=-1, keepdims=True, dtype=acc).astype(q.dtype, copy=False)


def _neg_row_sum(t):
    acc = np.float64 if t.dtype == F32 else None
    return np.negative(np.add.reduce(t, axis=-1, dtype=acc).astype(t.dtype, copy=False))


def _clipped_ce_vjp_p(ans, p, y, lo, hi):
    def vjp(g):
        q = np.clip(p, lo, hi)
        s = _row_sum(q)
        r = q / s
        # the unfused chain: cce -> true_div(q, s) -> sum -> clip
        gr = np.reshape(-g, g.shape + (1,)) * y / r            # -g*y, then log's g / r
        gq = gr / s                                           # true_div's rule for q
        gs = np.sum(-gr * r / s, axis=-1, keepdims=True)      # ... and for s
        gq = gq + gs.astype(gq.dtype, copy=False)             # sum's rule: broadcast back
        return unbroadcast(gq * ((p >= lo) & (p <= hi)), p)   # Theano's clip rule
    return vjp


def _clipped_ce_vjp_y(ans, p, y, lo, hi):
    def vjp(g):
        q = np.clip(p, lo, hi)
        return unbroadcast(np.reshape(-g, g.shape + (1,)) * np.log(q / _row_sum(q)), y)
    return vjp


defvjp(clipped_crossentropy, _clipped_ce_vjp_p, _clipped_ce_vjp_y)


@primitive
def advanced_subtensor1(x, index):
    return x[index]


def _advanced_subtensor1_vjp(ans, x, index):
    def vjp(g):
        out = np.zeros(x.shape, dtype=np.result_type(x, g) if x.dtype.kind == 'f' else g.dtype)
        np.add.at(out, index, g)     # repeated rows add up, as Theano's AdvancedIncSubtensor1
        return unbroadcast(out, x)
    return vjp


defvjp(advanced_subtensor1, _advanced_subtensor1_vjp, None)


@primitive
def weighted_mean(w, v):
    acc = np.float64 if np.result_type(w, v) == F32 else None
    dtype = np.result_type(w, v)
    num = np.asarray(np.add.reduce(w * v, axis=None, dtype=acc)).astype(dtype, copy=False)
    den = np.asarray(np.add.reduce(w, axis=None, dtype=acc)).astype(np.result_type(w), copy=False)
    return np.true_divide(num, den)


def _weighted_mean_vjp(argnum):
    def maker(ans, w, v):
        def vjp(g):
            acc = np.float64 if np.result_type(w, v) == F32 else None
            den = np.asarray(np.sum(w, dtype=acc)).astype(np.result_type(w), copy=False)
            gnum = g / den
            if argnum == 1:
                return unbroadcast(np.broadcast_to(gnum, np.broadcast_shapes(w.shape, v.shape))
                                   * w, v)
            gden = -g * ans / den
            return unbroadcast(gnum * v + gden, w)
        return vjp
    return maker


defvjp(weighted_mean, _weighted_mean_vjp(0), _weighted_mean_vjp(1))


# -- Keras's whole weighted categorical cross-entropy ------------------------------------
def _kept_rows(w):
    """Keras's weighting keeps the samples of nonzero weight: (rows, their weights), rows
    None when every sample is kept."""
    if w.ndim == 2 and w.shape[1] == 1 and w.all():
        return None, w[:, 0]
    nonzero = np.nonzero(w)
    return nonzero[0], w[nonzero]


@primitive
def weighted_crossentropy(p, y, w, lo, hi):
    """weighted_mean(w_kept, clipped_crossentropy(p[rows], y[rows], lo, hi)): Keras's
    weighted_objective(categorical_crossentropy) in one step."""
    rows, w_kept = _kept_rows(w)
    if rows is not None:
        p, y = p[rows], y[rows]
    return weighted_mean.fun(w_kept, clipped_crossentropy.fun(p, y, lo, hi))


def _weighted_ce_vjp(argnum):
    def maker(ans, p, y, w, lo, hi):
        def vjp(g):
            rows, w_kept = _kept_rows(w)
            pk, yk = (p, y) if rows is None else (p[rows], y[rows])
            per_sample = clipped_crossentropy.fun(pk, yk, lo, hi)
            g_sample = _weighted_mean_vjp(1)(ans, w_kept, per_sample)(g)
            maker = _clipped_ce_vjp_p if argnum == 0 else _clipped_ce_vjp_y
            gk = maker(per_sample, pk, yk, lo, hi)(g_sample)
            target = (p, y)[argnum]
            if rows is None:
                return gk
            out = np.zeros(target.shape, dtype=gk.dtype)
            np.add.at(out, rows, gk)
            return out
        return vjp
    return maker


defvjp(weighted_crossentropy, _weighted_ce_vjp(0), _weighted_ce_vjp(1))


@primitive
def softmax_crossentropy(z, y, w, lo, hi):
    """weighted_crossentropy(softmax(z), y, w, lo, hi), with the closed-form gradient
    for z below."""
    return weighted_crossentropy.fun(_softmax(z), y, w, lo, hi)


def _softmax_ce_vjp_z(ans, z, y, w, lo, hi):
    """Per kept row, with q = clip(p), S = sum(q), mask = lo <= p <= hi and
    u = mask * (p * sum(y) / S - y): d loss / d z = g_row * (u - p * sum(u)), the chain
    softmax -> clip -> renormalise -> cross-entropy multiplied out (no -y / q term,
    whose cancellation the chain rounds; equal up to float rounding)."""
    def vjp(g):
        p = _softmax(z)
        rows, w_kept = _kept_rows(w)
        pk, yk = (p, y) if rows is None else (p[rows], y[rows])
        den = _full_sum(w_kept)
        g_row = (g / den) * w_kept                              # weighted_mean's rule
        q = _clip(pk, lo, hi)
        u = pk * (np.add.reduce(yk, axis=-1, keepdims=True) / _row_sum(q)) - yk
        u *= (pk >= lo) & (pk <= hi)
        u -= pk * np.add.reduce(u, axis=-1, keepdims=True)
        u *= np.reshape(g_row, g_row.shape + (1,))
        if rows is None:
            return unbroadcast(u, z)
        out = np.zeros(z.shape, dtype=u.dtype)
        np.add.at(out, rows, u)
        return unbroadcast(out, z)
    return vjp


def _softmax_ce_vjp_y(ans, z, y, w, lo, hi):
    return _weighted_ce_vjp(1)(ans, _softmax(z), y, w, lo, hi)


defvjp(softmax_crossentropy, _softmax_ce_vjp_z, _softmax_ce_vjp_y)


def _full_sum(x):
    acc = np.float64 if x.dtype == F32 else None
    return np.asarray(np.add.reduce(x, axis=None, dtype=acc)).astype(x.dtype, copy=False)


# -- the whole LSTM loop -----------------------------------------------------------------
# The gate activations the loop knows: name -> (forward into `out`, derivative from the
# pre-activation z and the activation a). Each forward makes the numpy calls of the op
# (or fused op) the unfused step graph uses, so the values agree bit for bit.
def _hard_sigmoid(z, out):
    np.multiply(z, 0.2, out=out)
    out += 0.5
    np.maximum(out, 0, out=out)
    return np.minimum(out, 1, out=out)


def _hard_sigmoid_slope(z, a):
    y = np.multiply(z, 0.2)
    y += 0.5
    # Theano's clip passes the gradient where 0 <= y <= 1, bounds included
    inside = np.greater_equal(y, 0)
    inside &= np.less_equal(y, 1, out=np.empty(y.shape, bool))
    return np.multiply(inside, z.dtype.type(0.2), out=y)


def _sigmoid(z, out):
    np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1
    out *= 0.5
    return out


def _tanh(z, out):
    return np.tanh(z, out=out)


LSTM_ACTIVATIONS = {
    'hard_sigmoid': (_hard_sigmoid, _hard_sigmoid_slope),
    'sigmoid': (_sigmoid, lambda z, a: a * (1 - a)),
    'tanh': (_tanh, lambda z, a: 1 - a * a),
}


class _LoopResult(tuple):
    """The stacked outputs (h, c) of one lstm_scan call, carrying what its VJP needs."""


SequenceBox.register(_LoopResult)
TupleVSpace.register(_LoopResult)


@primitive
def lstm_scan(xi, xf, xo, xc, mask, h0, c0, u_i, u_f, u_o, u_c, inner='hard_sigmoid',
              activation='tanh', truncate=-1):
    """Keras's LSTM step scanned over time, the sequences time-major (steps, samples, units):

        hm, cm = mask[t] * h_tm1, mask[t] * c_tm1
        i, f, o = inner(x?[t] + hm . u_?)      ct = activation(xc[t] + hm . u_c)
        c_t = f * cm + i * ct                   h_t = o * activation(c_t)

    Returns the stacked (h, c), as the scan does. The four gates run as one block
    [o | i | f | c] of 4 * units columns: per step one product hm . [u_o u_i u_f u_c]
    and one call per activation; the pre-activations x?[t] are laid out in that block
    for all steps before the loop. `truncate` is the scan's truncate_gradient."""
    n, batch, units = np.shape(xi)[0], np.shape(h0)[0], np.shape(h0)[1]
    z = np.empty((n, batch, 4, units), np.result_type(xi, h0, u_i))
    for k, x in enumerate((xo, xi, xf, xc)):
        z[:, :, k] = x
    return _lstm_loop(z, mask, h0, c0, (u_i, u_f, u_o, u_c), inner, activation)


def _gate_blocks(i, f, o, c, axis):
    """The gates' arrays in the loop's block order [o | i | f | c]."""
    return np.concatenate((o, i, f, c), axis=axis)


def _lstm_loop(z, mask, h0, c0, us, inner, activation):
    """The loop of lstm_scan on the pre-activations z (steps, samples, 4, units), in
    block order, without the recurrent term yet; z is completed in place and kept."""
    n, batch, _, units = z.shape
    dtype = z.dtype
    u = _gate_blocks(*us, axis=1)
    gate, last = LSTM_ACTIVATIONS[inner][0], LSTM_ACTIVATIONS[activation][0]
    a = np.empty_like(z)                            # o, i, f, ct
    hs, cs, tc = (np.empty((n, batch, units), dtype) for _ in range(3))
    rec = np.empty((batch, 4 * units), dtype)
    # a step whose mask is all ones reads the previous states as they are (Keras's mask
    # is 0 at the first step only, unless the input is masked)
    unmasked = _per_step(mask, n).all(axis=1).tolist()
    hm, cm = [], []                                 # the masked previous states
    h, c = h0, c0
    for t in range(n):
        if not unmasked[t]:
            h, c = np.multiply(mask[t], h), np.multiply(mask[t], c)
        hm.append(h)
        cm.append(c)
        zt, at = z[t].reshape(batch, 4 * units), a[t]
        np.dot(h, u, out=rec)
        zt += rec
        gate(zt[:, :3 * units], at.reshape(batch, 4 * units)[:, :3 * units])
        last(z[t, :, 3], at[:, 3])
        c = np.multiply(at[:, 2], c, out=cs[t])
        c += np.multiply(at[:, 1], at[:, 3])
        h = np.multiply(at[:, 0], last(c, tc[t]), out=hs[t])
    result = _LoopResult((hs, cs))
    result.tape = (z, a, u, hm, cm, tc, unmasked)
    return result


def _lstm_loop_backward(ans, mask, kwargs, g_outs):
    """Back-propagation through time: the gradients of z (block order), h0, c0 and of
    the stacked U (units, 4 * units)."""
    inner = LSTM_ACTIVATIONS[kwargs.get('inner', 'hard_sigmoid')][1]
    last = LSTM_ACTIVATIONS[kwargs.get('activation', 'tanh')][1]
    truncate = kwargs.get('truncate', -1)
    z, a, u, hm, cm, tc, unmasked = ans.tape
    n, batch, _, units = z.shape
    dtype = z.dtype
    g_h, g_c = (None if _broadcast_zero(g) else np.asarray(g, dtype) for g in g_outs)
    start = 0 if truncate is None or truncate < 0 else max(0, n - truncate)
    # what does not depend on the recurrence, for all steps at once
    slope = np.empty_like(z)
    slope[:, :, :3] = inner(z[:, :, :3], a[:, :, :3])
    slope[:, :, 3] = last(z[:, :, 3], a[:, :, 3])
    slope_c = a[:, :, 0] * last(ans[1], tc)         # dh -> dc through h = o * act(c)
    by_dc = np.stack((a[:, :, 3], _stacked(cm, z), a[:, :, 1]), axis=2)   # dc -> d(i, f, ct)
    keep_c = a[:, :, 2] * mask                      # dc -> dc_tm1
    dz = np.empty_like(z)           # every step from `start` on is written below
    dz[:start] = 0
    da = np.empty((batch, 4, units), dtype)
    u_t = u.T
    dh = np.zeros((batch, units), dtype)
    dc = np.zeros((batch, units), dtype)
    # the steps whose output gradients are not all zero (return_sequences=False: the last)
    g_h_at = _nonzero_steps(g_h, n)
    g_c_at = _nonzero_steps(g_c, n)
    for t in range(n - 1, start - 1, -1):
        if g_h_at[t]:
            dh = dh + g_h[t]
        if g_c_at[t]:
            dc = dc + g_c[t]
        np.multiply(dh, tc[t], out=da[:, 0])
        dc = dc + dh * slope_c[t]
        np.multiply(dc[:, None, :], by_dc[t], out=da[:, 1:])
        dzt = np.multiply(da, slope[t], out=dz[t])
        dh = np.dot(dzt.reshape(batch, 4 * units), u_t)
        if not unmasked[t]:
            dh *= mask[t]
        dc = dc * keep_c[t]
    if start > 0:
        dh, dc = np.zeros_like(dh), np.zeros_like(dc)
    flat = dz.reshape(n * batch, 4 * units)
    return dz, dh, dc, np.dot(_stacked(hm, z).reshape(n * batch, units).T, flat)


def _stacked(states, z):
    """The list of one state per step as one (steps, samples, units) array."""
    return np.array(states) if states else np.zeros(z.shape[:2] + z.shape[3:], z.dtype)


def _per_step(x, n):
    """x (steps, ...) as (steps, the rest), also when a size is 0."""
    return np.reshape(x, (n, int(np.prod(np.shape(x)[1:]))))


def _nonzero_steps(g, n):
    if g is None:
        return [False] * n
    return _per_step(g, n).any(axis=1).tolist()


def _by_gate(blocks, axis):
    """[i, f, o, c] from an array in block order [o | i | f | c] along `axis` (views of
    the gate axis of z; contiguous copies of the columns of a stacked matrix)."""
    if axis == -2:
        o, i, f, c = (blocks[..., k, :] for k in range(4))
    else:
        o, i, f, c = (np.ascontiguousarray(b) for b in np.split(blocks, 4, axis=axis))
    return [i, f, o, c]


def _lstm_scan_backward(ans, args, kwargs, g_outs):
    """Every gradient lstm_scan has, in the order of its arguments."""
    mask = args[4]
    dz, dh, dc, du = _lstm_loop_backward(ans, mask, kwargs, g_outs)
    grads = _by_gate(dz, -2) + [np.zeros(np.shape(mask), dz.dtype), dh, dc] + _by_gate(du, 1)
    return [gr if np.shape(gr) == np.shape(x) else unbroadcast(gr, x)
            for gr, x in zip(grads, args)]


def _broadcast_zero(g):
    """None, or the free zero the scan_output VJP gives an output nobody uses."""
    if g is None or np.size(g) == 0:
        return True
    g = np.asarray(g)
    return g.ndim > 0 and not any(g.strides) and not g.flat[0]


def _all_at_once(backward):
    """A VJP maker for defvjp_argnums: one backward pass for all the argnums asked."""
    def maker(argnums, ans, args, kwargs):
        def vjp(g):
            grads = backward(ans, args, kwargs, g)
            return [grads[k] for k in argnums]
        return vjp
    return maker


defvjp_argnums(lstm_scan, _all_at_once(_lstm_scan_backward))


@primitive
def lstm_scan_projected(X, w_i, w_f, w_o, w_c, b_i, b_f, b_o, b_c, mask, h0, c0,
                        u_i, u_f, u_o, u_c, inner='hard_sigmoid', activation='tanh',
                        truncate=-1):
    """lstm_scan(dot(X, w_i) + b_i, ..., mask, h0, c0, u_i, ...) with the four input
    projections of all steps as one product X . [w_o w_i w_f w_c] (X time-major)."""
    n, batch, n_in = np.shape(X)
    w = _gate_blocks(w_i, w_f, w_o, w_c, axis=1)
    z = np.dot(np.reshape(X, (n * batch, n_in)), w)
    z += _gate_blocks(b_i, b_f, b_o, b_c, axis=0)
    return _lstm_loop(z.reshape(n, batch, 4, -1), mask, h0, c0, (u_i, u_f, u_o, u_c),
                      inner, activation)


def _lstm_scan_projected_backward(ans, args, kwargs, g_outs):
    X, mask = args[0], args[9]
    dz, dh, dc, du = _lstm_loop_backward(ans, mask, kwargs, g_outs)
    n, batch, n_in = np.shape(X)
    flat = dz.reshape(n * batch, -1)
    w = _gate_blocks(*args[1:5], axis=1)
    dX = np.dot(flat, w.T).reshape(np.shape(X))
    dw = np.dot(np.reshape(X, (n * batch, n_in)).T, flat)
    grads = [dX] + _by_gate(dw, 1) + _by_gate(flat.sum(axis=0), 0)
    grads += [np.zeros(np.shape(mask), dz.dtype), dh, dc] + _by_gate(du, 1)
    return [gr if np.shape(gr) == np.shape(x) else unbroadcast(gr, x)
            for gr, x in zip(grads, args)]


defvjp_argnums(lstm_scan_projected, _all_at_once(_lstm_scan_projected_backward))


def _same_as(k):
    return lambda inputs, **_: (inputs[k].dtype, inputs[k].ndim)


# name -> (impl, differentiable); the rewrite that creates a node gives it the type of
# the node it replaces, so `infer` only serves direct `apply` calls in tests.
FUSED = {
    'dense': dense,
    'keras_relu': keras_relu,
    'normalize': normalize,
    'scale_shift': scale_shift,
    'layer_norm': layer_norm,
    'clip_affine': clip_affine,
    'batch_std': batch_std,
    'blend': blend,
    'sgd_velocity': sgd_velocity,
    'momentum_step': momentum_step,
    'clipped_crossentropy': clipped_crossentropy,
    'advanced_subtensor1': advanced_subtensor1,
    'weighted_mean': weighted_mean,
    'weighted_crossentropy': weighted_crossentropy,
    'softmax_crossentropy': softmax_crossentropy,
    'lstm_scan': lstm_scan,
    'lstm_scan_projected': lstm_scan_projected,
}
