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
                                  one product and one normalization (run over the rows
                                  in cache-sized chunks)

How a step stays at a couple of dozen numpy calls each way:
- A product followed by a layer normalization takes weights whose columns are centred
  within each gate's block: h . (u - its row means) is h . u minus its mean over the
  units, so the product gives the centred values and no mean is taken in the loop.
  The normalization's gradient then needs no mean of the incoming gradient either (the
  centring is a projection; the centred weights carry it into dh, and the weights'
  gradient gets it after the loop, one subtraction).
- Means are products with a vector of 1/n, in the arrays' dtype (float32 stays float32:
  BLAS sums within float32 rounding of the unfused graph's float64-accumulated means);
  epsilon rides in the same product as one more column.
- The activations' affine parts (hard_sigmoid's 0.2 z + 0.5, sigmoid's z / 2) are
  folded into the pre-activations, the recurrent gains and the cell's gain and bias
  (fused_lstm.py's _Activation), so a gate is one clip or tanh call.
- Every factor of the backward pass that does not depend on the recurrence (the
  activations' slopes times the other factor of each product, the gains, the
  normalizations' 1/d) is formed for all steps at once before the loop; the
  parameters' gradients are whole-sequence products after it.
The step's arrays are (samples, 4, units) in the gate order [o | i | f | c].
All of this reorders float sums, which stays within float rounding of the unfused graph.
"""
import numpy as np
from autograd.extend import defvjp_argnums, primitive

from . import accel
from .buffers import BUFFERS
from .fused_lstm import (LSTM_ACTIVATIONS, _LoopResult, _all_at_once, _broadcast_zero,
                         _gate_affine, _masked_previous, _nonzero_steps, _per_step,
                         _shaped_like)
from .primitives import product


# -- the gates' block layout [o | i | f | c] ----------------------------------------------------
def _gate_blocks(i, f, o, c, axis, out=None):
    """The gates' arrays in the loop's block order [o | i | f | c]."""
    return np.concatenate((o, i, f, c), axis=axis, out=out)


def _by_gate(blocks, axis):
    """[i, f, o, c] from an array in block order [o | i | f | c] along `axis` (views: the
    gradients' consumers take strided arrays, and copies of the U's blocks cost more
    than the strides do)."""
    if axis == -2:
        o, i, f, c = (blocks[..., k, :] for k in range(4))
    else:
        o, i, f, c = (np.ascontiguousarray(b) for b in np.split(blocks, 4, axis=axis))
    return [i, f, o, c]


def _like(x):
    """A work array of x's shape and dtype from the pool (buffers.py): the loop's
    whole-sequence arrays are megabytes at batch 128, and fresh ones fault in every step."""
    return BUFFERS.get(x.shape, x.dtype)


# -- layer normalization pieces -------------------------------------------------------------------
def _centred_columns(ws, dtype):
    """The gates' matrices [i, f, o, c] (rows, units) side by side in block order, each
    block's row mean subtracted: x . result is x . [w_o w_i w_f w_c] centred over each
    block's units."""
    rows, units = np.shape(ws[0])
    w = BUFFERS.get((rows, 4 * units), dtype)
    _gate_blocks(*ws, axis=1, out=w)
    return _centre_blocks(w, units)


def _centred_rows(ws, dtype):
    """_centred_columns(ws) transposed, from the transposed gates' matrices (a
    contiguous copy: BLAS multiplies by it faster than by a transposed view)."""
    units, rows = np.shape(ws[0])
    w = BUFFERS.get((4 * units, rows), dtype)
    _gate_blocks(*ws, axis=0, out=w)
    blocks = w.reshape(4, units, rows)
    blocks -= np.matmul(_mean_weights(units, dtype), blocks)[:, None]
    return w


def _centre_blocks(grad, units):
    """The gradient of w from that of its centred columns (the same projection), in place."""
    blocks = grad.reshape(len(grad), -1, units)
    blocks -= np.dot(blocks, _mean_weights(units, grad.dtype))[..., None]
    return grad


def _mean_weights(n, dtype, eps=None):
    """1/n repeated n times (a product with it is a mean over the last axis); with eps,
    one more entry 1 for a column holding eps (the product is then mean + eps)."""
    w = np.full(n if eps is None else n + 1, 1.0 / n if n else 0.0, dtype)
    if eps is not None:
        w[n] = 1
    return w


def _square_buffer(shape, eps, dtype):
    """(buffer with one more last column holding eps, view of the others): the squares
    written into the view and a product with _mean_weights(n, eps) give var + eps."""
    buf = BUFFERS.get(shape[:-1] + (shape[-1] + 1,), dtype)
    buf[..., -1] = eps
    return buf, buf[..., :-1]


_CHUNK = 1 << 16     # elements: a chunk of rows and its scratch stay in a core's cache


class _RowNorm:
    """Layer normalization of rows (rows, n) that are already centred (the product of
    centred columns), up to `k` rows a call, with scratch made once."""

    def __init__(self, n, k, eps, dtype):
        self.buf, self.squares = _square_buffer((k, n), eps, dtype)
        self.tmp, self.means = BUFFERS.get((k, n), dtype), BUFFERS.get((k,), dtype)
        self.w_eps, self.w = _mean_weights(n, dtype, eps), _mean_weights(n, dtype)

    def forward(self, x, d):
        """x -> x / sqrt(mean(x**2) + eps) in place; d (rows, 1) receives the divisors."""
        m = len(x)
        np.square(x, out=self.squares[:m])
        np.dot(self.buf[:m], self.w_eps, out=d[:, 0])
        np.sqrt(d, out=d)
        x /= d

    def backward(self, g, x, d):
        """g -> (g - x * mean(g * x)) / d in place, for x = forward's result: the gradient
        of the centred rows (the centring's own part, minus mean(g), is left to the
        centred columns)."""
        m = len(x)
        t, means = self.tmp[:m], self.means[:m]
        np.dot(np.multiply(g, x, out=t), self.w, out=means)
        g -= np.multiply(x, means[:, None], out=t)
        g /= d


def _step_chunk(batch, units):
    """How many steps of (samples, 4, units) arrays make a cache-sized chunk."""
    return max(1, _CHUNK // max(1, batch * 4 * units))


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

    Returns the stacked (h, c), as the scan does. `truncate` is the scan's
    truncate_gradient."""
    n, batch, units = np.shape(xi)[0], np.shape(h0)[0], np.shape(h0)[1]
    dtype = np.result_type(xi, h0, u_i)
    scale, offset = _affine(inner, activation, dtype)
    y = BUFFERS.get((n, batch, 4, units), dtype)
    for k, x in enumerate((xo, xi, xf, xc)):
        y[:, :, k] = x
    y += _gate_blocks(bh_i, bh_f, bh_o, bh_c, axis=0).reshape(4, units)
    y *= scale
    y += offset
    return _ln_loop(y, mask, h0, c0, (u_i, u_f, u_o, u_c), (gh_i, gh_f, gh_o, gh_c), g_c, b_c,
                    eps, inner, activation)


def _affine(inner, activation, dtype):
    """The gates' activation scale and offset, shaped (4, 1) to broadcast over a step."""
    scale, offset = _gate_affine(LSTM_ACTIVATIONS[inner], LSTM_ACTIVATIONS[activation], dtype)
    return scale[:, None], offset[:, None]


def _ln_loop(y, mask, h0, c0, us, ghs, g_c, b_c, eps, inner, activation):
    """The loop on y (steps, samples, 4, units) in block order, the activations' scale
    times the input terms (plus bh) plus their offset; completed in place with the
    recurrent terms and kept for the gradient."""
    n, batch, _, units = y.shape
    dtype = y.dtype
    gate, act = LSTM_ACTIVATIONS[inner], LSTM_ACTIVATIONS[activation]
    scale = _affine(inner, activation, dtype)[0]
    u = _centred_columns(us, dtype)
    gh = _gate_blocks(*ghs, axis=0).reshape(4, units).astype(dtype, copy=False)
    gh_scaled = gh * scale
    g_scaled = np.multiply(g_c, act.scale, dtype=dtype)
    b_scaled = np.multiply(b_c, act.scale, dtype=dtype)
    b_scaled += act.offset
    a = _like(y)                                    # o, i, f, ct
    rn = _like(y)                                   # the normalized recurrent terms
    d_r = BUFFERS.get((n, batch, 4, 1), dtype)
    hs = BUFFERS.get((n + 1, batch, units), dtype)  # h0 (masked), then the outputs h
    cs = BUFFERS.get((n + 1, batch, units), dtype)
    cn, q, e = (BUFFERS.get((n, batch, units), dtype) for _ in range(3))
    d_c = BUFFERS.get((n, batch, 1), dtype)
    hs[0], cs[0] = h0, c0
    # per-step views and scratch, made once
    rn_rows, d_r_flat, d_c_flat = rn.reshape(n, batch, 4 * units), \
        d_r.reshape(n, 4 * batch), d_c.reshape(n, batch)
    buf4, squares4 = _square_buffer((batch, 4, units), eps, dtype)
    buf4 = buf4.reshape(4 * batch, units + 1)
    buf1, squares1 = _square_buffer((batch, units), eps, dtype)
    w_eps, w_mean = _mean_weights(units, dtype, eps), _mean_weights(units, dtype)
    scaled = BUFFERS.get((batch, 4, units), dtype)
    ict = np.empty((batch, units), dtype)
    mean = np.empty((batch, 1), dtype)
    mean_flat = mean.reshape(batch)
    a_o, a_i, a_f, a_c = (a[:, :, k] for k in range(4))
    # one call for all four gates; a clip (hard_sigmoid) runs over all four even when the
    # cell's activation is another (it then overwrites the cell's block): a contiguous
    # clip of four blocks costs less than a strided one of three
    four = gate is act or gate is LSTM_ACTIVATIONS['hard_sigmoid']
    cell_apart = gate is not act
    y3, a3, y_c = y[:, :, :3], a[:, :, :3], y[:, :, 3]
    unmasked = _per_step(mask, n).all(axis=1).tolist()
    masked = {}                                     # step -> the masked previous (h, c)
    mul, dot, sqrt, square = np.multiply, np.dot, np.sqrt, np.square
    gate_fn, act_fn = gate.finish, act.finish
    kernels = accel.kernels_for(dtype)
    if kernels:
        codes = (dtype.type(eps), kernels.ACTIVATIONS[inner], kernels.ACTIVATIONS[activation])
    for t in range(n):
        h, c = hs[t], cs[t]
        if not unmasked[t]:
            if t:       # the previous states are outputs: mask copies of them
                h, c = masked[t] = mul(mask[t], h), mul(mask[t], c)
            else:
                h *= mask[0]
                c *= mask[0]
        r = rn[t]
        dot(h, u, out=rn_rows[t])                   # centred: u's columns are
        if kernels:
            kernels.ln_forward_step(t, rn, d_r, y, a, gh_scaled, c, cs, cn, d_c, q, e, hs,
                                    g_scaled, b_scaled, *codes)
            continue
        square(r, out=squares4)
        dot(buf4, w_eps, out=d_r_flat[t])           # var + eps
        d = d_r[t]
        sqrt(d, out=d)
        r /= d
        yt = y[t]
        yt += mul(r, gh_scaled, out=scaled)
        if four:
            gate_fn(yt, a[t])
        else:
            gate_fn(y3[t], a3[t])
        if cell_apart:
            act_fn(y_c[t], a_c[t])
        c = mul(a_f[t], c, out=cs[t + 1])
        c += mul(a_i[t], a_c[t], out=ict)
        dot(c, w_mean, out=mean_flat)
        cnt = np.subtract(c, mean, out=cn[t])
        square(cnt, out=squares1)
        dot(buf1, w_eps, out=d_c_flat[t])
        d = d_c[t]
        sqrt(d, out=d)
        cnt /= d
        qt = mul(cnt, g_scaled, out=q[t])
        qt += b_scaled
        mul(a_o[t], act_fn(qt, e[t]), out=hs[t + 1])
    result = _LoopResult((hs[1:], cs[1:]))
    result.tape = (y, a, rn, d_r, cn, d_c, q, e, hs, cs, masked, unmasked, us, gh, g_c)
    return result


class _Factors:
    """What the backward pass needs that does not depend on the recurrence, formed for a
    chunk of steps at a time (chunks of steps whose arrays stay in a core's cache):
    `by` takes d(h) (gate o) or d(c_t) (i, f, ct) to d(the gate's pre-activation);
    `by_q` d(h) to d(LN(c) * g_c + b_c); `to_cn` d(h) to d(LN(c)) / d_c; `to_rn` d(h) or
    d(c_t) to d(the normalized recurrent term) / d_r."""

    def __init__(self, tape, inner, activation, k):
        y, a, rn, d_r, cn, d_c, q, e, hs, cs, masked, unmasked, us, gh, g_c = tape
        self.tape = tape
        self.gate, self.act = LSTM_ACTIVATIONS[inner], LSTM_ACTIVATIONS[activation]
        self.kernels = accel.kernels_for(y.dtype)
        if self.kernels:
            self.codes = (self.kernels.ACTIVATIONS[inner], self.kernels.ACTIVATIONS[activation])
        self.cm = _masked_previous(cs, masked, y.shape[0], 1)
        shape4, shape1 = (k,) + y.shape[1:], (k,) + cn.shape[1:]
        self.buffers = [BUFFERS.get(s, y.dtype) for s in (shape4, shape4, shape1, shape1)]

    def chunk(self, s, t):
        """by, by_q, to_cn, to_rn of the steps s .. t - 1."""
        y, a, rn, d_r, cn, d_c, q, e, hs, cs, masked, unmasked, us, gh, g_c = self.tape
        by, to_rn, by_q, to_cn = (b[:t - s] for b in self.buffers)
        gate, act = self.gate, self.act
        if self.kernels:
            self.kernels.ln_factors(s, t, y, a, e, self.cm, q, d_c, d_r, gh, g_c, by, by_q,
                                    to_cn, to_rn, *self.codes)
            return by, by_q, to_cn, to_rn
        y, a, e = y[s:t], a[s:t], e[s:t]
        if gate is LSTM_ACTIVATIONS['hard_sigmoid']:       # see _ln_loop's clip_all
            # Theano's clip passes the gradient where the clip kept y: 0.2 there
            np.equal(a, y, out=by, casting='unsafe')
            by *= 0.2
            if act is not gate:
                act.slope(y[:, :, 3], a[:, :, 3], by[:, :, 3])
        elif gate is act:
            gate.slope(y, a, by)
        else:
            gate.slope(y[:, :, :3], a[:, :, :3], by[:, :, :3])
            act.slope(y[:, :, 3], a[:, :, 3], by[:, :, 3])
        by[:, :, 0] *= e
        by[:, :, 1] *= a[:, :, 3]
        by[:, :, 2] *= self.cm[s:t]
        by[:, :, 3] *= a[:, :, 1]
        act.slope(q[s:t], e, by_q)
        by_q *= a[:, :, 0]
        np.multiply(by_q, g_c, out=to_cn)
        to_cn /= d_c[s:t]
        np.multiply(by, gh, out=to_rn)
        to_rn /= d_r[s:t]
        return by, by_q, to_cn, to_rn


def _ln_loop_backward(ans, mask, kwargs, g_outs, dz_chunk=None):
    """Back-propagation through time: the gradients of y's pre-activations z (block
    order), h0, c0, the stacked U (units, 4 * units), gh and bh (4, units in block
    order), g_c and b_c. The loop runs chunk by chunk of steps (last first), each
    chunk's factors formed just before it and its parameter gradients summed just
    after it, while its arrays are in cache. With `dz_chunk`, the gradient of z is not
    kept: dz_chunk(s, t, dz) is given that of the steps s .. t - 1 instead (the first
    is None)."""
    inner, activation = kwargs.get('inner', 'hard_sigmoid'), kwargs.get('activation', 'tanh')
    truncate = kwargs.get('truncate', -1)
    tape = ans.tape
    y, a, rn, d_r, cn, d_c, q, e, hs, cs, masked, unmasked, us, gh, g_c = tape
    n, batch, _, units = y.shape
    dtype = y.dtype
    g_h, g_c_out = (None if _broadcast_zero(g) else np.asarray(g, dtype) for g in g_outs)
    start = 0 if truncate is None or truncate < 0 else max(0, n - truncate)
    k = _step_chunk(batch, units)
    factors = _Factors(tape, inner, activation, k)
    # dh, dc at every step (the gradients of h_t and c_t, all paths), and the gradient of
    # the centred recurrent terms (for U); the steps before `start` get none
    dh_all, dc_all = _like(cn), _like(cn)
    g_rec = _like(rn)
    for arr in (dh_all, dc_all, g_rec):
        arr[:start] = 0
        arr[n - 1:] = 0
    dh0, dc0 = np.zeros((batch, units), dtype), np.zeros((batch, units), dtype)
    if dz_chunk is None:
        dz = _like(rn)
        dz[:start] = 0
    else:
        dz = BUFFERS.get((k,) + rn.shape[1:], dtype)
    d_gh, d_bh = np.zeros((4, units), dtype), np.zeros((4, units), dtype)
    d_g_c, d_b_c = np.zeros(units, dtype), np.zeros(units, dtype)
    # per-step views and scratch
    g_rec_rows = g_rec.reshape(n, batch, 4 * units)
    u_t = _centred_rows([np.transpose(x) for x in us], dtype)       # (4 units, units)
    pair = np.empty((2, batch, units), dtype)       # d LN(c) / d_c, times LN(c)
    pair_rows, (p, p_cn) = pair.reshape(2 * batch, units), pair
    means = np.empty((2, batch, 1), dtype)
    means_flat, (mean_p, mean_p_cn) = means.reshape(2 * batch), means
    mul, dot, prod_rows = np.multiply, np.dot, (4 * batch, units)
    tmp = np.empty((batch, units), dtype)
    dq = BUFFERS.get((k, batch, units), dtype)
    prod = BUFFERS.get((batch, 4, units), dtype)
    mean4 = np.empty((batch, 4, 1), dtype)
    mean4_flat = mean4.reshape(4 * batch)
    w_mean = _mean_weights(units, dtype)
    a_f = a[:, :, 2]
    dc_cols = dc_all[:, :, None]
    g_h_at, g_c_at = _nonzero_steps(g_h, n), _nonzero_steps(g_c_out, n)
    kernels = accel.kernels_for(dtype)
    for stop in range(n, start, -k):
        first = max(start, stop - k)
        by, by_q, to_cn, to_rn = factors.chunk(first, stop)
        to_rn_o, to_rn_cell = to_rn[:, :, 0], to_rn[:, :, 1:]
        for t in range(stop - 1, first - 1, -1):
            j = t - first
            dh, dc = dh_all[t], dc_all[t]
            if g_h_at[t]:
                dh += g_h[t]
            if g_c_at[t]:
                dc += g_c_out[t]
            if kernels:
                dc_prev = dc_all[t - 1] if t > start else dc0
                kernels.ln_backward_step(t, j, dh, dc, to_cn, cn, to_rn, rn, g_rec, a, dc_prev)
                dh_prev = dot(g_rec_rows[t], u_t, out=dh_all[t - 1] if t > start else dh0)
                if not unmasked[t]:
                    dh_prev *= mask[t]
                    dc_prev *= mask[t]
                continue
            # the cell's normalization: dc += p - mean(p) - cn * mean(p * cn), p = dh * to_cn
            cnt = cn[t]
            mul(mul(dh, to_cn[j], out=p), cnt, out=p_cn)
            dot(pair_rows, w_mean, out=means_flat)
            dc += p
            dc -= mean_p
            dc -= mul(cnt, mean_p_cn, out=tmp)
            # the recurrent terms' normalization (of centred values): g - rn * mean(g * rn)
            g = g_rec[t]
            mul(dh, to_rn_o[j], out=g[:, 0])
            mul(dc_cols[t], to_rn_cell[j], out=g[:, 1:])
            r = rn[t]
            dot(mul(g, r, out=prod).reshape(prod_rows), w_mean, out=mean4_flat)
            g -= mul(r, mean4, out=prod)
            dh_prev = dot(g_rec_rows[t], u_t, out=dh_all[t - 1] if t > start else dh0)
            dc_prev = mul(dc, a_f[t], out=dc_all[t - 1] if t > start else dc0)
            if not unmasked[t]:
                dh_prev *= mask[t]
                dc_prev *= mask[t]
        # the chunk's gradients of z and of the gains and biases
        part = slice(first, stop)
        dzc = dz[part] if dz_chunk is None else dz[:stop - first]
        np.multiply(dh_all[part], by[:, :, 0], out=dzc[:, :, 0])
        np.multiply(dc_cols[part], by[:, :, 1:], out=dzc[:, :, 1:])
        d_gh += np.einsum('tbku,tbku->ku', dzc, rn[part])
        d_bh += dzc.sum(axis=(0, 1))
        dqc = np.multiply(dh_all[part], by_q, out=dq[:stop - first])
        d_g_c += np.einsum('tbu,tbu->u', dqc, cn[part])
        d_b_c += dqc.sum(axis=(0, 1))
        if dz_chunk is not None:
            dz_chunk(first, stop, dzc)
    if start > 0:
        dh0[...], dc0[...] = 0, 0
    hm = _masked_previous(hs, masked, n, 0)
    d_u = product(hm.reshape(n * batch, units).T, g_rec.reshape(n * batch, 4 * units))
    _centre_blocks(d_u, units)
    return (dz if dz_chunk is None else None), dh0, dc0, d_u, d_gh, d_bh, d_g_c, d_b_c


def _state_grads(mask, backward):
    """The gradients lstm_ln_scan's arguments from mask on have, in their order."""
    _, dh0, dc0, d_u, d_gh, d_bh, d_g_c, d_b_c = backward
    return ([np.zeros(np.shape(mask), dh0.dtype), dh0, dc0] + _by_gate(d_u, 1) +
            _by_gate(d_gh, -2) + _by_gate(d_bh, -2) + [d_g_c, d_b_c])


def _lstm_ln_scan_backward(ans, args, kwargs, g_outs):
    mask = args[4]
    backward = _ln_loop_backward(ans, mask, kwargs, g_outs)
    dz = backward[0]
    return _shaped_like(_by_gate(dz, -2) + _state_grads(mask, backward), args)


defvjp_argnums(lstm_ln_scan, _all_at_once(_lstm_ln_scan_backward))


@primitive
def lstm_ln_scan_projected(X, w_i, w_f, w_o, w_c, gx_i, gx_f, gx_o, gx_c, bx_i, bx_f, bx_o,
                           bx_c, b_i, b_f, b_o, b_c, mask, h0, c0, u_i, u_f, u_o, u_c, gh_i,
                           gh_f, gh_o, gh_c, bh_i, bh_f, bh_o, bh_c, g_c, b_cell, eps=1e-2,
                           inner='hard_sigmoid', activation='tanh', truncate=-1):
    """lstm_ln_scan(LN(dot(X, w_i)) * gx_i + bx_i + b_i, ..., mask, h0, c0, u_i, ...) with
    the four input projections of all steps as one product X . [w_o w_i w_f w_c] (its
    columns centred per gate) and their normalizations as one (X time-major)."""
    n, batch, n_in = np.shape(X)
    units = np.shape(w_i)[1]
    dtype = np.result_type(X, h0, u_i)
    scale, offset = _affine(inner, activation, dtype)
    w = _centred_columns((w_i, w_f, w_o, w_c), dtype)
    rows_x = BUFFERS.get((n * batch, n_in), dtype)        # X's rows, kept for dw
    np.copyto(rows_x.reshape(n, batch, n_in), X)           # one copy from any strides
    pn = product(rows_x, w, out=BUFFERS.get((n * batch, 4 * units), dtype))
    gx = _gate_blocks(gx_i, gx_f, gx_o, gx_c, axis=0).reshape(4, units) * scale
    bias = (_gate_blocks(bx_i, bx_f, bx_o, bx_c, axis=0) + _gate_blocks(b_i, b_f, b_o, b_c, axis=0)
            + _gate_blocks(bh_i, bh_f, bh_o, bh_c, axis=0)).reshape(4, units) * scale + offset
    gx, bias = gx.astype(dtype, copy=False), bias.astype(dtype, copy=False)
    # normalized and scaled chunk by chunk of steps, in cache
    d_p = BUFFERS.get((n * batch * 4, 1), dtype)
    rows, per, k = pn.reshape(-1, units), 4 * batch, _step_chunk(batch, units)
    pn = pn.reshape(n, batch, 4, units)
    y = _like(pn)
    norm = _RowNorm(units, k * per, eps, dtype)
    for s in range(0, n, k):
        t = min(n, s + k)
        norm.forward(rows[s * per:t * per], d_p[s * per:t * per])
        np.multiply(pn[s:t], gx, out=y[s:t])
        y[s:t] += bias
    result = _ln_loop(y, mask, h0, c0, (u_i, u_f, u_o, u_c), (gh_i, gh_f, gh_o, gh_c), g_c,
                      b_cell, eps, inner, activation)
    result.projections = (pn, d_p, w, rows_x)
    return result


def _lstm_ln_scan_projected_backward(ans, args, kwargs, g_outs, argnums):
    X, mask = args[0], args[17]
    pn, d_p, w, rows_x = ans.projections
    n, batch, n_in = np.shape(X)
    units = pn.shape[-1]
    gx = _gate_blocks(*args[5:9], axis=0).reshape(4, units).astype(pn.dtype, copy=False)
    # the projections' part of each chunk of steps as soon as the loop has its dz
    d_gx = np.zeros((4, units), pn.dtype)
    dp = _like(pn)
    per = 4 * batch
    dp_rows, pn_rows = dp.reshape(-1, units), pn.reshape(-1, units)
    norm = _RowNorm(units, _step_chunk(batch, units) * per, 0, pn.dtype)
    done = [n]

    def projections(s, t, dz):
        d_gx[...] += np.einsum('tbku,tbku->ku', dz, pn[s:t])
        np.multiply(dz, gx, out=dp[s:t])
        norm.backward(dp_rows[s * per:t * per], pn_rows[s * per:t * per], d_p[s * per:t * per])
        done[0] = s
    backward = _ln_loop_backward(ans, mask, kwargs, g_outs, projections)
    dp[:done[0]] = 0                                # the steps truncate_gradient cut off
    flat = dp.reshape(n * batch, 4 * units)
    dX = product(flat, w.T).reshape(np.shape(X)) if 0 in argnums else None
    dw = _centre_blocks(product(rows_x.T, flat), units)
    d_bias = backward[5]
    grads = [dX] + _by_gate(dw, 1) + _by_gate(d_gx, -2) + _by_gate(d_bias, -2) * 2
    return _shaped_like(grads + _state_grads(mask, backward), args)


defvjp_argnums(lstm_ln_scan_projected, _all_at_once(_lstm_ln_scan_projected_backward, True))


LSTM_LN_FUSED = {
    'lstm_ln_scan': lstm_ln_scan,
    'lstm_ln_scan_projected': lstm_ln_scan_projected,
}
