"""GroupNormalization and InstanceNormalization: a numpy transcription of the papers'
formulas, finite-difference gradients, shapes from the previous layer, configs, errors."""
import json

import numpy as np
import pytest

from legacy_bn.layers.containers import Sequential
from legacy_bn.layers.convolutional import Convolution2D
from legacy_bn.layers.normalization import GroupNormalization, InstanceNormalization
from legacy_bn.models import Sequential as Model, model_from_json
from legacy_bn.optimizers import SGD
from legacy_bn.layers.core import Activation, Dense, Flatten

from normalization_checks import assert_gradients_match, compiled


def group_norm_numpy(x, groups, gamma, beta, epsilon):
    """Wu & He (2018), eq. 1-3 with their Fig. 3 code: statistics per sample and group."""
    n, c, h, w = x.shape
    g = x.reshape(n, groups, c // groups, h, w)
    mean = g.mean(axis=(2, 3, 4), keepdims=True)
    var = ((g - mean) ** 2).mean(axis=(2, 3, 4), keepdims=True)
    normed = ((g - mean) / np.sqrt(var + epsilon)).reshape(n, c, h, w)
    return normed * gamma[None, :, None, None] + beta[None, :, None, None]


@pytest.fixture
def images(rng):
    return rng.randn(3, 6, 4, 5) * 2 + 0.7


@pytest.mark.parametrize('groups', [1, 2, 3, 6])
def test_group_norm_matches_numpy_in_training_and_test(rng, images, groups):
    gamma, beta = rng.uniform(0.5, 2, 6), rng.uniform(-1, 1, 6)
    layer = GroupNormalization(groups, epsilon=1e-3, input_shape=(6, 4, 5), weights=[gamma, beta])
    expected = group_norm_numpy(images, groups, gamma, beta, 1e-3)
    for train in (True, False):
        np.testing.assert_allclose(compiled(layer, images, train)(images), expected,
                                   rtol=1e-10, atol=1e-12)


def test_each_sample_is_normalized_by_itself(rng, images):
    """No batch statistics: a sample's output does not depend on the rest of the batch."""
    f = compiled(GroupNormalization(2, input_shape=(6, 4, 5)), images, True)
    np.testing.assert_allclose(f(images)[:1], f(images[:1]), rtol=1e-12, atol=1e-12)


def test_instance_norm_is_group_norm_with_a_channel_per_group(rng, images):
    gamma, beta = rng.uniform(0.5, 2, 6), rng.uniform(-1, 1, 6)
    layer = InstanceNormalization(input_shape=(6, 4, 5), weights=[gamma, beta])
    out = compiled(layer, images, True)(images)
    np.testing.assert_allclose(out, group_norm_numpy(images, 6, gamma, beta, 1e-5),
                               rtol=1e-10, atol=1e-12)
    # each (sample, channel) map: mean beta, std gamma (up to epsilon)
    np.testing.assert_allclose(out.mean(axis=(2, 3)), np.broadcast_to(beta, (3, 6)), atol=1e-12)
    np.testing.assert_allclose(out.std(axis=(2, 3)), np.broadcast_to(gamma, (3, 6)), rtol=1e-4)


@pytest.mark.parametrize('make', [lambda: GroupNormalization(3, epsilon=1e-2, input_shape=(6, 4, 5)),
                                  lambda: InstanceNormalization(epsilon=1e-2, input_shape=(6, 4, 5))])
@pytest.mark.parametrize('mode', [None, 'FAST_COMPILE'])
def test_gradients_match_finite_differences(rng, make, mode):
    layer = make()
    layer.set_weights([rng.uniform(0.5, 2, 6), rng.uniform(-1, 1, 6)])
    assert_gradients_match(layer, rng.randn(2, 6, 4, 5), True, rng, mode=mode)


def test_shape_from_previous_layer_and_json_round_trip(rng):
    model = Model()
    model.add(Convolution2D(4, 1, 3, 3))
    model.add(GroupNormalization(2))
    model.add(InstanceNormalization())
    model.add(Activation('relu'))
    model.add(Flatten())
    model.add(Dense(4 * 6 * 6, 3))
    model.add(Activation('softmax'))
    model.compile(loss='categorical_crossentropy', optimizer=SGD(lr=0.1))
    assert model.layers[1].input_shape == (4, None, None) and model.layers[1].gamma.get_value().shape == (4,)
    X, y = rng.rand(5, 1, 8, 8), np.eye(3)[rng.randint(0, 3, 5)]
    before = model.layers[1].get_weights()
    model.train_on_batch(X, y)
    assert not np.array_equal(model.layers[1].get_weights()[0], before[0])   # gamma trains
    config = json.loads(model.to_json())['layers']
    assert config[1] == {'name': 'GroupNormalization', 'groups': 2, 'epsilon': 1e-5,
                         'input_shape': [4, None, None]}
    assert config[2] == {'name': 'InstanceNormalization', 'epsilon': 1e-5, 'input_shape': [4, None, None]}
    rebuilt = model_from_json(model.to_json())
    rebuilt.compile(loss='categorical_crossentropy', optimizer=SGD(lr=0.1))
    rebuilt.set_weights(model.get_weights())
    np.testing.assert_allclose(rebuilt.predict(X), model.predict(X), rtol=1e-12)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match='GroupNormalization: groups must be a positive integer, got 0'):
        GroupNormalization(0)
    with pytest.raises(ValueError, match='GroupNormalization: groups=4 must divide the 6 channels'):
        GroupNormalization(4, input_shape=(6, 4, 4))
    with pytest.raises(ValueError, match=r'InstanceNormalization: input_shape must be \(channels, '
                                         r'rows, cols\) \(rows and cols may be None\), got \(6,\)'):
        InstanceNormalization(input_shape=(6,))
    with pytest.raises(ValueError, match=r'GroupNormalization: input_shape must be .*, got \(0, 4, 4\)'):
        GroupNormalization(1, input_shape=(0, 4, 4))
    with pytest.raises(ValueError, match='InstanceNormalization: epsilon'):
        InstanceNormalization(epsilon=-1)
    with pytest.raises(ValueError, match='GroupNormalization after Activation: the input shape is unknown'):
        Sequential([Activation('relu'), GroupNormalization(2)])
    with pytest.raises(ValueError, match=r'GroupNormalization: input_shape must be .*, got \(4,\)'):
        Sequential([Dense(3, 4), GroupNormalization(2)])
