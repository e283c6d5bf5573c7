"""Kernels of 2015's BatchNormalization -> relu on a (batch, n) float32 input
(fused.py's normalize_affine_relu and batch_std): one pass over the batch each, where
numpy makes four to six. The same operations in the same order as fused.py's numpy code,
the column sums accumulated row after row in float32 (numpy's are BLAS products in
float32 too). No fast-math: relu keeps numpy's signed zeros and NaNs."""
from numba import njit

from .common import F32, ONE, ZERO

F2 = F32(2)

_JIT = dict(error_model='numpy', cache=True)


@njit(**_JIT)
def bn_relu_forward(x, m, scale, beta, c, y, out):
    """c = x - m, y = c * scale + beta, out = np.maximum(y, 0) (y where y >= 0 or NaN)."""
    for i in range(x.shape[0]):
        xr, cr, yr, orow = x[i], c[i], y[i], out[i]
        for j in range(len(xr)):
            v = xr[j] - m[j]
            cr[j] = v
            v = v * scale[j] + beta[j]
            yr[j] = v
            orow[j] = v if v >= ZERO or v != v else ZERO


@njit(**_JIT)
def bn_relu_backward(g, y, c, scale, gx, g_gamma, g_beta):
    """From the output gradient g: gy = g * (y > 0) (g / 2 where y == 0, Keras's relu),
    g_gamma = sum(gy * c) over the batch (the caller divides by d), g_beta = sum(gy),
    gx = gy * scale."""
    g_gamma[:] = ZERO
    g_beta[:] = ZERO
    for i in range(g.shape[0]):
        gr, yr, cr, out = g[i], y[i], c[i], gx[i]
        for j in range(len(gr)):
            v = yr[j]
            gy = gr[j] * (ONE if v > ZERO else ZERO)
            if v == ZERO:
                gy = gr[j] / F2
            g_gamma[j] += gy * cr[j]
            g_beta[j] += gy
            out[j] = gy * scale[j]


@njit(**_JIT)
def column_squares(x, m, out):
    """out = sum((x - m) ** 2) over the batch (batch_std's sum of squares)."""
    out[:] = ZERO
    for i in range(x.shape[0]):
        xr = x[i]
        for j in range(len(xr)):
            v = xr[j] - m[j]
            out[j] += v * v
