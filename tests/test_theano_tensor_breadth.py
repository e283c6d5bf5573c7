"""theano.tensor functions 2015 model code calls beyond Keras's: arange, the n-ary
T.add/T.mul and friends, the float functions (with gradients against finite
differences), xlogx, theano.scalar, and the `p[T.arange(n), y]` idiom."""
import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from test_tensor_grad import check_grad, data


@pytest.mark.parametrize('fn, low, high', [
    (T.log1p, 0.1, 2), (T.expm1, -2, 2), (T.sin, -3, 3), (T.cos, -3, 3), (T.inv, 0.5, 2),
    (T.xlogx.xlogx, 0.1, 2), (lambda x: T.xlogx.xlogy0(x, x * x + 0.5), 0.1, 2),
])
def test_float_functions_gradients(fn, low, high):
    check_grad(fn, data((3, 4), low, high))


def test_float_functions_values_and_zero_conventions():
    x = T.vector('x')
    v = np.array([0., 0.5, 2.])
    f = theano.function([x], [T.log1p(x), T.expm1(x), T.sin(x), T.cos(x), T.floor(x * 3),
                              T.ceil(x * 3), T.sgn(x - 1), T.xlogx.xlogx(x),
                              T.xlogx.xlogy0(x, x)])
    out = f(v)
    expected = [np.log1p(v), np.expm1(v), np.sin(v), np.cos(v), np.floor(v * 3),
                np.ceil(v * 3), np.sign(v - 1), [0, 0.5 * np.log(0.5), 2 * np.log(2)],
                [0, 0.5 * np.log(0.5), 2 * np.log(2)]]
    for o, e in zip(out, expected):
        np.testing.assert_allclose(o, e, rtol=1e-12)
    g = theano.function([x], T.grad(T.xlogx.xlogy0(x, x + 1).sum(), x))(v)
    assert np.isfinite(g).all()


def test_nary_add_mul_and_the_named_binary_ops():
    a, b, c = T.vector('a'), T.vector('b'), T.vector('c')
    f = theano.function([a, b, c], [T.add(a, b, c), T.mul(a, b, c), T.sub(a, b),
                                    T.int_div(a, b), T.mod(a, b), T.true_div(a, b)])
    va, vb, vc = np.array([7., 8.]), np.array([2., 3.]), np.array([1., -1.])
    out = f(va, vb, vc)
    for o, e in zip(out, [va + vb + vc, va * vb * vc, va - vb, va // vb, va % vb, va / vb]):
        np.testing.assert_array_equal(o, e)


@pytest.mark.parametrize('args, kw, expected, dtype', [
    ((5,), {}, np.arange(5), 'int64'),
    ((2, 8, 3), {}, np.arange(2, 8, 3), 'int64'),
    ((0., 1., 0.25), {}, np.arange(0, 1, 0.25), 'float32'),   # exact in float32: float32
    ((0., 1., 0.1), {}, np.arange(0, 1, 0.1), 'float64'),
    ((4,), {'dtype': 'int32'}, np.arange(4), 'int32'),
])
def test_arange_values_and_theano_dtypes(args, kw, expected, dtype):
    r = T.arange(*args, **kw)
    assert r.dtype == dtype and r.ndim == 1
    np.testing.assert_array_equal(r.eval(), expected)


def test_arange_of_a_symbolic_length():
    n = T.lscalar('n')
    assert theano.function([n], T.arange(n))(3).tolist() == [0, 1, 2]
    with pytest.raises(TypeError, match='stop must be a scalar'):
        T.arange(T.vector())


def test_negative_log_likelihood_idiom_and_its_gradient():
    """The 2015 tutorials' -T.mean(T.log(p)[T.arange(y.shape[0]), y])."""
    y_values = np.array([2, 0, 2, 1])

    def nll(p):
        y = theano.shared(y_values)
        return -T.mean(T.log(p)[T.arange(y.shape[0]), y])
    p = data((4, 3), 0.1, 1)
    check_grad(nll, p)
    P = T.matrix()
    assert np.isclose(theano.function([P], nll(P))(p), -np.log(p[np.arange(4), y_values]).mean())


def test_advanced_indexing_pairs_accumulate_repeated_entries_in_the_gradient():
    def pick(m):
        return m[np.array([0, 0, 1]), np.array([1, 1, 2])] * np.array([1., 2., 3.])
    check_grad(pick, data((2, 3)))


def test_theano_scalar_upcast_and_types():
    ts = theano.scalar
    assert ts.upcast('int8', 'float32') == 'float32'
    assert ts.upcast('int64', 'float32') == 'float64'
    assert ts.upcast('floatX', 'int8') == theano.config.floatX
    x = ts.float32('x')
    assert (x.dtype, x.ndim, x.name) == ('float32', 0, 'x')
    assert ts.float32 in ts.float_types and ts.int64 in ts.discrete_types


def test_truth_value_rule_of_theano_08():
    """Every variable is true (`if not W:` tests for None) except the result of a Python
    comparison operator, whose truth value is an error (`if x > 0:`, `a < b < c`)."""
    W = theano.shared(np.zeros(3))
    x = T.vector('x')
    assert W and x and (x + 1) and T.lt(x, 0)
    assert (None if not W else 'given') == 'given'
    for comparison in (x > 0, x < 0, x >= 1, x <= 1):
        with pytest.raises(TypeError, match='comparison of symbolic values.*T.switch'):
            bool(comparison)
    with pytest.raises(TypeError):
        0 < x < 1


def test_logical_operators_on_comparisons():
    x = T.vector('x')
    f = theano.function([x], [(x > 0) & (x < 2), (x < 0) | (x > 2), ~T.eq(x, 1),
                              T.and_(T.gt(x, 0), T.lt(x, 2)), T.xor(T.gt(x, 0), T.gt(x, 2))])
    v = np.array([-1., 1., 3.])
    out = f(v)
    assert [o.tolist() for o in out[:2]] == [[0, 1, 0], [1, 0, 1]]
    assert out[3].tolist() == [0, 1, 0] and out[4].tolist() == [0, 1, 0]
    assert out[2].dtype == np.int8
