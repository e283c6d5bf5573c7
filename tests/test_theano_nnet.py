"""theano.tensor.nnet's shapes, dtypes and values as Theano 0.8.2 gave them (numbers
recorded under the oracle, floatX=float64)."""
import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from test_tensor_grad import check_grad, data

X6 = np.array([-3., -0.5, 0., 0.7, 2.5, 7.])
CASES = [   # name, build(inputs), input values, ndim, dtype, Theano's result
    ('softmax of a vector is a row', lambda x: T.nnet.softmax(x), [np.array([1., 2., 3.])], 2,
     'float64', [[0.09003057317038045, 0.2447284710547976, 0.6652409557748218]]),
    ('sigmoid of int32', lambda x: T.nnet.sigmoid(x), [np.array([1, -2], 'int32')], 1,
     'float64', [0.7310585786300049, 0.11920292202211755]),
    ('sigmoid of int8', lambda x: T.nnet.sigmoid(x), [np.array([1, -2], 'int8')], 1,
     'float32', [0.7310585975646973, 0.11920291930437088]),
    ('ultra_fast_sigmoid', lambda x: T.nnet.ultra_fast_sigmoid(x), [X6], 1, 'float64',
     [0.04999999999999999, 0.35, 0.5, 0.6944444444444444, 0.9166666666666667, 0.997527376843365]),
    ('hard_sigmoid', lambda x: T.nnet.hard_sigmoid(x), [X6], 1, 'float64',
     [0.0, 0.4, 0.5, 0.64, 1.0, 1.0]),
    ('binary_crossentropy', lambda x: T.nnet.binary_crossentropy(T.nnet.sigmoid(x),
                                                                 T.ones_like(x) * 0.3),
     [np.array([-1., 0.5, 2.])], 1, 'float64',
     [0.6132616875182229, 0.8240769841801067, 1.5269280110429726]),
    ('categorical_crossentropy with class indices',
     lambda m, y: T.nnet.categorical_crossentropy(T.nnet.softmax(m), y),
     [np.array([[1., 2.], [0., 5.]]), np.array([1, 0], 'int32')], 1, 'float64',
     [0.31326168751822286, 5.006715348489118]),
    ('relu', lambda x: T.nnet.relu(x), [np.array([-1., 0., 2.])], 1, 'float64', [0., 0., 2.]),
    ('leaky relu', lambda x: T.nnet.relu(x, 0.1), [np.array([-1., 0., 2.])], 1, 'float64',
     [-0.10000000000000003, 0.0, 2.0]),
    ('softplus', lambda x: T.nnet.softplus(x), [np.array([-30., -1., 0., 2., 40.])], 1,
     'float64', [9.357622968839737e-14, 0.31326168751822286, 0.6931471805599453,
                 2.1269280110429727, 40.0]),
]


@pytest.mark.parametrize('name, build, values, ndim, dtype, expected', CASES,
                         ids=[c[0] for c in CASES])
def test_matches_theano(name, build, values, ndim, dtype, expected):
    ins = [T.tensor(str(v.dtype), ndim=v.ndim) for v in values]
    out = build(*ins)
    assert (out.ndim, out.dtype) == (ndim, dtype)
    got = theano.function(ins, out)(*values)
    assert got.dtype == dtype
    np.testing.assert_allclose(got, expected, rtol=1e-12 if dtype == 'float64' else 1e-6)


def test_softplus_is_exactly_zero_far_below_and_x_far_above():
    x = T.vector()
    out = theano.function([x], T.nnet.softplus(x))(np.array([-31., -1000., 31., 1000.]))
    assert out.tolist() == [0.0, 0.0, 31.0, 1000.0]


def test_hard_sigmoid_gradient_as_theano():
    x = T.vector()
    g = theano.function([x], T.grad(T.nnet.hard_sigmoid(x).sum(), x))(X6)
    np.testing.assert_allclose(g, [0.0, 0.2, 0.2, 0.2, 0.2, 0.0])


def test_ultra_fast_sigmoid_and_vector_softmax_gradients():
    # Theano had no gradient for ultra_fast_sigmoid; ours is the slope of its pieces
    check_grad(T.nnet.ultra_fast_sigmoid, np.array([-7., -4.1, -1.3, 0.2, 2.9, 5.0]))
    check_grad(T.nnet.softmax, data((4,)))
