"""The whole 2015 LSTM loop as one fused op (what fusion_lstm.py puts in place of a scan
whose step is Keras's LSTM._step). Like every fused op, its VJP applies the rounding
steps of the chain of primitive rules it replaces, within float tolerance.

lstm_scan(xi, xf, xo, xc, mask, h0, c0, u_i, u_f, u_o, u_c, inner, activation, truncate)
                                  the whole 2015 LSTM loop (Keras's LSTM._step scanned
                                  over time): one GEMM per step over stacked U's, the
                                  gates' elementwise work in a few whole-gate calls, and
                                  back-propagation through time written out by hand
lstm_scan_projected(X, w_i.., b_i.., mask, h0, c0, u_i.., ...)
                                  the same with its inputs' projections dot(X, w) + b
                                  for all steps, one product per gate
lstm_scan_k03(x, h0, c0, u_i, u_f, u_c, u_o, inner, activation, backwards, truncate)
lstm_scan_k03_masked(x, mask, out0, h0, c0, u_i, u_f, u_c, u_o, ...)
                                  the scan Keras 0.3's K.rnn builds over its LSTM.step
                                  (one input [i | f | c | o], outputs (output, h, c),
                                  a mask that keeps the previous values, go_backwards)
lstm_scan_k03_projected(X, w_i, w_f, w_c, w_o, b_i.., h0, c0, u_i, ...)
                                  lstm_scan_k03 with its input, the per-gate projections
                                  time_distributed_dense(X, w, b), as one product inside

The loop's arrays are stacked gate-major (gate, step, sample, unit) in the order
[o, i, f, c], so every gate's slice of a step is contiguous: numpy's elementwise calls
on strided views ran several times slower here.
"""
import numpy as np
from autograd.builtins import SequenceBox, TupleVSpace
from autograd.extend import defvjp_argnums, primitive

from . import accel
from .primitives import product, unbroadcast


# -- the whole LSTM loop -----------------------------------------------------------------
class _Activation:
    """A gate activation as the loop runs it: the affine part `scale * z + offset` is
    folded into the pre-activations (into the stacked weights and biases, once per call),
    so a step only runs `finish` on y = scale * z + offset; `slope` is d act / d z formed
    from the stored y and activation a."""

    def __init__(self, scale, offset, finish, slope):
        self.scale, self.offset, self.finish, self.slope = scale, offset, finish, slope
        # act(x, out) on the cell state, whose affine part cannot be folded
        self.full = finish if scale == 1 and not offset else self._affine_then_finish

    def _affine_then_finish(self, x, out):
        np.multiply(x, self.scale, out=out)
        out += self.offset
        return self.finish(out, out)

    def pre(self, x):
        """y = scale * x + offset (a new array), what `slope` reads."""
        if self.scale == 1 and not self.offset:
            return x
        y = np.multiply(x, self.scale)
        y += self.offset
        return y


try:            # the clip ufunc itself: np.clip's Python layers cost more than the
    from numpy._core.umath import clip as _clip_ufunc      # clip at batch 8 (numpy 2)
except ImportError:                                         # pragma: no cover
    from numpy.core.umath import clip as _clip_ufunc        # numpy 1


def _clip01(y, out):
    # one clip call (numpy's maximum/minimum pair is several times slower here)
    return _clip_ufunc(y, y.dtype.type(0), y.dtype.type(1), out=out)


def _clip01_slope(y, a, out):
    # Theano's clip passes the gradient where 0 <= y <= 1, bounds included: exactly
    # where clipping left y as it was
    return np.multiply(np.equal(a, y), y.dtype.type(0.2), out=out)


def _half_tanh(y, out):          # sigmoid(z) = (1 + tanh(z / 2)) / 2, y = z / 2
    np.tanh(y, out=out)
    out *= 0.5
    out += 0.5
    return out


def _sigmoid_slope(y, a, out):          # out may be a itself
    return np.multiply(np.subtract(1, a), a, out=out)


def _tanh(y, out):
    return np.tanh(y, out=out)


def _tanh_slope(y, a, out):
    np.multiply(a, a, out=out)
    return np.subtract(1, out, out=out)


LSTM_ACTIVATIONS = {
    'hard_sigmoid': _Activation(0.2, 0.5, _clip01, _clip01_slope),
    'sigmoid': _Activation(0.5, 0, _half_tanh, _sigmoid_slope),
    'tanh': _Activation(1, 0, _tanh, _tanh_slope),
}


def _gate_affine(inner, activation, dtype):
    """The scale and offset of each gate in the order [o, i, f, c], shaped to broadcast
    over a (4, ...) stack."""
    return (np.array([inner.scale] * 3 + [activation.scale], dtype),
            np.array([inner.offset] * 3 + [activation.offset], dtype))


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

    Returns the stacked (h, c), as the scan does. The four gates run as one stack
    [o, i, f, c] (gate, step, sample, unit): per step one matmul of hm with the stacked
    U's and one call per activation, every gate's slice contiguous. `truncate` is the
    scan's truncate_gradient."""
    dtype = np.result_type(xi, h0, u_i)
    gate, act = LSTM_ACTIVATIONS[inner], LSTM_ACTIVATIONS[activation]
    z = np.empty((4,) + np.shape(xi), dtype)
    for k, x in enumerate((xo, xi, xf, xc)):
        fn = act if k == 3 else gate
        np.multiply(x, fn.scale, out=z[k])
        if fn.offset:
            z[k] += fn.offset
    return _lstm_loop(z, mask, h0, c0, (u_i, u_f, u_o, u_c), inner, activation)


def _gate_stack(i, f, o, c, dtype):
    """The gates' arrays stacked in the loop's order [o, i, f, c]."""
    return np.stack((o, i, f, c)).astype(dtype, copy=False)


def _by_gate(stack):
    """[i, f, o, c] from a stack in the order [o, i, f, c]."""
    return [stack[1], stack[2], stack[0], stack[3]]


def _lstm_loop(z, mask, h0, c0, us, inner, activation, carry=False, out0=None):
    """The loop of lstm_scan on y = scale * z + offset (4, steps, samples, units) of the
    pre-activations z in gate order, without the recurrent term yet; y is completed in
    place and kept. Every array a step writes is preallocated for the whole loop, the
    states straight into the stacked outputs.

    The mask (steps, samples, 1) or None works as the 2015 LSTM's (carry=False: a step
    reads mask * the previous states) or as Keras 0.3's K.rnn (carry=True: where the
    mask is 0 the step keeps the previous states, and the output sequence repeats its
    previous value, starting from out0). Returns (h, c), or (outputs, h, c) if carry."""
    _, n, batch, units = z.shape
    dtype = z.dtype
    gate, act = LSTM_ACTIVATIONS[inner], LSTM_ACTIVATIONS[activation]
    u = _gate_stack(*us, dtype)                     # (4, units, units)
    u_scaled = u * _gate_affine(gate, act, dtype)[0][:, None, None]
    a = np.empty_like(z)                            # o, i, f, ct
    hs = np.empty((n + 1, batch, units), dtype)     # h0 (masked), then the outputs h
    cs = np.empty((n + 1, batch, units), dtype)
    tc = np.empty((n, batch, units), dtype)         # activation(c_t)
    ic = np.empty((batch, units), dtype)            # i * ct
    rec = np.empty((4, batch, units), dtype)
    hs[0], cs[0] = h0, c0
    # a step whose mask is all ones reads the previous states as they are (Keras's mask
    # is 0 at the first step only, unless the input is masked)
    unmasked = [True] * n if mask is None else _per_step(mask, n).all(axis=1).tolist()
    masked = {}     # step -> the masked previous (h, c) (2015), or the new c (carry)
    outs = hs[1:] if out0 is None else np.empty((n, batch, units), dtype)
    split = 4 if gate is act else 3
    own_outs, full = out0 is not None, act.full
    kernels = accel.kernels_for(dtype)
    codes = kernels and _codes(kernels, inner, activation, dtype)
    for t in range(n):
        h, c = hs[t], cs[t]
        if not unmasked[t] and not carry:
            if t:       # the previous states are outputs: mask copies of them
                h, c = masked[t] = np.multiply(mask[t], h), np.multiply(mask[t], c)
            else:
                h *= mask[0]
                c *= mask[0]
        if kernels:
            np.matmul(h, u_scaled, out=rec)
            kernels.lstm_forward_step(t, z, rec, a, c, cs, tc, hs, *codes)
            ct, h_t = cs[t + 1], hs[t + 1]
        else:
            yt, at = z[:, t], a[:, t]
            yt += np.matmul(h, u_scaled, out=rec)
            gate.finish(yt[:split], at[:split])
            if split == 3:
                act.finish(yt[3], at[3])
            ct = np.multiply(at[2], c, out=cs[t + 1])
            ct += np.multiply(at[1], at[3], out=ic)
            h_t = np.multiply(at[0], full(ct, tc[t]), out=hs[t + 1])
        if own_outs:
            np.copyto(outs[t], h_t)
        if carry and not unmasked[t]:
            keep = np.equal(mask[t], 0)
            masked[t] = ct.copy()
            np.copyto(outs[t], outs[t - 1] if t else out0, where=keep)
            np.copyto(h_t, h, where=keep)
            np.copyto(ct, c, where=keep)
    result = _LoopResult((outs, hs[1:], cs[1:]) if carry else (hs[1:], cs[1:]))
    result.tape = (z, a, u, hs, cs, tc, unmasked, masked, carry, out0 is not None)
    return result


def _lstm_loop_backward(ans, mask, kwargs, g_outs):
    """Back-propagation through time: the gradients of z (4, steps, samples, units),
    h0, c0 and of the stacked U (4, units, units), gates in the order [o, i, f, c]; and
    with a separate output sequence (carry mode with a mask), the gradient of out0."""
    inner, activation = kwargs.get('inner', 'hard_sigmoid'), kwargs.get('activation', 'tanh')
    truncate = kwargs.get('truncate', -1)
    y, a, u, hs, cs, tc, unmasked, masked, carry, own_outs = ans.tape
    _, n, batch, units = y.shape
    dtype = y.dtype
    g_outs = [None if _broadcast_zero(g) else np.asarray(g, dtype) for g in g_outs]
    if carry and not own_outs:      # the outputs are the states h: one gradient
        g_outs = [None, _sum_or_none(g_outs[:2]), g_outs[2]]
    g_o, g_h, g_c = g_outs if carry else [None] + g_outs
    start = 0 if truncate is None or truncate < 0 else max(0, n - truncate)
    if carry:
        hm, cm = hs[:n], cs[:n]
        c_new = _masked_previous(cs[1:], masked, n, None)
    else:
        hm, cm = _masked_previous(hs, masked, n, 0), _masked_previous(cs, masked, n, 1)
        c_new = cs[1:]
    by, dc_by_dh = _step_factors(ans, inner, activation, cm, c_new)
    dz = np.empty_like(y)           # every step from `start` on is written below
    dz[:, :start] = 0
    # the per-step product with the U's as one GEMM: d(z) gathered as (samples, 4 units)
    dz_row = np.empty((batch, 4, units), dtype)
    dz_flat = dz_row.reshape(batch, 4 * units)
    # the U's transposed into one C-contiguous (4 units, units) array: OpenBLAS runs this
    # per-step product about 30% faster at batch 8 (6% at 128) than on a transposed view,
    # and numpy copies the (4, units, units) transpose twice as fast as the 2-d one
    u_cols = np.ascontiguousarray(u.transpose(0, 2, 1)).reshape(4 * units, units)
    dh = np.zeros((batch, units), dtype)
    dc = np.zeros((batch, units), dtype)
    do = np.zeros((batch, units), dtype)    # the output sequence's own (carry mode)
    tmp = np.empty((batch, units), dtype)
    # the steps whose output gradients are not all zero (return_sequences=False: the last)
    g_o_at, g_h_at, g_c_at = (_nonzero_steps(g, n) for g in (g_o, g_h, g_c))
    kernels = accel.kernels_for(dtype)
    for t in range(n - 1, start - 1, -1):
        if g_h_at[t]:
            dh += g_h[t]
        if g_c_at[t]:
            dc += g_c[t]
        if g_o_at[t]:
            do += g_o[t]
        if carry and not unmasked[t]:
            # where the mask is 0 the step passed its inputs through: their gradients
            # skip the step, the rest goes into the new values
            keep = np.equal(mask[t], 0)
            kept = [np.where(keep, g, 0) for g in (dh, dc, do)]
            dh += do
            for g in (dh, dc):
                np.copyto(g, 0, where=keep)
            do[:] = kept[2]
        elif own_outs:
            dh += do
            do[:] = 0
        if kernels:
            kernels.lstm_backward_step(t, dh, dc, by, dc_by_dh, a, dz, dz_row)
            np.dot(dz_flat, u_cols, out=dh)
        else:
            dzt, byt = dz[:, t], by[:, t]
            np.multiply(dh, byt[0], out=dzt[0])
            dc += np.multiply(dh, dc_by_dh[t], out=tmp)
            np.multiply(dc, byt[1:], out=dzt[1:])
            np.copyto(dz_row, dzt.transpose(1, 0, 2))
            np.dot(dz_flat, u_cols, out=dh)
            dc *= a[2, t]
        if not unmasked[t]:
            if carry:
                dh += kept[0]
                dc += kept[1]
            else:
                dh *= mask[t]
                dc *= mask[t]
    if start > 0:
        dh[:], dc[:], do[:] = 0, 0, 0
    du = np.matmul(hm.reshape(n * batch, units).T, dz.reshape(4, n * batch, units))
    return dz, dh, dc, du, do


def _step_factors(ans, inner, activation, cm, c_new):
    """What does not depend on the recurrence, for all steps at once: per gate the
    factor that takes d(h) (o) or d(c_t) (i, f, ct) to d(its pre-activation), and the
    one from d(h) to d(c) through h = o * act(c). They are written over the forward's
    y and act(c), which nothing else reads (less memory to stream through at large
    batches), and kept on the result for a second backward pass."""
    if getattr(ans, 'step_factors', None) is None:
        y, a, tc = ans.tape[0], ans.tape[1], ans.tape[5]
        kernels = accel.kernels_for(y.dtype)
        if kernels:
            kernels.lstm_factors(y, a, tc, cm, c_new,
                                 *_codes(kernels, inner, activation, y.dtype))
        else:
            gate, act = LSTM_ACTIVATIONS[inner], LSTM_ACTIVATIONS[activation]
            split = 4 if gate is act else 3
            gate.slope(y[:split], a[:split], y[:split])
            if split == 3:
                act.slope(y[3], a[3], y[3])
            y[0] *= tc
            y[1] *= a[3]
            y[2] *= cm
            y[3] *= a[1]
            act.slope(act.pre(c_new), tc, tc)
            tc *= a[0]
        ans.step_factors = y, tc            # by, dc_by_dh
    return ans.step_factors


def _codes(kernels, inner, activation, dtype):
    """The kernels' activation arguments: the two activations' codes, and the scale and
    offset of `activation` (applied to the cell state, unfolded)."""
    act = LSTM_ACTIVATIONS[activation]
    return (kernels.ACTIVATIONS[inner], kernels.ACTIVATIONS[activation], dtype.type(act.scale),
            dtype.type(act.offset))


def _sum_or_none(gs):
    gs = [g for g in gs if g is not None]
    return None if not gs else gs[0] if len(gs) == 1 else gs[0] + gs[1]


def _masked_previous(states, masked, n, k):
    """states[:n] with the rows of `masked` (item k of its entries, or the entries
    themselves if k is None) in place of theirs: the previous states each step read
    (2015), or the new c of every step before a mask kept the old one (carry)."""
    prev = states[:n]
    if masked:
        prev = prev.copy()
        for t, entry in masked.items():
            prev[t] = entry if k is None else entry[k]
    return prev


def _per_step(x, n):
    """x (steps, ...) as (steps, the rest), also when a size is 0."""
    return np.reshape(x, (n, int(np.prod(np.shape(x)[1:]))))


def _nonzero_steps(g, n):
    if g is None:
        return [False] * n
    return _per_step(g, n).any(axis=1).tolist()


def _lstm_scan_backward(ans, args, kwargs, g_outs):
    """Every gradient lstm_scan has, in the order of its arguments."""
    mask = args[4]
    dz, dh, dc, du, _ = _lstm_loop_backward(ans, mask, kwargs, g_outs)
    grads = _by_gate(dz) + [np.zeros(np.shape(mask), dz.dtype), dh, dc] + _by_gate(du)
    return _shaped_like(grads, args)


def _shaped_like(grads, args):
    """Each gradient summed down to its argument's shape where it broadcast (None, a
    gradient nobody asked for, stays None)."""
    return [gr if gr is None or np.shape(gr) == np.shape(x) else unbroadcast(gr, x)
            for gr, x in zip(grads, args)]


def _broadcast_zero(g):
    """None, or the free zero the scan_output VJP gives an output nobody uses."""
    if g is None or np.size(g) == 0:
        return True
    g = np.asarray(g)
    return g.ndim > 0 and not any(g.strides) and not g.flat[0]


def _all_at_once(backward, told_argnums=False):
    """A VJP maker for defvjp_argnums: one backward pass for all the argnums asked (given
    to the backward as a last argument if told_argnums, so it can skip the gradients
    nobody asked for)."""
    def maker(argnums, ans, args, kwargs):
        def vjp(g):
            grads = backward(ans, args, kwargs, g, argnums) if told_argnums else \
                backward(ans, args, kwargs, g)
            return [grads[k] for k in argnums]
        return vjp
    return maker


defvjp_argnums(lstm_scan, _all_at_once(_lstm_scan_backward))


@primitive
def lstm_scan_projected(X, w_i, w_f, w_o, w_c, b_i, b_f, b_o, b_c, mask, h0, c0,
                        u_i, u_f, u_o, u_c, inner='hard_sigmoid', activation='tanh',
                        truncate=-1):
    """lstm_scan(dot(X, w_i) + b_i, ..., mask, h0, c0, u_i, ...) with the input
    projections of all steps as one product per gate (X time-major)."""
    units = np.shape(h0)[1]
    dtype = np.result_type(X, h0, u_i)
    w = _gate_stack(w_i, w_f, w_o, w_c, dtype)
    z, rows = _projections(X, w, _gate_stack(b_i, b_f, b_o, b_c, dtype), units, inner,
                           activation, dtype)
    result = _lstm_loop(z, mask, h0, c0, (u_i, u_f, u_o, u_c), inner, activation)
    result.rows, result.w = rows, w        # for the VJP (the same weights: no new stack)
    return result


def _projections(X, w, b, units, inner, activation, dtype):
    """y = scale * (X w + b) + offset (4, steps, samples, units) for X time-major
    (steps, samples, inputs) and the gates' w (4, inputs, units), b (4, units) in the
    loop's order: one product for all steps and gates, the activations' affine parts
    folded into the weights and the biases riding in the product as a last row of w
    against a column of ones in X. Returns y and those rows of X with ones (for the
    gradient of w)."""
    n, batch, n_in = np.shape(X)
    scale, offset = _gate_affine(LSTM_ACTIVATIONS[inner], LSTM_ACTIVATIONS[activation],
                                 dtype)
    wb = np.empty((4, n_in + 1, units), dtype)
    wb[:, :n_in] = w
    wb[:, n_in] = b
    wb *= scale[:, None, None]
    wb[:, n_in] += offset[:, None]
    z = np.empty((4, n, batch, units), dtype)
    rows = _with_ones(X, dtype)
    np.matmul(rows, wb, out=z.reshape(4, n * batch, units))
    return z, rows


def _with_ones(X, dtype):
    """X (steps, samples, inputs) as (steps * samples, inputs + 1), the last column 1."""
    n, batch, n_in = np.shape(X)
    Xa = np.empty((n, batch, n_in + 1), dtype)
    Xa[..., :n_in] = X          # one copy, also from a strided (e.g. transposed) X
    Xa[..., n_in] = 1
    return Xa.reshape(n * batch, n_in + 1)


def _lstm_scan_projected_backward(ans, args, kwargs, g_outs, argnums):
    X, mask = args[0], args[9]
    dz, dh, dc, du, _ = _lstm_loop_backward(ans, mask, kwargs, g_outs)
    n_in = np.shape(X)[2]
    dX, dwb = _projection_grads(ans.rows, ans.w.astype(dz.dtype, copy=False), dz,
                                0 in argnums)
    dX = None if dX is None else dX.reshape(np.shape(X))
    grads = [dX] + _by_gate(dwb[:, :n_in]) + _by_gate(dwb[:, n_in])
    grads += [np.zeros(np.shape(mask), dz.dtype), dh, dc] + _by_gate(du)
    return _shaped_like(grads, args)


def _projection_grads(rows, w, dz, want_dx):
    """The gradients of _projections' X (as its rows (steps * samples, inputs)) and of
    its w and b stacked as (4, inputs + 1, units) (the b's the last row), from dz, the
    gradient of the pre-activations z = X w + b: one product each. `rows` are X's rows
    with ones that _projections returned. dX is None unless want_dx (X is most often the
    data: its gradient would cost as much as w's)."""
    flat = dz.reshape(4, len(rows), dz.shape[-1])       # (also with no rows)
    dX = None
    if want_dx:
        dX = product(flat[0], w[0].T)
        for k in (1, 2, 3):
            dX += product(flat[k], w[k].T)
    return dX, np.matmul(rows.T, flat)


defvjp_argnums(lstm_scan_projected, _all_at_once(_lstm_scan_projected_backward, True))


# -- Keras 0.3's LSTM -------------------------------------------------------------------
# K.rnn scans one input, the four projections side by side [i | f | c | o], with the
# outputs (output, h, c); a mask keeps the previous states and output where it is 0
# (T.switch), and go_backwards runs the steps from the last.
@primitive
def lstm_scan_k03(x, h0, c0, u_i, u_f, u_c, u_o, inner='hard_sigmoid', activation='tanh',
                  backwards=False, truncate=-1):
    """The scan K.rnn builds for Keras 0.3's LSTM.step without a mask, as one op:
    (outputs, h, c) stacked in the order the steps ran (the outputs are h)."""
    z = _k03_preactivations(x, np.shape(h0)[1], inner, activation, backwards,
                            np.result_type(x, h0, u_i))
    return _lstm_loop(z, None, h0, c0, (u_i, u_f, u_o, u_c), inner, activation, carry=True)


@primitive
def lstm_scan_k03_masked(x, mask, out0, h0, c0, u_i, u_f, u_c, u_o, inner='hard_sigmoid',
                         activation='tanh', backwards=False, truncate=-1):
    """lstm_scan_k03 with K.rnn's mask (steps, samples, 1): where it is 0 a step keeps
    the previous h, c and output (out0 before the first step)."""
    z = _k03_preactivations(x, np.shape(h0)[1], inner, activation, backwards,
                            np.result_type(x, h0, u_i))
    if backwards:
        mask = mask[::-1]
    return _lstm_loop(z, mask, h0, c0, (u_i, u_f, u_o, u_c), inner, activation, carry=True,
                      out0=out0)


_K03_COLUMNS = (3, 0, 1, 2)         # the loop's gates [o, i, f, c] in K.rnn's [i|f|c|o]
# the loop's gate that holds each of K.rnn's [i|f|c|o] (the inverse of _K03_COLUMNS)
_K03_GATES = tuple(int(k) for k in np.argsort(_K03_COLUMNS))


def _k03_preactivations(x, units, inner, activation, backwards, dtype):
    gate, act = LSTM_ACTIVATIONS[inner], LSTM_ACTIVATIONS[activation]
    if backwards:
        x = x[::-1]
    z = np.empty((4,) + np.shape(x)[:2] + (units,), dtype)
    for k, col in enumerate(_K03_COLUMNS):
        fn = act if k == 3 else gate
        np.multiply(x[..., col * units:(col + 1) * units], fn.scale, out=z[k])
        if fn.offset:
            z[k] += fn.offset
    return z


def _lstm_scan_k03_backward(ans, args, kwargs, g_outs):
    masked = len(args) == 9
    mask = args[1] if masked else None
    if masked and kwargs.get('backwards'):
        mask = mask[::-1]
    dz, dh, dc, du, do = _lstm_loop_backward(ans, mask, kwargs, g_outs)
    dx = np.concatenate([dz[k] for k in _K03_GATES], axis=-1)
    if kwargs.get('backwards'):
        dx = dx[::-1]
    i, f, o, c = _by_gate(du)
    grads = [dx] + ([np.zeros(np.shape(mask), dz.dtype), do] if masked else [])
    grads += [dh, dc, i, f, c, o]
    return _shaped_like(grads, args)


defvjp_argnums(lstm_scan_k03, _all_at_once(_lstm_scan_k03_backward))
defvjp_argnums(lstm_scan_k03_masked, _all_at_once(_lstm_scan_k03_backward))


@primitive
def lstm_scan_k03_projected(X, w_i, w_f, w_c, w_o, b_i, b_f, b_c, b_o, h0, c0, u_i, u_f,
                            u_c, u_o, inputs=1, steps=1, units=1, inner='hard_sigmoid',
                            activation='tanh', backwards=False, truncate=-1):
    """lstm_scan_k03 over the input Keras 0.3's LSTM gives K.rnn, the projections
    time_distributed_dense(X, w_?, b_?) of each gate side by side [i | f | c | o]:

        x = reshape(dot(reshape(X, (-1, inputs)), [w_i | w_f | w_c | w_o]) + [b_i | ..],
                    (-1, steps, 4 units)).dimshuffle(1, 0, 2)

    with those projections of all steps and gates as one product inside the op (the
    time-major reordering of X's rows rides on the copy that product makes). `inputs`,
    `steps` and `units` are the graph's: the reshapes' widths, t and a quarter of the
    projections' width."""
    dtype = np.result_type(X, h0, u_i)
    w, b = _k03_gate_weights((w_i, w_f, w_c, w_o), (b_i, b_f, b_c, b_o), h0, inputs,
                             units, dtype)
    z, rows = _projections(_k03_rows(X, w.shape[1], steps, np.shape(h0)[0], backwards), w, b,
                           units, inner, activation, dtype)
    result = _lstm_loop(z, None, h0, c0, (u_i, u_f, u_o, u_c), inner, activation,
                        carry=True)
    result.rows, result.w = rows, w
    return result


def _k03_rows(X, n_in, steps, samples, backwards):
    """reshape(X, (-1, n_in)) as K.rnn's scan reads it: (steps, samples, n_in), the
    rows in the order the steps run (the sizes given: -1 is ambiguous with no steps)."""
    rows = np.reshape(X, (samples, steps, n_in)).transpose(1, 0, 2)
    return rows[::-1] if backwards else rows


def _k03_gate_weights(ws, bs, h0, n_in, units, dtype):
    """The loop's (4, inputs, units) w and (4, units) b, gates [o, i, f, c], from the
    gates' w_i, w_f, w_c, w_o and b_i, ... (K.rnn's step slices their concatenation per
    gate: each must be a gate wide, as the graph's reshapes to `units` require)."""
    if not (all(np.shape(v) == (n_in, units) for v in ws) and
            all(np.shape(v) == (units,) for v in bs) and np.shape(h0)[1:] == (units,)):
        raise ValueError('LSTM (lstm_scan_k03_projected): expected each gate\'s W %d x %d, '
                         'its b %d wide and states %d wide, got W of shapes %s, b of shapes '
                         '%s and states of shape %s'
                         % (n_in, units, units, units, ', '.join(str(np.shape(v)) for v in ws),
                            ', '.join(str(np.shape(v)) for v in bs), np.shape(h0)))
    w, b = np.empty((4, n_in, units), dtype), np.empty((4, units), dtype)
    for k, gate in enumerate(_K03_COLUMNS):
        w[k], b[k] = ws[gate], bs[gate]
    return w, b


def _lstm_scan_k03_projected_backward(ans, args, kwargs, g_outs, argnums):
    X = args[0]
    dz, dh, dc, du, _ = _lstm_loop_backward(ans, None, kwargs, g_outs)
    w = ans.w.astype(dz.dtype, copy=False)
    n, batch = dz.shape[1:3]
    n_in = w.shape[1]
    d_rows, dwb = _projection_grads(ans.rows, w, dz, 0 in argnums)
    dX = None
    if d_rows is not None:
        d_rows = d_rows.reshape(n, batch, n_in)
        if kwargs.get('backwards'):
            d_rows = d_rows[::-1]
        dX = np.reshape(d_rows.transpose(1, 0, 2), np.shape(X))
    # [i, f, c, o] back from the loop's gates [o, i, f, c]
    i, f, o, c = _by_gate(du)
    return _shaped_like([dX] + [dwb[k, :n_in] for k in _K03_GATES]
                        + [dwb[k, n_in] for k in _K03_GATES] + [dh, dc, i, f, c, o], args)


defvjp_argnums(lstm_scan_k03_projected,
               _all_at_once(_lstm_scan_k03_projected_backward, True))


LSTM_FUSED = {
    'lstm_scan': lstm_scan,
    'lstm_scan_projected': lstm_scan_projected,
    'lstm_scan_k03': lstm_scan_k03,
    'lstm_scan_k03_masked': lstm_scan_k03_masked,
    'lstm_scan_k03_projected': lstm_scan_k03_projected,
}
