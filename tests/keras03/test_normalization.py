"""Keras 0.3.3's BatchNormalization (legacy_bn.keras03.layers.normalization) against a
numpy transcription of its formulas: batch statistics in training, running statistics at
test, momentum updates, axis, mode 1, epsilon in both places; gradients through the
batch statistics by finite differences; config and bad arguments. Golden data from the
real 0.3.3: tests/golden/keras03/scenarios/bn_batchstats.py."""
import numpy as np
import pytest

from legacy_bn.keras03 import backend as K
from legacy_bn.keras03.layers.normalization import BatchNormalization

from .layer_checks import check_input_gradient, output_of, tolerance

FX = K.floatx()


def batch_norm_reference(X, gamma, beta, epsilon, axis, mean=None, std=None):
    """0.3.3's mode 0; batch statistics unless mean and std are given. Returns
    (output, batch mean, batch std)."""
    X = X.astype(np.float64)
    axes = tuple(i for i in range(X.ndim) if i != axis % X.ndim)
    shape = [1] * X.ndim
    shape[axis] = X.shape[axis]
    if mean is None:
        mean = X.mean(axis=axes)
        std = np.sqrt((np.square(X - mean.reshape(shape)) + epsilon).mean(axis=axes))
    normed = (X - mean.reshape(shape)) / (std.reshape(shape) + epsilon)
    return gamma.reshape(shape) * normed + beta.reshape(shape), mean, std


def random_weights(layer, rng):
    shape = layer.get_weights()[0].shape
    weights = [rng.uniform(0.5, 1.5, shape), rng.normal(0, 0.5, shape),
               rng.normal(0, 1, shape), rng.uniform(0.5, 2, shape)]
    weights = [w.astype(FX) for w in weights]
    layer.set_weights(weights)
    return weights


@pytest.mark.parametrize('input_shape, axis', [((6,), -1), ((3, 4), -1), ((3, 4, 5), 1),
                                               ((3, 4), 1)])
def test_mode0_batch_statistics_in_training_running_statistics_at_test(input_shape, axis, rng):
    momentum, epsilon = 0.8, 1e-3
    layer = BatchNormalization(input_shape=input_shape, axis=axis, momentum=momentum,
                               epsilon=epsilon)
    gamma, beta, running_mean, running_std = random_weights(layer, rng)
    y = layer.get_output(train=True)
    train = K.function([layer.input], [y], updates=layer.updates)
    test = K.function([layer.input], [layer.get_output(train=False)])
    for n in (5, 2, 7):
        X = rng.normal(1.5, 2.0, size=(n,) + input_shape).astype(FX)
        expected, m, s = batch_norm_reference(X, gamma, beta, epsilon, axis)
        expected_test = batch_norm_reference(X, gamma, beta, epsilon, axis,
                                             running_mean, running_std)[0]
        np.testing.assert_allclose(test([X])[0], expected_test, **tolerance())
        np.testing.assert_allclose(train([X])[0], expected, **tolerance())
        running_mean = momentum * running_mean + (1 - momentum) * m
        running_std = momentum * running_std + (1 - momentum) * s
        np.testing.assert_allclose(K.get_value(layer.running_mean), running_mean, **tolerance())
        np.testing.assert_allclose(K.get_value(layer.running_std), running_std, **tolerance())


def test_mode1_normalizes_each_sample_with_its_own_biased_std(rng):
    epsilon = 0.1
    layer = BatchNormalization(input_shape=(6,), mode=1, epsilon=epsilon)
    gamma, beta = random_weights(layer, rng)[:2]
    X = rng.normal(2, 3, size=(4, 6)).astype(FX)
    x = X.astype(np.float64)
    m = x.mean(axis=-1, keepdims=True)
    expected = gamma * (x - m) / (x.std(axis=-1, keepdims=True) + epsilon) + beta
    for train in (True, False):
        np.testing.assert_allclose(output_of(layer, X, train), expected, **tolerance())
    layer.get_output(train=True)
    assert not getattr(layer, 'updates', [])


def test_weights_start_as_ones_and_zeros_without_drawing(rng):
    np.random.seed(3)
    before = np.random.get_state()[1].copy()
    layer = BatchNormalization(input_shape=(3, 4, 5), axis=1)
    assert np.array_equal(np.random.get_state()[1], before)
    gamma, beta, mean, std = layer.get_weights()
    for w, value in ((gamma, 1), (beta, 0), (mean, 0), (std, 1)):
        assert w.shape == (3,) and w.dtype == FX and np.all(w == value)
    assert layer.trainable_weights == [layer.gamma, layer.beta]
    assert layer.non_trainable_weights == [layer.running_mean, layer.running_std]


@pytest.mark.parametrize('mode, input_shape, axis', [(0, (4,), -1), (0, (2, 3, 2), 1),
                                                     (1, (5,), -1)])
def test_training_gradient_flows_through_the_batch_statistics(mode, input_shape, axis, rng):
    layer = BatchNormalization(input_shape=input_shape, mode=mode, axis=axis, epsilon=1e-2)
    random_weights(layer, rng)
    X = rng.normal(0, 1, size=(4,) + input_shape).astype(FX)
    grad = check_input_gradient(layer, X, rng, train=True)
    if mode == 0:
        # normalizing with batch statistics makes the output blind to a shift of the
        # batch along the reduction axes: the gradient sums to zero over them
        axes = tuple(i for i in range(X.ndim) if i != axis % X.ndim)
        np.testing.assert_allclose(grad.sum(axis=axes), 0, atol=1e-4)


def test_config_has_momentum_and_axis():
    layer = BatchNormalization(input_shape=(3, 4), mode=0, axis=1, momentum=0.7, epsilon=1e-3)
    config = layer.get_config()
    assert config['name'] == 'BatchNormalization'
    assert (config['mode'], config['axis'], config['momentum'], config['epsilon']) == \
        (0, 1, 0.7, 1e-3)
    assert config['input_shape'] == (3, 4)


def test_set_weights_takes_gamma_beta_and_the_running_statistics(rng):
    layer = BatchNormalization(input_shape=(3,))
    with pytest.raises(ValueError, match='2 provided'):
        layer.set_weights([np.ones(3), np.zeros(3)])
    assert all(np.array_equal(a, b) for a, b in
               zip(layer.get_weights(), [np.ones(3), np.zeros(3), np.zeros(3), np.ones(3)]))


@pytest.mark.parametrize('kwargs, message', [
    ({'mode': 2}, 'mode must be 0 .featurewise. or 1 .samplewise., got 2'),
    ({'epsilon': -1e-3}, 'epsilon must be a number >= 0'),
    ({'momentum': 'fast'}, 'momentum must be a number'),
    ({'axis': 3}, 'axis 3 is outside the input of shape'),
    ({'epsilon': (512,)}, 'Keras 0.1 form'),
])
def test_bad_arguments_are_named(kwargs, message):
    kwargs.setdefault('input_shape', (4, 2))
    with pytest.raises((ValueError, TypeError), match=message):
        BatchNormalization(**kwargs)


def test_paper_numbers_of_a_batch():
    # a hand-computed case: batch [[0], [2]]: mean 1, std sqrt(1 + eps)
    eps = 0.25
    layer = BatchNormalization(input_shape=(1,), epsilon=eps)
    out = output_of(layer, np.array([[0.], [2.]], dtype=FX), train=True)
    std = np.sqrt(1 + eps)
    np.testing.assert_allclose(out[:, 0], [-1 / (std + eps), 1 / (std + eps)], rtol=1e-6)
