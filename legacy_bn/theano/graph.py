"""Symbolic variables: the nodes of a Theano-style expression graph.

A node is plain data: `op` (a name in the op table, `ops.OPS`), `inputs` (a
tuple of nodes) and `attrs` (a dict of static arguments such as `axis`).
Leaves use the op names 'input', 'shared' and 'constant'. Because nodes are
data, a rewrite pass can match a pattern (say `add(dot(x, W), b)`) and replace
it before compilation, the way Theano's optimizer did.

`dtype` and `ndim` are known when a node is built (from the op's type rule),
so errors such as an update changing the number of dimensions are caught by
`function()`, not in the middle of a training run.
"""
import copy
import numbers

import numpy as np


class Variable:
    """A symbolic tensor: the result of `op` applied to `inputs`."""

    __slots__ = ('op', 'inputs', 'attrs', 'dtype', 'ndim', 'name', '_eval_fn', '_is_nonzero',
                 '__weakref__')

    def __init__(self, op, inputs=(), attrs=None, dtype=None, ndim=None, name=None):
        self.op = op
        self.inputs = tuple(inputs)
        self.attrs = attrs if attrs is not None else {}
        self.dtype = str(np.dtype(dtype))
        self.ndim = ndim
        self.name = name
        self._eval_fn = None
        self._is_nonzero = True

    # -- identity and printing --------------------------------------------
    def __repr__(self):
        return self.name if self.name else '%s{%s, %dd}' % (self.op, self.dtype, self.ndim)

    def describe(self):
        """How error messages refer to this variable: its name, or op and type."""
        kind = {0: 'scalar', 1: 'vector', 2: 'matrix'}.get(self.ndim, '%dd tensor' % self.ndim)
        label = ("'%s'" % self.name) if self.name else \
            'an unnamed input' if self.op == 'input' else 'a %s result' % self.op
        return '%s (%s %s)' % (label, self.dtype, kind)

    def __bool__(self):
        # Theano 0.8's rule: every variable is true (`if not W:` tests for None), except
        # the result of a Python comparison operator (`if x > 0:`, `a < b < c`): an error.
        if self._is_nonzero:
            return True
        raise TypeError('%s is the result of a comparison of symbolic values: it has no truth '
                        'value until a function is called; use T.switch for a conditional, '
                        'T.and_/T.or_ to combine comparisons' % self.describe())

    def __iter__(self):
        # a vector of known length unpacks, as in Theano: `b, ch, r, c = X.shape`
        n = vector_length(self)
        if n is None:
            raise TypeError('%s is symbolic and cannot be iterated; index it instead'
                            % self.describe())
        return iter([self[i] for i in range(n)])

    # -- arithmetic (Python operators build nodes) ------------------------
    def __add__(self, other): return apply('add', self, other)
    def __radd__(self, other): return apply('add', other, self)
    def __sub__(self, other): return apply('sub', self, other)
    def __rsub__(self, other): return apply('sub', other, self)
    def __mul__(self, other): return apply('mul', self, other)
    def __rmul__(self, other): return apply('mul', other, self)
    def __truediv__(self, other): return apply('true_div', self, other)
    def __rtruediv__(self, other): return apply('true_div', other, self)
    def __floordiv__(self, other): return apply('floor_div', self, other)
    def __rfloordiv__(self, other): return apply('floor_div', other, self)
    def __mod__(self, other): return apply('mod', self, other)
    def __rmod__(self, other): return apply('mod', other, self)
    def __pow__(self, other): return apply('pow', self, other)
    def __rpow__(self, other): return apply('pow', other, self)
    def __neg__(self): return apply('neg', self)
    def __pos__(self): return self
    def __abs__(self): return apply('abs', self)
    def __lt__(self, other): return _no_truth(apply('lt', self, other))
    def __le__(self, other): return _no_truth(apply('le', self, other))
    def __gt__(self, other): return _no_truth(apply('gt', self, other))
    def __ge__(self, other): return _no_truth(apply('ge', self, other))
    def __and__(self, other): return apply('and_', self, other)
    def __rand__(self, other): return apply('and_', other, self)
    def __or__(self, other): return apply('or_', self, other)
    def __ror__(self, other): return apply('or_', other, self)
    def __xor__(self, other): return apply('xor', self, other)
    def __invert__(self): return apply('invert', self)
    # `==` stays identity (as in Theano): nodes are dictionary keys. Use T.eq.
    __hash__ = object.__hash__

    # numpy must defer to us in `ndarray * variable`, not loop over the array.
    __array_priority__ = 1000
    __array_ufunc__ = None

    # -- tensor methods -----------------------------------------------------
    def __getitem__(self, index):
        from .tensor import basic
        return basic.subtensor(self, index)

    @property
    def shape(self):
        return apply('shape', self)

    @property
    def T(self):
        return self.dimshuffle(*reversed(range(self.ndim)))

    def dimshuffle(self, *pattern):
        from .tensor import basic
        return basic.dimshuffle(self, *pattern)

    def reshape(self, shape, ndim=None):
        from .tensor import basic
        return basic.reshape(self, shape, ndim)

    def flatten(self, outdim=1):
        from .tensor import basic
        return basic.flatten(self, outdim)

    def astype(self, dtype):
        from .tensor import basic
        return basic.cast(self, dtype)

    def sum(self, axis=None, dtype=None, keepdims=False, acc_dtype=None):
        from .tensor import basic
        return basic.sum(self, axis, dtype, keepdims)

    def mean(self, axis=None, dtype=None, keepdims=False, acc_dtype=None):
        from .tensor import basic
        return basic.mean(self, axis, dtype, keepdims)

    def var(self, axis=None, keepdims=False):
        from .tensor import basic
        return basic.var(self, axis, keepdims)

    def std(self, axis=None, keepdims=False):
        from .tensor import basic
        return basic.std(self, axis, keepdims)

    def max(self, axis=None, keepdims=False):
        from .tensor import basic
        return basic.max(self, axis, keepdims)

    def min(self, axis=None, keepdims=False):
        from .tensor import basic
        return basic.min(self, axis, keepdims)

    def prod(self, axis=None, dtype=None, keepdims=False):
        from .tensor import basic
        return basic.prod(self, axis, dtype, keepdims)

    def argmax(self, axis=None, keepdims=False):
        from .tensor import basic
        return basic.argmax(self, axis, keepdims)

    def argmin(self, axis=None, keepdims=False):
        from .tensor import basic
        return basic.argmin(self, axis, keepdims)

    def nonzero(self, return_matrix=False):
        from .tensor import basic
        return basic.nonzero(self, return_matrix)

    def eval(self, inputs_to_values=None):
        """Evaluate with the current shared values (and values for any listed inputs)."""
        from .compile import function
        if inputs_to_values:
            inputs = list(inputs_to_values)
            return function(inputs, self)(*[inputs_to_values[i] for i in inputs])
        if self._eval_fn is None:
            self._eval_fn = function([], self)
        return self._eval_fn()


def _no_truth(var):
    var._is_nonzero = False
    return var


class SharedVariable(Variable):
    """A variable whose value persists between calls (`theano.shared`)."""

    __slots__ = ('_value', 'default_update')

    def __init__(self, value, name=None):
        super().__init__('shared', dtype=value.dtype, ndim=value.ndim, name=name)
        self._value = value
        # an expression function() uses as this variable's update when none is given
        # (unless no_default_updates); a RandomStreams draw sets its generator's
        self.default_update = None

    def get_value(self, borrow=False, return_internal_type=False):
        return self._value if borrow else self._value.copy()

    def set_value(self, value, borrow=False):
        value = filter_value(value, self, allow_downcast=None, what='set_value')
        if not borrow and value is not None:
            value = np.array(value, copy=True)
        self._value = value

    @property
    def value(self):            # Theano <0.7 spelling, still seen in old scripts
        return self.get_value()

    @value.setter
    def value(self, v):
        self.set_value(v)


def shared(value, name=None, borrow=False, strict=False, allow_downcast=None):
    """theano.shared: a SharedVariable holding (a copy of) `value`."""
    if isinstance(value, Variable):
        raise TypeError('shared() needs a value, got the symbolic %s' % value.describe())
    if isinstance(value, np.random.RandomState):      # Theano's RandomStateSharedVariable
        from .tensor.shared_randomstreams import RandomStateSharedVariable
        return RandomStateSharedVariable(value if borrow else copy.deepcopy(value), name=name)
    arr = value if borrow and isinstance(value, np.ndarray) else np.array(value)
    if arr.dtype.kind not in 'biuf':
        raise TypeError('shared(%s): dtype %s is not a numeric tensor type'
                        % (name or '', arr.dtype))
    return SharedVariable(arr, name=name)


def autocast_float(value):
    """The dtype Theano 0.8 gave a Python float constant: floatX when that is float32;
    otherwise float32 if the value is exact in float32 (0.5, 0.0), else float64 (0.01)."""
    from .configparser import config
    if config.floatX == 'float32' or float(np.float32(value)) == value:
        return 'float32'
    return 'float64'


def constant(value, name=None, dtype=None):
    """A constant node. Python numbers stay Python numbers so that numpy's NEP 50
    rule keeps `float32_tensor * 0.5` in float32, which is what Theano did too. A
    float that Theano made float64 (one not exact in float32, when floatX is float64)
    is a float64 constant, so `float32_tensor * 0.01` is float64 there, as in Theano."""
    if isinstance(value, Variable):
        return value
    if dtype is None and type(value) is float and autocast_float(value) == 'float64':
        dtype = np.float64
    if dtype is None and isinstance(value, (bool, numbers.Number)) and not isinstance(value, np.generic):
        kind = np.asarray(value).dtype
        return Variable('constant', attrs={'value': value}, dtype=kind, ndim=0, name=name)
    arr = np.asarray(value, dtype=dtype)
    if arr.dtype.kind not in 'biuf':
        raise TypeError('cannot make a tensor constant of dtype %s from %r' % (arr.dtype, value))
    return Variable('constant', attrs={'value': arr}, dtype=arr.dtype, ndim=arr.ndim, name=name)


def as_variable(x):
    return x if isinstance(x, Variable) else constant(x)


def apply(op, *inputs, out_type=None, **attrs):
    """Build the node `op(*inputs)`; its dtype and ndim come from the op's type
    rule, or from `out_type=(dtype, ndim)` for ops whose type depends on values
    known only to the builder (reshape, subtensor, ...)."""
    from .ops import OPS
    inputs = tuple(as_variable(i) for i in inputs)
    if op not in OPS:
        raise NotImplementedError('no op named %r in the op table' % op)
    dtype, ndim = out_type if out_type is not None else OPS[op].infer(inputs, **attrs)
    return Variable(op, inputs, attrs, dtype, ndim)


def vector_length(var):
    """The length of a 1-d variable when the graph fixes it (a shape, a make_vector, a
    constant), else None."""
    if var.ndim != 1:
        return None
    if var.op == 'shape':
        return var.inputs[0].ndim
    if var.op == 'make_vector':
        return len(var.inputs)
    if var.op == 'constant':
        return len(var.attrs['value'])
    return None


def is_weak_scalar(var):
    """A Python-number constant (it adapts to the other operand's dtype)."""
    return var.op == 'constant' and not isinstance(var.attrs['value'], np.ndarray)


# -- checking values against a variable's type ---------------------------------
def filter_value(data, var, allow_downcast, what):
    """Convert `data` for `var` as Theano's TensorType.filter did.

    An ndarray passes if it has the dtype or safely upcasts to it (int8 ->
    float32, float32 -> float64); other data (lists, Python numbers) passes if
    the conversion is exact; a Python float always becomes a floatX input.
    Anything lossier needs allow_downcast. The number of dimensions must match.
    """
    from .configparser import config
    if isinstance(data, Variable):
        raise TypeError('%s: %s expects a value, got the symbolic %s'
                        % (what, var.describe(), data.describe()))
    target = np.dtype(var.dtype)
    if isinstance(data, np.ndarray) and data.dtype == target:
        arr = data
    elif data is None:
        raise TypeError('%s: %s is missing (got None)' % (what, var.describe()))
    elif allow_downcast == 'strict':           # theano.In(strict=True): no conversion at all
        raise TypeError('%s: %s is strict: it takes only an ndarray of dtype %s, got %s'
                        % (what, var.describe(), target,
                           getattr(data, 'dtype', type(data).__name__)))
    elif type(data) is float and allow_downcast is None and target == config.floatX:
        arr = np.asarray(data, dtype=target)
    else:
        original = data if isinstance(data, np.ndarray) else _as_array(data, var, what)
        if original.dtype.kind == 'O':      # numbers in an object array: their own dtype
            original = _as_array(original.tolist(), var, what)
        if original.dtype.kind not in 'biufc':
            raise TypeError('%s: %s needs numbers, got data of dtype %s'
                            % (what, var.describe(), original.dtype))
        if allow_downcast:
            arr = original.astype(target)
        elif isinstance(data, np.ndarray) and data.dtype.kind != 'O':
            if not np.can_cast(data.dtype, target, 'safe'):
                raise TypeError(_lossy(what, var, data.dtype))
            arr = data.astype(target)
        else:
            arr = original.astype(target)
            if not np.array_equal(arr, original, equal_nan=original.dtype.kind == 'f'):
                raise TypeError(_lossy(what, var, original.dtype))
    if arr.ndim != var.ndim:
        raise TypeError('%s: %s needs %d dimensions, got data of shape %s'
                        % (what, var.describe(), var.ndim, arr.shape))
    return arr


def _as_array(data, var, what):
    """np.asarray(data), or an error naming the input (ragged nested lists)."""
    try:
        arr = np.asarray(data)
    except ValueError as e:
        raise ValueError('%s: %s got nested lists that do not form an array (%s)'
                         % (what, var.describe(), e)) from None
    return arr


def _lossy(what, var, dtype):
    return ('%s: %s cannot take data of dtype %s without risking loss of precision; '
            'cast the data to %s, or pass allow_input_downcast=True to function()'
            % (what, var.describe(), dtype, var.dtype))


# -- walking graphs ------------------------------------------------------------
def toposort(outputs):
    """All nodes the outputs depend on, each after its inputs (iterative DFS)."""
    order, seen = [], set()
    for out in outputs:
        if id(out) in seen:
            continue
        stack = [(out, iter(out.inputs))]
        seen.add(id(out))
        while stack:
            node, children = stack[-1]
            for child in children:
                if id(child) not in seen:
                    seen.add(id(child))
                    stack.append((child, iter(child.inputs)))
                    break
            else:
                stack.pop()
                order.append(node)
    return order


def clone_replace(roots, replace):
    """The roots with every node whose id is a key of `replace` replaced by its value,
    all at once (the replacements themselves are not searched). Nodes whose inputs
    change are copied; the caller's graph is not changed."""
    memo = dict(replace)
    for node in toposort(roots):
        if id(node) in memo:
            continue
        inputs = tuple(memo.get(id(i), i) for i in node.inputs)
        if any(a is not b for a, b in zip(inputs, node.inputs)):
            memo[id(node)] = Variable(node.op, inputs, node.attrs, node.dtype, node.ndim, node.name)
        else:
            memo[id(node)] = node
    return [memo[id(r)] for r in roots]


def depends_on(outputs, targets):
    """The set of nodes (ids) among toposort(outputs) that depend on any of `targets`."""
    targets = set(id(t) for t in targets)
    hit = set()
    for node in toposort(outputs):
        if id(node) in targets or any(id(i) in hit for i in node.inputs):
            hit.add(id(node))
    return hit
