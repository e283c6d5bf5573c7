"""Values of the tensor ops (SPEC §1) against plain numpy, in float64 and float32.

Each op is compiled with `theano.function` and compared to the numpy formula; float32
inputs must give float32 outputs (Theano never silently upcast a float32 graph).
"""
import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn.theano.tensor import nnet
from legacy_bn.theano.graph import Variable

_CONSTRUCTORS = (T.scalar, T.vector, T.matrix, T.tensor3, T.tensor4)
F64 = dict(rtol=1e-12, atol=1e-14)
F32 = dict(rtol=1e-5, atol=1e-6)


def data(shape, low=-2.0, high=2.0, seed=0):
    return np.random.RandomState(seed).uniform(low, high, size=shape)


def run(build, *values):
    """Compile build(*inputs) for symbolic inputs with the ndim and dtype of `values`, call it on them."""
    inputs = [_CONSTRUCTORS[np.ndim(v)]('in%d' % i, dtype=str(np.asarray(v).dtype))
              for i, v in enumerate(values)]
    return theano.function(inputs, build(*inputs))(*values)


def np_sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def np_softmax(a):
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# -- elementwise, one input ---------------------------------------------------------
ANY, POSITIVE, WIDE = (-2.0, 2.0), (0.1, 3.0), (-4.0, 4.0)
UNARY = [
    ('neg', lambda x: -x, np.negative, ANY),
    ('abs()', abs, np.abs, ANY),
    ('T.abs_', T.abs_, np.abs, ANY),
    ('T.sqr', T.sqr, np.square, ANY),
    ('T.sqrt', T.sqrt, np.sqrt, POSITIVE),
    ('T.exp', T.exp, np.exp, ANY),
    ('T.log', T.log, np.log, POSITIVE),
    ('T.tanh', T.tanh, np.tanh, ANY),
    ('nnet.sigmoid', nnet.sigmoid, np_sigmoid, WIDE),
    ('T.nnet.sigmoid', T.nnet.sigmoid, np_sigmoid, WIDE),
    ('nnet.softplus', nnet.softplus, lambda a: np.log1p(np.exp(a)), WIDE),
    ('nnet.hard_sigmoid', nnet.hard_sigmoid, lambda a: np.clip(0.2 * a + 0.5, 0, 1), WIDE),
    ('x**2', lambda x: x ** 2, np.square, ANY),
    ('x**3', lambda x: x ** 3, lambda a: a ** 3, ANY),
    ('x**0.5', lambda x: x ** 0.5, np.sqrt, POSITIVE),
    ('2**x', lambda x: 2 ** x, lambda a: 2.0 ** a, ANY),
    ('T.zeros_like', T.zeros_like, np.zeros_like, ANY),
    ('T.ones_like', T.ones_like, np.ones_like, ANY),
    ('x*0.5', lambda x: x * 0.5, lambda a: a * 0.5, ANY),
    ('2-x', lambda x: 2 - x, lambda a: 2 - a, ANY),
    ('3/x', lambda x: 3 / x, lambda a: 3 / a, POSITIVE),
    ('x/3', lambda x: x / 3, lambda a: a / 3, ANY),
    ('1+x', lambda x: 1 + x, lambda a: 1 + a, ANY),
    ('1.5*x', lambda x: 1.5 * x, lambda a: 1.5 * a, ANY),
]
SHAPES = [(), (5,), (3, 4), (2, 3, 4), (2, 1, 3, 2)]


@pytest.mark.parametrize('shape', SHAPES, ids=str)
@pytest.mark.parametrize('name,build,reference,domain', UNARY, ids=[u[0] for u in UNARY])
def test_unary_float64(name, build, reference, domain, shape):
    a = data(shape, *domain)
    out = run(build, a)
    assert out.dtype == np.float64 and out.shape == shape
    np.testing.assert_allclose(out, reference(a), **F64)


@pytest.mark.parametrize('name,build,reference,domain', UNARY, ids=[u[0] for u in UNARY])
def test_unary_float32_stays_float32(name, build, reference, domain, monkeypatch):
    # a float32 run (with floatX=float64, Theano made hard_sigmoid's 0.2 a float64 constant)
    monkeypatch.setattr(theano.config, 'floatX', 'float32')
    a = data((3, 4), *domain).astype(np.float32)
    out = run(build, a)
    assert out.dtype == np.float32, '%s turned float32 into %s' % (name, out.dtype)
    np.testing.assert_allclose(out, reference(a.astype(np.float64)), **F32)


def test_round_is_half_away_from_zero():
    # Theano 0.8's T.round default; numpy's np.round would give 0, 2, 2, -0, -2, -2.
    a = np.array([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.4, -0.6, 2.0])
    np.testing.assert_array_equal(run(T.round, a), [1, 2, 3, -1, -2, -3, 0, -1, 2])
    assert run(T.round, a.astype(np.float32)).dtype == np.float32


# -- elementwise, two inputs, with broadcasting -------------------------------------
BINARY = [
    ('+', lambda x, y: x + y, np.add),
    ('-', lambda x, y: x - y, np.subtract),
    ('*', lambda x, y: x * y, np.multiply),
    ('/', lambda x, y: x / y, np.divide),
    ('**', lambda x, y: abs(x) ** y, lambda a, b: np.abs(a) ** b),
    ('T.maximum', T.maximum, np.maximum),
    ('T.minimum', T.minimum, np.minimum),
]
BROADCAST_SHAPES = [((3, 4), (3, 4)), ((3, 1), (1, 4)), ((2, 3, 4), (4,)), ((4,), (2, 3, 4)),
                    ((), (3, 4)), ((3, 4), ()), ((2, 1, 4), (3, 1))]


@pytest.mark.parametrize('shapes', BROADCAST_SHAPES, ids=str)
@pytest.mark.parametrize('name,build,reference', BINARY, ids=[b[0] for b in BINARY])
def test_binary_broadcasting(name, build, reference, shapes):
    a, b = data(shapes[0], seed=1), data(shapes[1], 0.5, 2.0, seed=2)
    out = run(build, a, b)
    expected = reference(a, b)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, **F64)


@pytest.mark.parametrize('name,build,reference', BINARY, ids=[b[0] for b in BINARY])
def test_binary_float32(name, build, reference):
    a, b = data((3, 4), seed=1).astype(np.float32), data((4,), 0.5, 2.0, seed=2).astype(np.float32)
    out = run(build, a, b)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, reference(a.astype(np.float64), b.astype(np.float64)), **F32)


def test_mixed_float32_float64_upcasts_to_float64():
    # Theano's rule (numpy's too): float32 op float64 -> float64.
    a32, b64 = data((3, 4)).astype(np.float32), data((3, 4), seed=3)
    out = run(lambda x, y: x * y, a32, b64)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, a32.astype(np.float64) * b64, **F64)


def test_dimshuffle_broadcast_outer_sum():
    # The Theano way to broadcast: add 'x' axes, then (3,1) + (1,4) -> (3,4).
    u, v = data((3,), seed=4), data((4,), seed=5)
    out = run(lambda x, y: x.dimshuffle(0, 'x') + y.dimshuffle('x', 0), u, v)
    np.testing.assert_allclose(out, u[:, None] + v[None, :], **F64)


# -- reflected operators with numpy arrays and Python numbers -----------------------
REFLECTED = [
    ('2 - x', lambda x, c: 2 - x, lambda a, c: 2 - a),
    ('2.5 * x', lambda x, c: 2.5 * x, lambda a, c: 2.5 * a),
    ('2 / x', lambda x, c: 2 / x, lambda a, c: 2 / a),
    ('2 ** x', lambda x, c: 2 ** x, lambda a, c: 2.0 ** a),
    ('1 + x', lambda x, c: 1 + x, lambda a, c: 1 + a),
    ('arr * x', lambda x, c: c * x, lambda a, c: c * a),
    ('arr - x', lambda x, c: c - x, lambda a, c: c - a),
    ('arr / x', lambda x, c: c / x, lambda a, c: c / a),
    ('arr + x', lambda x, c: c + x, lambda a, c: c + a),
    ('arr ** x', lambda x, c: c ** x, lambda a, c: c ** a),
    ('x - arr', lambda x, c: x - c, lambda a, c: a - c),
    ('x / arr', lambda x, c: x / c, lambda a, c: a / c),
    ('x ** arr', lambda x, c: x ** c, lambda a, c: a ** c),
]


@pytest.mark.parametrize('name,build,reference', REFLECTED, ids=[r[0] for r in REFLECTED])
def test_reflected_operators(name, build, reference):
    a, c = data((3, 4), 0.5, 2.0, seed=6), data((3, 4), 0.5, 2.0, seed=7)
    x = T.dmatrix('x')
    expr = build(x, c)
    # numpy must not loop over the array and hand back an object array of nodes
    assert isinstance(expr, Variable) and expr.ndim == 2
    np.testing.assert_allclose(theano.function([x], expr)(a), reference(a, c), **F64)


def test_python_numbers_keep_float32():
    x = T.matrix('x', dtype='float32')
    for expr in (x * 0.5, 2 - x, 3 / x, x / 3, x ** 2, 2 ** x, x + 1, -x, abs(x),
                 T.clip(x, 0, 1), T.maximum(x, 0.), T.switch(x > 0, x, 0)):
        assert expr.dtype == 'float32', expr


# -- comparisons: int8 0/1 ------------------------------------------------------------
COMPARISONS = [
    ('T.eq', T.eq, np.equal), ('T.neq', T.neq, np.not_equal),
    ('T.gt', T.gt, np.greater), ('T.ge', T.ge, np.greater_equal),
    ('T.lt', T.lt, np.less), ('T.le', T.le, np.less_equal),
    ('>', lambda x, y: x > y, np.greater), ('>=', lambda x, y: x >= y, np.greater_equal),
    ('<', lambda x, y: x < y, np.less), ('<=', lambda x, y: x <= y, np.less_equal),
]


@pytest.mark.parametrize('dtype', ['float64', 'float32'])
@pytest.mark.parametrize('name,build,reference', COMPARISONS, ids=[c[0] for c in COMPARISONS])
def test_comparisons_return_int8(name, build, reference, dtype):
    # integer-valued data so that ties occur
    a = np.random.RandomState(8).randint(-2, 3, size=(4, 5)).astype(dtype)
    b = np.random.RandomState(9).randint(-2, 3, size=(5,)).astype(dtype)
    out = run(build, a, b)
    assert out.dtype == np.int8
    np.testing.assert_array_equal(out, reference(a, b).astype(np.int8))
    scalar_out = run(lambda x: build(x, 0), a)
    assert scalar_out.dtype == np.int8
    np.testing.assert_array_equal(scalar_out, reference(a, 0).astype(np.int8))


def test_comparison_times_float_is_a_float_mask():
    a = np.array([-1.0, 0.0, 2.0])
    out = run(lambda x: (x > 0) * x, a)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [0, 0, 2])


# -- clip, switch, cast -----------------------------------------------------------------
def test_clip(monkeypatch):
    a = np.array([[-2.0, 0.0, 0.3], [1.0, 1.5, -0.0]])
    np.testing.assert_array_equal(run(lambda x: T.clip(x, 0, 1), a), np.clip(a, 0, 1))
    lo, hi = np.full((2, 3), -0.5), np.array([0.2, 0.5, 1.2])
    np.testing.assert_array_equal(run(T.clip, a, lo, hi), np.clip(a, lo, hi))
    assert run(lambda x: T.clip(x, 0.25, 0.5), a.astype(np.float32)).dtype == np.float32
    monkeypatch.setattr(theano.config, 'floatX', 'float32')   # 1e-7 is float32 only there
    assert run(lambda x: T.clip(x, 1e-7, 1 - 1e-7), a.astype(np.float32)).dtype == np.float32


def test_switch():
    a = data((3, 4), seed=10)
    np.testing.assert_array_equal(run(lambda x: T.switch(x > 0, x, 0), a), np.where(a > 0, a, 0))
    c = np.array([1, 0, 1, 0], dtype=np.int8)
    b1, b2 = data((3, 4), seed=11), data((3, 4), seed=12)
    np.testing.assert_array_equal(run(T.switch, c, b1, b2), np.where(c, b1, b2))
    # the condition broadcasts against (3, 4) branches
    np.testing.assert_array_equal(run(lambda x, y: T.switch(T.ge(x, 0), x, y), b1[:, :1], b2),
                                  np.where(b1[:, :1] >= 0, b1[:, :1], b2))


def test_cast_and_astype():
    a = np.array([-1.7, -0.5, 0.5, 1.7, 3.0])
    out = run(lambda x: T.cast(x, 'float32'), a)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, a.astype(np.float32))
    out = run(lambda x: x.astype('int32'), a)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, [-1, 0, 0, 1, 3])        # truncation, like C
    assert run(lambda x: T.cast(x, 'floatX'), a.astype(np.float32)).dtype == theano.config.floatX
    assert run(lambda x: T.cast(x > 0, 'float32'), a).dtype == np.float32


# -- reductions -------------------------------------------------------------------------
def np_population_std(a, axis=None, keepdims=False):
    return np.std(a, axis=axis, keepdims=keepdims)      # ddof=0


REDUCTIONS = [
    ('sum', lambda x, **k: x.sum(**k), np.sum),
    ('T.sum', lambda x, **k: T.sum(x, **k), np.sum),
    ('mean', lambda x, **k: x.mean(**k), np.mean),
    ('T.mean', lambda x, **k: T.mean(x, **k), np.mean),
    ('max', lambda x, **k: x.max(**k), np.max),
    ('T.max', lambda x, **k: T.max(x, **k), np.max),
    ('min', lambda x, **k: x.min(**k), np.min),
    ('T.min', lambda x, **k: T.min(x, **k), np.min),
    ('prod', lambda x, **k: x.prod(**k), np.prod),
    ('T.prod', lambda x, **k: T.prod(x, **k), np.prod),
    ('std', lambda x, **k: x.std(**k), np_population_std),
    ('var', lambda x, **k: x.var(**k), np.var),
]
AXES = [None, 0, 1, 2, -1, (0, 2), (1, 2), (0, 1, 2)]


@pytest.mark.parametrize('keepdims', [False, True])
@pytest.mark.parametrize('axis', AXES, ids=str)
@pytest.mark.parametrize('name,build,reference', REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
def test_reductions(name, build, reference, axis, keepdims):
    a = data((2, 3, 4), 0.5, 1.5, seed=13)
    out = run(lambda x: build(x, axis=axis, keepdims=keepdims), a)
    expected = reference(a, axis=axis, keepdims=keepdims)
    assert np.shape(out) == np.shape(expected)
    np.testing.assert_allclose(out, expected, **F64)


@pytest.mark.parametrize('name,build,reference', REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
def test_reductions_float32(name, build, reference):
    a = data((3, 4), 0.5, 1.5, seed=14).astype(np.float32)
    for axis in (None, 0, 1):
        out = run(lambda x: build(x, axis=axis), a)
        assert out.dtype == np.float32, '%s(axis=%s) gave %s' % (name, axis, out.dtype)
        np.testing.assert_allclose(out, reference(a.astype(np.float64), axis=axis), **F32)


def test_reduction_without_keepdims_defaults():
    a = data((2, 3), seed=15)
    assert run(lambda x: x.sum(), a).shape == ()
    assert run(lambda x: T.mean(x, axis=0), a).shape == (3,)
    assert run(lambda x: T.max(x, axis=-1), a).shape == (2,)


def test_std_var_are_population():
    a = np.array([1.0, 2.0, 3.0, 5.0])
    np.testing.assert_allclose(run(lambda x: x.var(), a), 2.1875, **F64)       # /N, not /(N-1)
    np.testing.assert_allclose(run(lambda x: x.std(), a), np.sqrt(2.1875), **F64)


def test_float32_sum_accumulates_in_float64():
    # SPEC §0: Theano accumulated float32 reductions in float64, then rounded once.
    a = np.random.RandomState(16).uniform(0, 1, size=100001).astype(np.float32)
    exact_sum = np.float32(np.sum(a.astype(np.float64)))
    exact_mean = np.float32(np.mean(a.astype(np.float64)))
    assert run(lambda x: x.sum(), a) == exact_sum
    assert run(lambda x: x.mean(), a) == exact_mean


@pytest.mark.parametrize('axis', [None, 0, 1, -1])
def test_argmax(axis):
    a = data((4, 5), seed=17)
    for build in (lambda x: x.argmax(axis=axis), lambda x: T.argmax(x, axis=axis)):
        out = run(build, a)
        assert out.dtype == np.int64
        np.testing.assert_array_equal(out, np.argmax(a, axis=axis))


def test_argmax_keepdims_and_float32():
    a = data((4, 5), seed=18)
    np.testing.assert_array_equal(run(lambda x: T.argmax(x, axis=1, keepdims=True), a),
                                  np.argmax(a, axis=1)[:, None])
    np.testing.assert_array_equal(run(lambda x: T.argmax(x, axis=1), a.astype(np.float32)),
                                  np.argmax(a, axis=1))


def test_integer_reductions():
    a = np.array([[1, 0, 1], [1, 1, 1]], dtype=np.int8)
    total = run(lambda x: x.sum(), a)
    assert total == 5 and total.dtype == np.int64      # Theano sums int8 into int64
    mean = run(lambda x: x.mean(), a)
    assert mean.dtype == np.float64 and mean == pytest.approx(5 / 6)


# -- dot ---------------------------------------------------------------------------------
DOT_SHAPES = [((3, 4), (4, 2)), ((3, 4), (4,)), ((4,), (4, 3)), ((4,), (4,)),
              ((2, 3, 4), (4, 5)), ((), (3, 4))]


@pytest.mark.parametrize('shapes', DOT_SHAPES, ids=str)
def test_dot(shapes):
    a, b = data(shapes[0], seed=19), data(shapes[1], seed=20)
    out = run(T.dot, a, b)
    np.testing.assert_allclose(out, np.dot(a, b), **F64)
    out32 = run(T.dot, a.astype(np.float32), b.astype(np.float32))
    assert out32.dtype == np.float32
    np.testing.assert_allclose(out32, np.dot(a, b), **F32)


def test_dot_of_a_transposed_nd_tensor_with_a_matrix():
    # the N-D x 2-D case runs as one 2-D product (numpy's N-D dot skips BLAS)
    a, b = data((3, 2, 5, 4), seed=21), data((4, 6), seed=22)
    x = T.tensor4()
    out = theano.function([x], T.dot(x.dimshuffle(2, 0, 1, 3), T.constant(b)))(a)
    np.testing.assert_allclose(out, np.einsum('ijkl,lm->kijm', a, b), **F64)


# -- shapes: reshape, flatten, dimshuffle, .T, .shape -----------------------------------
def test_reshape():
    a = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(run(lambda x: x.reshape((4, 6)), a), a.reshape(4, 6))
    np.testing.assert_array_equal(run(lambda x: x.reshape((2, -1)), a), a.reshape(2, -1))
    np.testing.assert_array_equal(run(lambda x: T.reshape(x, (24,)), a), a.reshape(24))
    np.testing.assert_array_equal(run(lambda x: x.reshape((6, 2, 2)), a), a.reshape(6, 2, 2))


def test_reshape_with_symbolic_shape():
    a = np.arange(24.0).reshape(2, 3, 4)
    # Keras Flatten: X.reshape((X.shape[0], T.prod(X.shape[1:])))
    out = run(lambda x: x.reshape((x.shape[0], T.prod(x.shape[1:]))), a)
    np.testing.assert_array_equal(out, a.reshape(2, 12))
    # Keras Reshape: X.reshape((X.shape[0],) + dims)
    out = run(lambda x: x.reshape((x.shape[0],) + (4, 3)), a)
    np.testing.assert_array_equal(out, a.reshape(2, 4, 3))
    expr = T.dtensor3('x').reshape((T.dtensor3('x').shape[0], -1))
    assert expr.ndim == 2


def test_flatten():
    a = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(run(lambda x: x.flatten(), a), a.ravel())
    np.testing.assert_array_equal(run(lambda x: x.flatten(2), a), a.reshape(2, 12))
    assert T.tensor4().flatten(2).ndim == 2


DIMSHUFFLES = [
    ((3, 4), (1, 0), lambda a: a.T),
    ((3, 4), ('x', 0, 1), lambda a: a[None]),
    ((3, 4), (0, 'x', 1), lambda a: a[:, None, :]),
    ((3, 4), (1, 'x', 0), lambda a: a.T[:, None, :]),
    ((4,), ('x', 0), lambda a: a[None, :]),
    ((4,), (0, 'x'), lambda a: a[:, None]),
    ((2, 3, 4), (2, 0, 1), lambda a: a.transpose(2, 0, 1)),
    ((2, 3, 4), (0, 2, 1), lambda a: a.transpose(0, 2, 1)),
    ((), ('x', 'x'), lambda a: a.reshape(1, 1)),
]


@pytest.mark.parametrize('shape,pattern,reference', DIMSHUFFLES, ids=[str(d[1]) for d in DIMSHUFFLES])
def test_dimshuffle(shape, pattern, reference):
    a = data(shape, seed=21)
    out = run(lambda x: x.dimshuffle(*pattern), a)
    np.testing.assert_array_equal(out, reference(a))
    out = run(lambda x: x.dimshuffle(pattern), a)            # Theano also takes one tuple
    np.testing.assert_array_equal(out, reference(a))


def test_dimshuffle_broadcasts_a_bias():
    m, b = data((3, 4), seed=22), data((4,), seed=23)
    np.testing.assert_allclose(run(lambda x, y: x + y.dimshuffle('x', 0), m, b), m + b, **F64)


def test_transpose_property():
    a = data((2, 3, 4), seed=24)
    np.testing.assert_array_equal(run(lambda x: x.T, a), a.T)
    assert T.matrix().T.ndim == 2 and T.vector().T.ndim == 1


def test_symbolic_shape():
    a = np.zeros((3, 5, 2))
    out = run(lambda x: x.shape, a)
    np.testing.assert_array_equal(out, [3, 5, 2])
    assert run(lambda x: x.shape[0], a) == 3
    assert run(lambda x: x.shape[-1], a) == 2
    assert run(lambda x: x.shape[0] * x.shape[1], a) == 15
    np.testing.assert_array_equal(run(lambda x: x.shape[1:], a), [5, 2])
    # a mean over the batch written with the symbolic batch size
    b = np.arange(6.0).reshape(3, 2)
    np.testing.assert_allclose(run(lambda x: x.sum(axis=0) / x.shape[0], b), b.mean(axis=0), **F64)
    assert run(lambda x: T.shape(x)[1], a) == 5


# -- indexing -----------------------------------------------------------------------------
INDEXES = [
    ('[1]', lambda x: x[1], lambda a: a[1]),
    ('[-1]', lambda x: x[-1], lambda a: a[-1]),
    ('[:, 1]', lambda x: x[:, 1], lambda a: a[:, 1]),
    ('[1:3]', lambda x: x[1:3], lambda a: a[1:3]),
    ('[::-1]', lambda x: x[::-1], lambda a: a[::-1]),
    ('[:, ::2]', lambda x: x[:, ::2], lambda a: a[:, ::2]),
    ('[1, 2]', lambda x: x[1, 2], lambda a: a[1, 2]),
    ('[-2:, 1:-1]', lambda x: x[-2:, 1:-1], lambda a: a[-2:, 1:-1]),
    ('[[0, 2, 2]]', lambda x: x[np.array([0, 2, 2])], lambda a: a[[0, 2, 2]]),
]


@pytest.mark.parametrize('name,build,reference', INDEXES, ids=[i[0] for i in INDEXES])
def test_indexing(name, build, reference):
    a = np.arange(20.0).reshape(4, 5)
    out = run(build, a)
    np.testing.assert_array_equal(out, reference(a))
    assert build(T.matrix()).ndim == np.ndim(reference(a))


def test_indexing_with_symbolic_indices():
    x, i, idx = T.dmatrix('x'), T.lscalar('i'), T.lvector('idx')
    a = np.arange(20.0).reshape(4, 5)
    f = theano.function([x, i, idx], [x[i], x[idx], x[:, i], x[i:i + 2], x[:x.shape[0] - 1]])
    row, rows, col, block, head = f(a, 2, np.array([3, 0, 3]))
    np.testing.assert_array_equal(row, a[2])
    np.testing.assert_array_equal(rows, a[[3, 0, 3]])
    np.testing.assert_array_equal(col, a[:, 2])
    np.testing.assert_array_equal(block, a[2:4])
    np.testing.assert_array_equal(head, a[:3])


def test_nonzero():
    a = np.array([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]])
    x = T.dmatrix('x')
    parts = x.nonzero()
    assert isinstance(parts, tuple) and len(parts) == 2
    out = theano.function([x], list(parts))(a)
    for got, want in zip(out, np.nonzero(a)):
        np.testing.assert_array_equal(got, want)
    # the usual use: pick the nonzero entries
    np.testing.assert_array_equal(run(lambda v: v[v.nonzero()], a), a[np.nonzero(a)])


# -- alloc, concatenate, zeros_like / ones_like --------------------------------------------
def test_alloc():
    out = run(lambda v: T.alloc(v, 3, 4), np.array([0.5, 1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(out, np.tile([0.5, 1.0, 2.0, 3.0], (3, 1)))
    out = run(lambda s: T.alloc(s, 2, 3), np.array(1.5))
    np.testing.assert_array_equal(out, np.full((2, 3), 1.5))
    out = run(lambda m: T.alloc(0.0, m.shape[0], 3), np.ones((5, 2)))     # symbolic dims
    assert out.shape == (5, 3) and not out.any()
    out = run(lambda v: T.alloc(v, 2, 3), np.array([1, 2, 3], dtype=np.float32))
    assert out.dtype == np.float32


@pytest.mark.parametrize('axis', [0, 1, -1])
def test_concatenate(axis):
    a, b, c = data((2, 3), seed=25), data((2, 3), seed=26), data((2, 3), seed=27)
    out = run(lambda x, y, z: T.concatenate([x, y, z], axis=axis), a, b, c)
    np.testing.assert_array_equal(out, np.concatenate([a, b, c], axis=axis))


def test_concatenate_unequal_lengths_and_float32():
    a, b = data((2, 3), seed=28), data((4, 3), seed=29)
    np.testing.assert_array_equal(run(lambda x, y: T.concatenate([x, y]), a, b),
                                  np.concatenate([a, b]))
    out = run(lambda x, y: T.concatenate([x, y]), a.astype(np.float32), b.astype(np.float32))
    assert out.dtype == np.float32


def test_zeros_like_ones_like_keep_dtype():
    for dtype in ('float32', 'float64', 'int32'):
        a = np.arange(6).reshape(2, 3).astype(dtype)
        z, o = run(T.zeros_like, a), run(T.ones_like, a)
        assert z.dtype == dtype and o.dtype == dtype
        np.testing.assert_array_equal(z, np.zeros((2, 3)))
        np.testing.assert_array_equal(o, np.ones((2, 3)))


# -- nnet -----------------------------------------------------------------------------------
def test_softmax_is_row_wise():
    a = data((4, 5), -3, 3, seed=30)
    out = run(nnet.softmax, a)
    np.testing.assert_allclose(out, np_softmax(a), **F64)
    np.testing.assert_allclose(out.sum(axis=1), np.ones(4), **F64)
    np.testing.assert_allclose(run(T.nnet.softmax, a), np_softmax(a), **F64)


def test_softmax_is_stable_and_keeps_float32():
    a = np.array([[1000.0, 1000.0, 0.0], [-1000.0, 0.0, 1000.0]])
    out = run(nnet.softmax, a)
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(out, [[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]], atol=1e-300)
    out32 = run(nnet.softmax, data((4, 5), seed=31).astype(np.float32))
    assert out32.dtype == np.float32
    np.testing.assert_allclose(out32, np_softmax(data((4, 5), seed=31)), **F32)


def test_categorical_crossentropy():
    coding = np_softmax(data((4, 3), seed=32))
    one_hot = np.eye(3)[[0, 2, 1, 2]]
    soft = np_softmax(data((4, 3), seed=33))
    for target in (one_hot, soft):
        out = run(nnet.categorical_crossentropy, coding, target)
        assert out.shape == (4,)
        np.testing.assert_allclose(out, -np.sum(target * np.log(coding), axis=-1), **F64)
    out32 = run(T.nnet.categorical_crossentropy, coding.astype(np.float32), one_hot.astype(np.float32))
    assert out32.dtype == np.float32
    np.testing.assert_allclose(out32, -np.log(coding[np.arange(4), [0, 2, 1, 2]]), **F32)


def test_categorical_crossentropy_with_class_indices():
    # Theano also accepts an integer vector of class indices as the target.
    coding, labels = T.dmatrix('coding'), T.lvector('labels')
    p = np_softmax(data((4, 3), seed=34))
    out = theano.function([coding, labels], nnet.categorical_crossentropy(coding, labels))(
        p, np.array([0, 2, 1, 2]))
    np.testing.assert_allclose(out, -np.log(p[np.arange(4), [0, 2, 1, 2]]), **F64)


def test_binary_crossentropy():
    output = data((4, 3), 0.05, 0.95, seed=35)
    target = np.random.RandomState(36).randint(0, 2, size=(4, 3)).astype(np.float64)
    expected = -(target * np.log(output) + (1 - target) * np.log(1 - output))
    np.testing.assert_allclose(run(nnet.binary_crossentropy, output, target), expected, **F64)
    soft_target = data((4, 3), 0, 1, seed=37)
    expected = -(soft_target * np.log(output) + (1 - soft_target) * np.log(1 - output))
    np.testing.assert_allclose(run(T.nnet.binary_crossentropy, output, soft_target), expected, **F64)
    out32 = run(nnet.binary_crossentropy, output.astype(np.float32), target.astype(np.float32))
    assert out32.dtype == np.float32


def test_hard_sigmoid_pieces():
    a = np.array([-10.0, -1.0, 0.0, 1.0, 10.0])
    np.testing.assert_allclose(run(nnet.hard_sigmoid, a), [0.0, 0.3, 0.5, 0.7, 1.0], **F64)


def test_nnet_module_is_the_same_as_T_nnet():
    import legacy_bn.theano.tensor.nnet as nnet_module
    assert T.nnet is nnet_module
    for name in ('softmax', 'sigmoid', 'softplus', 'hard_sigmoid',
                 'categorical_crossentropy', 'binary_crossentropy'):
        assert callable(getattr(nnet_module, name))


# -- variables: names, types, eval ------------------------------------------------------
def test_constructors_names_and_types():
    for ctor, ndim in ((T.scalar, 0), (T.vector, 1), (T.matrix, 2), (T.tensor3, 3), (T.tensor4, 4)):
        v = ctor('v%d' % ndim)
        assert (v.name, v.ndim, v.dtype) == ('v%d' % ndim, ndim, theano.config.floatX)
        assert ctor(dtype='float32').dtype == 'float32'
        assert ctor().name is None
    assert (T.dmatrix('a') + 1).ndim == 2
    assert T.matrix().sum(axis=1).ndim == 1
    assert T.tensor3().mean(axis=(0, 2), keepdims=True).ndim == 3


def test_eval_on_shared_expressions():
    s = theano.shared(np.array([1.0, 2.0, 3.0]), name='s')
    t = theano.shared(np.array(2.0), name='t')
    expr = (s * t + 1).sum()
    assert expr.eval() == pytest.approx(15.0)
    np.testing.assert_array_equal(s.eval(), [1.0, 2.0, 3.0])
    s.set_value(np.array([0.0, 0.0, 1.0]))
    assert expr.eval() == pytest.approx(5.0)       # eval sees the current value
    np.testing.assert_array_equal((s.shape[0] + 0).eval(), 3)


def test_eval_with_given_inputs():
    x = T.dvector('x')
    np.testing.assert_array_equal((x * 2).eval({x: np.array([1.0, 2.0])}), [2.0, 4.0])
