"""The autograd primitives the op table evaluates, each with its gradient rule.

Why our own primitives rather than autograd.numpy's:
  * Theano's gradients differ at kinks (abs, maximum/minimum, max, clip) and
    at zeros of prod;
  * autograd's rules can leave float32 under numpy 2 (mean, max, pow with
    array exponents); every rule here returns the dtype of its argument;
  * autograd's rules call its own wrapped functions (unbroadcast -> anp.sum),
    which costs several microseconds each inside every backward pass; these
    rules use plain numpy, so a small-batch step spends its time computing.
The raw numpy function of each primitive (`p.fun`) evaluates the nodes that
no gradient passes through. Every rule is checked against central finite
differences in tests/test_tensor_grad.py.
"""
import math

import numpy as np
from autograd.extend import defvjp, primitive

from .configparser import config

F32 = np.dtype(np.float32)
INT_TO_FLOAT = {'int8': 'float32', 'int16': 'float32', 'uint8': 'float32', 'uint16': 'float32',
                'bool': 'float32'}


def unbroadcast(g, target):
    """Sum `g` over the axes along which `target` was broadcast, in target's dtype
    (the one broadcasting helper)."""
    if type(g) is np.ndarray and type(target) is np.ndarray and g.shape == target.shape \
            and g.dtype == target.dtype:
        return g                     # the common case, decided without numpy's helpers
    shape = np.shape(target)
    if np.shape(g) != shape:
        while np.ndim(g) > len(shape):
            g = np.sum(g, axis=0)
        axes = tuple(a for a, size in enumerate(shape) if size == 1 and g.shape[a] != 1)
        if axes:
            g = np.sum(g, axis=axes, keepdims=True)
    dtype = getattr(target, 'dtype', None)
    if dtype is not None and dtype.kind == 'f' and getattr(g, 'dtype', None) != dtype:
        g = np.asarray(g, dtype=dtype)
    return g


def product(a, b, out=None):
    """np.dot(a, b, out), bit for bit, without np.dot's extra pass over a large result: for
    two matrices np.dot zeroes its output before BLAS overwrites it (about 25 us of a 1.3 ms
    (784, 128) x (128, 512) weight gradient, 15% of the same product at batch 8); np.matmul
    calls the same GEMM without it, but costs 1-2 us more per call, so it pays from about
    32768 result elements on. Only for float matrices that BLAS takes as they are (C or F
    order, one dtype): np.matmul runs any other layout through its own unblocked loop,
    which np.dot avoids by copying first. Operands, or an `out`, that do not fit get np.dot's
    error, as before."""
    if (type(a) is np.ndarray and type(b) is np.ndarray and a.ndim == 2 and b.ndim == 2
            and a.shape[0] * b.shape[1] >= _MATMUL_FROM and a.shape[1] == b.shape[0]
            and a.dtype == b.dtype
            and a.dtype.char in 'fd' and (a.flags.c_contiguous or a.flags.f_contiguous)
            and (b.flags.c_contiguous or b.flags.f_contiguous)
            and (out is None or out.dtype == a.dtype and out.flags.c_contiguous
                 and out.shape == (a.shape[0], b.shape[1]))):
        return np.matmul(a, b, out=out)
    return np.dot(a, b) if out is None else np.dot(a, b, out=out)


_MATMUL_FROM = 32768        # result elements


def as_float(x):
    """Theano upcasts integer inputs of float functions (exp, log, ...) first,
    and made a Python float constant (T.sqrt(0.5)) a floatX one."""
    if not hasattr(x, 'dtype'):
        x = np.asarray(x, dtype=config.floatX if isinstance(x, float) else None)
    return x if x.dtype.kind == 'f' else x.astype(INT_TO_FLOAT.get(x.dtype.name, 'float64'))


def _elementwise(fn, *rules):
    """A primitive over broadcasting arguments; rule(g, ans, *args) is the gradient
    for one argument before unbroadcasting (None: no gradient)."""
    p = primitive(fn)

    def make(argnum, rule):
        if rule is None:
            return None
        return lambda ans, *args: lambda g: unbroadcast(rule(g, ans, *args), args[argnum])
    defvjp(p, *[make(k, r) for k, r in enumerate(rules)])
    p.rules = rules                  # for callers that unbroadcast themselves (scan's BPTT)
    return p


# -- arithmetic ------------------------------------------------------------------------
add = _elementwise(np.add, lambda g, a, x, y: g, lambda g, a, x, y: g)
subtract = _elementwise(np.subtract, lambda g, a, x, y: g, lambda g, a, x, y: -g)
multiply = _elementwise(np.multiply, lambda g, a, x, y: g * y, lambda g, a, x, y: g * x)
true_divide = _elementwise(np.true_divide, lambda g, a, x, y: g / y, lambda g, a, x, y: -g * a / y)
power = _elementwise(np.power,
                     lambda g, a, x, y: g * y * np.power(x, y - 1),
                     lambda g, a, x, y: g * a * np.log(np.where(x > 0, x, 1)))
negative = _elementwise(np.negative, lambda g, a, x: -g)
square = _elementwise(np.square, lambda g, a, x: g * 2 * x)
sqrt = _elementwise(lambda x: np.sqrt(as_float(x)), lambda g, a, x: g * 0.5 / a)
exp = _elementwise(lambda x: np.exp(as_float(x)), lambda g, a, x: g * a)
log = _elementwise(lambda x: np.log(as_float(x)), lambda g, a, x: g / x)
tanh = _elementwise(lambda x: np.tanh(as_float(x)), lambda g, a, x: g * (1 - a * a))
# Theano: abs'(0) = 0, which makes Keras's relu (x + |x|) / 2 have gradient 0.5 at 0
abs_ = _elementwise(np.abs, lambda g, a, x: g * np.sign(x))
# sigmoid in tanh form: stable for large |x| and float32 stays float32
sigmoid = _elementwise(lambda x: (np.tanh(as_float(x) * 0.5) + 1) * 0.5,
                       lambda g, a, x: g * a * (1 - a))
softplus = _elementwise(lambda x: _softplus(as_float(x)),
                        lambda g, a, x: g * ((np.tanh(x * 0.5) + 1) * 0.5))


def _softplus(x):
    """Theano's ScalarSoftplus: 0 below -30, x above 30, log1p(exp(x)) between."""
    with np.errstate(over='ignore'):
        mid = np.log1p(np.exp(x))
    return np.where(x < -30, np.zeros((), x.dtype), np.where(x > 30, x, mid)).astype(x.dtype, copy=False)


def _ultra_fast_tanh_half(x):
    """Theano's piecewise approximation z of tanh(x / 2) in ultra_fast_sigmoid, and dz/dx."""
    u = np.abs(x) * 0.5
    z = np.where(u < 1.7, 1.5 * u / (1 + u),
                 np.where(u < 3, 0.935409070603099 + 0.0458812946797165 * (u - 1.7),
                          0.99505475368673))
    dz = np.where(u < 1.7, 1.5 / np.square(1 + u), np.where(u < 3, 0.0458812946797165, 0.0)) * 0.5
    return np.sign(x) * z, dz


# Theano 0.8 had no gradient for it (grad() failed); this is the slope of its pieces
ultra_fast_sigmoid = _elementwise(
    lambda x: (0.5 * (_ultra_fast_tanh_half(as_float(x))[0] + 1)).astype(as_float(x).dtype, copy=False),
    lambda g, a, x: g * 0.5 * _ultra_fast_tanh_half(x)[1])


# Theano: every argument equal to the result receives the full gradient (no split on ties)
maximum = _elementwise(np.maximum, lambda g, a, x, y: g * (x == a), lambda g, a, x, y: g * (y == a))
minimum = _elementwise(np.minimum, lambda g, a, x, y: g * (x == a), lambda g, a, x, y: g * (y == a))
# Theano's Clip.grad: x gets it where lo <= x <= hi (bounds inclusive), lo below, hi above
clip = _elementwise(lambda x, lo, hi: np.clip(x, lo, hi),
                    lambda g, a, x, lo, hi: g * ((x >= lo) & (x <= hi)),
                    lambda g, a, x, lo, hi: g * (x < lo),
                    lambda g, a, x, lo, hi: g * (x > hi))
# the rest of theano.tensor's float functions 2015 model code calls
log1p = _elementwise(lambda x: np.log1p(as_float(x)), lambda g, a, x: g / (1 + x))
expm1 = _elementwise(lambda x: np.expm1(as_float(x)), lambda g, a, x: g * (a + 1))
sin = _elementwise(lambda x: np.sin(as_float(x)), lambda g, a, x: g * np.cos(x))
cos = _elementwise(lambda x: np.cos(as_float(x)), lambda g, a, x: -g * np.sin(x))
inv = _elementwise(lambda x: np.reciprocal(as_float(x)), lambda g, a, x: -g * a * a)
# Theano's xlogx.XlogX / XlogY0: 0 where x == 0 (0 log 0 taken as its limit)
xlogx = _elementwise(lambda x: _zero_where_x_zero(x, x, lambda x, y: x * np.log(y)),
                     lambda g, a, x: g * (1 + np.log(np.where(x == 0, 1, x))))
xlogy0 = _elementwise(lambda x, y: _zero_where_x_zero(x, y, lambda x, y: x * np.log(y)),
                      lambda g, a, x, y: g * np.log(np.where(x == 0, 1, y)),
                      lambda g, a, x, y: g * x / y)


def _zero_where_x_zero(x, y, fn):
    x, y = as_float(x), as_float(y)
    with np.errstate(divide='ignore', invalid='ignore'):
        out = fn(x, y)
    return np.where(x == 0, np.zeros((), out.dtype), out)


where = _elementwise(np.where, None,
                     lambda g, a, c, x, y: np.where(c, g, 0),
                     lambda g, a, c, x, y: np.where(c, 0, g))


@primitive
def round_half_away(x):
    # Theano 0.8's default rounding mode (numpy rounds half to even)
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


# -- reductions: float32 accumulates in float64 (as Theano did); the result keeps x's dtype
def _axes(axis, ndim):
    return tuple(range(ndim)) if axis is None else axis


def _keep_shape(x, axis):
    """x's shape with the reduced axes set to 1 (how a reduced g broadcasts back)."""
    axes = _axes(axis, x.ndim)
    return tuple(1 if a in axes else s for a, s in enumerate(x.shape))


def _broadcast_back(g, x, axis):
    return np.broadcast_to(np.reshape(g, _keep_shape(x, axis)), x.shape).astype(x.dtype)


def _sum_dtype(x):
    return x.dtype if x.dtype.kind == 'f' else np.result_type(x.dtype, np.int64)


@primitive
def reduce_sum(x, axis=None, keepdims=False):
    acc = np.float64 if x.dtype == F32 else None
    return np.asarray(np.sum(x, axis=axis, keepdims=keepdims, dtype=acc)).astype(_sum_dtype(x), copy=False)


@primitive
def reduce_mean(x, axis=None, keepdims=False):
    if x.dtype.kind == 'f':
        # np.mean's own steps (sum, then divide by the count) without its Python overhead
        total = np.add.reduce(x, axis=axis, keepdims=keepdims,
                              dtype=np.float64 if x.dtype == F32 else None)
        return np.asarray(np.true_divide(total, _count(x, axis))).astype(x.dtype, copy=False)
    return np.asarray(np.mean(x, axis=axis, keepdims=keepdims)).astype(np.float64, copy=False)


@primitive
def reduce_max(x, axis=None, keepdims=False):
    return np.asarray(np.max(x, axis=axis, keepdims=keepdims))


@primitive
def reduce_min(x, axis=None, keepdims=False):
    return np.asarray(np.min(x, axis=axis, keepdims=keepdims))


@primitive
def reduce_prod(x, axis=None, keepdims=False):
    return np.asarray(np.prod(x, axis=axis, keepdims=keepdims)).astype(_sum_dtype(x), copy=False)


def _count(x, axis):
    return math.prod(x.shape[a] for a in _axes(axis, x.ndim))


def _chooser_vjp(ans, x, axis=None, keepdims=False):
    # Theano: the gradient goes in full to EVERY position equal to the extremum
    hit = x == np.reshape(ans, _keep_shape(x, axis))
    return lambda g: (np.reshape(g, _keep_shape(x, axis)) * hit).astype(x.dtype, copy=False)


def _prod_vjp(ans, x, axis=None, keepdims=False):
    # d prod / d x_i = product of the other elements, computed without dividing by x_i
    # (exact at zeros, as Theano): exclusive cumulative products from both sides.
    axes = _axes(axis, x.ndim)
    rest = [a for a in range(x.ndim) if a not in axes]
    moved = np.transpose(x, rest + list(axes))
    flat = moved.reshape(moved.shape[:len(rest)] + (-1,))
    ones = np.ones(flat.shape[:-1] + (1,), dtype=x.dtype)
    left = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
    right = np.cumprod(np.concatenate([ones, flat[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    others = np.transpose((left * right).reshape(moved.shape), np.argsort(rest + list(axes)))
    return lambda g: (np.reshape(g, _keep_shape(x, axis)) * others).astype(x.dtype, copy=False)


# -- fused ops --------------------------------------------------------------------------
@primitive
def softmax(x):
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


@primitive
def dot(a, b):
    if a.ndim > 2 and b.ndim == 2:
        # numpy's dot of an N-D array does not call BLAS (25x slower at (28, 128, 28) x
        # (28, 128)); as one 2-D product it does. The same sums, one GEMM.
        return product(a.reshape(-1, a.shape[-1]), b).reshape(a.shape[:-1] + b.shape[1:])
    return product(a, b)


def _dot_vjp_a(ans, a, b):
    if b.ndim == 1:
        return lambda g: np.multiply.outer(g, b) if a.ndim > 1 else g * b
    if a.ndim == 1:
        return lambda g: np.dot(b, g)
    if a.ndim == 2 and b.ndim == 2:
        return lambda g: product(g, b.T)
    # a (..., k), b (..., k, n): contract g with b over all of b's axes but k
    b_axes = [i for i in range(b.ndim) if i != b.ndim - 2]
    g_axes = list(range(a.ndim - 1, a.ndim - 1 + b.ndim - 1))
    return lambda g: np.tensordot(g, b, (g_axes, b_axes))


def _dot_vjp_b(ans, a, b):
    if a.ndim == 1 and b.ndim == 1:
        return lambda g: g * a
    if a.ndim == 1:
        return lambda g: np.multiply.outer(a, g)
    if a.ndim == 2 and b.ndim == 2:
        return lambda g: product(a.T, g)
    if b.ndim == 1:
        return lambda g: np.tensordot(a, g, (list(range(a.ndim - 1)), list(range(g.ndim))))
    lead = list(range(a.ndim - 1))
    # tensordot(a, g) is (k, *b_lead, n): move k to b's axis -2
    return lambda g: np.moveaxis(np.tensordot(a, g, (lead, lead)), 0, -2)


# -- indexing -------------------------------------------------------------------------
def _has_array(index):
    return any(isinstance(i, np.ndarray) for i in index)


@primitive
def set_subtensor(x, y, index, inc):
    """A copy of x with x[index] set to (inc=False) or increased by (inc=True) y.
    Repeated advanced indices accumulate when incrementing, as Theano's AdvancedIncSubtensor."""
    out = np.array(x, copy=True)
    y = np.asarray(y, dtype=out.dtype)
    if not inc:
        out[index] = y
    elif _has_array(index):
        np.add.at(out, index, y)
    else:
        out[index] += y
    return out


def _set_subtensor_vjp_x(ans, x, y, index, inc):
    if inc:
        return lambda g: g
    def vjp(g):
        g = np.array(g, copy=True)
        g[index] = 0
        return g
    return vjp


@primitive
def repeat(x, repeats, axis):
    return np.repeat(x, repeats, axis=axis)


def _repeat_vjp(ans, x, repeats, axis):
    """Each input element receives the sum of the gradients of its copies."""
    if axis is None:
        return lambda g: np.reshape(g, (-1, repeats)).sum(axis=1).reshape(x.shape).astype(x.dtype, copy=False)
    shape = x.shape[:axis] + (x.shape[axis], repeats) + x.shape[axis + 1:]
    return lambda g: np.reshape(g, shape).sum(axis=axis + 1).astype(x.dtype, copy=False)


# -- row lookup (Embedding): table[indices], with a scatter-add gradient ------------------
@primitive
def take_rows(table, indices, owner='take_rows'):
    """table[indices] for an integer array of row numbers; a row outside the table
    raises naming `owner`, the offending index and the table's size (numpy would
    wrap negative indices around silently)."""
    n = table.shape[0]
    if indices.size and (indices.min() < 0 or indices.max() >= n):
        bad = indices[(indices < 0) | (indices >= n)].flat[0]
        where = tuple(int(i) for i in np.argwhere(indices == bad)[0])
        raise IndexError(
            '%s: index %d at position %s is out of range for a vocabulary of %d '
            '(valid indices are 0..%d)' % (owner, bad, where, n, n - 1))
    return table[indices]


def _take_rows_vjp(ans, table, indices, owner='take_rows'):
    def vjp(g):
        out = np.zeros_like(table)
        # np.add.at accumulates repeated indices (a plain out[idx] += g would not)
        np.add.at(out, indices.ravel(), g.reshape((-1,) + table.shape[1:]))
        return out
    return vjp


# -- the table of gradient rules not given by _elementwise above ------------------------------
defvjp(round_half_away, lambda ans, x: lambda g: np.zeros_like(x))
defvjp(reduce_sum, lambda ans, x, axis=None, keepdims=False:
       lambda g: _broadcast_back(g, x, axis))
defvjp(reduce_mean, lambda ans, x, axis=None, keepdims=False:
       lambda g: _broadcast_back(g / _count(x, axis), x, axis))
defvjp(reduce_max, _chooser_vjp)
defvjp(reduce_min, _chooser_vjp)
defvjp(reduce_prod, _prod_vjp)
defvjp(softmax, lambda ans, x: lambda g: (g - np.sum(g * ans, axis=-1, keepdims=True)) * ans)
defvjp(dot, _dot_vjp_a, _dot_vjp_b)
defvjp(set_subtensor, _set_subtensor_vjp_x,
       lambda ans, x, y, index, inc: lambda g: unbroadcast(g[index], y))
defvjp(repeat, _repeat_vjp)
defvjp(take_rows, _take_rows_vjp, None)
