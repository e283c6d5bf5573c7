"""Objectives (and activations) against their numpy formulas, clipping included."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn import objectives, activations

floatX = theano.config.floatX
EPS = 1e-9 if floatX == 'float64' else 1e-7
RTOL = 1e-12 if floatX == 'float64' else 1e-5

rng = np.random.RandomState(42)
Y_TRUE = rng.uniform(-1.0, 2.0, size=(4, 3))
Y_PRED = rng.uniform(-1.0, 2.0, size=(4, 3))
# probabilities with exact 0 and 1 so that clipping matters
P_TRUE = np.array([[0., 1., 0.], [1., 0., 0.], [0., 0., 1.], [0., 1., 0.]])
P_PRED = np.array([[0.2, 0.7, 0.1], [0.0, 0.5, 0.5], [0.3, 0.3, 0.4], [0.1, 1.0, 0.0]])


def evaluate(fn, y_true, y_pred):
    t = theano.tensor.matrix() if y_true.ndim == 2 else theano.tensor.tensor3()
    p = theano.tensor.matrix() if y_pred.ndim == 2 else theano.tensor.tensor3()
    out = fn(t, p)
    return out.eval({t: y_true.astype(floatX), p: y_pred.astype(floatX)})


def np_cce(t, p):
    p = np.clip(p, EPS, 1 - EPS)
    p = p / p.sum(axis=-1, keepdims=True)
    return -np.sum(t * np.log(p), axis=-1)


def np_bce(t, p):
    p = np.clip(p, EPS, 1 - EPS)
    return np.mean(-(t * np.log(p) + (1 - t) * np.log(1 - p)), axis=-1)


CASES = [
    ('mse', Y_TRUE, Y_PRED, lambda t, p: np.mean((p - t) ** 2, axis=-1)),
    ('mae', Y_TRUE, Y_PRED, lambda t, p: np.mean(np.abs(p - t), axis=-1)),
    ('mape', Y_TRUE, Y_PRED,
     lambda t, p: 100. * np.mean(np.abs((t - p) / np.clip(np.abs(t), EPS, np.inf)), axis=-1)),
    ('msle', np.abs(Y_TRUE), np.abs(Y_PRED),
     lambda t, p: np.mean((np.log(np.clip(p, EPS, None) + 1) - np.log(np.clip(t, EPS, None) + 1)) ** 2, axis=-1)),
    ('msle_negative_clipped', Y_TRUE, Y_PRED,
     lambda t, p: np.mean((np.log(np.clip(p, EPS, None) + 1) - np.log(np.clip(t, EPS, None) + 1)) ** 2, axis=-1)),
    ('hinge', np.sign(Y_TRUE - 0.5), Y_PRED, lambda t, p: np.mean(np.maximum(1 - t * p, 0), axis=-1)),
    ('squared_hinge', np.sign(Y_TRUE - 0.5), Y_PRED,
     lambda t, p: np.mean(np.maximum(1 - t * p, 0) ** 2, axis=-1)),
    ('categorical_crossentropy', P_TRUE, P_PRED, np_cce),
    ('binary_crossentropy', P_TRUE, P_PRED, np_bce),
    ('poisson_loss', np.abs(Y_TRUE), np.abs(Y_PRED),
     lambda t, p: np.mean(p - t * np.log(p + EPS), axis=-1)),
]


@pytest.mark.parametrize('name,y_true,y_pred,reference', CASES, ids=[c[0] for c in CASES])
def test_objective_matches_numpy(name, y_true, y_pred, reference):
    fn = objectives.get(name.replace('_negative_clipped', ''))
    got = evaluate(fn, y_true, y_pred)
    assert got.shape == (len(y_true),) and got.dtype == np.dtype(floatX)
    np.testing.assert_allclose(got, reference(y_true, y_pred), rtol=RTOL)


def test_clipping_keeps_crossentropies_finite_at_0_and_1():
    cce = evaluate(objectives.categorical_crossentropy, P_TRUE, P_PRED)
    bce = evaluate(objectives.binary_crossentropy, P_TRUE, P_PRED)
    assert np.all(np.isfinite(cce)) and np.all(np.isfinite(bce))
    # row 1 puts probability 0 on the true class: -log(eps / (eps + 1)) after rescaling
    np.testing.assert_allclose(cce[1], -np.log(EPS / (EPS + 1.0)), rtol=1e-4)


def test_categorical_crossentropy_rescales_rows_to_sum_one():
    t = np.array([[0., 1.]])
    p = np.array([[0.5, 1.5]])   # row sum 2: the prediction becomes [0.25, 0.75]
    np.testing.assert_allclose(evaluate(objectives.categorical_crossentropy, t, p),
                               [-np.log(min(1 - EPS, 1.5) / (0.5 + min(1 - EPS, 1.5)))], rtol=RTOL)


def test_mse_reduces_only_the_last_axis():
    t = rng.normal(size=(2, 3, 4))
    p = rng.normal(size=(2, 3, 4))
    got = evaluate(objectives.mse, t, p)
    assert got.shape == (2, 3)
    np.testing.assert_allclose(got, np.mean((p - t) ** 2, axis=-1), rtol=RTOL)


def test_aliases_and_lookup():
    assert objectives.get('mse') is objectives.MSE is objectives.mean_squared_error
    assert objectives.get('mae') is objectives.MAE is objectives.mean_absolute_error
    assert objectives.get('mape') is objectives.mean_absolute_percentage_error
    assert objectives.get('msle') is objectives.mean_squared_logarithmic_error
    assert objectives.get('poisson') is objectives.poisson_loss
    f = lambda t, p: t  # noqa: E731
    assert objectives.get(f) is f
    with pytest.raises(ValueError, match=r'^Invalid objective: crossentropy \(valid: .*categorical_crossentropy'):
        objectives.get('crossentropy')


def test_gradient_of_mse_is_closed_form():
    t = T.matrix()
    p = theano.shared(Y_PRED.astype(floatX))
    g = theano.grad(T.mean(objectives.mse(t, p)), p)
    np.testing.assert_allclose(g.eval({t: Y_TRUE.astype(floatX)}),
                               2 * (Y_PRED - Y_TRUE) / Y_PRED.size, rtol=RTOL)


EPSILON_SCRIPT = textwrap.dedent('''
    import numpy as np
    from legacy_bn import objectives
    import legacy_bn.theano as theano
    import legacy_bn.theano.tensor as T
    t, p = T.matrix(), T.matrix()
    out = objectives.binary_crossentropy(t, p).eval({t: np.ones((1, 1), theano.config.floatX),
                                                     p: np.zeros((1, 1), theano.config.floatX)})
    print(repr(objectives.epsilon), out.dtype, float(out[0]))
''')


@pytest.mark.parametrize('fx,eps', [('float64', 1e-9), ('float32', 1e-7)])
def test_epsilon_follows_floatX_at_import(fx, eps):
    env = dict(os.environ, THEANO_FLAGS='floatX=' + fx)
    res = subprocess.run([sys.executable, '-c', EPSILON_SCRIPT], env=env,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    got_eps, dtype, bce = res.stdout.split()
    assert float(got_eps) == eps and dtype == fx
    # target 1, prediction 0 clipped to eps: -log(eps)
    assert float(bce) == pytest.approx(-np.log(eps), rel=1e-6)


# -- activations ---------------------------------------------------------------------

X = np.array([[-2.0, -0.5, 0.0, 0.5, 3.0], [1.0, 2.0, -1.0, 0.0, 4.0]])


@pytest.mark.parametrize('name,reference', [
    ('linear', lambda x: x),
    ('relu', lambda x: np.maximum(x, 0)),
    ('tanh', np.tanh),
    ('sigmoid', lambda x: 1 / (1 + np.exp(-x))),
    ('hard_sigmoid', lambda x: np.clip(0.2 * x + 0.5, 0, 1)),
    ('softplus', lambda x: np.log1p(np.exp(x))),
    ('softmax', lambda x: np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True)),
])
def test_activation_matches_numpy(name, reference):
    x = T.matrix()
    got = activations.get(name)(x).eval({x: X.astype(floatX)})
    np.testing.assert_allclose(got, reference(X), rtol=RTOL, atol=1e-15)


def test_softmax_on_3d_is_over_the_last_axis():
    x3 = rng.normal(size=(2, 3, 4))
    x = T.tensor3()
    got = activations.softmax(x).eval({x: x3.astype(floatX)})
    e = np.exp(x3 - x3.max(axis=-1, keepdims=True))
    np.testing.assert_allclose(got, e / e.sum(axis=-1, keepdims=True), rtol=RTOL)


def test_relu_gradient_at_zero_is_one_half():
    # Keras's relu is (x + |x|)/2 and abs'(0) = 0 in Theano
    x = theano.shared(np.array([-1.0, 0.0, 2.0], dtype=floatX))
    g = theano.grad(T.sum(activations.relu(x)), x).eval()
    assert np.array_equal(g, [0.0, 0.5, 1.0])


def test_activation_lookup_errors():
    assert activations.get('relu') is activations.relu
    with pytest.raises(ValueError, match=r'^Invalid activation function: elu \(valid: .*relu'):
        activations.get('elu')
