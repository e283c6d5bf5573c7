"""theano.tensor's functions: each builds a node (or a few) of the graph."""
import builtins
import numbers

import numpy as np

from ..configparser import config
from ..graph import Variable, apply, as_variable, autocast_float, constant, is_weak_scalar
from ..ops import Slot


# -- symbolic inputs ------------------------------------------------------------
class TensorType:
    """`TensorType(dtype, broadcastable)(name)` makes a symbolic input, as in Theano."""

    def __init__(self, dtype, broadcastable):
        self.dtype = config.floatX if dtype == 'floatX' else str(np.dtype(dtype))
        self.broadcastable = tuple(broadcastable)
        self.ndim = len(self.broadcastable)

    def __call__(self, name=None):
        return Variable('input', dtype=self.dtype, ndim=self.ndim, name=name)


def tensor(dtype=None, broadcastable=None, name=None, ndim=None):
    ndim = len(broadcastable) if broadcastable is not None else ndim
    return TensorType(dtype or config.floatX, (False,) * ndim)(name)


def _constructor(ndim, default_dtype=None):
    def make(name=None, dtype=None):
        return tensor(dtype or default_dtype or config.floatX, ndim=ndim, name=name)
    return make


scalar, vector, matrix, tensor3, tensor4 = (_constructor(n) for n in range(5))
_PREFIX = {'b': 'int8', 'w': 'int16', 'i': 'int32', 'l': 'int64', 'f': 'float32', 'd': 'float64'}
_KINDS = {'scalar': 0, 'vector': 1, 'matrix': 2, 'tensor3': 3, 'tensor4': 4}
for _p, _dt in _PREFIX.items():
    for _kind, _n in _KINDS.items():
        globals()[_p + _kind] = _constructor(_n, _dt)
row = _constructor(2)
col = _constructor(2)


def as_tensor_variable(x, name=None, ndim=None):
    return as_variable(x) if name is None else constant(x, name=name)


def shape(x):
    return as_variable(x).shape


# -- elementwise ----------------------------------------------------------------
def _unary(op):
    return lambda x: apply(op, x)


sqr, sqrt, exp, log, tanh = (_unary(op) for op in ('sqr', 'sqrt', 'exp', 'log', 'tanh'))
abs_, neg = _unary('abs'), _unary('neg')
log1p, expm1, sin, cos, inv = (_unary(op) for op in ('log1p', 'expm1', 'sin', 'cos', 'inv'))
floor, ceil, sgn = _unary('floor'), _unary('ceil'), _unary('sgn')
square = sqr


def _nary(op):
    """T.add(a, b, c, ...) and T.mul(...): Theano's n-ary elementwise ops, folded left."""
    def build(*terms):
        if not terms:
            raise TypeError('%s() needs at least one argument' % op)
        out = as_variable(terms[0])
        for t in terms[1:]:
            out = apply(op, out, t)
        return out
    build.__name__ = op
    return build


add, mul = _nary('add'), _nary('mul')


def and_(x, y): return apply('and_', x, y)
def or_(x, y): return apply('or_', x, y)
def xor(x, y): return apply('xor', x, y)
def invert(x): return apply('invert', x)
def sub(x, y): return apply('sub', x, y)
def int_div(x, y): return apply('floor_div', x, y)
def floor_div(x, y): return apply('floor_div', x, y)
def mod(x, y): return apply('mod', x, y)


def arange(start, stop=None, step=1, dtype=None):
    """A vector start, start + step, ... below stop (np.arange). Theano's dtype: the upcast
    of the arguments', made int64 for any integers."""
    if stop is None:
        start, stop = 0, start
    parts = []
    for p in (start, stop, step):
        if type(p) is float:
            p = np.asarray(p, autocast_float(p))
        parts.append(as_variable(p))
    for what, p in zip(('start', 'stop', 'step'), parts):
        if p.ndim != 0:
            raise TypeError('arange(): %s must be a scalar, got %s' % (what, p.describe()))
    if dtype is None:
        kinds = np.result_type(*[np.int64 if is_weak_scalar(p) and p.dtype.startswith('int')
                                 else p.dtype for p in parts])
        dtype = 'int64' if kinds.kind in 'iub' else str(kinds)
    dtype = config.floatX if dtype == 'floatX' else str(np.dtype(dtype))
    return apply('arange', *parts, dtype=dtype, out_type=(dtype, 1))
zeros_like, ones_like = _unary('zeros_like'), _unary('ones_like')


def maximum(x, y): return apply('maximum', x, y)
def minimum(x, y): return apply('minimum', x, y)
def eq(x, y): return apply('eq', x, y)
def neq(x, y): return apply('neq', x, y)
def lt(x, y): return apply('lt', x, y)
def le(x, y): return apply('le', x, y)
def gt(x, y): return apply('gt', x, y)
def ge(x, y): return apply('ge', x, y)
def pow(x, y): return apply('pow', x, y)
def true_div(x, y): return apply('true_div', x, y)


def clip(x, lo, hi):
    return apply('clip', x, lo, hi)


def switch(cond, ift, iff):
    return apply('switch', cond, ift, iff)


def round(x, mode='half_away_from_zero'):
    if mode != 'half_away_from_zero':
        raise NotImplementedError('round(): only mode="half_away_from_zero" (Theano 0.8\'s default)')
    return apply('round', x)


def cast(x, dtype):
    dtype = config.floatX if dtype == 'floatX' else str(np.dtype(dtype))
    x = as_variable(x)
    return x if x.dtype == dtype else apply('cast', x, dtype=dtype)


def dot(a, b):
    a, b = as_variable(a), as_variable(b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    return apply('dot', a, b)


# -- reductions -----------------------------------------------------------------
def _axis(x, axis):
    """None, or a sorted tuple of non-negative axes; out-of-range axes fail here."""
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, (numbers.Integral, np.integer)) else tuple(axis)
    result = []
    for a in axes:
        if not -x.ndim <= a < builtins.max(x.ndim, 1):
            raise ValueError('axis %d is out of range for %s' % (a, x.describe()))
        result.append(int(a) % builtins.max(x.ndim, 1))
    return tuple(sorted(set(result)))


def _reduce(op, x, axis, keepdims, dtype=None):
    x = as_variable(x)
    out = apply(op, x, axis=_axis(x, axis), keepdims=bool(keepdims))
    return cast(out, dtype) if dtype is not None else out


def sum(x, axis=None, dtype=None, keepdims=False, acc_dtype=None):
    return _reduce('sum', x, axis, keepdims, dtype)


def mean(x, axis=None, dtype=None, keepdims=False, acc_dtype=None):
    return _reduce('mean', x, axis, keepdims, dtype)


def prod(x, axis=None, dtype=None, keepdims=False, acc_dtype=None):
    return _reduce('prod', x, axis, keepdims, dtype)


def max(x, axis=None, keepdims=False):
    return _reduce('max', x, axis, keepdims)


def min(x, axis=None, keepdims=False):
    return _reduce('min', x, axis, keepdims)


def var(x, axis=None, keepdims=False):
    """Population variance, built as Theano built it: mean of squared deviations."""
    x = as_variable(x)
    centered = x - mean(x, axis, keepdims=True)
    return mean(sqr(centered), axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    return sqrt(var(x, axis, keepdims))


def _arg_reduce(op, x, axis, keepdims):
    x = as_variable(x)
    if axis is not None:
        axes = _axis(x, axis)
        if len(axes) != 1:
            raise NotImplementedError('%s over several axes %s' % (op, axes))
        axis = axes[0]
    return apply(op, x, axis=axis, keepdims=bool(keepdims),
                 out_type=(np.int64, 0 if axis is None else x.ndim - (0 if keepdims else 1)))


def argmax(x, axis=None, keepdims=False):
    return _arg_reduce('argmax', x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    return _arg_reduce('argmin', x, axis, keepdims)


# -- shapes ---------------------------------------------------------------------
def _shape_vector(shape_parts):
    """A shape given as ints and/or symbolic scalars -> one int64 vector node."""
    parts = list(shape_parts)
    if builtins.all(isinstance(p, (numbers.Integral, np.integer)) for p in parts):
        return constant(np.array(parts, dtype=np.int64))
    return apply('make_vector', *parts)


def reshape(x, newshape, ndim=None):
    x = as_variable(x)
    if isinstance(newshape, Variable):
        if newshape.ndim != 1 or ndim is None and newshape.op != 'shape':
            raise ValueError('reshape(): a symbolic shape needs ndim= (the length of the shape)')
        ndim = ndim if ndim is not None else newshape.inputs[0].ndim
        shape_var = newshape
    else:
        newshape = (newshape,) if isinstance(newshape, (numbers.Integral, np.integer)) else newshape
        ndim = len(newshape)
        shape_var = _shape_vector(newshape)
    return apply('reshape', x, shape_var, out_type=(x.dtype, ndim))


def flatten(x, outdim=1):
    x = as_variable(x)
    if not 1 <= outdim <= builtins.max(x.ndim, 1):
        raise ValueError('flatten(): outdim=%d is invalid for %s' % (outdim, x.describe()))
    if outdim == 1:
        return reshape(x, (-1,))
    return reshape(x, [x.shape[i] for i in range(outdim - 1)] + [-1])


def dimshuffle(x, *pattern):
    x = as_variable(x)
    if len(pattern) == 1 and isinstance(pattern[0], (list, tuple)):
        pattern = tuple(pattern[0])
    axes = [p for p in pattern if p != 'x']
    if len(set(axes)) != len(axes) or builtins.any(
            not isinstance(p, (numbers.Integral, np.integer)) or not 0 <= p < x.ndim for p in axes):
        raise ValueError('dimshuffle%s is invalid for %s: use each axis 0..%d at most once, '
                         "and 'x' for new broadcast axes" % (tuple(pattern), x.describe(), x.ndim - 1))
    drop = tuple(i for i in range(x.ndim) if i not in axes)
    pattern = tuple(p if p == 'x' else int(p) for p in pattern)
    if pattern == tuple(range(x.ndim)):
        return x
    return apply('dimshuffle', x, pattern=pattern, drop=drop, out_type=(x.dtype, len(pattern)))


def subtensor(x, index):
    """x[index]: ints, slices (symbolic bounds allowed), None, Ellipsis, index arrays."""
    x = as_variable(x)
    index = index if isinstance(index, tuple) else (index,)
    slots, template = [], []
    consumed, removed, added, advanced_ndims = 0, 0, 0, []

    def part(p):
        if p is None or isinstance(p, (numbers.Integral, np.integer)):
            return None if p is None else int(p)
        slots.append(as_variable(p))
        return Slot(len(slots) - 1)

    for item in index:
        if item is None:
            template.append(None)
            added += 1
        elif item is Ellipsis:
            template.append(Ellipsis)
        elif isinstance(item, slice):
            template.append(('slice', part(item.start), part(item.stop), part(item.step)))
            consumed += 1
        elif isinstance(item, (numbers.Integral, np.integer)):
            template.append(int(item))
            consumed += 1
            removed += 1
        else:
            var = as_variable(item)
            if np.dtype(var.dtype).kind not in 'iub':
                raise TypeError('index %s of %s must be integer' % (var.describe(), x.describe()))
            template.append(part(var))
            consumed += 1
            if var.ndim == 0:
                removed += 1
            else:
                advanced_ndims.append(var.ndim)
    if consumed > x.ndim:
        raise IndexError('too many indices (%d) for %s' % (consumed, x.describe()))
    # numpy: all index arrays broadcast together and replace the axes they index
    ndim = x.ndim - removed + added - len(advanced_ndims) + builtins.max(advanced_ndims, default=0)
    return apply('subtensor', x, *slots, index=tuple(template), out_type=(x.dtype, ndim))


def set_subtensor(x, y, inplace=False, tolerate_inplace_aliasing=False):
    """The tensor that `x` (a result of indexing, t[index]) was taken from, with t[index] = y."""
    return _assign_subtensor(x, y, inc=False, what='set_subtensor')


def inc_subtensor(x, y, inplace=False, set_instead_of_inc=False, tolerate_inplace_aliasing=False):
    """The tensor that `x` (a result of indexing, t[index]) was taken from, with t[index] += y."""
    return _assign_subtensor(x, y, inc=not set_instead_of_inc, what='inc_subtensor')


def _assign_subtensor(x, y, inc, what):
    x, y = as_variable(x), as_variable(y)
    if x.op != 'subtensor':
        raise TypeError('%s(x, y): x must be the result of indexing a tensor (t[...]), got %s'
                        % (what, x.describe()))
    if y.ndim > x.ndim:
        raise TypeError('%s(x, y): y %s has more dimensions than x %s'
                        % (what, y.describe(), x.describe()))
    if not np.can_cast(y.dtype, x.dtype, 'same_kind'):
        raise TypeError('%s(x, y): y %s cannot be stored into x %s; cast y first'
                        % (what, y.describe(), x.describe()))
    source = x.inputs[0]
    return apply('set_subtensor', source, y, *x.inputs[1:], index=x.attrs['index'], inc=inc,
                 out_type=(source.dtype, source.ndim))


def shape_padright(t, n_ones=1):
    """t with `n_ones` broadcastable axes appended."""
    t = as_variable(t)
    return dimshuffle(t, *(list(range(t.ndim)) + ['x'] * n_ones))


def shape_padleft(t, n_ones=1):
    """t with `n_ones` broadcastable axes prepended."""
    t = as_variable(t)
    return dimshuffle(t, *(['x'] * n_ones + list(range(t.ndim))))


def alloc(value, *shape):
    """`value` broadcast to `shape` (ints or symbolic scalars). A Python float gets Theano's
    dtype for it: `T.alloc(0., ...)` is float32 even when floatX is float64."""
    value = as_variable(value if type(value) is not float else np.asarray(value, autocast_float(value)))
    dims = [as_variable(s) for s in shape]
    return apply('alloc', value, *dims, dtype=value.dtype, out_type=(value.dtype, len(dims)))


def zeros(shape, dtype=None):
    return alloc(np.zeros((), dtype or config.floatX), *shape)


def ones(shape, dtype=None):
    return alloc(np.ones((), dtype or config.floatX), *shape)


def concatenate(tensor_list, axis=0):
    tensors = [as_variable(t) for t in tensor_list]
    ndim = tensors[0].ndim
    if builtins.any(t.ndim != ndim for t in tensors):
        raise TypeError('concatenate(): all tensors need the same number of dimensions, got %s'
                        % ', '.join(t.describe() for t in tensors))
    dtype = np.result_type(*[t.dtype for t in tensors])
    return apply('concatenate', *tensors, axis=int(axis) % ndim, out_type=(dtype, ndim))


def nonzero(x, return_matrix=False):
    x = as_variable(x)
    parts = tuple(apply('nonzero', x, axis=i) for i in range(x.ndim))
    if return_matrix:
        raise NotImplementedError('nonzero(return_matrix=True)')
    return parts


# -- used by the recurrent layers and masks (Keras 2015 calls these) ----------------------
def any(x, axis=None, keepdims=False):
    """1 where some element along `axis` is nonzero (int8, as Theano's Any)."""
    return max(neq(x, 0), axis, keepdims)


def addbroadcast(x, *axes):
    """Broadcastable flags are not tracked (values broadcast like numpy): the identity."""
    return as_variable(x)


def unbroadcast(x, *axes):
    return as_variable(x)


def patternbroadcast(x, broadcastable):
    return as_variable(x)


def stack(*tensors, **kwargs):
    """Join same-shaped tensors along a new axis (default 0); Theano 0.8 took
    either stack(t1, t2, ...) or stack([t1, t2, ...], axis=0)."""
    axis = kwargs.pop('axis', 0)
    if kwargs:
        raise TypeError('stack(): unexpected arguments %s' % sorted(kwargs))
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    tensors = [as_variable(t) for t in tensors]
    axis = int(axis) % (tensors[0].ndim + 1)
    return concatenate([dimshuffle(t, *(list(range(axis)) + ['x'] + list(range(axis, t.ndim))))
                        for t in tensors], axis=axis)
