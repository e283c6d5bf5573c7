"""numba kernels: the optional accelerator of accel.py (float32 only).

At batch 8 a numpy call on a step's (samples, units) arrays costs a few microseconds,
mostly numpy's own dispatch and iteration over strided gate views, and an LSTM step makes
one to three dozen of them; numpy's float32 tanh also runs scalar here (about 4 ns an
element). Each loop kernel does one step's work after (forward) or before (backward) the
step's product with the recurrent weights, which stays a numpy product (BLAS does it
faster than a compiled loop), and reads and writes exactly the arrays numpy's loop does
(the same tape), in the same order of operations except that sums over units are
reassociated. The batch-normalization and relu kernels do in one pass over the batch
what numpy does in three to six, the softmax cross-entropy's in one call what numpy does
in a dozen.

One module on purpose: numba's on-disk cache of a kernel is invalidated by a change of
the kernel's own source file only, and the kernels inline the helpers at the top.
"""
import numpy as np
from numba import njit

# sums may be reassociated (vectorized); NaN and inf keep their IEEE behaviour. No
# contraction into fused multiply-adds: the backward recomputes hard_sigmoid's
# 0.2 * c + 0.5 with numpy and compares it with the clipped value bit for bit.
FLAGS = {'reassoc', 'arcp', 'nsz'}
CLIP01, HALF_TANH, TANH = 0, 1, 2
# error_model='numpy': a division by zero gives inf or NaN as in numpy, not an exception
# (whose check would also keep the loops from being vectorized)
JIT = dict(fastmath=FLAGS, error_model='numpy', cache=True)
# the helpers inlined into the kernels (a call per element would not be vectorized)
INLINE = dict(JIT, inline='always')
EXACT = dict(error_model='numpy', cache=True)
F32 = np.float32
ZERO, ONE, HALF, SLOPE, TWO = F32(0), F32(1), F32(0.5), F32(0.2), F32(2)

# tanh as a [13/6] rational function of x on [-7.9053, 7.9053] (beyond, tanh is +-1 in
# float32); the coefficients are those of Eigen's float tanh. Max error 3.3e-7 (at
# |x| ~ 6, about 5 float32 spacings of 1; tests/test_accel.py), relative error under
# 2.5e-7 down to |x| = 1e-36; vectorizable where libm's tanhf is not.
_CLAMP = F32(7.90531110763549805)
_A1, _A3, _A5 = F32(4.89352455891786e-03), F32(6.37261928875436e-04), F32(1.48572235717979e-05)
_A7, _A9 = F32(5.12229709037114e-08), F32(-8.60467152213735e-11)
_A11, _A13 = F32(2.00018790482477e-13), F32(-2.76076847742355e-16)
_B0, _B2 = F32(4.89352518554385e-03), F32(2.26843463243900e-03)
_B4, _B6 = F32(1.18534705686654e-04), F32(1.19825839466702e-06)


@njit(**INLINE)
def tanh(x):
    """float32 tanh(x), NaN kept."""
    if x > _CLAMP:
        x = _CLAMP
    elif x < -_CLAMP:
        x = -_CLAMP
    x2 = x * x
    p = x2 * _A13 + _A11
    p = x2 * p + _A9
    p = x2 * p + _A7
    p = x2 * p + _A5
    p = x2 * p + _A3
    p = x2 * p + _A1
    q = x2 * _B6 + _B4
    q = x2 * q + _B2
    q = x2 * q + _B0
    return x * p / q


@njit(**INLINE)
def finish_row(kind, y, out):
    """out = an activation of y, a row of its folded affine part of z (fused_lstm.py's
    _Activation); one loop per kind, so that each is vectorized."""
    if kind == CLIP01:
        for j in range(len(y)):
            v = y[j]        # Theano's clip: NaN stays NaN
            out[j] = ZERO if v < ZERO else (ONE if v > ONE else v)
    elif kind == HALF_TANH:
        for j in range(len(y)):
            out[j] = tanh(y[j]) * HALF + HALF
    else:
        for j in range(len(y)):
            out[j] = tanh(y[j])


@njit(**INLINE)
def slope_row(kind, y, a, out):
    """out = d act / d z from the activation's input row y (its folded affine part of z)
    and output row a, as fused_lstm.py's _Activation.slope: hard_sigmoid's 0.2 where the
    clip kept y (Theano's clip gradient, bounds included), sigmoid's (1 - a) * a, tanh's
    1 - a * a."""
    if kind == CLIP01:
        for j in range(len(y)):
            out[j] = SLOPE if a[j] == y[j] else ZERO
    elif kind == HALF_TANH:
        for j in range(len(y)):
            out[j] = (ONE - a[j]) * a[j]
    else:
        for j in range(len(y)):
            out[j] = ONE - a[j] * a[j]


# -- the 2015 LSTM / Keras 0.3 LSTM loop -------------------------------------------------
# fused_lstm.py's loop: one step's work each way around its product with the stacked U's,
# and the backward factors. Arrays are gate-major (gate, step, sample, unit) in the order
# [o, i, f, c].
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


# -- the LSTM_LN loop --------------------------------------------------------------------
# fused_lstm_ln.py's loop: one step's work each way around its product with the centred
# U's, and the backward factors of a chunk of steps. A step's arrays are (samples, 4,
# units) in the block order [o | i | f | c].
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


# -- BatchNormalization -> relu ----------------------------------------------------------
# 2015's BatchNormalization -> relu on a (batch, n) float32 input
# (fused.py's normalize_affine_relu and batch_std): one pass over the batch each, where
# numpy makes four to six. The same operations in the same order as fused.py's numpy code,
# the column sums accumulated row after row in float32 (numpy's are BLAS products in
# float32 too). No fast-math (EXACT): relu keeps numpy's signed zeros and NaNs.


@njit(**dict(EXACT, inline='always'))
def relu_grad(g, y):
    """Keras's relu gradient at y: g * (y > 0) (so NaN * 0 stays NaN), g / 2 at y == 0."""
    return g / TWO if y == ZERO else g * (ONE if y > ZERO else ZERO)


@njit(**EXACT)
def bn_relu_forward(x, m, scale, beta, out):
    """out = np.maximum(y, 0) (y where y >= 0 or NaN) for y = (x - m) * scale + beta;
    neither x - m nor y is kept: the backward recomputes both, the same roundings."""
    for i in range(x.shape[0]):
        xr, orow = x[i], out[i]
        for j in range(len(xr)):
            v = (xr[j] - m[j]) * scale[j] + beta[j]
            orow[j] = v if v >= ZERO or v != v else ZERO


@njit(**EXACT)
def bn_relu_backward(g, x, m, scale, beta, gx, g_gamma, g_beta):
    """From the output gradient g, with c = x - m and y = c * scale + beta as the forward
    computed them: gy = g * (y > 0) (g / 2 where y == 0, Keras's relu), g_gamma =
    sum(gy * c) over the batch (the caller divides by d), g_beta = sum(gy), gx = gy *
    scale."""
    g_gamma[:] = ZERO
    g_beta[:] = ZERO
    for i in range(g.shape[0]):
        gr, xr, out = g[i], x[i], gx[i]
        for j in range(len(gr)):
            c = xr[j] - m[j]
            gy = relu_grad(gr[j], c * scale[j] + beta[j])
            g_gamma[j] += gy * c
            g_beta[j] += gy
            out[j] = gy * scale[j]


@njit(**EXACT)
def batch_std(x, m, eps, out):
    """out = sqrt(sum((x - m) ** 2) / rows + eps), the sums over the batch row after row."""
    out[:] = ZERO
    for i in range(x.shape[0]):
        xr = x[i]
        for j in range(len(xr)):
            v = xr[j] - m[j]
            out[j] += v * v
    rows = F32(x.shape[0])
    for j in range(len(out)):
        out[j] = np.sqrt(out[j] / rows + eps)


@njit(**EXACT)
def blend(a, x, c, y, out):
    """out = a * x + c * y (the running averages' step), a and c float32 scalars."""
    for j in range(len(x)):
        out[j] = a * x[j] + c * y[j]



@njit(**EXACT)
def momentum_commit(p, m, v, mu, scale):
    """SGD with momentum's commit (momentum_commit.py) over flat arrays: m = mu * m +
    scale * v (scale 1, or -lr for a gradient v), then p += m, one pass; each product and
    sum rounded as numpy rounds it (no FMA)."""
    for j in range(len(m)):
        velocity = mu * m[j] + scale * v[j]
        m[j] = velocity
        p[j] += velocity


@njit(**EXACT)
def relu_backward(g, y, out):
    """fused.py's _relu_grad: g * (y > 0), g / 2 where y == 0 (Keras's relu at 0)."""
    for i in range(g.shape[0]):
        gr, yr, o = g[i], y[i], out[i]
        for j in range(len(gr)):
            o[j] = relu_grad(gr[j], yr[j])


# -- Keras 0.3.3's BatchNormalization on batch statistics (fused_keras03.py) -------------
@njit(**EXACT)
def bn_train_forward(x, m, d, gamma, beta, out):
    """out = (x - m) / d * gamma + beta, in that order."""
    for i in range(x.shape[0]):
        xr, o = x[i], out[i]
        for j in range(len(xr)):
            o[j] = (xr[j] - m[j]) / d[j] * gamma[j] + beta[j]


@njit(**EXACT)
def bn_train_sums(g, x, m, gc, gb):
    """gc = sum(g * (x - m)), gb = sum(g) over the batch."""
    gc[:] = ZERO
    gb[:] = ZERO
    for i in range(g.shape[0]):
        gr, xr = g[i], x[i]
        for j in range(len(gr)):
            gc[j] += gr[j] * (xr[j] - m[j])
            gb[j] += gr[j]


@njit(**EXACT)
def bn_train_dx(g, x, m, scale, coef, dx):
    """dc = g * scale - (x - m) * coef, then dx = dc - mean(dc) over the batch."""
    total = np.zeros(len(scale), dx.dtype)
    for i in range(g.shape[0]):
        gr, xr, o = g[i], x[i], dx[i]
        for j in range(len(gr)):
            v = gr[j] * scale[j] - (xr[j] - m[j]) * coef[j]
            o[j] = v
            total[j] += v
    n = F32(g.shape[0])
    for j in range(len(total)):
        total[j] = total[j] / n
    for i in range(g.shape[0]):
        o = dx[i]
        for j in range(len(o)):
            o[j] -= total[j]


# -- the softmax cross-entropy of a batch (fused.py, fused_keras03.py) ----------------------
# (samples, classes) arrays are small: numpy's dozen calls on them cost more than their
# arithmetic. Sums over classes run in order (float32 or, where numpy accumulates in
# float64, float64); no fast-math (EXACT), so NaN and inf go where numpy's go.
@njit(**dict(EXACT, inline='always'))
def _softmax_row(z, p):
    """p = exp(z - max(z)) / sum(...), NaN propagated as by np.maximum.reduce."""
    m = z[0]
    for j in range(1, len(z)):
        v = z[j]
        if v > m or v != v:
            m = v
    s = ZERO
    for j in range(len(z)):
        e = np.exp(z[j] - m)
        p[j] = e
        s += e
    for j in range(len(z)):
        p[j] = p[j] / s


@njit(**dict(EXACT, inline='always'))
def _clip(v, lo, hi):
    """np.minimum(np.maximum(v, lo), hi): a NaN among the three gives NaN; lo > hi gives hi."""
    t = v if v >= lo or v != v else lo
    return t if t <= hi or t != t else hi


@njit(**EXACT)
def softmax_ce_forward(z, y, w, lo, hi, p, total):
    """2015's softmax_crossentropy with every weight nonzero: p = softmax(z),
    total = sum(clip(p)) per row, and returns weighted_mean(w, -sum(y * log(clip(p) /
    total))) (sums in float64, as numpy's)."""
    num = 0.0
    den = 0.0
    for i in range(z.shape[0]):
        pr, yr = p[i], y[i]
        _softmax_row(z[i], pr)
        t = 0.0
        for j in range(len(pr)):
            t += _clip(pr[j], lo, hi)
        tt = F32(t)
        total[i, 0] = tt
        ce = 0.0
        for j in range(len(pr)):
            ce += yr[j] * np.log(_clip(pr[j], lo, hi) / tt)
        num += w[i] * -F32(ce)
        den += w[i]
    return F32(num) / F32(den)


@njit(**EXACT)
def softmax_ce_backward(g, w, p, y, total, lo, hi, out):
    """d loss / d z of softmax_ce_forward for the loss's gradient g: per row, with
    mask = lo <= p <= hi and u = mask * (p * sum(y) / total - y), (u - p * sum(u)) *
    g * w / sum(w)."""
    den = 0.0
    for i in range(len(w)):
        den += w[i]
    gd = g / F32(den)
    for i in range(p.shape[0]):
        pr, yr, o = p[i], y[i], out[i]
        sy = ZERO
        for j in range(len(pr)):
            sy += yr[j]
        r = sy / total[i, 0]
        su = ZERO
        for j in range(len(pr)):
            v = pr[j]
            u = (v * r - yr[j]) * (ONE if lo <= v <= hi else ZERO)
            o[j] = u
            su += u
        row = gd * w[i]
        for j in range(len(pr)):
            o[j] = (o[j] - pr[j] * su) * row


@njit(**dict(EXACT, inline='always'))
def _kept_fraction(w):
    """mean(w != 0) (0.3.3's correction for zero sample weights), the count divided in
    float64 as numpy's mean does."""
    kept = 0
    for i in range(len(w)):
        if w[i] != ZERO:
            kept += 1
    return F32(kept / len(w))


@njit(**dict(EXACT, inline='always'))
def _softmax_row_and_sum(z, p):
    """p = softmax(z) and returns sum(p) (in float64, as 0.3.3's renormalization sums)."""
    _softmax_row(z, p)
    s = 0.0
    for j in range(len(p)):
        s += p[j]
    return F32(s)


@njit(**EXACT)
def softmax_ce_weighted_forward(z, y, w, lo, hi):
    """0.3.3's softmax_crossentropy_weighted: the mean over rows of -sum(y * log(clip(t)))
    * w / kept, with t = p / sum(p), p = softmax(z) and kept the fraction of nonzero
    weights. The mean in float64, as numpy's."""
    kept = _kept_fraction(w)
    p = np.empty(z.shape[1], z.dtype)
    total = 0.0
    for i in range(z.shape[0]):
        yr = y[i]
        S = _softmax_row_and_sum(z[i], p)
        ce = 0.0
        for j in range(len(p)):
            ce += yr[j] * np.log(_clip(p[j] / S, lo, hi))
        total += -F32(ce) * w[i] / kept
    return F32(total / z.shape[0])


@njit(**EXACT)
def softmax_ce_weighted_backward(g, z, y, w, lo, hi, out):
    """d loss / d z of softmax_ce_weighted_forward for the loss's gradient g: with
    t = p / S and mask = lo <= t <= hi, (p * sum(mask * y) / S - mask * y) * row, where
    row = g / rows * w / kept (the mean's, the weighting's and the correction's rules)."""
    kept = _kept_fraction(w)
    g_mean = g / F32(z.shape[0])
    for i in range(z.shape[0]):
        pr, yr, o = out[i], y[i], out[i]
        S = _softmax_row_and_sum(z[i], pr)
        ym = ZERO
        for j in range(len(pr)):
            t = pr[j] / S
            ym += yr[j] * (ONE if lo <= t <= hi else ZERO)
        r = ym / S
        row = g_mean * w[i] / kept
        for j in range(len(pr)):
            v = pr[j]
            t = v / S
            my = yr[j] * (ONE if lo <= t <= hi else ZERO)
            o[j] = (v * r - my) * row


ACTIVATIONS = {'hard_sigmoid': CLIP01, 'sigmoid': HALF_TANH, 'tanh': TANH}
