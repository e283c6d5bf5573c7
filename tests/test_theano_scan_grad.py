"""Back-propagation through scan steps that slice, dimshuffle or reshape (ops traced by
autograd one node at a time), and through expressions the step closes over that depend
on a function input - against central finite differences."""
import numpy as np

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from test_tensor_grad import check_grad


def test_step_slicing_and_dimshuffling_its_state_back_propagates():
    W = np.random.RandomState(0).uniform(-1, 1, size=(4, 5))

    def build(X, h0):
        def step(x, h):
            pre = T.dot(x, W[:, :3]) + h.dimshuffle('x', 0)[0] + h[::-1]
            return T.tanh(pre.reshape((3,)))
        h, _ = theano.scan(step, sequences=[X], outputs_info=[h0])
        return h
    rng = np.random.RandomState(1)
    check_grad(build, rng.uniform(-1, 1, size=(3, 4)), rng.uniform(-1, 1, size=3))


def test_step_slicing_a_shared_variable_gives_its_gradient():
    W = theano.shared(np.random.RandomState(2).uniform(-1, 1, size=(4, 5)), name='W')
    X = T.matrix('X')

    def step(x, h):
        return T.tanh(T.dot(x, W[:, 1:4]) + h)
    h, _ = theano.scan(step, sequences=[X], outputs_info=[T.zeros((3,))])
    cost = (h * np.arange(1, 4)).sum()
    x = np.random.RandomState(3).uniform(-1, 1, size=(3, 4))
    g = theano.function([X], T.grad(cost, W))(x)
    f = theano.function([X], cost)
    numeric = np.zeros_like(W.get_value())
    for idx in np.ndindex(*numeric.shape):
        w = W.get_value()
        for sign in (1, -1):
            w2 = w.copy()
            w2[idx] += sign * 1e-6
            W.set_value(w2)
            numeric[idx] += sign * f(x) / 2e-6
        W.set_value(w)
    np.testing.assert_allclose(g, numeric, rtol=1e-6, atol=1e-8)
    assert not g[:, [0, 4]].any()


def test_closed_over_expression_of_an_input_gets_its_gradient():
    """The step reads `e`, an expression of the input s, through its closure (sliced and
    dimshuffled there); the gradient reaches s as when `e` is passed as a non_sequence."""
    def closure(X, s):
        e = T.tanh(s * 2)
        h, _ = theano.scan(lambda x, h: h + T.tanh(x * e[:3]) * e.dimshuffle('x', 0)[0, 1:],
                           sequences=[X], outputs_info=[T.zeros((3,))])
        return h

    def passed(X, s):
        e = T.tanh(s * 2)
        h, _ = theano.scan(lambda x, h, e: h + T.tanh(x * e[:3]) * e.dimshuffle('x', 0)[0, 1:],
                           sequences=[X], outputs_info=[T.zeros((3,))], non_sequences=[e])
        return h
    rng = np.random.RandomState(4)
    x, s = rng.uniform(-1, 1, size=(3, 3)), rng.uniform(-1, 1, size=4)
    check_grad(closure, x, s)
    X, S = T.matrix(), T.vector()
    g1 = theano.function([X, S], T.grad(closure(X, S).sum(), S))(x, s)
    g2 = theano.function([X, S], T.grad(passed(X, S).sum(), S))(x, s)
    np.testing.assert_allclose(g1, g2, rtol=1e-12)
    assert np.abs(g1).min() > 0
