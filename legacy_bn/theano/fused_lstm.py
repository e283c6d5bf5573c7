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
                                  for all steps and gates as one product
"""
import numpy as np
from autograd.builtins import SequenceBox, TupleVSpace
from autograd.extend import defvjp_argnums, primitive

from .primitives import unbroadcast


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


LSTM_FUSED = {
    'lstm_scan': lstm_scan,
    'lstm_scan_projected': lstm_scan_projected,
}
