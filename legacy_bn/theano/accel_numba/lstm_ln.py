"""Kernels of the LSTM_LN loop (fused_lstm_ln.py): one step's work each way around its
product with the centred U's, and the backward factors of a chunk of steps. A step's
arrays are (samples, 4, units) in the block order [o | i | f | c]."""
import numpy as np
from numba import njit

from .common import F32, INLINE, JIT, ONE, ZERO, finish_row, slope_row


@njit(**INLINE)
def _mean_square(x, inv):
    s = ZERO
    for j in range(len(x)):
        s += x[j] * x[j]
    return s * inv


@njit(**JIT)
def ln_forward_step(t, rn, d_r, y, a, gh, c, cs, cn, d_c, q, e, hs, g_c, b_c, eps,
                    gate, act):
    """After rn[t] = h . (centred U): the recurrent terms normalized (rn[t], divisors
    d_r[t]), y[t] += rn[t] * gh, a[t] = the gates, cs[t + 1] = f * c + i * ct, its
    normalization cn[t] (divisors d_c[t]), q[t] = cn[t] * g_c + b_c, e[t] = act(q[t])
    and hs[t + 1] = o * e[t]."""
    units = rn.shape[3]
    inv = ONE / F32(units)
    for b in range(rn.shape[1]):
        for k in range(4):
            r, yr, g = rn[t, b, k], y[t, b, k], gh[k]
            d = np.sqrt(_mean_square(r, inv) + eps)
            d_r[t, b, k, 0] = d
            for j in range(units):
                v = r[j] / d
                r[j] = v
                yr[j] += v * g[j]
            finish_row(gate if k < 3 else act, yr, a[t, b, k])
        o, i, f, g = a[t, b, 0], a[t, b, 1], a[t, b, 2], a[t, b, 3]
        cp, cr, x = c[b], cs[t + 1, b], cn[t, b]
        s = ZERO
        for j in range(units):
            v = f[j] * cp[j] + i[j] * g[j]
            cr[j] = v
            s += v
        m = s * inv
        for j in range(units):
            x[j] = cr[j] - m
        d = np.sqrt(_mean_square(x, inv) + eps)
        d_c[t, b, 0] = d
        qr, er, h = q[t, b], e[t, b], hs[t + 1, b]
        for j in range(units):
            v = x[j] / d
            x[j] = v
            qr[j] = v * g_c[j] + b_c[j]
        finish_row(act, qr, er)
        for j in range(units):
            h[j] = o[j] * er[j]


@njit(**JIT)
def ln_backward_step(t, i, dh, dc, to_cn, cn, to_rn, rn, g_rec, a, dc_prev):
    """Before dh_prev = g_rec[t] . (centred U)^T: dc gains dh's path through the cell's
    normalization, g_rec[t] = the gradient of the centred recurrent terms, and
    dc_prev = dc * f. `i` is step t's row in the chunk arrays to_cn and to_rn."""
    units = dh.shape[1]
    inv = ONE / F32(units)
    for b in range(dh.shape[0]):
        h, d, w, x = dh[b], dc[b], to_cn[i, b], cn[t, b]
        sp = ZERO
        spc = ZERO
        for j in range(units):
            p = h[j] * w[j]
            sp += p
            spc += p * x[j]
        mp, mpc = sp * inv, spc * inv
        for j in range(units):
            d[j] += h[j] * w[j] - mp - x[j] * mpc
        for k in range(4):
            src, fac, r, g = (h if k == 0 else d), to_rn[i, b, k], rn[t, b, k], g_rec[t, b, k]
            s = ZERO
            for j in range(units):
                v = src[j] * fac[j]
                g[j] = v
                s += v * r[j]
            m = s * inv
            for j in range(units):
                g[j] -= r[j] * m
        f, out = a[t, b, 2], dc_prev[b]
        for j in range(units):
            out[j] = d[j] * f[j]


@njit(**JIT)
def ln_factors(s, t, y, a, e, cm, q, d_c, d_r, gh, g_c, by, by_q, to_cn, to_rn, gate, act):
    """fused_lstm_ln.py's _Factors.chunk for the steps s .. t - 1 (rows 0 .. t - s - 1 of
    by, by_q, to_cn, to_rn): the same products in the same order."""
    for i in range(t - s):
        u = s + i
        for b in range(y.shape[1]):
            for k in range(4):
                slope_row(gate if k < 3 else act, y[u, b, k], a[u, b, k], by[i, b, k])
            o, ig, fg, g = by[i, b, 0], by[i, b, 1], by[i, b, 2], by[i, b, 3]
            ao, ai, ac, er, cr = a[u, b, 0], a[u, b, 1], a[u, b, 3], e[u, b], cm[u, b]
            for j in range(len(o)):
                o[j] *= er[j]
                ig[j] *= ac[j]
                fg[j] *= cr[j]
                g[j] *= ai[j]
            bq, tc = by_q[i, b], to_cn[i, b]
            slope_row(act, q[u, b], er, bq)
            d = d_c[u, b, 0]
            for j in range(len(bq)):
                bq[j] *= ao[j]
                tc[j] = bq[j] * g_c[j] / d
            for k in range(4):
                d, src, gk, out = d_r[u, b, k, 0], by[i, b, k], gh[k], to_rn[i, b, k]
                for j in range(len(out)):
                    out[j] = src[j] * gk[j] / d
