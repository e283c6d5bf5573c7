"""What function() decides once: one forward evaluation per call, shared by all
outputs and updates (Keras builds the forward graph twice, once for the loss and
once for BatchNormalization's updates), and one reverse pass per distinct cost."""
import numpy as np
import pytest
from autograd.core import primitive_vjps
from autograd.extend import primitive

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn.theano import fused
from legacy_bn.theano.backprop import ReversePlan
from legacy_bn.theano.ops import OPS, Op


@pytest.fixture
def dot_calls(monkeypatch):
    """Count every evaluation of a matrix product: the dot op, and the fused dense op
    the rewrites make of dot(x, W) + b (traced or not)."""
    calls = []

    def counting(op, fn):
        def counted(a, *rest):
            calls.append(a.shape)
            return fn(a, *rest)
        prim = primitive(counted)
        primitive_vjps[prim] = primitive_vjps[OPS[op].impl]
        monkeypatch.setitem(OPS, op, Op(prim, OPS[op].infer))
    counting('dot', np.dot)
    counting('dense', fused.dense.fun)
    return calls


@pytest.fixture
def reverse_passes(monkeypatch):
    """The number of wrt variables of every reverse pass."""
    calls = []
    real = ReversePlan.reverse

    def counting(self, values, tapes):
        calls.append(len(self.wrt_slots))
        return real(self, values, tapes)
    monkeypatch.setattr(ReversePlan, 'reverse', counting)
    return calls


def test_a_keras_training_step_evaluates_each_dense_once(dot_calls, reverse_passes):
    from legacy_bn.layers.core import Activation, Dense
    from legacy_bn.layers.normalization import BatchNormalization
    from legacy_bn.models import Sequential
    np.random.seed(0)
    model = Sequential()
    model.add(Dense(5, 4))
    model.add(BatchNormalization((4,)))     # its updates rebuild Dense 1's output
    model.add(Activation('relu'))
    model.add(Dense(4, 3))
    model.add(Activation('softmax'))
    model.compile(loss='categorical_crossentropy', optimizer='sgd')
    X, Y = np.random.rand(6, 5), np.eye(3)[[0, 1, 2, 0, 1, 2]]
    del dot_calls[:]
    model.train_on_batch(X, Y, accuracy=True)   # outputs: loss and accuracy; updates: SGD and BN
    assert dot_calls == [(6, 5), (6, 4)]
    assert reverse_passes == [6]                # one pass for all 6 params (W, b, gamma, beta, W, b)


def test_outputs_sharing_a_subgraph_evaluate_it_once(dot_calls, reverse_passes):
    x = T.dmatrix('x')
    W = theano.shared(np.ones((3, 2)), name='W')
    h = T.dot(x, W)
    again = T.dot(x, W)                          # built twice, merged by the rewrite pass
    cost = (h ** 2).sum()
    f = theano.function([x], [h, again.sum(), cost], updates=[(W, W - 0.1 * T.grad(cost, W))])
    f(np.ones((2, 3)))
    assert dot_calls == [(2, 3)]
    assert reverse_passes == [1]


def test_two_costs_take_two_reverse_passes(reverse_passes):
    x = T.dvector('x')
    a, b = (x ** 2).sum(), (x ** 3).sum()
    f = theano.function([x], [T.grad(a, x), T.grad(b, x), T.grad(a, x)])
    ga, gb, ga2 = f(np.array([1.0, 2.0]))
    np.testing.assert_allclose(ga, [2.0, 4.0])
    np.testing.assert_allclose(gb, [3.0, 12.0])
    assert reverse_passes == [1, 1]


def test_merging_does_not_change_the_callers_graph():
    x = T.dmatrix('x')
    W = theano.shared(np.ones((3, 2)))
    h1, h2 = T.dot(x, W), T.dot(x, W)
    s = h1.sum() + h2.sum()
    theano.function([x], s)
    assert s.inputs[0].inputs[0] is h1 and s.inputs[1].inputs[0] is h2
