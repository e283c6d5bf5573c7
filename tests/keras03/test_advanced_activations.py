"""Keras 0.3.3's advanced activations against numpy transcriptions of their formulas,
their learned weights, and a gradient by finite differences."""
import numpy as np
import pytest

from legacy_bn.keras03 import backend as K
from legacy_bn.keras03.layers import advanced_activations as A

from .layer_checks import check_input_gradient, output_of, tolerance

FX = K.floatx()
SHAPE = (3, 4)


@pytest.fixture
def X(rng):
    # away from the kinks and thresholds, where the finite differences are meaningful
    x = rng.uniform(-3, 3, size=(5,) + SHAPE)
    x[np.abs(x) < 0.1] += 0.3
    x[np.abs(np.abs(x) - 1) < 0.1] += 0.3
    return x.astype(FX)


def test_leaky_relu_and_elu(X):
    x = X.astype(np.float64)
    np.testing.assert_allclose(output_of(A.LeakyReLU(0.2, input_shape=SHAPE), X),
                               np.where(x > 0, x, 0.2 * x), **tolerance())
    np.testing.assert_allclose(output_of(A.ELU(0.7, input_shape=SHAPE), X),
                               np.where(x > 0, x, 0.7 * (np.exp(x) - 1)), rtol=1e-5, atol=1e-6)


def test_prelu_learns_one_slope_per_unit(X, rng):
    layer = A.PReLU(input_shape=SHAPE)
    assert [w.shape for w in layer.get_weights()] == [SHAPE]
    assert np.all(layer.get_weights()[0] == 0)
    alphas = rng.uniform(0, 1, SHAPE).astype(FX)
    layer.set_weights([alphas])
    x = X.astype(np.float64)
    np.testing.assert_allclose(output_of(layer, X), np.where(x > 0, x, alphas * x),
                               **tolerance())
    check_input_gradient(layer, X, rng)


def test_parametric_softplus(X, rng):
    layer = A.ParametricSoftplus(alpha_init=0.3, beta_init=2.0, input_shape=SHAPE)
    alphas, betas = layer.get_weights()
    assert np.all(alphas == np.float32(0.3)) and np.all(betas == 2)
    x = X.astype(np.float64)
    np.testing.assert_allclose(output_of(layer, X), 0.3 * np.log1p(np.exp(2 * x)),
                               rtol=1e-5, atol=1e-6)
    check_input_gradient(layer, X, rng)


def test_thresholded(X):
    x = X.astype(np.float64)
    np.testing.assert_allclose(output_of(A.ThresholdedLinear(1.0, input_shape=SHAPE), X),
                               np.where(np.abs(x) < 1, 0, x), **tolerance())
    np.testing.assert_allclose(output_of(A.ThresholdedReLU(1.0, input_shape=SHAPE), X),
                               np.where(x > 1, x, 0), **tolerance())


def test_srelu(X, rng):
    layer = A.SReLU(input_shape=SHAPE)
    t_left, t_right = [rng.uniform(-1, 1, SHAPE).astype(FX) for _ in range(2)]
    a_left, a_right = [rng.uniform(0, 1, SHAPE).astype(FX) for _ in range(2)]
    layer.set_weights([t_left, a_left, t_right, a_right])
    x = X.astype(np.float64)
    t_right_actual = t_left + np.abs(t_right)
    expected = np.where(x >= t_right_actual, t_right_actual + a_right * (x - t_right_actual),
                        np.where(x <= t_left, t_left + a_left * (x - t_left), x))
    np.testing.assert_allclose(output_of(layer, X), expected, rtol=1e-5, atol=1e-6)
    assert layer.get_config() == {'name': 'SReLU', 't_left_init': 'zero',
                                  'a_left_init': 'glorot_uniform',
                                  't_right_init': 'glorot_uniform', 'a_right_init': 'one'}


def test_prelu_keras01_form_is_refused():
    with pytest.raises(TypeError, match='Keras 0.1'):
        A.PReLU((10,))
