"""T.grad's consider_constant and disconnected_inputs, theano.gradient.disconnected_grad,
and T.grad called inside a scan step - against finite differences and closed forms."""
import warnings

import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn.theano.errors import DisconnectedInputError
from test_tensor_grad import numeric_gradient


def test_consider_constant_is_the_partial_derivative_holding_it_fixed():
    """cost(x, e(x)) with e treated as constant: finite differences of cost(x, e0)."""
    x = T.vector('x')
    e = T.tanh(x) * 2
    cost = (T.sin(x) * e).sum() + (e ** 2).sum()
    g = theano.function([x], T.grad(cost, x, consider_constant=[e]))
    x0 = np.array([0.3, -0.7, 1.1])
    e0 = np.tanh(x0) * 2
    E = T.vector('E')
    frozen = theano.function([x, E], (T.sin(x) * E).sum() + (E ** 2).sum())
    numeric = numeric_gradient(frozen, [x0.copy(), e0], 0)
    np.testing.assert_allclose(g(x0), numeric, rtol=1e-6)
    full = theano.function([x], T.grad(cost, x))(x0)
    assert not np.allclose(full, numeric)          # the constant changed something


def test_disconnected_grad_blocks_only_its_path():
    x = T.vector('x')
    cost = (x ** 2).sum() + (theano.gradient.disconnected_grad(x) * 3).sum()
    np.testing.assert_allclose(theano.function([x], T.grad(cost, x))(np.array([1., 2.])),
                               [2., 4.])
    value = theano.function([x], cost)(np.array([1., 2.]))
    assert value == 1 + 4 + 9


def test_disconnected_inputs_modes():
    x, y = T.vector('x'), T.vector('y')
    cost = (x ** 2).sum()
    with pytest.raises(DisconnectedInputError, match="does not depend on 'y'"):
        T.grad(cost, [x, y])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        gx, gy = T.grad(cost, [x, y], disconnected_inputs='warn')
    assert any("'y'" in str(w.message) for w in caught)
    out = theano.function([x, y], [gx, gy])(np.ones(2), np.ones(3))
    np.testing.assert_array_equal(out[1], np.zeros(3))
    T.grad(cost, [x, y], disconnected_inputs='ignore')
    with pytest.raises(ValueError, match='disconnected_inputs must be'):
        T.grad(cost, x, disconnected_inputs='maybe')
    with pytest.raises(NotImplementedError, match='known_grads'):
        T.grad(cost, x, known_grads={x: x})


def test_grad_inside_a_scan_step_is_the_steps_own_gradient():
    """Gradient descent on w unrolled in scan: each step is w - lr * d cost(w) / d w."""
    W_value = np.array([[1., 2.], [3., 4.]])
    W = theano.shared(W_value)
    x = T.vector('x')

    def step(w):
        c = (T.tanh(T.dot(w, W)) ** 2).sum()
        return w - 0.1 * T.grad(c, w)
    ws, _ = theano.scan(step, outputs_info=[x], n_steps=3)
    got = theano.function([x], ws)(np.array([0.5, -0.2]))
    w = np.array([0.5, -0.2])
    for t in range(3):
        a = np.tanh(w.dot(W_value))
        w = w - 0.1 * W_value.dot(2 * a * (1 - a * a))
        np.testing.assert_allclose(got[t], w, rtol=1e-12)


def test_grad_inside_a_scan_step_of_a_shared_variable():
    W = theano.shared(np.array([0.5, -1.0]))
    xs = T.matrix('xs')
    gs, _ = theano.scan(lambda x: T.grad((T.dot(x, W) ** 2), W), sequences=[xs])
    data = np.array([[1., 2.], [3., -1.]])
    expected = [2 * data[t].dot(W.get_value()) * data[t] for t in range(2)]
    np.testing.assert_allclose(theano.function([xs], gs)(data), expected, rtol=1e-12)
