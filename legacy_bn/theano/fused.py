"""Fused ops: what the rewrite passes (rewrite/) put in place of common subgraphs.

Each computes in one step what several nodes computed, with a hand-derived VJP
that applies the same rounding steps as the chain of primitive rules it replaces
(so a rewritten graph agrees with the unrewritten one to the last bit, or within
float tolerance where noted). One op per concept:

  dense(x, W, b)                    dot(x, W) + b
  keras_relu(x)                     (x + |x|) / 2, gradient 0.5 at 0 (Theano's abs'(0) = 0)
  normalize(x, m, d)                (x - m) / d             (BatchNormalization, LN)
  scale_shift(xn, g, b)             g * xn + b
  normalize_affine_relu(x, m, d, g, b)   keras_relu(scale_shift(normalize(x, m, d), g, b))
  clip_affine(x, a, b, lo, hi)      clip(x * a + b, lo, hi)  (hard_sigmoid: a=0.2, b=0.5, 0, 1)
  layer_norm(x, eps)                (x - m) / sqrt(mean((x - m)**2) + eps), m = mean(x),
                                    both means over the last axis (LN, LSTM_LN)
  batch_std(x, m, eps)              mean((x - m) ** 2 + eps, axis=0) ** 0.5
  blend(a, x, c, y)                 a * x + c * y           (running averages)
  column_mean(x)                    mean(x, axis=0) of a (rows, n) x (the batch mean)
  sgd_velocity(m, g, mu, lr)        mu * m - lr * g         (Keras SGD's velocity)
  momentum_step(m, v, mu)           mu * m + v              (the same, v = -lr * g given)
  clipped_crossentropy(p, y, lo, hi)  Keras's categorical cross-entropy after its clip
                                      and renormalisation, per sample
  advanced_subtensor1(x, i)                   x[i] for an integer vector i (Theano's AdvancedSubtensor1)
  weighted_mean(w, v)               sum(w * v) / sum(w)
  weighted_crossentropy(p, y, w, lo, hi)   the last two with Keras's zero-weight filter
  softmax_crossentropy(z, y, w, lo, hi)    the same of softmax(z), closed-form gradient

The whole-loop LSTM ops (4e1ec93's and 0.3.3's) live in fused_lstm.py, LSTM_LN's in
fused_lstm_ln.py, the ops for 0.3.3's graph shapes in fused_keras03.py, and conv2d_bias
(a convolution, its bias and tanh in one step) in conv_primitives.py.
"""
import collections

import numpy as np
from autograd.extend import defvjp, defvjp_argnums, primitive

from . import accel
from .buffers import BUFFERS
from .conv_primitives import conv2d_bias
from .fused_lstm import LSTM_FUSED
from .fused_lstm_ln import LSTM_LN_FUSED
from .primitives import F32, product, reduce_mean, unbroadcast


# -- dense -----------------------------------------------------------------------------
@primitive
def dense(x, W, b):
    out = product(x, W)
    if getattr(b, 'dtype', None) == out.dtype or np.result_type(out, b) == out.dtype:
        out += b                     # the product is ours: add the bias in place
        return out
    return out + b


def _dense_vjp_x(ans, x, W, b):
    def vjp(g):
        if g.shape[0] <= 32:
            # (W . g^T)^T: BLAS runs a small-batch product with a transposed operand
            # about twice as slowly as this orientation
            return unbroadcast(np.ascontiguousarray(product(W, g.T).T), x)
        return unbroadcast(product(g, W.T), x)
    return vjp


_BUFFERS = BUFFERS        # the weight-gradient products are as large as the weights


def _dense_vjp_W(ans, x, W, b):
    def vjp(g):
        dtype = np.result_type(x, g)
        if x.ndim == 2 and g.ndim == 2 and dtype == W.dtype:
            return product(x.T, g, out=_BUFFERS.get(W.shape, dtype))
        return unbroadcast(product(x.T, g), W)
    return vjp


def _dense_vjp_b(ans, x, W, b):
    return lambda g: _sum_rows(g, b)


_DENSE_VJPS = (_dense_vjp_x, _dense_vjp_W, _dense_vjp_b)


def _dense_vjp(argnums, ans, args, kwargs):
    """The rules above for the inputs asked for, as one function returning a tuple (no
    generator and no closure per input: a few microseconds less per layer and step)."""
    x, W, b = args
    if argnums == (1, 2):                    # the first layer: its input is the data
        vjp_W, vjp_b = _dense_vjp_W(ans, x, W, b), _dense_vjp_b(ans, x, W, b)
        return lambda g: (vjp_W(g), vjp_b(g))
    vjps = [_DENSE_VJPS[k](ans, x, W, b) for k in argnums]
    return lambda g: tuple([vjp(g) for vjp in vjps])


defvjp_argnums(dense, _dense_vjp)


_ONES = {}


def _ones(n, dtype):
    """A read-only vector of n ones (the left operand of a row-summing product)."""
    key = (n, dtype)
    ones = _ONES.get(key)
    if ones is None:
        ones = _ONES[key] = np.ones(n, dtype)
        ones.flags.writeable = False
    return ones


def _relu(y):
    """np.maximum(y, 0) (the same values, NaN kept). Against a row of zeros rather than
    the scalar 0: numpy runs the array-array loop vectorized, the array-scalar one about
    three times slower."""
    if y.ndim and y.dtype.kind == 'f':
        zeros = _ZEROS.get((y.shape[-1], y.dtype))
        if zeros is None:
            zeros = _ZEROS[(y.shape[-1], y.dtype)] = np.zeros(y.shape[-1], y.dtype)
            zeros.flags.writeable = False
        return np.maximum(y, zeros)
    return np.maximum(y, 0)


_ZEROS = {}


def _sum_rows(g, target):
    """unbroadcast(g, target) for a (rows, n) g and an (n,) target: the column sums as one
    BLAS product with a vector of ones (a third of the time of numpy's axis-0 reduction,
    which also accumulates in g's dtype, row after row)."""
    if g.ndim == 2 and np.shape(target) == g.shape[1:] and g.dtype.kind == 'f' \
            and getattr(target, 'dtype', None) == g.dtype:
        return np.dot(_ones(g.shape[0], g.dtype), g)
    return unbroadcast(g, target)


# -- activations ------------------------------------------------------------------------
def _relu_grad(g, y):
    """The gradient of Keras 0.1's relu (y + |y|) / 2 at y: g where y > 0, g / 2 at 0 and
    0 below, as the chain's rule g/2 * sign(y) + g/2 gives it (only a NaN y, whose loss a
    training step refuses anyway, gets 0 where the chain gives NaN)."""
    kernels = accel.kernels_for(g.dtype)
    if kernels and g.ndim == 2 and g.shape == y.shape and g.dtype == y.dtype:
        gy = np.empty_like(g)            # the passes below in one
        kernels.relu_backward(g, y, gy)
        return gy
    gy = np.multiply(g, y > 0)
    zeros = y == 0               # (a comparison and a boolean any: faster than y.all())
    if zeros.any():
        gy[zeros] = g[zeros] / 2
    return gy


@primitive
def keras_relu(x):
    if isinstance(x, np.ndarray) and x.ndim and x.dtype.kind == 'f':
        return _relu(x)              # (x + |x|) / 2 is max(x, 0): one pass instead of three
    out = np.abs(x)
    out += x
    out /= 2
    return out


def _keras_relu_vjp(ans, x):
    def vjp(g):
        if isinstance(g, np.ndarray) and g.shape == np.shape(x) and g.dtype == x.dtype:
            return _relu_grad(g, x)
        half = g / 2                 # the chain's rules: true_div, then add and abs
        out = np.sign(x).astype(half.dtype, copy=False)
        out *= half
        out += half
        return unbroadcast(out, x)
    return vjp


defvjp(keras_relu, _keras_relu_vjp)


# -- normalization ---------------------------------------------------------------------
def _normalized(x, m, d):
    out = np.subtract(x, m)
    if np.result_type(out, d) != out.dtype:
        return out / d                 # d is wider (a float64 epsilon): the result too
    out /= d
    return out


@primitive
def normalize(x, m, d):
    return _normalized(x, m, d)


defvjp(normalize,
       lambda ans, x, m, d: lambda g: unbroadcast(g / d, x),      # true_div's rule, sub's
       lambda ans, x, m, d: lambda g: unbroadcast(-(g / d), m),
       lambda ans, x, m, d: lambda g: unbroadcast(-g * ans / d, d))


@primitive
def scale_shift(xn, gamma, beta):
    """gamma * xn + beta into a new array (xn stays for the gradient of gamma)."""
    out = np.multiply(gamma, xn)
    if out.dtype == np.result_type(out, beta) and out.shape == np.broadcast_shapes(
            out.shape, np.shape(beta)):
        out += beta
        return out
    return out + beta


defvjp(scale_shift,
       lambda ans, xn, gamma, beta: lambda g: unbroadcast(g * gamma, xn),
       lambda ans, xn, gamma, beta: lambda g: unbroadcast(g * xn, gamma),
       lambda ans, xn, gamma, beta: lambda g: unbroadcast(g, beta))


# -- BatchNormalization (or LN) -> relu as one op each way -------------------------------
# The normalized x and the pre-activation of the latest results, for the gradient (a
# few, with the result itself, so an id is never taken for another object's; the reverse
# pass takes them out); a miss (a result the forward pass did not make, or a second
# reverse pass over one result) recomputes them.
_bn_relu_kept = collections.OrderedDict()
_BN_RELU_KEEP = 16


@primitive
def normalize_affine_relu(x, m, d, gamma, beta):
    """keras_relu(scale_shift(normalize(x, m, d), gamma, beta)): the chain's operations
    (Keras 0.1's relu (y + |y|) / 2 is max(y, 0) exactly), two arrays kept for the
    gradient and one handed out instead of five."""
    out, xn, y, centred = _bn_relu_forward(x, m, d, gamma, beta)
    _bn_relu_kept[id(out)] = (out, xn, y, centred)
    if len(_bn_relu_kept) > _BN_RELU_KEEP:
        _bn_relu_kept.popitem(last=False)
    return out


def _bn_relu_forward(x, m, d, gamma, beta):
    """(relu output, xn or x - m, pre-activation y, whether the second is x - m); the
    middle two None from the accelerator's kernel, which keeps neither."""
    n = x.shape[-1] if x.ndim == 2 else None
    if n is not None and x.dtype.kind == 'f' and all(
            getattr(a, 'dtype', None) == x.dtype and a.shape == (n,) for a in (m, d, gamma, beta)):
        # the common case (a (batch, n) x, per-feature vectors of its dtype): y = (x - m)
        # * (gamma / d) + beta, four passes instead of five (the two roundings of
        # (x - m) / d * gamma in another order: equal within float tolerance); x - m is
        # kept, gamma's gradient divides its row sums by d
        kernels = accel.kernels_for(x.dtype)
        if kernels:                  # the same four steps in one pass, nothing kept
            out = np.empty_like(x)
            kernels.bn_relu_forward(x, m, np.true_divide(gamma, d), beta, out)
            return out, None, None, True
        c, y = _centred_parts(x, m, d, gamma, beta)
        return _relu(y), c, y, True
    xn = _normalized(x, m, d)
    y = scale_shift.fun(xn, gamma, beta)
    return _relu(y), xn, y, False


def _centred_parts(x, m, d, gamma, beta):
    """x - m and the pre-activation (x - m) * (gamma / d) + beta."""
    c = np.subtract(x, m)
    y = np.multiply(c, np.true_divide(gamma, d))
    np.add(y, beta, out=y)
    return c, y


def _normalize_affine_relu_vjp(argnums, ans, args, kwargs):
    x, m, d, gamma, beta = args
    kept = _bn_relu_kept.pop(id(ans), None)       # one reverse pass per result
    if kept is not None and kept[0] is ans:
        xn, y, centred = kept[1:]
    else:
        xn, y, centred = _bn_relu_forward(x, m, d, gamma, beta)[1:]
    kept_parts = xn, y

    kernels = accel.kernels_for(x.dtype) if centred and argnums == (0, 3, 4) else None

    def vjp(g):
        if kernels and g.dtype == x.dtype and g.shape == x.shape:
            # the fast path below in one pass, x - m and y recomputed
            gx, g_gamma, g_beta = np.empty_like(g), np.empty_like(d), np.empty_like(d)
            kernels.bn_relu_backward(g, x, m, np.true_divide(gamma, d), beta, gx, g_gamma,
                                     g_beta)
            g_gamma /= d
            return gx, g_gamma, g_beta
        xn, y = kept_parts
        if xn is None:               # the kernel's forward kept neither
            xn, y = _centred_parts(x, m, d, gamma, beta)
        gy = _relu_grad(g, y)
        if centred and argnums == (0, 3, 4) and gy.dtype == x.dtype and gy.shape == x.shape:
            # 2015's BatchNormalization on running statistics (the MLP's step): every
            # shape is known, so the general path's checks are left out
            g_gamma = np.einsum('ij,ij->j', gy, xn)
            g_gamma /= d             # sum(gy * (x - m)) / d: the sums of xn's products
            g_beta = np.dot(_ones(gy.shape[0], gy.dtype), gy)
            return np.multiply(gy, np.true_divide(gamma, d), out=gy), g_gamma, g_beta
        by_arg = {}
        if 3 in argnums:
            by_arg[3] = _sum_rows_of_product(gy, xn, gamma)
            if centred:              # sum(gy * (x - m)) / d: the sums of xn's products
                by_arg[3] /= d
        if 4 in argnums:
            by_arg[4] = _sum_rows(gy, beta)
        if 0 in argnums or 1 in argnums or 2 in argnums:
            # scale_shift's rule for xn, then normalize's: gy * gamma / d, as one product
            # by the vector gamma / d where the shapes allow (one pass instead of two, the
            # same two roundings in another order); into gy, used by nothing else now
            scale = np.true_divide(gamma, d)
            if by_arg.get(4) is not gy and np.result_type(gy, scale) == gy.dtype and \
                    np.broadcast_shapes(gy.shape, scale.shape) == gy.shape:
                g_xn = np.multiply(gy, scale, out=gy)
            else:
                g_xn = np.multiply(gy, gamma)
                g_xn = g_xn / d
            if 0 in argnums:
                by_arg[0] = unbroadcast(g_xn, x)
            if 1 in argnums:
                by_arg[1] = unbroadcast(-g_xn, m)
            if 2 in argnums:
                by_arg[2] = unbroadcast(-g_xn * (xn / d if centred else xn), d)
        return tuple(by_arg[k] for k in argnums)
    return vjp


def _sum_rows_of_product(a, b, target):
    """unbroadcast(a * b, target): for (rows, n) a, b and an (n,) target, sum(a * b,
    axis=0) in one pass without the product array."""
    if a.ndim == 2 and a.shape == b.shape and a.dtype == b.dtype == \
            getattr(target, 'dtype', None) and np.shape(target) == a.shape[1:]:
        return np.einsum('ij,ij->j', a, b)
    return unbroadcast(a * b, target)


defvjp_argnums(normalize_affine_relu, _normalize_affine_relu_vjp)


# -- hard_sigmoid -------------------------------------------------------------------------
@primitive
def clip_affine(x, a, b, lo, hi):
    out = np.multiply(x, a)
    if isinstance(out, np.ndarray) and out.ndim and np.result_type(out, b, lo, hi) == out.dtype:
        out += b                     # the product is ours: finish in place (np.clip's two
        np.maximum(out, lo, out=out)     # steps without its Python wrapper)
        return np.minimum(out, hi, out=out)
    return np.clip(out + b, lo, hi)


def _clip_affine_vjp(ans, x, a, b, lo, hi):
    def vjp(g):
        y = np.multiply(x, a) + b    # clip's rule (bounds inclusive), then add's, then mul's
        return unbroadcast(g * ((y >= lo) & (y <= hi)) * a, x)
    return vjp


defvjp(clip_affine, _clip_affine_vjp)


# -- layer normalization ---------------------------------------------------------------------
def _last_axis_mean(x):
    """mean over the last axis, kept; float32 accumulates in float64 (as reduce_mean).
    np.mean's own steps (sum, then divide by the count) without its Python overhead."""
    acc = np.float64 if x.dtype == F32 else None
    total = np.add.reduce(x, axis=-1, keepdims=True, dtype=acc)
    return (total / x.shape[-1]).astype(x.dtype, copy=False)


@primitive
def layer_norm(x, eps):
    """The steps of the unfused chain (mean, sub, sqr, mean, add, sqrt, true_div)."""
    centred = x - _last_axis_mean(x)
    return centred / np.sqrt(_last_axis_mean(np.square(centred)) + eps)


def _layer_norm_vjp(ans, x, eps):
    def vjp(g):
        # d = sqrt(var + eps), ans = (x - m) / d:
        # dx = (g - mean(g) - ans * mean(g * ans)) / d
        centred = x - _last_axis_mean(x)
        d = np.sqrt(_last_axis_mean(np.square(centred)) + eps)
        out = g - _last_axis_mean(g)
        out -= ans * _last_axis_mean(g * ans)
        out /= d
        return out.astype(x.dtype, copy=False)
    return vjp


defvjp(layer_norm, _layer_norm_vjp, None)


@primitive
def batch_std(x, m, eps):
    """The 2015 running-std statistic, one step instead of six nodes: sqrt(mean((x - m)**2
    + eps)). For a (batch, n) x the squares are summed by one BLAS product in x's dtype
    and eps is added to their mean (equal to the mean of the shifted squares up to float
    rounding; a sum of squares cannot cancel, so float32 accumulation loses at most
    rows * 2**-24 of it), instead of a float64-accumulating reduction over a shifted copy."""
    if x.ndim == 2 and x.dtype.kind == 'f' and np.ndim(m) <= 1 and \
            np.result_type(x, m) == x.dtype and x.shape[0] > 0:
        kernels = accel.kernels_for(x.dtype) if np.shape(m) == x.shape[1:] and \
            _float32_scalar(eps) else None
        if kernels:                  # the steps below in one pass and one loop
            std = np.empty(x.shape[1], x.dtype)
            kernels.batch_std(x, m, np.float32(eps), std)
            return std
        t = np.subtract(x, m)
        np.multiply(t, t, out=t)
        var = np.dot(_ones(t.shape[0], t.dtype), t)
        var /= x.shape[0]
        return np.sqrt(np.add(var, eps) if np.result_type(var, eps) != var.dtype
                       else np.add(var, eps, out=var))
    return np.power(_batch_var(x, m, eps), 0.5)


def _batch_var(x, m, eps):
    t = np.subtract(x, m)
    t = np.power(t, 2, out=t) if t.dtype == np.result_type(t, 2) else np.power(t, 2)
    return reduce_mean.fun(np.add(t, eps), axis=(0,))


def _batch_std_vjp(argnum):
    def maker(ans, x, m, eps):
        def vjp(g):
            # power(., 0.5), mean over axis 0, add eps, power(., 2), sub: each one's rule
            g_s = g * 0.5 * np.power(_batch_var(x, m, eps), -0.5)
            g_u = np.broadcast_to(g_s / x.shape[0], np.broadcast_shapes(np.shape(x), np.shape(m)))
            if argnum == 2:
                return unbroadcast(g_u, eps)
            g_t = g_u * 2 * np.subtract(x, m)
            return unbroadcast(g_t if argnum == 0 else -g_t, (x, m)[argnum])
        return vjp
    return maker


defvjp(batch_std, _batch_std_vjp(0), _batch_std_vjp(1), _batch_std_vjp(2))


# float32 column sums by a BLAS product accumulate in float32: up to this many rows the
# error (at most rows * 2**-24 of the sum of magnitudes, in practice ~sqrt(rows) times
# less) stays far inside float32 tolerance; taller inputs accumulate in float64
_COLUMN_MEAN_ROWS = 1024


@primitive
def column_mean(x):
    """mean(x, axis=0) of a (rows, n) float array: the column sums as one BLAS product with
    a vector of ones, divided by the count (the running mean of a batch; about a fifth of
    the time of numpy's axis-0 reduction with float64 accumulation, which reduce_mean
    keeps for other shapes and for taller float32 inputs)."""
    rows = x.shape[0]
    if x.dtype == F32 and 0 < rows <= _COLUMN_MEAN_ROWS or x.dtype == np.float64 and rows:
        total = np.dot(_ones(rows, x.dtype), x)
        total /= rows
        return total
    return reduce_mean.fun(x, axis=(0,))


defvjp(column_mean, lambda ans, x: lambda g: np.broadcast_to(g / x.shape[0], x.shape).astype(x.dtype))


def _float32_scalar(value):
    """Whether numpy's float32 arithmetic takes `value` as a float32 (a Python number or a
    float32 scalar; a numpy float64 would make it float64)."""
    return type(value) in (float, int, np.float32)


def scalar_keeps_dtype(value, dtype):
    """Whether numpy's arithmetic on arrays of `dtype` with the scalar `value` (a Python
    number, a numpy scalar or a 0-d array) gives `dtype`: decided without numpy's
    promotion, for the common case of a hyperparameter of the arrays' own dtype."""
    if type(value) is np.ndarray:
        return value.ndim == 0 and value.dtype == dtype
    return type(value) in (float, int) or isinstance(value, np.floating) and value.dtype == dtype


@primitive
def blend(a, x, c, y):
    kernels = accel.kernels_for(x.dtype) if type(x) is np.ndarray and x.ndim == 1 and \
        type(y) is np.ndarray and y.shape == x.shape and y.dtype == x.dtype and \
        _float32_scalar(a) and _float32_scalar(c) else None
    if kernels:                      # the three steps below in one loop
        out = np.empty_like(x)
        kernels.blend(np.float32(a), x, np.float32(c), y, out)
        return out
    out = np.multiply(a, x)
    cy = np.multiply(c, y)
    # (same shapes and dtypes, the running averages' case, decided without numpy's helpers)
    if out.dtype == cy.dtype and out.shape == cy.shape or out.dtype == np.result_type(
            out, cy) and out.shape == np.broadcast_shapes(out.shape, cy.shape):
        out += cy
        return out
    return out + cy


defvjp(blend,
       lambda ans, a, x, c, y: lambda g: unbroadcast(g * x, a),
       lambda ans, a, x, c, y: lambda g: unbroadcast(g * a, x),
       lambda ans, a, x, c, y: lambda g: unbroadcast(g * y, c),
       lambda ans, a, x, c, y: lambda g: unbroadcast(g * c, y))


@primitive
def sgd_velocity(m, g, momentum, lr):
    """momentum * m - lr * g. When momentum is 0 the product 0 * m is skipped: the
    result differs only where m holds inf or NaN (a run that has already diverged)."""
    dtype = np.result_type(m, g, momentum, lr)
    if momentum == 0:
        return np.multiply(g, -lr, dtype=dtype)
    out = np.multiply(momentum, m, dtype=dtype)
    out -= np.multiply(lr, g, dtype=dtype)
    return out


defvjp(sgd_velocity,
       lambda ans, m, g, momentum, lr: lambda G: unbroadcast(G * momentum, m),
       lambda ans, m, g, momentum, lr: lambda G: unbroadcast(-G * lr, g),
       lambda ans, m, g, momentum, lr: lambda G: unbroadcast(G * m, momentum),
       lambda ans, m, g, momentum, lr: lambda G: unbroadcast(-G * g, lr))


@primitive
def momentum_step(m, v, momentum):
    """momentum * m + v, where v is already -lr * g (the gradients of a cost scaled by
    -lr, see fusion.scale_sgd_gradients). With momentum 0 it is v itself (no pass over
    the parameter; 0 * m is skipped as in sgd_velocity)."""
    if momentum_step_is_v(m, v, momentum):
        return v
    dtype = np.result_type(m, v, momentum)
    if momentum == 0:
        return v if v.dtype == dtype else v.astype(dtype)
    out = np.multiply(momentum, m, dtype=dtype)
    out += v
    return out


def momentum_step_is_v(m, v, momentum):
    """Whether momentum_step(m, v, momentum) is v itself: momentum 0 (0 * m is skipped) and
    v an array of m's dtype that the momentum keeps (numpy's promotion decided without
    numpy: this runs for every parameter of every step of SGD without momentum)."""
    return type(v) is np.ndarray and v.dtype == getattr(m, 'dtype', None) and \
        scalar_keeps_dtype(momentum, v.dtype) and not momentum   # a scalar, so == 0


defvjp(momentum_step,
       lambda ans, m, v, momentum: lambda G: unbroadcast(G * momentum, m),
       lambda ans, m, v, momentum: lambda G: unbroadcast(G, v),
       lambda ans, m, v, momentum: lambda G: unbroadcast(G * m, momentum))


# -- objectives ------------------------------------------------------------------------
@primitive
def clipped_crossentropy(p, y, lo, hi):
    """-sum(y * log(q / sum(q))) over the last axis, q = clip(p, lo, hi)."""
    q = _clip(p, lo, hi)
    r = q / _row_sum(q)
    return _neg_row_sum(y * np.log(r))


def _clip(p, lo, hi):
    """np.clip's values (NaN stays NaN) without its Python wrapper: these arrays are
    (batch, classes), where the wrapper costs more than the work."""
    return np.minimum(np.maximum(p, lo), hi)


def _softmax(z):
    """primitives.softmax's numpy calls (max, exp, sum reductions), wrapper-free."""
    e = np.exp(z - np.maximum.reduce(z, axis=-1, keepdims=True))
    return e / np.add.reduce(e, axis=-1, keepdims=True)


def _row_sum(q):
    acc = np.float64 if q.dtype == F32 else None
    return np.add.reduce(q, axis=-1, keepdims=True, dtype=acc).astype(q.dtype, copy=False)


def _neg_row_sum(t):
    acc = np.float64 if t.dtype == F32 else None
    return np.negative(np.add.reduce(t, axis=-1, dtype=acc).astype(t.dtype, copy=False))


def _clipped_ce_vjp_p(ans, p, y, lo, hi):
    def vjp(g):
        q = np.clip(p, lo, hi)
        s = _row_sum(q)
        r = q / s
        # the unfused chain: cce -> true_div(q, s) -> sum -> clip
        gr = np.reshape(-g, g.shape + (1,)) * y / r            # -g*y, then log's g / r
        gq = gr / s                                           # true_div's rule for q
        gs = np.sum(-gr * r / s, axis=-1, keepdims=True)      # ... and for s
        gq = gq + gs.astype(gq.dtype, copy=False)             # sum's rule: broadcast back
        return unbroadcast(gq * ((p >= lo) & (p <= hi)), p)   # Theano's clip rule
    return vjp


def _clipped_ce_vjp_y(ans, p, y, lo, hi):
    def vjp(g):
        q = np.clip(p, lo, hi)
        return unbroadcast(np.reshape(-g, g.shape + (1,)) * np.log(q / _row_sum(q)), y)
    return vjp


defvjp(clipped_crossentropy, _clipped_ce_vjp_p, _clipped_ce_vjp_y)


@primitive
def advanced_subtensor1(x, index):
    return x[index]


def _advanced_subtensor1_vjp(ans, x, index):
    def vjp(g):
        out = np.zeros(x.shape, dtype=np.result_type(x, g) if x.dtype.kind == 'f' else g.dtype)
        np.add.at(out, index, g)     # repeated rows add up, as Theano's AdvancedIncSubtensor1
        return unbroadcast(out, x)
    return vjp


defvjp(advanced_subtensor1, _advanced_subtensor1_vjp, None)


@primitive
def weighted_mean(w, v):
    acc = np.float64 if np.result_type(w, v) == F32 else None
    dtype = np.result_type(w, v)
    num = np.asarray(np.add.reduce(w * v, axis=None, dtype=acc)).astype(dtype, copy=False)
    den = np.asarray(np.add.reduce(w, axis=None, dtype=acc)).astype(np.result_type(w), copy=False)
    return np.true_divide(num, den)


def _weighted_mean_vjp(argnum):
    def maker(ans, w, v):
        def vjp(g):
            acc = np.float64 if np.result_type(w, v) == F32 else None
            den = np.asarray(np.sum(w, dtype=acc)).astype(np.result_type(w), copy=False)
            gnum = g / den
            if argnum == 1:
                return unbroadcast(np.broadcast_to(gnum, np.broadcast_shapes(w.shape, v.shape))
                                   * w, v)
            gden = -g * ans / den
            return unbroadcast(gnum * v + gden, w)
        return vjp
    return maker


defvjp(weighted_mean, _weighted_mean_vjp(0), _weighted_mean_vjp(1))


# -- Keras's whole weighted categorical cross-entropy ------------------------------------
def _kept_rows(w):
    """Keras's weighting keeps the samples of nonzero weight: (rows, their weights), rows
    None when every sample is kept."""
    if w.ndim == 2 and w.shape[1] == 1 and w.all():
        return None, w[:, 0]
    nonzero = np.nonzero(w)
    return nonzero[0], w[nonzero]


@primitive
def weighted_crossentropy(p, y, w, lo, hi):
    """weighted_mean(w_kept, clipped_crossentropy(p[rows], y[rows], lo, hi)): Keras's
    weighted_objective(categorical_crossentropy) in one step."""
    rows, w_kept = _kept_rows(w)
    if rows is not None:
        p, y = p[rows], y[rows]
    return weighted_mean.fun(w_kept, clipped_crossentropy.fun(p, y, lo, hi))


def _weighted_ce_vjp(argnum):
    def maker(ans, p, y, w, lo, hi):
        def vjp(g):
            rows, w_kept = _kept_rows(w)
            pk, yk = (p, y) if rows is None else (p[rows], y[rows])
            per_sample = clipped_crossentropy.fun(pk, yk, lo, hi)
            g_sample = _weighted_mean_vjp(1)(ans, w_kept, per_sample)(g)
            maker = _clipped_ce_vjp_p if argnum == 0 else _clipped_ce_vjp_y
            gk = maker(per_sample, pk, yk, lo, hi)(g_sample)
            target = (p, y)[argnum]
            if rows is None:
                return gk
            out = np.zeros(target.shape, dtype=gk.dtype)
            np.add.at(out, rows, gk)
            return out
        return vjp
    return maker


defvjp(weighted_crossentropy, _weighted_ce_vjp(0), _weighted_ce_vjp(1))


# The softmax of the latest losses, for their gradient (the loss itself is kept with it,
# so an id is never taken for another object's; a miss recomputes it)
_softmax_kept = collections.OrderedDict()


@primitive
def softmax_crossentropy(z, y, w, lo, hi):
    """weighted_crossentropy(softmax(z), y, w, lo, hi), with the closed-form gradient
    for z below."""
    loss, parts = _softmax_ce_forward(z, y, w, lo, hi)
    _softmax_kept[id(loss)] = (loss, parts)
    if len(_softmax_kept) > _BN_RELU_KEEP:
        _softmax_kept.popitem(last=False)
    return loss


def _softmax_ce_forward(z, y, w, lo, hi):
    """The loss, the steps of weighted_crossentropy(softmax(z), ...) written out, and what
    its gradient needs again: (p, rows, w_kept, p[rows], y[rows], sum(clip(p[rows])))."""
    kernels = accel.kernels_for(z.dtype)
    # every row kept: the loss in one pass
    if kernels and _kernel_batch(z, y, w, (len(z), 1), lo, hi) and w.all():
        p, total, w_kept = np.empty_like(z), np.empty((len(z), 1), z.dtype), w[:, 0]
        loss = kernels.softmax_ce_forward(z, y, w_kept, np.float32(lo), np.float32(hi), p, total)
        return np.float32(loss), (p, None, w_kept, p, y, total)
    p = _softmax(z)
    rows, w_kept = _kept_rows(w)
    pk, yk = (p, y) if rows is None else (p[rows], y[rows])
    q = _clip(pk, lo, hi)
    total = _row_sum(q)
    per_sample = _neg_row_sum(yk * np.log(q / total))      # clipped_crossentropy's steps
    return weighted_mean.fun(w_kept, per_sample), (p, rows, w_kept, pk, yk, total)


def _softmax_ce_vjp_z(ans, z, y, w, lo, hi):
    """Per kept row, with q = clip(p), S = sum(q), mask = lo <= p <= hi and
    u = mask * (p * sum(y) / S - y): d loss / d z = g_row * (u - p * sum(u)), the chain
    softmax -> clip -> renormalise -> cross-entropy multiplied out (no -y / q term,
    whose cancellation the chain rounds; equal up to float rounding)."""
    kept = _softmax_kept.pop(id(ans), None)       # one reverse pass per loss
    parts = kept[1] if kept is not None and kept[0] is ans else None

    def vjp(g):
        p, rows, w_kept, pk, yk, total = parts if parts is not None else \
            _softmax_ce_forward(z, y, w, lo, hi)[1]
        kernels = accel.kernels_for(pk.dtype)
        if kernels and rows is None and getattr(g, 'dtype', None) == F32 and not np.ndim(g) \
                and _kernel_batch(pk, yk, w_kept, pk.shape[:1], lo, hi):
            out = np.empty_like(pk)
            kernels.softmax_ce_backward(np.float32(g), w_kept, pk, yk, total, np.float32(lo),
                                        np.float32(hi), out)
            return unbroadcast(out, z)
        den = _full_sum(w_kept)
        g_row = (g / den) * w_kept                              # weighted_mean's rule
        u = pk * (np.add.reduce(yk, axis=-1, keepdims=True) / total) - yk
        u *= (pk >= lo) & (pk <= hi)
        u -= pk * np.add.reduce(u, axis=-1, keepdims=True)
        u *= np.reshape(g_row, g_row.shape + (1,))
        if rows is None:
            return unbroadcast(u, z)
        out = np.zeros(z.shape, dtype=u.dtype)
        np.add.at(out, rows, u)
        return unbroadcast(out, z)
    return vjp


def _kernel_batch(z, y, w, w_shape, lo, hi):
    """Whether the softmax cross-entropy kernels take these arguments: (samples, classes)
    float32 z and y, at least one of each, float32 weights of w_shape, and float32 bounds
    (_float32_scalar)."""
    return z.ndim == 2 and z.size > 0 and y.shape == z.shape and y.dtype == F32 and \
        w.dtype == F32 and w.shape == w_shape and _float32_scalar(lo) and _float32_scalar(hi)


def _softmax_ce_vjp_y(ans, z, y, w, lo, hi):
    return _weighted_ce_vjp(1)(ans, _softmax(z), y, w, lo, hi)


defvjp(softmax_crossentropy, _softmax_ce_vjp_z, _softmax_ce_vjp_y)


def _full_sum(x):
    acc = np.float64 if x.dtype == F32 else None
    return np.asarray(np.add.reduce(x, axis=None, dtype=acc)).astype(x.dtype, copy=False)


def _same_as(k):
    return lambda inputs, **_: (inputs[k].dtype, inputs[k].ndim)


# name -> (impl, differentiable); the rewrite that creates a node gives it the type of
# the node it replaces, so `infer` only serves direct `apply` calls in tests.
FUSED = {
    'dense': dense,
    'keras_relu': keras_relu,
    'normalize': normalize,
    'scale_shift': scale_shift,
    'layer_norm': layer_norm,
    'clip_affine': clip_affine,
    'batch_std': batch_std,
    'blend': blend,
    'column_mean': column_mean,
    'sgd_velocity': sgd_velocity,
    'momentum_step': momentum_step,
    'clipped_crossentropy': clipped_crossentropy,
    'advanced_subtensor1': advanced_subtensor1,
    'weighted_mean': weighted_mean,
    'weighted_crossentropy': weighted_crossentropy,
    'softmax_crossentropy': softmax_crossentropy,
}
FUSED.update(LSTM_FUSED)
FUSED['conv2d_bias'] = conv2d_bias          # lives with the convolution it extends
FUSED['normalize_affine_relu'] = normalize_affine_relu
FUSED.update(LSTM_LN_FUSED)
from .fused_keras03 import KERAS03_FUSED  # noqa: E402  (Keras 0.3.3's graph shapes)
FUSED.update(KERAS03_FUSED)
