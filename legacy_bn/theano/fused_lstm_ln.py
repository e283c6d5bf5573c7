"""The whole LSTM_LN loop as one fused op (what fusion_lstm_ln.py puts in place of a scan
whose step is layers.recurrent.LSTM_LN._step), built like fused_lstm.py's lstm_scan.

lstm_ln_scan(xi, xf, xo, xc, mask, h0, c0, u_i.., gh_i.., bh_i.., g_c, b_c, eps, inner,
             activation, truncate)
                                  the LSTM_LN step scanned over time: per step one GEMM
                                  over stacked U's, one layer normalization over the
                                  four gates' recurrent terms at once, one over the cell;
                                  back-propagation through time written out by hand
lstm_ln_scan_projected(X, w_i.., gx_i.., bx_i.., b_i.., mask, h0, c0, u_i.., ...)
                                  the same with the inputs' projections
                                  LN(dot(X, w)) * gx + bx + b of all steps and gates as
                                  one product and one normalization (run over the steps
                                  in cache-sized chunks)

The normalizations take the numpy steps of the unfused chain (fused.py's layer_norm):
float32 means accumulate in float64, the centred values, variance + eps, sqrt, divide;
their gradient is layer_norm's closed form with the same float64-accumulated means
(see _Norm for the order of the sums).
Beyond that the loop reorders some sums (the bias bh is added to the input term before
the loop), which stays within float rounding of the unfused graph.
"""
import numpy as np
from autograd.extend import defvjp_argnums, primitive

from .fused_lstm import _LoopResult, _all_at_once, _broadcast_zero, _nonzero_steps, _per_step
from .primitives import F32, unbroadcast


# -- the gates' block layout [o | i | f | c] ----------------------------------------------------
# (step-major, unlike fused_lstm.py's gate-major stack: the normalization runs over all
# four gates' recurrent terms of a step at once)
def _gate_blocks(i, f, o, c, axis):
    """The gates' arrays in the loop's block order [o | i | f | c]."""
    return np.concatenate((o, i, f, c), axis=axis)


def _by_gate(blocks, axis):
    """[i, f, o, c] from an array in block order [o | i | f | c] along `axis` (views of
    the gate axis; contiguous copies of the columns of a stacked matrix)."""
    if axis == -2:
        o, i, f, c = (blocks[..., k, :] for k in range(4))
    else:
        o, i, f, c = (np.ascontiguousarray(b) for b in np.split(blocks, 4, axis=axis))
    return [i, f, o, c]


def _stacked(states, z):
    """The list of one state per step as one (steps, samples, units) array."""
    return np.array(states) if states else np.zeros(z.shape[:2] + z.shape[3:], z.dtype)


# -- layer normalization over the last axis, into preallocated buffers ---------------------
class _Norm:
    """Layer normalization over the last axis of arrays of one shape, into buffers:
    forward(x, out, d) -> out = (x - m) / d, d = sqrt(mean((x - m)**2) + eps);
    backward(g, ans, d, out) -> (g - mean(g) - ans * mean(g * ans)) / d.
    Each mean is a sum divided by the count, as np.mean's; float32 values are summed in
    float64, as the unfused graph's means do, after a copy into a float64 buffer (numpy
    sums float32 rows into float64 totals several times slower itself). The sums are one
    matrix-vector product: float64 totals in another order than numpy's, so float32
    results agree with the unfused graph to the last bit (but in rounding ties) and
    float64 ones to about 1e-15."""

    def __init__(self, shape, dtype, eps):
        self.eps, self.n, self.shape = eps, shape[-1], shape
        self.rows = np.empty((2,) + shape, np.float64 if dtype == F32 else dtype)
        self.sums = np.empty((2,) + shape[:-1] + (1,), self.rows.dtype)
        self.means = np.empty((2,) + shape[:-1] + (1,), dtype)
        self.tmp = np.empty(shape, dtype)
        self.first = self.rows[0], self.sums[0], self.means[0], self.means[1]
        # row sums as one product: faster than numpy's reduction of many short rows
        self.ones = np.ones(self.n, self.rows.dtype)
        self.flat = [(r.reshape(-1, self.n), t.reshape(-1)) for r, t in
                     ((self.rows[0], self.sums[0]), (self.rows, self.sums))]

    def forward(self, x, out, d):
        rows, sums, mean, _ = self.first
        np.copyto(rows, x)
        rows2, sums1 = self.flat[0]
        np.dot(rows2, self.ones, out=sums1)
        np.true_divide(sums, self.n, out=mean, casting='same_kind')
        np.subtract(x, mean, out=out)
        np.square(out, out=rows)               # in x's dtype, then widened
        np.dot(rows2, self.ones, out=sums1)
        np.true_divide(sums, self.n, out=d, casting='same_kind')
        d += self.eps
        np.sqrt(d, out=d)
        out /= d
        return out

    def backward(self, g, ans, d, out):
        rows, _, mean_g, mean_g_ans = self.first
        np.copyto(rows, g)
        np.multiply(g, ans, out=self.rows[1])  # in g's dtype, then widened
        np.dot(self.flat[1][0], self.ones, out=self.flat[1][1])
        np.true_divide(self.sums, self.n, out=self.means, casting='same_kind')
        np.multiply(ans, mean_g_ans, out=self.tmp)
        np.subtract(g, mean_g, out=out)
        out -= self.tmp
        out /= d
        return out


_CHUNK = 1 << 16     # elements: a chunk's float64 rows stay in a core's cache


def _norm_steps(x, eps, d, g=None):
    """Layer normalization of a whole (steps, ...) array, in place and chunk by chunk of
    steps so that the buffers stay in cache: forward (x -> LN(x), d filled) when g is
    None, else backward (g -> the gradient of x, x the normalized values)."""
    n = x.shape[0]
    per_step = max(1, int(np.prod(x.shape[1:])))
    chunks = -(-n * per_step // _CHUNK)
    k = max(1, -(-n // chunks)) if n else 1         # equal chunks but perhaps the last
    norm = None
    for s in range(0, n, k):
        part = slice(s, min(n, s + k))
        shape = (part.stop - s,) + x.shape[1:]
        if norm is None or norm.shape != shape:
            norm = _Norm(shape, x.dtype, eps)
        if g is None:
            norm.forward(x[part], x[part], d[part])
        else:
            norm.backward(g[part], x[part], d[part], g[part])
    return x if g is None else g


# -- activations and their slopes -----------------------------------------------------------------
# name -> (forward(z, out, y, inside) -> out, slope(a, inside, out) -> out). forward writes the
# activation of z into `out` with the numpy calls of the unfused graph (fused_lstm.py's
# Keras's activations), y is scratch like z, and hard_sigmoid notes in the bool `inside` where
# its clip kept 0.2 z + 0.5 (the one fact its slope needs that the output does not tell);
# slope writes the derivative from the output for all steps at once in the backward pass.
def _hard_sigmoid(z, out, y, inside):
    np.multiply(z, 0.2, out=y)
    y += 0.5
    np.maximum(y, 0, out=out)
    np.minimum(out, 1, out=out)
    np.equal(out, y, out=inside)                   # 0 <= y <= 1, the bounds included
    return out


def _hard_sigmoid_slope(a, inside, out):
    # Theano's clip passes the gradient where 0 <= y <= 1: 0.2 there, else 0
    return np.multiply(inside, a.dtype.type(0.2), out=out)


def _sigmoid(z, out, y, inside):                # Theano's sigmoid as 0.5 * (1 + tanh(z / 2))
    np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1
    out *= 0.5
    return out


def _sigmoid_slope(a, inside, out):
    np.subtract(1, a, out=out)
    out *= a
    return out


def _tanh_slope(a, inside, out):
    np.multiply(a, a, out=out)
    return np.subtract(1, out, out=out)


ACTIVATIONS = {
    'hard_sigmoid': (_hard_sigmoid, _hard_sigmoid_slope),
    'sigmoid': (_sigmoid, _sigmoid_slope),
    'tanh': (lambda z, out, y, inside: np.tanh(z, out=out), _tanh_slope),
}


# -- the loop ---------------------------------------------------------------------------------
@primitive
def lstm_ln_scan(xi, xf, xo, xc, mask, h0, c0, u_i, u_f, u_o, u_c, gh_i, gh_f, gh_o, gh_c,
                 bh_i, bh_f, bh_o, bh_c, g_c, b_c, eps=1e-2, inner='hard_sigmoid',
                 activation='tanh', truncate=-1):
    """LSTM_LN's step scanned over time, the sequences time-major (steps, samples, units):

        hm, cm = mask[t] * h_tm1, mask[t] * c_tm1
        i, f, o = inner(x?[t] + LN(hm . u_?) * gh_? + bh_?)
        ct = activation(xc[t] + LN(hm . u_c) * gh_c + bh_c)
        c_t = f * cm + i * ct                   h_t = o * activation(LN(c_t) * g_c + b_c)

    Returns the stacked (h, c), as the scan does. The gates run as one block
    [o | i | f | c] (fused_lstm.py's layout); `truncate` is the scan's truncate_gradient."""
    n, batch, units = np.shape(xi)[0], np.shape(h0)[0], np.shape(h0)[1]
    z = np.empty((n, batch, 4, units), np.result_type(xi, h0, u_i))
    for k, x in enumerate((xo, xi, xf, xc)):
        z[:, :, k] = x
    z += _gate_blocks(bh_i, bh_f, bh_o, bh_c, axis=0).reshape(4, units)
    return _ln_loop(z, mask, h0, c0, (u_i, u_f, u_o, u_c), (gh_i, gh_f, gh_o, gh_c), g_c, b_c,
                    eps, inner, activation)


def _ln_loop(z, mask, h0, c0, us, ghs, g_c, b_c, eps, inner, activation):
    """The loop on z (steps, samples, 4, units) in block order, holding the input terms
    plus bh; completed in place with the recurrent terms and kept for the gradient."""
    n, batch, _, units = z.shape
    dtype = z.dtype
    u = _gate_blocks(*us, axis=1)
    gh = _gate_blocks(*ghs, axis=0).reshape(4, units)
    gate, last = ACTIVATIONS[inner][0], ACTIVATIONS[activation][0]
    a = np.empty_like(z)                            # o, i, f, ct
    inside = np.empty(z.shape, bool)                # where hard_sigmoids pass gradients
    inside_q = np.empty((n, batch, units), bool)
    y = np.empty((batch, 4, units), dtype)
    rn = np.empty_like(z)                           # the normalized recurrent terms
    d_r = np.empty((n, batch, 4, 1), dtype)
    hs, cs, cn, q, e = (np.empty((n, batch, units), dtype) for _ in range(5))
    d_c = np.empty((n, batch, 1), dtype)
    rec = np.empty((batch, 4 * units), dtype)
    scaled = np.empty((batch, 4, units), dtype)
    ict = np.empty((batch, units), dtype)
    norm4, norm1 = _Norm((batch, 4, units), dtype, eps), _Norm((batch, units), dtype, eps)
    unmasked = _per_step(mask, n).all(axis=1).tolist()
    hm, cm = [], []
    h, c = h0, c0
    for t in range(n):
        if not unmasked[t]:
            h, c = np.multiply(mask[t], h), np.multiply(mask[t], c)
        hm.append(h)
        cm.append(c)
        zt, at = z[t], a[t]
        np.dot(h, u, out=rec)
        norm4.forward(rec.reshape(batch, 4, units), rn[t], d_r[t])
        zt += np.multiply(rn[t], gh, out=scaled)
        gate(zt[:, :3], at[:, :3], y[:, :3], inside[t, :, :3])
        last(zt[:, 3], at[:, 3], y[:, 3], inside[t, :, 3])
        c = np.multiply(at[:, 2], c, out=cs[t])
        c += np.multiply(at[:, 1], at[:, 3], out=ict)
        norm1.forward(c, cn[t], d_c[t])
        np.multiply(cn[t], g_c, out=q[t])
        q[t] += b_c
        h = np.multiply(at[:, 0], last(q[t], e[t], y[:, 0], inside_q[t]), out=hs[t])
    result = _LoopResult((hs, cs))
    result.tape = (a, inside, rn, d_r, cn, d_c, inside_q, e, us, gh, hm, cm, unmasked, eps)
    return result


def _ln_loop_backward(ans, mask, g_cell, kwargs, g_outs):
    """Back-propagation through time: the gradients of z (block order), h0, c0, the
    stacked U (units, 4 * units), gh and bh (4, units in block order), g_c and b_c."""
    inner = ACTIVATIONS[kwargs.get('inner', 'hard_sigmoid')][1]
    last = ACTIVATIONS[kwargs.get('activation', 'tanh')][1]
    truncate = kwargs.get('truncate', -1)
    a, inside, rn, d_r, cn, d_c, inside_q, e, us, gh, hm, cm, unmasked, eps = ans.tape
    n, batch, _, units = a.shape
    dtype = a.dtype
    g_h, g_c = (None if _broadcast_zero(g) else np.asarray(g, dtype) for g in g_outs)
    start = 0 if truncate is None or truncate < 0 else max(0, n - truncate)
    # what does not depend on the recurrence, for all steps at once
    slope = np.empty_like(a)
    inner(a[:, :, :3], inside[:, :, :3], slope[:, :, :3])
    last(a[:, :, 3], inside[:, :, 3], slope[:, :, 3])
    by_q = last(e, inside_q, np.empty_like(e))
    by_q *= a[:, :, 0]                              # dh -> dq through h = o * act(q)
    # dh -> (d LN(c), d o): d LN(c) = dq * g_c, d o = dh * activation(q); next to each
    # other so that one product per step gives both
    by_h = np.stack((by_q * g_cell, e), axis=2)
    dz, dr = np.empty_like(a), np.empty_like(a)     # every step from `start` on is written
    dz[:start] = 0
    dr[:start] = 0
    dh_all = np.empty((n, batch, units), dtype)     # dh at every step, for g_c and b_c
    dh_all[:start] = 0
    if n > start:
        dh_all[n - 1] = 0
    dh0 = np.zeros((batch, units), dtype)
    dc = np.zeros((batch, units), dtype)
    dcn_da = np.empty((batch, 5, units), dtype)     # d LN(c), then d(o, i, f, ct)
    dcn, da = dcn_da[:, 0], dcn_da[:, 1:]
    dcell = np.empty((batch, units), dtype)
    drn = np.empty((batch, 4, units), dtype)
    norm4 = _Norm((batch, 4, units), dtype, eps)
    norm1 = _Norm((batch, units), dtype, eps)
    u_t = _gate_blocks(*(np.transpose(x) for x in us), axis=0)   # contiguous, a quick copy
    g_h_at, g_c_at = _nonzero_steps(g_h, n), _nonzero_steps(g_c, n)
    for t in range(n - 1, start - 1, -1):
        dh = dh_all[t]
        if g_h_at[t]:
            dh += g_h[t]
        if g_c_at[t]:
            dc += g_c[t]
        np.multiply(dh[:, None], by_h[t], out=dcn_da[:, :2])
        dc += norm1.backward(dcn, cn[t], d_c[t], dcell)
        at = a[t]                                   # dc -> d(i, f, ct)
        np.multiply(dc, at[:, 3], out=da[:, 1])
        np.multiply(dc, cm[t], out=da[:, 2])
        np.multiply(dc, at[:, 1], out=da[:, 3])
        np.multiply(np.multiply(da, slope[t], out=dz[t]), gh, out=drn)
        norm4.backward(drn, rn[t], d_r[t], dr[t])
        dh = np.dot(dr[t].reshape(batch, 4 * units), u_t, out=dh_all[t - 1] if t > start else dh0)
        dc *= at[:, 2]                              # dc -> dc_tm1
        if not unmasked[t]:
            dh *= mask[t]
            dc *= mask[t]
    if start > 0:
        dh0[...], dc[...] = 0, 0
    d_u = np.dot(_stacked(hm, a).reshape(n * batch, units).T, dr.reshape(n * batch, 4 * units))
    d_gh = np.einsum('tbku,tbku->ku', dz, rn)
    d_bh = dz.sum(axis=(0, 1))
    dq = dh_all * by_q
    d_g_c = np.einsum('tbu,tbu->u', dq, cn)
    return dz, dh0, dc, d_u, d_gh, d_bh, d_g_c, dq.sum(axis=(0, 1))


def _fit(grads, args):
    return [gr if np.shape(gr) == np.shape(x) else unbroadcast(gr, x)
            for gr, x in zip(grads, args)]


def _state_grads(dz, mask, backward):
    """The gradients lstm_ln_scan's arguments from mask on have, in their order."""
    _, dh0, dc0, d_u, d_gh, d_bh, d_g_c, d_b_c = backward
    return ([np.zeros(np.shape(mask), dz.dtype), dh0, dc0] + _by_gate(d_u, 1) +
            _by_gate(d_gh, -2) + _by_gate(d_bh, -2) + [d_g_c, d_b_c])


def _lstm_ln_scan_backward(ans, args, kwargs, g_outs):
    mask = args[4]
    backward = _ln_loop_backward(ans, mask, args[19], kwargs, g_outs)
    dz = backward[0]
    return _fit(_by_gate(dz, -2) + _state_grads(dz, mask, backward), args)


defvjp_argnums(lstm_ln_scan, _all_at_once(_lstm_ln_scan_backward))


@primitive
def lstm_ln_scan_projected(X, w_i, w_f, w_o, w_c, gx_i, gx_f, gx_o, gx_c, bx_i, bx_f, bx_o,
                           bx_c, b_i, b_f, b_o, b_c, mask, h0, c0, u_i, u_f, u_o, u_c, gh_i,
                           gh_f, gh_o, gh_c, bh_i, bh_f, bh_o, bh_c, g_c, b_cell, eps=1e-2,
                           inner='hard_sigmoid', activation='tanh', truncate=-1):
    """lstm_ln_scan(LN(dot(X, w_i)) * gx_i + bx_i + b_i, ..., mask, h0, c0, u_i, ...) with
    the four input projections of all steps as one product X . [w_o w_i w_f w_c] and
    their normalizations as one (X time-major)."""
    n, batch, n_in = np.shape(X)
    units = np.shape(w_i)[1]
    w = _gate_blocks(w_i, w_f, w_o, w_c, axis=1)
    p = np.dot(np.reshape(X, (n * batch, n_in)), w).reshape(n, batch, 4, units)
    d_p = np.empty((n, batch, 4, 1), p.dtype)
    pn = _norm_steps(p, eps, d_p)                               # in place
    z = np.multiply(pn, _gate_blocks(gx_i, gx_f, gx_o, gx_c, axis=0).reshape(4, units))
    z += (_gate_blocks(bx_i, bx_f, bx_o, bx_c, axis=0) + _gate_blocks(b_i, b_f, b_o, b_c, axis=0)
          + _gate_blocks(bh_i, bh_f, bh_o, bh_c, axis=0)).reshape(4, units)
    result = _ln_loop(z, mask, h0, c0, (u_i, u_f, u_o, u_c), (gh_i, gh_f, gh_o, gh_c), g_c,
                      b_cell, eps, inner, activation)
    result.projections = (pn, d_p)
    return result


def _lstm_ln_scan_projected_backward(ans, args, kwargs, g_outs):
    X, mask = args[0], args[17]
    backward = _ln_loop_backward(ans, mask, args[32], kwargs, g_outs)
    dz, d_bias = backward[0], backward[5]
    pn, d_p = ans.projections
    n, batch, n_in = np.shape(X)
    units = pn.shape[-1]
    d_gx = np.einsum('tbku,tbku->ku', dz, pn)
    gx = _gate_blocks(*args[5:9], axis=0).reshape(4, units)
    dp = np.multiply(dz, gx)
    _norm_steps(pn, kwargs.get('eps', 1e-2), d_p, dp)           # in place
    flat = dp.reshape(n * batch, 4 * units)
    w = _gate_blocks(*args[1:5], axis=1)
    dX = np.dot(flat, w.T).reshape(np.shape(X))
    dw = np.dot(np.reshape(X, (n * batch, n_in)).T, flat)
    grads = [dX] + _by_gate(dw, 1) + _by_gate(d_gx, -2) + _by_gate(d_bias, -2) * 2
    return _fit(grads + _state_grads(dz, mask, backward), args)


defvjp_argnums(lstm_ln_scan_projected, _all_at_once(_lstm_ln_scan_projected_backward))


LSTM_LN_FUSED = {
    'lstm_ln_scan': lstm_ln_scan,
    'lstm_ln_scan_projected': lstm_ln_scan_projected,
}
