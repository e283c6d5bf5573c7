"""The op table: every op name a graph node can carry, with how to evaluate it
and what type (dtype, ndim) it produces.

`impl(*input_values, **attrs)` is written with autograd.numpy and the
primitives module, so reverse mode needs nothing else; `infer(inputs, **attrs)`
gives the output's dtype and ndim from the input variables when the node is
built. A rewrite pass adds fused ops by adding rows here.
"""
import functools
from collections import namedtuple

import autograd.numpy as anp
import numpy as np
from autograd.extend import defvjp_argnums, primitive
from autograd.tracer import getval

from . import conv_primitives as C
from . import pool_primitives as PP
from . import primitives as P
from .configparser import config
from .fused import FUSED
from .graph import is_weak_scalar

# differentiable=False: no gradient passes through (a grad group never traces it)
Op = namedtuple('Op', ['impl', 'infer', 'differentiable'], defaults=[True])



# -- type rules -----------------------------------------------------------------
def _operand(v):
    return v.attrs['value'] if is_weak_scalar(v) else np.dtype(v.dtype)


def elemwise(inputs, **_):
    dtype = np.result_type(*[_operand(v) for v in inputs]) if len(inputs) > 1 \
        else np.dtype(inputs[0].dtype)
    return dtype, max(v.ndim for v in inputs)


def float_elemwise(inputs, **attrs):
    if len(inputs) == 1 and is_weak_scalar(inputs[0]) and isinstance(inputs[0].attrs['value'], float):
        return np.dtype(config.floatX), 0  # as P.as_float evaluates it
    dtype, ndim = elemwise(inputs)
    if dtype.kind != 'f':
        dtype = np.dtype(P.INT_TO_FLOAT.get(dtype.name, 'float64'))
    return dtype, ndim


def comparison(inputs, **_):
    return np.int8, max(v.ndim for v in inputs)


def same_as_first(inputs, **_):
    return inputs[0].dtype, inputs[0].ndim


def _reduced_ndim(x, axis, keepdims):
    if keepdims:
        return x.ndim
    return 0 if axis is None else x.ndim - len(axis)


def reduction(inputs, axis=None, keepdims=False):
    x = inputs[0]
    return x.dtype, _reduced_ndim(x, axis, keepdims)


def sum_type(inputs, axis=None, keepdims=False):
    kind = np.dtype(inputs[0].dtype).kind
    dtype = inputs[0].dtype if kind == 'f' else np.result_type(inputs[0].dtype, np.int64)
    return dtype, _reduced_ndim(inputs[0], axis, keepdims)


def mean_type(inputs, axis=None, keepdims=False):
    kind = np.dtype(inputs[0].dtype).kind
    return (inputs[0].dtype if kind == 'f' else np.float64), _reduced_ndim(inputs[0], axis, keepdims)


def index_reduction(inputs, axis=None, keepdims=False):
    return np.int64, _reduced_ndim(inputs[0], axis, keepdims)


def fixed(dtype, ndim):
    return lambda inputs, **_: (dtype, ndim)


def dot_type(inputs, **_):
    a, b = inputs
    return np.result_type(a.dtype, b.dtype), max(a.ndim + b.ndim - 2, 0)


def cast_type(inputs, dtype):
    return dtype, inputs[0].ndim


def switch_type(inputs, **_):
    return elemwise(inputs[1:])[0], max(v.ndim for v in inputs)


# -- implementations that need a few lines ---------------------------------------
def _nograd(fn):
    """Evaluate `fn` on plain values: for integer-valued ops with no gradient."""
    return lambda *args, **kw: fn(*[getval(a) for a in args], **kw)


def _comparison(fn):
    return _nograd(lambda x, y: fn(x, y).astype(np.int8))


@primitive
def _subtensor(x, *slots, index):
    """x[index], with the index's symbolic parts (marked by Slot) filled from `slots`."""
    return x[_filled(index, slots)]


@functools.lru_cache(maxsize=4096)
def _constant_index(index):
    return fill_index(index, ())


def _filled(index, slots):
    """fill_index, computed once for an index with no symbolic part (a scan step's slices
    are taken at every step)."""
    return fill_index(index, slots) if slots else _constant_index(index)


def _subtensor_vjp(argnums, ans, args, kwargs):
    """g placed at x[index] in zeros (the integer slots get none). A basic index (slices,
    integers) reaches every element at most once, so it is assigned, which is much faster
    than the np.add.at that autograd's getitem gradient runs (a recurrent step's gate
    slices, every step)."""
    x, slots = args[0], args[1:]
    idx = _filled(kwargs['index'], slots)
    dtype = x.dtype if np.issubdtype(np.asarray(x).dtype, np.inexact) else None

    def vjp(g):
        out = np.zeros(np.shape(x), dtype=dtype or np.result_type(g))
        if P._has_array(idx):
            np.add.at(out, idx, g)
        else:
            out[idx] = g
        return (out,) + (0,) * (len(argnums) - 1) if argnums[0] == 0 else (0,) * len(argnums)
    return vjp


defvjp_argnums(_subtensor, _subtensor_vjp)


class Slot(int):
    """Marks where a symbolic value goes in a subtensor index (an int subclass,
    so attrs stay hashable for the merge pass)."""

    def __repr__(self):
        return 'Slot(%d)' % int(self)


def fill_index(index, slots):
    def fill(item):
        if type(item) is Slot:
            return _as_index(slots[item])
        if type(item) is tuple and item and item[0] == 'slice':
            return slice(*(fill(p) for p in item[1:]))
        return item
    return tuple(fill(item) for item in index)


def _as_index(value):
    value = getval(value)
    return int(value) if np.ndim(value) == 0 else np.asarray(value)


def _set_subtensor(x, y, *slots, index, inc):
    return P.set_subtensor(x, y, fill_index(index, slots), inc)


def _repeat(x, repeats, axis):
    return P.repeat(x, int(getval(repeats)), axis)


def _reshape(x, shape):
    return anp.reshape(x, tuple(int(s) for s in getval(shape)))


def _dimshuffle(x, pattern, drop):
    if drop:
        x = anp.reshape(x, tuple(s for i, s in enumerate(x.shape) if i not in drop))
    keep = [p for p in pattern if p != 'x']
    # indices of kept axes after dropping
    order = [k - sum(1 for d in drop if d < k) for k in keep]
    if order != sorted(order):
        x = anp.transpose(x, order)
    shape = list(x.shape)
    for i, p in enumerate(pattern):
        if p == 'x':
            shape.insert(i, 1)
    return anp.reshape(x, tuple(shape)) if 'x' in pattern else x


def _alloc(value, *shape, dtype):
    shape = tuple(int(getval(s)) for s in shape)
    return P.add(value, np.zeros(shape, dtype=dtype))


def _make_vector(*items):
    return np.array([getval(i) for i in items], dtype=np.int64)


def _categorical_crossentropy(coding, true):
    if true.ndim == coding.ndim - 1:       # integer class indices, Theano's 1-hot op
        return P.negative(P.log(coding[np.arange(coding.shape[0]), true]))
    return P.negative(P.reduce_sum(P.multiply(true, P.log(coding)), axis=(coding.ndim - 1,)))


def _concatenate(*tensors, axis):
    return anp.concatenate(tensors, axis=axis)


def take_rows_type(inputs, owner=None):
    table, indices = inputs
    return table.dtype, indices.ndim + table.ndim - 1


def _cast(x, dtype):
    if not hasattr(x, 'dtype'):  # a Python-number constant
        return np.asarray(x, dtype=dtype)
    return x.astype(dtype) if x.dtype != dtype else x


OPS = {
    # leaves are evaluated by function(), never looked up for impl
    'input': Op(None, None),
    'shared': Op(None, None),
    'constant': Op(None, None),
    'grad': Op(None, None),               # filled in by the grad group of its cost
    # arithmetic
    'add': Op(P.add, elemwise),
    'sub': Op(P.subtract, elemwise),
    'mul': Op(P.multiply, elemwise),
    'true_div': Op(P.true_divide, float_elemwise),
    'floor_div': Op(_nograd(np.floor_divide), elemwise, False),
    'mod': Op(_nograd(np.mod), elemwise, False),
    'pow': Op(P.power, elemwise),
    'neg': Op(P.negative, same_as_first),
    'abs': Op(P.abs_, same_as_first),
    'sqr': Op(P.square, same_as_first),
    'sqrt': Op(P.sqrt, float_elemwise),
    'exp': Op(P.exp, float_elemwise),
    'log': Op(P.log, float_elemwise),
    'tanh': Op(P.tanh, float_elemwise),
    'sigmoid': Op(P.sigmoid, float_elemwise),
    'softplus': Op(P.softplus, float_elemwise),
    'ultra_fast_sigmoid': Op(P.ultra_fast_sigmoid, float_elemwise),
    'log1p': Op(P.log1p, float_elemwise),
    'expm1': Op(P.expm1, float_elemwise),
    'sin': Op(P.sin, float_elemwise),
    'cos': Op(P.cos, float_elemwise),
    'inv': Op(P.inv, float_elemwise),
    'xlogx': Op(P.xlogx, float_elemwise),
    'xlogy0': Op(P.xlogy0, float_elemwise),
    'floor': Op(_nograd(lambda x: np.floor(P.as_float(x))), float_elemwise, False),
    'ceil': Op(_nograd(lambda x: np.ceil(P.as_float(x))), float_elemwise, False),
    'sgn': Op(_nograd(np.sign), same_as_first, False),
    'arange': Op(_nograd(lambda start, stop, step, dtype: np.arange(start, stop, step, dtype=dtype)),
                 None, False),
    'maximum': Op(P.maximum, elemwise),
    'minimum': Op(P.minimum, elemwise),
    'clip': Op(P.clip, elemwise),
    'round': Op(P.round_half_away, same_as_first, False),
    'switch': Op(P.where, switch_type),
    'cast': Op(_cast, cast_type),
    'disconnected_grad': Op(_nograd(np.array), same_as_first, False),   # a copy, no gradient
    # comparisons: int8 0/1 like Theano, no gradient
    'and_': Op(_nograd(np.bitwise_and), elemwise, False),
    'or_': Op(_nograd(np.bitwise_or), elemwise, False),
    'xor': Op(_nograd(np.bitwise_xor), elemwise, False),
    'invert': Op(_nograd(np.invert), same_as_first, False),
    'eq': Op(_comparison(np.equal), comparison, False),
    'neq': Op(_comparison(np.not_equal), comparison, False),
    'lt': Op(_comparison(np.less), comparison, False),
    'le': Op(_comparison(np.less_equal), comparison, False),
    'gt': Op(_comparison(np.greater), comparison, False),
    'ge': Op(_comparison(np.greater_equal), comparison, False),
    # reductions (axis is None or a tuple of ints)
    'sum': Op(P.reduce_sum, sum_type),
    'mean': Op(P.reduce_mean, mean_type),
    'max': Op(P.reduce_max, reduction),
    'min': Op(P.reduce_min, reduction),
    'prod': Op(P.reduce_prod, sum_type),
    'argmax': Op(_nograd(np.argmax), index_reduction, False),
    'argmin': Op(_nograd(np.argmin), index_reduction, False),
    # linear algebra and nnet
    'dot': Op(P.dot, dot_type),
    'softmax': Op(P.softmax, same_as_first),
    'categorical_crossentropy': Op(_categorical_crossentropy,
                                   lambda inputs: (inputs[0].dtype, inputs[0].ndim - 1)),
    # shapes (type given by the builder in tensor.basic)
    'shape': Op(_nograd(lambda x: np.array(np.shape(x), dtype=np.int64)), fixed(np.int64, 1), False),
    'make_vector': Op(_make_vector, lambda inputs: (np.int64, 1), False),
    'reshape': Op(_reshape, None),
    'dimshuffle': Op(_dimshuffle, None),
    'subtensor': Op(_subtensor, None),
    'take_rows': Op(P.take_rows, take_rows_type),     # Embedding's lookup, checked indices
    'alloc': Op(_alloc, None),
    'concatenate': Op(_concatenate, None),
    'zeros_like': Op(_nograd(np.zeros_like), same_as_first, False),
    'ones_like': Op(_nograd(np.ones_like), same_as_first, False),
    'nonzero': Op(_nograd(lambda x, axis: np.nonzero(x)[axis]), fixed(np.int64, 1), False),
    'set_subtensor': Op(_set_subtensor, None),      # inc=True: inc_subtensor
    'repeat': Op(_repeat, None),
    # convolution and pooling (conv_primitives; type given by the builder)
    'conv2d': Op(C.conv2d, None),
    'max_pool_2d': Op(C.max_pool_2d, same_as_first),
    'pool_2d': Op(PP.pool, None),          # the other modes, padding (pool_primitives)
}


# fused ops: only the rewrite passes create them (fusion.py), typed like the node they replace
OPS.update((name, Op(impl, None)) for name, impl in FUSED.items())


def raw_impl(op):
    """The plain-numpy version of an op, for nodes no gradient passes through."""
    impl = OPS[op].impl
    return getattr(impl, 'fun', impl)
