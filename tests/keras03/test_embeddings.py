"""Keras 0.3.3's Embedding (legacy_bn.keras03.layers.embeddings): rows of W, the zero
mask, input_length, dropout of whole rows in training and scaling at test, weights."""
import numpy as np
import pytest

from legacy_bn.keras03 import backend as K
from legacy_bn.keras03.layers.embeddings import Embedding

from .layer_checks import output_of

FX = K.floatx()


def test_rows_of_w_and_the_zero_mask(rng):
    layer = Embedding(6, 3, input_length=4, mask_zero=True)
    W = layer.get_weights()[0]
    X = np.array([[0, 1, 5, 2], [3, 3, 0, 4]], dtype='int32')
    assert np.array_equal(output_of(layer, X), W[X])
    mask = K.function([layer.input], [layer.get_output_mask()])([X])[0]
    assert np.array_equal(mask, X != 0)
    assert layer.output_shape == (None, 4, 3)
    assert Embedding(6, 3).get_output_mask() is None


def test_initial_weights_are_uniform_005_from_np_random():
    np.random.seed(4)
    W = Embedding(7, 5).get_weights()[0]
    np.random.seed(4)
    assert np.array_equal(W, np.random.uniform(-0.05, 0.05, (7, 5)).astype(FX))


def test_dropout_drops_whole_rows_in_training_and_scales_at_test(rng):
    layer = Embedding(50, 4, input_length=50, dropout=0.5)
    W = layer.get_weights()[0]
    X = np.arange(50, dtype='int32')[None]
    np.testing.assert_allclose(output_of(layer, X)[0], W * 0.5, rtol=1e-6)
    out = output_of(layer, X, train=True)[0]
    dropped = np.all(out == 0, axis=1)
    assert 5 < dropped.sum() < 45
    assert np.array_equal(out[~dropped], W[~dropped])          # not rescaled


def test_weights_argument_and_config():
    W = np.arange(12, dtype=FX).reshape(4, 3)
    layer = Embedding(4, 3, weights=[W], input_length=2, mask_zero=True)
    assert np.array_equal(layer.get_weights()[0], W)
    config = layer.get_config()
    assert (config['input_dim'], config['output_dim'], config['input_length']) == (4, 3, 2)
    assert config['mask_zero'] and config['init'] == 'uniform' and config['dropout'] == 0.


def test_w_constraint_is_listed():
    from legacy_bn.keras03 import constraints
    layer = Embedding(4, 3, W_constraint=constraints.maxnorm(2))
    params, regs, consts, updates = layer.get_params()
    assert params == [layer.W] and consts == [layer.W_constraint]


def test_an_index_outside_the_vocabulary_is_named(rng):
    layer = Embedding(6, 3, input_length=2, name='words')
    for bad in (6, -1):
        with pytest.raises(IndexError, match="words"):
            output_of(layer, np.array([[1, bad]], dtype='int32'))
    with pytest.raises(ValueError, match='index 9 at position'):
        layer.check_input_data(np.array([[1, 9]]), 'fit')
