"""What the kernels share: the compile options, the float32 tanh, and the gate
activations and their slopes by code: CLIP01 (hard_sigmoid after its folded affine part),
HALF_TANH (sigmoid), TANH."""
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
F32 = np.float32
ZERO, ONE, HALF, SLOPE = F32(0), F32(1), F32(0.5), F32(0.2)

# tanh as a [13/6] rational function of x on [-7.9053, 7.9053] (beyond, tanh is +-1 in
# float32); the coefficients are those of Eigen's float tanh. Max error about 1e-7
# (tests/test_accel.py), vectorizable where libm's tanhf is not.
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


ACTIVATIONS = {'hard_sigmoid': CLIP01, 'sigmoid': HALF_TANH, 'tanh': TANH}
