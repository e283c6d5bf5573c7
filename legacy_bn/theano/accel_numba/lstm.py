"""Kernels of the 2015 LSTM / Keras 0.3 LSTM loop (fused_lstm.py): one step's work each
way around its product with the stacked U's, and the backward factors. Arrays are
gate-major (gate, step, sample, unit) in the order [o, i, f, c]."""
from numba import njit

from .common import CLIP01, JIT, SLOPE, ZERO, finish_row, slope_row


@njit(**JIT)
def lstm_forward_step(t, z, rec, a, c, cs, tc, hs, gate, act, act_scale, act_offset):
    """After rec = h . U (4, samples, units): z[:, t] += rec, a[:, t] = the gates,
    cs[t + 1] = f * c + i * ct, tc[t] = act(c_t) (its affine part not folded),
    hs[t + 1] = o * tc[t]."""
    for b in range(c.shape[0]):
        for k in range(4):
            zr, rr = z[k, t, b], rec[k, b]
            for j in range(len(zr)):
                zr[j] += rr[j]
            finish_row(gate if k < 3 else act, zr, a[k, t, b])
        o, i, f, g = a[0, t, b], a[1, t, b], a[2, t, b], a[3, t, b]
        cp, cr, e, h = c[b], cs[t + 1, b], tc[t, b], hs[t + 1, b]
        for j in range(len(cr)):
            v = f[j] * cp[j] + i[j] * g[j]
            cr[j] = v
            e[j] = v * act_scale + act_offset
        finish_row(act, e, e)
        for j in range(len(h)):
            h[j] = o[j] * e[j]


@njit(**JIT)
def lstm_backward_step(t, dh, dc, by, dc_by_dh, a, dz, dz_row):
    """Before dh = dz_row . U^T: dz[:, t] from dh and dc (dc gains dh's path through
    h = o * act(c)), dz_row the same values as (samples, 4, units); then dc *= f."""
    for b in range(dh.shape[0]):
        h, d, f, e = dh[b], dc[b], a[2, t, b], dc_by_dh[t, b]
        out, row = dz[0, t, b], dz_row[b, 0]
        fac = by[0, t, b]
        for j in range(len(h)):
            v = h[j] * fac[j]
            out[j] = v
            row[j] = v
            d[j] += h[j] * e[j]
        for k in range(1, 4):
            out, row, fac = dz[k, t, b], dz_row[b, k], by[k, t, b]
            for j in range(len(d)):
                v = d[j] * fac[j]
                out[j] = v
                row[j] = v
        for j in range(len(d)):
            d[j] *= f[j]


@njit(**JIT)
def lstm_factors(y, a, tc, cm, c_new, gate, act, act_scale, act_offset):
    """fused_lstm.py's _step_factors in place: y becomes by (each gate's slope times the
    other factor of its product), tc becomes dc_by_dh (the slope of act at c_t times o);
    the same products in the same order."""
    for t in range(y.shape[1]):
        for b in range(y.shape[2]):
            for k in range(4):
                slope_row(gate if k < 3 else act, y[k, t, b], a[k, t, b], y[k, t, b])
            o, i, f, g = y[0, t, b], y[1, t, b], y[2, t, b], y[3, t, b]
            ao, ai, ac, e, cp, cn = a[0, t, b], a[1, t, b], a[3, t, b], tc[t, b], cm[t, b], \
                c_new[t, b]
            for j in range(len(o)):
                o[j] *= e[j]
                i[j] *= ac[j]
                f[j] *= cp[j]
                g[j] *= ai[j]
            if act == CLIP01:
                for j in range(len(e)):
                    e[j] = SLOPE if e[j] == cn[j] * act_scale + act_offset else ZERO
            else:
                slope_row(act, cn, e, e)
            for j in range(len(e)):
                e[j] *= ao[j]
