"""Regularizers and constraints against their closed forms."""
import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn import regularizers, constraints

floatX = theano.config.floatX
RTOL = 1e-12 if floatX == 'float64' else 1e-5
W = np.array([[0.5, -2.0, 0.0], [-1.5, 1.0, 3.0]])
LOSS0 = 0.75


def shared(a):
    return theano.shared(np.asarray(a, dtype=floatX))


def regularized(reg):
    return float(reg(shared(LOSS0)).eval())


@pytest.mark.parametrize('reg,l1,l2', [
    (regularizers.l1(), 0.01, 0.),
    (regularizers.l2(), 0., 0.01),
    (regularizers.l1l2(), 0.01, 0.01),
    (regularizers.l1(0.3), 0.3, 0.),
    (regularizers.l2(0.25), 0., 0.25),
    (regularizers.l1l2(l1=0.2, l2=0.7), 0.2, 0.7),
    (regularizers.WeightRegularizer(l1=0.1, l2=0.4), 0.1, 0.4),
], ids=['l1', 'l2', 'l1l2', 'l1_0.3', 'l2_0.25', 'l1l2_custom', 'class'])
def test_weight_regularizer(reg, l1, l2):
    reg.set_param(shared(W))
    expected = LOSS0 + l1 * np.sum(np.abs(W)) + l2 * np.sum(W ** 2)
    assert regularized(reg) == pytest.approx(expected, rel=RTOL)
    assert reg.get_config() == {'name': 'WeightRegularizer', 'l1': l1, 'l2': l2}


def test_weight_regularizer_gradient():
    p = shared(W)
    reg = regularizers.l1l2(l1=0.2, l2=0.7)
    reg.set_param(p)
    g = theano.grad(reg(T.sum(p * 0.)), p).eval()
    # sign(0) = 0: abs'(0) = 0 as in Theano
    np.testing.assert_allclose(g, 0.2 * np.sign(W) + 1.4 * W, rtol=RTOL)


class FakeLayer(object):
    """A layer whose train output is a fixed matrix; records which outputs were asked for."""

    def __init__(self, out):
        self.out = shared(out)
        self.asked = []

    def get_output(self, train=False):
        self.asked.append(train)
        return self.out


@pytest.mark.parametrize('reg,l1,l2', [
    (regularizers.activity_l1(), 0.01, 0.),
    (regularizers.activity_l2(0.5), 0., 0.5),
    (regularizers.activity_l1l2(l1=0.3, l2=0.2), 0.3, 0.2),
], ids=['activity_l1', 'activity_l2', 'activity_l1l2'])
def test_activity_regularizer_uses_train_output(reg, l1, l2):
    layer = FakeLayer(W)
    reg.set_layer(layer)
    expected = (LOSS0 + l1 * np.sum(np.mean(np.abs(W), axis=0))
                + l2 * np.sum(np.mean(W ** 2, axis=0)))
    assert regularized(reg) == pytest.approx(expected, rel=RTOL)
    assert layer.asked and all(t is True for t in layer.asked)
    assert reg.get_config() == {'name': 'ActivityRegularizer', 'l1': l1, 'l2': l2}


def test_identity_regularizer_and_lookup():
    reg = regularizers.get('identity')
    assert type(reg) is regularizers.Regularizer
    assert regularized(reg) == LOSS0
    assert reg.get_config() == {'name': 'Regularizer'}
    assert regularizers.get('l2').l2 == 0.01
    assert regularizers.get('l1l2', {'l1': 0.5}).get_config() == \
        {'name': 'WeightRegularizer', 'l1': 0.5, 'l2': 0.01}
    r = regularizers.l1()
    assert regularizers.get(r) is r
    with pytest.raises(ValueError, match=r'^Invalid regularizer: l3 \(valid: .*l1l2, l2\)$'):
        regularizers.get('l3')


# -- constraints ----------------------------------------------------------------------

def constrained(c, value):
    return c(shared(value)).eval()


def test_maxnorm_clips_column_norms():
    # column norms: 1.58.., 2.23.., 3.0
    norms = np.sqrt(np.sum(W ** 2, axis=0))
    expected = W * (np.clip(norms, 0, 2) / (1e-7 + norms))
    got = constrained(constraints.maxnorm(), W)
    np.testing.assert_allclose(got, expected, rtol=RTOL)
    got_norms = np.sqrt(np.sum(got.astype(np.float64) ** 2, axis=0))
    np.testing.assert_allclose(got_norms, [norms[0], 2.0, 2.0], rtol=1e-6)
    assert constraints.MaxNorm(m=1.5).get_config() == {'name': 'MaxNorm', 'm': 1.5}


def test_maxnorm_of_zero_column_stays_zero():
    got = constrained(constraints.maxnorm(1), np.zeros((2, 2)))
    assert np.array_equal(got, np.zeros((2, 2)))


def test_nonneg_zeroes_negative_entries():
    got = constrained(constraints.nonneg(), W)
    assert got.dtype == np.dtype(floatX)
    assert np.array_equal(got, np.maximum(W, 0))


def test_unitnorm_over_last_axis():
    got = constrained(constraints.unitnorm(), W)
    np.testing.assert_allclose(got, W / np.sqrt(np.sum(W ** 2, axis=-1, keepdims=True)), rtol=RTOL)


def test_identity_constraint_and_lookup():
    p = shared(W)
    assert constraints.identity()(p) is p
    assert constraints.get('identity').get_config() == {'name': 'Constraint'}
    assert type(constraints.get('nonneg')) is constraints.NonNeg
    assert constraints.get('maxnorm', {'m': 3}).m == 3
    with pytest.raises(ValueError, match=r'^Invalid constraint: minnorm \(valid: .*maxnorm'):
        constraints.get('minnorm')


def test_constraint_inside_an_update():
    # how optimizers use them: the constraint maps the symbolic new value
    p = shared(W)
    f = theano.function([], [], updates=[(p, constraints.nonneg()(p - 1.0))])
    f()
    assert np.array_equal(p.get_value(), np.maximum(W - 1.0, 0))
