"""Keras 0.3.3's GaussianNoise and GaussianDropout: identity at test time, noise of the
right mean and spread in training (seeded from np.random when the graph is built)."""
import numpy as np
import pytest

from legacy_bn.keras03 import backend as K
from legacy_bn.keras03.layers.noise import GaussianDropout, GaussianNoise

from .layer_checks import output_of

FX = K.floatx()


def test_gaussian_noise_is_additive_with_std_sigma(rng):
    X = rng.normal(size=(200, 50)).astype(FX)
    layer = GaussianNoise(0.5, input_shape=(50,))
    assert np.array_equal(output_of(layer, X), X)
    noise = output_of(layer, X, train=True) - X
    assert abs(noise.mean()) < 0.02 and abs(noise.std() - 0.5) < 0.02
    assert np.array_equal(output_of(GaussianNoise(0., input_shape=(50,)), X, train=True), X)


def test_gaussian_dropout_is_multiplicative_with_std_sqrt_p_over_1_minus_p(rng):
    X = np.full((200, 50), 2.0, FX)
    layer = GaussianDropout(0.2, input_shape=(50,))
    assert np.array_equal(output_of(layer, X), X)
    factor = output_of(layer, X, train=True) / X
    assert abs(factor.mean() - 1) < 0.02 and abs(factor.std() - 0.5) < 0.02


def test_the_noise_is_seeded_from_np_random(rng):
    X = rng.normal(size=(3, 4)).astype(FX)
    outs = []
    for _ in range(2):
        np.random.seed(12)
        outs.append(output_of(GaussianNoise(1.0, input_shape=(4,)), X, train=True))
    assert np.array_equal(outs[0], outs[1])


def test_gaussian_dropout_p_of_one_is_refused():
    layer = GaussianDropout(1.0, input_shape=(3,))
    with pytest.raises(ValueError, match='GaussianDropout: p must be a number in'):
        layer.get_output(train=True)


def test_configs():
    assert GaussianNoise(0.3).get_config()['sigma'] == 0.3
    assert GaussianDropout(0.4).get_config()['p'] == 0.4
