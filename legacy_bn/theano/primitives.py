"""autograd primitives whose gradients follow Theano, not autograd's defaults.

Everything else is differentiated by autograd's own rules. A primitive lives
here when Theano's gradient differs (kinks: abs, maximum/minimum, max, clip),
when autograd's rule would leave float32 (reductions under numpy 2), or when a
fused rule is much cheaper than the composed one (softmax, sigmoid, dot).
Each primitive is checked against central finite differences in the tests.
"""
import numpy as np
from autograd.extend import primitive, defvjp

F32 = np.dtype(np.float32)


def _axes(axis, ndim):
    """Normalise an axis argument to a sorted tuple of non-negative ints (or all axes)."""
    if axis is None:
        return tuple(range(ndim))
    return tuple(sorted(a % ndim for a in axis))


def _restore_axes(g, x, axis, keepdims):
    """Reshape the reduced gradient `g` so it broadcasts back against `x`."""
    if keepdims or x.ndim == 0:
        return g
    shape = list(x.shape)
    for a in _axes(axis, x.ndim):
        shape[a] = 1
    return np.reshape(g, shape)


def _broadcast_back(g, x, axis, keepdims):
    return np.broadcast_to(_restore_axes(g, x, axis, keepdims), x.shape).astype(x.dtype)


# -- reductions: float32 accumulates in float64 (as Theano did), result keeps x's dtype.
def _acc_dtype(x):
    return np.float64 if x.dtype == F32 else None


@primitive
def reduce_sum(x, axis=None, keepdims=False):
    return np.asarray(np.sum(x, axis=axis, keepdims=keepdims, dtype=_acc_dtype(x))).astype(
        x.dtype if x.dtype.kind == 'f' else np.result_type(x.dtype, np.int64), copy=False)


@primitive
def reduce_mean(x, axis=None, keepdims=False):
    out = np.mean(x, axis=axis, keepdims=keepdims, dtype=_acc_dtype(x))
    return np.asarray(out).astype(x.dtype if x.dtype.kind == 'f' else np.float64, copy=False)


def _count(x, axis):
    return int(np.prod([x.shape[a] for a in _axes(axis, x.ndim)]))


@primitive
def reduce_max(x, axis=None, keepdims=False):
    return np.asarray(np.max(x, axis=axis, keepdims=keepdims))


@primitive
def reduce_min(x, axis=None, keepdims=False):
    return np.asarray(np.min(x, axis=axis, keepdims=keepdims))


def _chooser_vjp(ans, x, axis=None, keepdims=False):
    # Theano: the gradient goes in full to EVERY position equal to the extremum
    # (autograd would split it between ties).
    hit = x == _restore_axes(ans, x, axis, keepdims)
    return lambda g: (_restore_axes(g, x, axis, keepdims) * hit).astype(x.dtype, copy=False)


# -- elementwise with Theano's conventions at kinks ----------------------------
@primitive
def abs_(x):
    return np.abs(x)


@primitive
def maximum(x, y):
    return np.maximum(x, y)


@primitive
def minimum(x, y):
    return np.minimum(x, y)


def _tie_vjp(argnum):
    # Theano: every argument equal to the result receives the full gradient.
    def make(ans, x, y):
        mine = (x, y)[argnum]
        return lambda g: unbroadcast(g * (mine == ans), mine)
    return make


@primitive
def clip(x, lo, hi):
    return np.clip(x, lo, hi)


@primitive
def sigmoid(x):
    # tanh form: stable for large |x| and keeps float32 in float32.
    return (np.tanh(x * 0.5) + 1) * 0.5


@primitive
def softmax(x):
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


@primitive
def softplus(x):
    return np.logaddexp(np.zeros((), x.dtype), x)


@primitive
def dot(a, b):
    return np.dot(a, b)


def _dot_vjp_a(ans, a, b):
    if b.ndim == 1:
        return lambda g: np.multiply.outer(g, b) if a.ndim > 1 else g * b
    if a.ndim == 1:
        return lambda g: np.dot(b, g)
    # a (..., k), b (..., k, n): contract g with b over all of b's axes but k
    b_axes = [i for i in range(b.ndim) if i != b.ndim - 2]
    g_axes = list(range(a.ndim - 1, a.ndim - 1 + b.ndim - 1))
    return lambda g: np.tensordot(g, b, (g_axes, b_axes))


def _dot_vjp_b(ans, a, b):
    if a.ndim == 1 and b.ndim == 1:
        return lambda g: g * a
    if a.ndim == 1:
        return lambda g: np.multiply.outer(a, g)
    if b.ndim == 1:
        return lambda g: np.tensordot(a, g, (list(range(a.ndim - 1)), list(range(g.ndim))))
    lead = list(range(a.ndim - 1))
    # result of tensordot(a, g) is (k, *b_lead, n): move k to b's axis -2
    return lambda g: np.moveaxis(np.tensordot(a, g, (lead, lead)), 0, -2)


@primitive
def round_half_away(x):
    # Theano 0.8's default rounding mode (numpy rounds half to even).
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def unbroadcast(g, target):
    """Sum `g` over the axes along which `target` was broadcast (the one helper)."""
    while g.ndim > np.ndim(target):
        g = np.sum(g, axis=0)
    for axis, size in enumerate(np.shape(target)):
        if size == 1 and g.shape[axis] != 1:
            g = np.sum(g, axis=axis, keepdims=True)
    dtype = getattr(target, 'dtype', None)
    return g.astype(dtype, copy=False) if dtype is not None and dtype.kind == 'f' else g


# -- the table: each primitive with its gradient rule --------------------------
defvjp(reduce_sum, lambda ans, x, axis=None, keepdims=False:
       lambda g: _broadcast_back(g, x, axis, keepdims))
defvjp(reduce_mean, lambda ans, x, axis=None, keepdims=False:
       lambda g: _broadcast_back(g / _count(x, axis), x, axis, keepdims))
defvjp(reduce_max, _chooser_vjp)
defvjp(reduce_min, _chooser_vjp)
defvjp(abs_, lambda ans, x: lambda g: g * np.sign(x))          # 0 at 0, as Theano
defvjp(maximum, _tie_vjp(0), _tie_vjp(1))
defvjp(minimum, _tie_vjp(0), _tie_vjp(1))
defvjp(clip, lambda ans, x, lo, hi:
       lambda g: unbroadcast(g * ((x >= lo) & (x <= hi)), x))  # bounds inclusive, as Theano
defvjp(sigmoid, lambda ans, x: lambda g: g * ans * (1 - ans))
defvjp(softmax, lambda ans, x: lambda g: (g - np.sum(g * ans, axis=-1, keepdims=True)) * ans)
defvjp(softplus, lambda ans, x: lambda g: g * ((np.tanh(x * 0.5) + 1) * 0.5))
defvjp(dot, _dot_vjp_a, _dot_vjp_b)
defvjp(round_half_away, lambda ans, x: lambda g: np.zeros_like(x))
