"""Gradients (`T.grad`) against central finite differences in float64, the kink
conventions of SPEC §1, and float32 gradients staying float32."""
import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn.theano.tensor import nnet

EPS = 1e-6
TOL = dict(rtol=1e-6, atol=1e-8)
_CONSTRUCTORS = (T.scalar, T.vector, T.matrix, T.tensor3, T.tensor4)


def data(shape, low=-2.0, high=2.0, seed=0):
    return np.random.RandomState(seed).uniform(low, high, size=shape)


def numeric_gradient(f, values, k):
    """Central differences of the scalar f(*values) with respect to values[k]."""
    x = values[k]
    g = np.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        orig = x[idx]
        x[idx] = orig + EPS
        plus = float(f(*values))
        x[idx] = orig - EPS
        minus = float(f(*values))
        x[idx] = orig
        g[idx] = (plus - minus) / (2 * EPS)
    return g


def check_grad(build, *values, wrt=None):
    """Compare T.grad of sum(build(*inputs) * W) with finite differences, for each input.

    W is a fixed random weighting, so that every output element contributes a
    different amount and a gradient routed to the wrong element shows up.
    """
    values = [np.array(v, dtype=np.float64) for v in values]
    wrt = range(len(values)) if wrt is None else wrt
    xs = [_CONSTRUCTORS[v.ndim]('in%d' % i, dtype='float64') for i, v in enumerate(values)]
    out = build(*xs)
    shape = np.shape(theano.function(xs, out)(*values))
    weights = np.random.RandomState(99).uniform(0.5, 1.5, size=shape)
    cost = (out * weights).sum() if shape else out * weights
    f_cost = theano.function(xs, cost)
    grads = theano.function(xs, T.grad(cost, [xs[k] for k in wrt]))(*values)
    for k, g in zip(wrt, grads):
        assert g.shape == values[k].shape and g.dtype == np.float64
        np.testing.assert_allclose(g, numeric_gradient(f_cost, values, k), **TOL,
                                   err_msg='gradient wrt input %d' % k)


def grad_values(build, *values):
    """The analytic gradient of sum(build(x...)) wrt each input, at `values`."""
    xs = [_CONSTRUCTORS[np.ndim(v)]('in%d' % i, dtype=str(np.asarray(v).dtype))
          for i, v in enumerate(values)]
    cost = build(*xs)
    cost = cost.sum() if cost.ndim else cost
    return theano.function(xs, T.grad(cost, xs))(*values)


# -- elementwise ---------------------------------------------------------------------------
UNARY = [
    ('neg', lambda x: -x, (-2, 2)),
    ('abs', abs, (0.1, 2)),
    ('abs_neg', T.abs_, (-2, -0.1)),
    ('sqr', T.sqr, (-2, 2)),
    ('sqrt', T.sqrt, (0.2, 3)),
    ('exp', T.exp, (-2, 2)),
    ('log', T.log, (0.2, 3)),
    ('tanh', T.tanh, (-2, 2)),
    ('sigmoid', nnet.sigmoid, (-4, 4)),
    ('softplus', nnet.softplus, (-4, 4)),
    ('hard_sigmoid', nnet.hard_sigmoid, (-2.4, 2.4)),
    ('hard_sigmoid_flat', nnet.hard_sigmoid, (2.6, 5)),
    ('relu', lambda x: (x + abs(x)) / 2, (-2, 2)),
    ('x**3', lambda x: x ** 3, (-2, 2)),
    ('x**0.5', lambda x: x ** 0.5, (0.2, 3)),
    ('2**x', lambda x: 2 ** x, (-2, 2)),
    ('2-x', lambda x: 2 - x, (-2, 2)),
    ('3/x', lambda x: 3 / x, (0.5, 2)),
    ('x/3', lambda x: x / 3, (-2, 2)),
    ('clip', lambda x: T.clip(x, -1, 1), (-2, 2)),
    ('switch', lambda x: T.switch(x > 0, x * 2, x ** 2), (-2, 2)),
    ('cast_f64', lambda x: T.cast(x, 'float64') * x, (-2, 2)),
]


@pytest.mark.parametrize('name,build,domain', UNARY, ids=[u[0] for u in UNARY])
def test_unary_gradient(name, build, domain):
    check_grad(build, data((3, 4), *domain, seed=1))


BINARY = [
    ('+', lambda x, y: x + y),
    ('-', lambda x, y: x - y),
    ('*', lambda x, y: x * y),
    ('/', lambda x, y: x / (abs(y) + 0.5)),
    ('**', lambda x, y: (abs(x) + 0.5) ** y),
    ('maximum', T.maximum),
    ('minimum', T.minimum),
    ('clip_bounds', lambda x, y: T.clip(y, x - 0.5, x + 0.5)),
    ('switch_branches', lambda x, y: T.switch(T.gt(x, y), x * y, x - y)),
]
BROADCAST_SHAPES = [((3, 4), (3, 4)), ((3, 1), (1, 4)), ((2, 3, 4), (4,)), ((4,), (2, 3, 4)),
                    ((), (3, 4)), ((3, 4), ()), ((2, 1, 4), (3, 1))]


@pytest.mark.parametrize('shapes', BROADCAST_SHAPES, ids=str)
@pytest.mark.parametrize('name,build', BINARY, ids=[b[0] for b in BINARY])
def test_binary_gradient_with_broadcasting(name, build, shapes):
    check_grad(build, data(shapes[0], seed=2), data(shapes[1], seed=3))


def test_dimshuffle_broadcast_gradient():
    check_grad(lambda x, y: x.dimshuffle(0, 'x') * y.dimshuffle('x', 0), data(3, seed=4), data(4, seed=5))
    check_grad(lambda m, b: T.tanh(m + b.dimshuffle('x', 0)), data((3, 4), seed=6), data(4, seed=7))


REFLECTED = [
    ('arr*x', lambda x: data((3, 4), seed=8) * x),
    ('arr/x', lambda x: data((3, 4), seed=8) / (x + 3)),
    ('arr-x', lambda x: data((3, 4), seed=8) - x ** 2),
    ('arr**x', lambda x: data((3, 4), 0.5, 2, seed=8) ** x),
    ('x**arr', lambda x: (x + 3) ** data((3, 4), seed=8)),
]


@pytest.mark.parametrize('name,build', REFLECTED, ids=[r[0] for r in REFLECTED])
def test_reflected_gradient(name, build):
    check_grad(build, data((3, 4), seed=9))


# -- reductions ------------------------------------------------------------------------------
REDUCTIONS = [
    ('sum', lambda x, **k: x.sum(**k)),
    ('mean', lambda x, **k: T.mean(x, **k)),
    ('max', lambda x, **k: x.max(**k)),
    ('min', lambda x, **k: T.min(x, **k)),
    ('prod', lambda x, **k: x.prod(**k)),
    ('std', lambda x, **k: x.std(**k)),
    ('var', lambda x, **k: x.var(**k)),
]


@pytest.mark.parametrize('keepdims', [False, True])
@pytest.mark.parametrize('axis', [None, 0, 1, -1, (0, 2)], ids=str)
@pytest.mark.parametrize('name,build', REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
def test_reduction_gradient(name, build, axis, keepdims):
    check_grad(lambda x: build(x, axis=axis, keepdims=keepdims), data((2, 3, 4), 0.5, 1.5, seed=10))


def test_prod_gradient_with_a_zero():
    a = np.array([[1.0, 2.0, 3.0], [0.0, 5.0, 4.0]])
    # Theano differentiates prod exactly at zeros (no division by x)
    np.testing.assert_array_equal(grad_values(lambda x: x.prod(), a)[0], [[0, 0, 0], [120, 0, 0]])
    b = np.array([[1.0, 2.0, 3.0], [0.0, 5.0, 0.0]])
    np.testing.assert_array_equal(grad_values(lambda x: x.prod(axis=1), b)[0], [[6, 3, 2], [0, 0, 0]])
    check_grad(lambda x: x.prod(axis=1), a)


# -- dot -----------------------------------------------------------------------------------
DOT_SHAPES = [((3, 4), (4, 2)), ((3, 4), (4,)), ((4,), (4, 3)), ((4,), (4,)),
              ((2, 3, 4), (4, 5)), ((), (3, 4))]


@pytest.mark.parametrize('shapes', DOT_SHAPES, ids=str)
def test_dot_gradient(shapes):
    check_grad(T.dot, data(shapes[0], seed=11), data(shapes[1], seed=12))


# -- nnet ------------------------------------------------------------------------------------
def test_softmax_gradient():
    check_grad(nnet.softmax, data((4, 5), -3, 3, seed=13))


def test_categorical_crossentropy_gradient():
    coding = data((4, 3), 0.1, 1.0, seed=14)
    coding /= coding.sum(axis=1, keepdims=True)
    target = data((4, 3), 0.0, 1.0, seed=15)
    check_grad(nnet.categorical_crossentropy, coding, target)


def test_softmax_crossentropy_chain_gradient():
    one_hot = np.eye(3)[[0, 2, 1, 2]]
    check_grad(lambda z: nnet.categorical_crossentropy(nnet.softmax(z), one_hot).mean(),
               data((4, 3), -3, 3, seed=16))


def test_categorical_crossentropy_class_index_gradient():
    labels = np.array([0, 2, 1, 2])
    check_grad(lambda z: nnet.categorical_crossentropy(nnet.softmax(z), labels), data((4, 3), seed=17))


def test_binary_crossentropy_gradient():
    check_grad(nnet.binary_crossentropy, data((4, 3), 0.1, 0.9, seed=18), data((4, 3), 0, 1, seed=19))


# -- shape ops -------------------------------------------------------------------------------
SHAPE_OPS = [
    ('reshape', lambda x: x.reshape((4, 6)) * np.arange(24.0).reshape(4, 6)),
    ('reshape_symbolic', lambda x: x.reshape((x.shape[0], -1))),
    ('T.reshape', lambda x: T.reshape(x, (24,))),
    ('flatten', lambda x: x.flatten()),
    ('flatten2', lambda x: x.flatten(2)),
    ('dimshuffle', lambda x: x.dimshuffle(2, 0, 1)),
    ('dimshuffle_x', lambda x: x.dimshuffle(0, 'x', 1, 2)),
    ('.T', lambda x: x.T),
    ('x[1]', lambda x: x[1]),
    ('x[:, 1:3]', lambda x: x[:, 1:3]),
    ('x[::-1]', lambda x: x[::-1]),
    ('x[..., -1]', lambda x: x[:, :, -1]),
    ('x[[0, 0, 1]]', lambda x: x[np.array([0, 0, 1])]),          # repeated rows accumulate
    ('concatenate0', lambda x: T.concatenate([x, x ** 2], axis=0)),
    ('concatenate2', lambda x: T.concatenate([x, 2 * x[:, :, :2]], axis=2)),
    ('astype', lambda x: x.astype('float64') ** 2),
]


@pytest.mark.parametrize('name,build', SHAPE_OPS, ids=[s[0] for s in SHAPE_OPS])
def test_shape_op_gradient(name, build):
    check_grad(build, data((2, 3, 4), seed=20))


def test_concatenate_gradient_wrt_each_part():
    check_grad(lambda x, y: T.concatenate([x, y], axis=1), data((2, 3), seed=21), data((2, 5), seed=22))


def test_alloc_gradient():
    check_grad(lambda v: T.alloc(v, 3, 4), data(4, seed=23))
    check_grad(lambda s: T.alloc(s, 2, 3), data((), seed=24))


def test_repeated_index_accumulates():
    g, = grad_values(lambda x: x[np.array([0, 0, 2])], np.zeros(4))
    np.testing.assert_array_equal(g, [2.0, 0.0, 1.0, 0.0])


# -- composite graphs as Keras builds them ---------------------------------------------------
def test_mlp_gradient_wrt_every_parameter():
    X = data((5, 4), seed=25)
    Y = np.eye(3)[[0, 1, 2, 1, 0]]

    def loss(W1, b1, W2, b2):
        h = T.dot(X, W1) + b1
        h = (h + abs(h)) / 2
        p = nnet.softmax(T.dot(h, W2) + b2)
        return nnet.categorical_crossentropy(T.clip(p, 1e-9, 1 - 1e-9), Y).mean()

    check_grad(loss, data((4, 6), seed=26), data(6, seed=27), data((6, 3), seed=28), data(3, seed=29))


def test_batchnorm_gradient():
    def bn(x, gamma, beta):
        m = x.mean(axis=0)
        std = T.sqrt(T.mean((x - m) ** 2 + 1e-6, axis=0))
        return gamma * (x - m) / (std + 1e-6) + beta

    check_grad(bn, data((5, 3), seed=30), data(3, 0.5, 1.5, seed=31), data(3, seed=32))


def test_gradient_of_variable_used_several_times():
    check_grad(lambda x: x * T.exp(x) + T.dot(x, x.T).sum(axis=0), data((3, 3), seed=33))


# -- kinks (SPEC §1): Theano's conventions, exact --------------------------------------------
def test_abs_gradient_is_zero_at_zero():
    g, = grad_values(abs, np.array([-1.5, 0.0, 2.0]))
    np.testing.assert_array_equal(g, [-1.0, 0.0, 1.0])
    g, = grad_values(T.abs_, np.array([-0.0, 0.0]))
    np.testing.assert_array_equal(g, [0.0, 0.0])


def test_relu_gradient_is_one_half_at_zero():
    g, = grad_values(lambda x: (x + abs(x)) / 2, np.array([-1.0, 0.0, 1.0]))
    np.testing.assert_array_equal(g, [0.0, 0.5, 1.0])
    g, = grad_values(lambda x: (x + abs(x)) / 2, np.array([-1.0, 0.0, 1.0], dtype=np.float32))
    assert g.dtype == np.float32
    np.testing.assert_array_equal(g, [0.0, 0.5, 1.0])


def test_maximum_passes_the_full_gradient_to_both_arguments_at_ties():
    gx, gy = grad_values(T.maximum, np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 4.0]))
    np.testing.assert_array_equal(gx, [1.0, 1.0, 0.0])
    np.testing.assert_array_equal(gy, [1.0, 0.0, 1.0])
    g, = grad_values(lambda x: T.maximum(x, 0.0), np.array([-1.0, 0.0, 1.0]))
    np.testing.assert_array_equal(g, [0.0, 1.0, 1.0])


def test_minimum_passes_the_full_gradient_to_both_arguments_at_ties():
    gx, gy = grad_values(T.minimum, np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 4.0]))
    np.testing.assert_array_equal(gx, [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(gy, [1.0, 1.0, 0.0])


def test_maximum_ties_with_broadcasting_sum_over_the_broadcast_axis():
    gx, gy = grad_values(T.maximum, np.array([[1.0, 2.0], [0.0, 2.0]]), np.array([1.0, 2.0]))
    np.testing.assert_array_equal(gx, [[1.0, 1.0], [0.0, 1.0]])
    np.testing.assert_array_equal(gy, [2.0, 2.0])


def test_max_passes_the_gradient_to_every_maximal_position():
    g, = grad_values(lambda x: x.max(), np.array([3.0, 1.0, 3.0]))
    np.testing.assert_array_equal(g, [1.0, 0.0, 1.0])
    g, = grad_values(lambda x: T.max(x, axis=1), np.array([[2.0, 2.0, 1.0], [0.0, 5.0, 5.0]]))
    np.testing.assert_array_equal(g, [[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]])
    g, = grad_values(lambda x: x.max(axis=0), np.array([[2.0, 1.0], [2.0, 3.0]]))
    np.testing.assert_array_equal(g, [[1.0, 0.0], [1.0, 1.0]])


def test_min_passes_the_gradient_to_every_minimal_position():
    g, = grad_values(lambda x: x.min(), np.array([1.0, 1.0, 3.0]))
    np.testing.assert_array_equal(g, [1.0, 1.0, 0.0])


def test_clip_gradient_is_one_at_the_bounds():
    g, = grad_values(lambda x: T.clip(x, 0, 1), np.array([-1.0, 0.0, 0.5, 1.0, 2.0]))
    np.testing.assert_array_equal(g, [0.0, 1.0, 1.0, 1.0, 0.0])


def test_hard_sigmoid_gradient():
    g, = grad_values(nnet.hard_sigmoid, np.array([-3.0, -1.0, 0.0, 1.0, 3.0]))
    np.testing.assert_allclose(g, [0.0, 0.2, 0.2, 0.2, 0.0], rtol=1e-15)


def test_switch_gradient_follows_the_chosen_branch():
    g, = grad_values(lambda x: T.switch(x > 0, x * 2, x ** 2), np.array([-1.0, 0.0, 2.0]))
    np.testing.assert_array_equal(g, [-2.0, 0.0, 2.0])


def test_round_has_zero_gradient():
    g, = grad_values(lambda x: T.round(x) + x, np.array([0.3, 1.7]))
    np.testing.assert_array_equal(g, [1.0, 1.0])


# -- float32 graphs give float32 gradients ---------------------------------------------------
FLOAT32_COSTS = [
    ('mean', lambda x: x.mean()),
    ('mean_axis', lambda x: T.mean(x, axis=0).sum()),
    ('max', lambda x: x.max()),
    ('max_axis', lambda x: T.max(x, axis=1).sum()),
    ('sum', lambda x: x.sum()),
    ('softmax', lambda x: (nnet.softmax(x) * np.arange(4, dtype=np.float32)).sum()),
    ('sigmoid', lambda x: nnet.sigmoid(x).sum()),
    ('std', lambda x: x.std(axis=0).sum()),
    ('var', lambda x: x.var()),
    ('dot', lambda x: T.dot(x, x.T).sum()),
    ('cce', lambda x: nnet.categorical_crossentropy(nnet.softmax(x), np.eye(4, dtype=np.float32)[:3]).mean()),
    ('bce', lambda x: nnet.binary_crossentropy(nnet.sigmoid(x), T.ones_like(x)).mean()),
    ('python_number', lambda x: (x * 0.5 + 1).sum() / 3),
    ('relu', lambda x: ((x + abs(x)) / 2).mean()),
    ('clip', lambda x: T.clip(x, -0.5, 0.5).mean()),
    ('prod', lambda x: x.prod(axis=1).sum()),
    ('pow_array_exponent', lambda x: ((abs(x) + 1) ** x).sum()),
    ('div', lambda x: (x / (abs(x) + 1)).sum()),
    ('sqrt_exp_log', lambda x: (T.sqrt(T.exp(x)) + T.log(x ** 2 + 1)).sum()),
    ('tanh_softplus', lambda x: (T.tanh(x) * nnet.softplus(x)).sum()),
    ('maximum_minimum', lambda x: (T.maximum(x, x[0]) - T.minimum(x, 0.1)).sum()),
    ('switch', lambda x: T.switch(x > 0, x, 0.01 * x).sum()),
    ('bias_broadcast', lambda x: ((x + x[0].dimshuffle('x', 0)) ** 2).mean()),
    ('reshape_concat_index', lambda x: T.concatenate([x.reshape((4, 3)), x.T[1:]]).max(axis=0).sum()),
]


@pytest.mark.parametrize('name,cost', FLOAT32_COSTS, ids=[c[0] for c in FLOAT32_COSTS])
def test_float32_gradient_stays_float32(name, cost, monkeypatch):
    # a float32 run: with floatX=float64, Theano made 0.01 or 0.1 float64 constants
    # (tests/test_subtensor_ops.py::test_python_floats_get_theanos_dtypes)
    monkeypatch.setattr(theano.config, 'floatX', 'float32')
    x = T.matrix('x', dtype='float32')
    c = cost(x)
    assert c.dtype == 'float32'
    g = T.grad(c, x)
    assert g.dtype == 'float32'
    a = data((3, 4), seed=34).astype(np.float32)
    value = theano.function([x], g)(a)
    assert value.dtype == np.float32
    # and it is the float64 gradient, to float32 precision
    x64 = T.dmatrix('x64')
    expected = theano.function([x64], T.grad(cost(x64), x64))(a.astype(np.float64))
    np.testing.assert_allclose(value, expected, rtol=2e-5, atol=1e-6)


def test_float32_gradient_wrt_shared_parameters():
    W = theano.shared(data((4, 3), seed=35).astype(np.float32), name='W')
    b = theano.shared(np.zeros(3, dtype=np.float32), name='b')
    x = T.matrix('x', dtype='float32')
    cost = nnet.softmax(T.dot(x, W) + b).max(axis=1).mean()
    gW, gb = T.grad(cost, [W, b])
    outs = theano.function([x], [gW, gb])(data((5, 4), seed=36).astype(np.float32))
    assert [o.dtype for o in outs] == [np.float32, np.float32]


# -- grad's interface --------------------------------------------------------------------------
def test_grad_of_a_list_returns_a_list_and_single_returns_a_variable():
    x, y = T.dvector('x'), T.dvector('y')
    cost = (x * y).sum()
    grads = T.grad(cost, [x, y])
    assert isinstance(grads, list) and len(grads) == 2
    single = T.grad(cost, x)
    assert not isinstance(single, (list, tuple)) and single.ndim == 1
    a, b = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    gx, gy = theano.function([x, y], grads)(a, b)
    np.testing.assert_array_equal(gx, b)
    np.testing.assert_array_equal(gy, a)


def test_theano_grad_is_T_grad():
    x = T.dvector('x')
    a = np.array([1.0, -2.0])
    for grad in (theano.grad, T.grad):
        np.testing.assert_array_equal(theano.function([x], grad((x ** 2).sum(), x))(a), 2 * a)


def test_gradient_is_usable_in_further_expressions():
    x = T.dvector('x')
    g = T.grad((x ** 3).sum(), x)
    f = theano.function([x], [g * 2, T.sqrt((g ** 2).sum()), g.max()])
    a = np.array([1.0, -2.0])
    twice, norm, biggest = f(a)
    np.testing.assert_allclose(twice, 6 * a ** 2)
    assert norm == pytest.approx(np.sqrt(9 + 144))
    assert biggest == 12.0


def test_gradient_in_an_sgd_update():
    W = theano.shared(np.array([[1.0, -1.0], [0.5, 2.0]]), name='W')
    x, y = T.dmatrix('x'), T.dmatrix('y')
    cost = T.mean((T.dot(x, W) - y) ** 2)
    gW = T.grad(cost, W)
    step = theano.function([x, y], cost, updates=[(W, W - 0.1 * gW)])
    X, Y = data((4, 2), seed=37), data((4, 2), seed=38)
    W0 = W.get_value()
    expected_grad = 2 * X.T.dot(X.dot(W0) - Y) / Y.size
    c0 = step(X, Y)
    assert c0 == pytest.approx(np.mean((X.dot(W0) - Y) ** 2))      # computed before the update
    np.testing.assert_allclose(W.get_value(), W0 - 0.1 * expected_grad, rtol=1e-12)
    for _ in range(20):
        c = step(X, Y)
    assert c < c0


def test_gradients_of_two_costs_in_one_function():
    x = T.dvector('x')
    f = theano.function([x], [T.grad((x ** 2).sum(), x), T.grad(T.exp(x).sum(), x)])
    a = np.array([0.5, -1.0])
    g1, g2 = f(a)
    np.testing.assert_allclose(g1, 2 * a)
    np.testing.assert_allclose(g2, np.exp(a))


def test_gradient_wrt_the_cost_itself_and_a_scalar_input():
    s = T.dscalar('s')
    assert theano.function([s], T.grad(s, s))(3.0) == 1.0
    assert theano.function([s], T.grad(s ** 2, s))(3.0) == 6.0


def test_clip_gradient_wrt_symbolic_bounds():
    # Theano's Clip.grad: x gets lo <= x <= hi, lo gets x < lo, hi gets x > hi.
    gx, glo, ghi = grad_values(T.clip, np.array([-1.0, 0.0, 0.5, 2.0, 3.0]), np.array(0.0),
                               np.array([1.0, 1.0, 1.0, 1.0, 3.0]))
    np.testing.assert_array_equal(gx, [0.0, 1.0, 1.0, 0.0, 1.0])
    assert glo == 1.0
    np.testing.assert_array_equal(ghi, [0.0, 0.0, 0.0, 1.0, 0.0])
