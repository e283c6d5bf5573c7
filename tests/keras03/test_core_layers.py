"""Keras 0.3.3 core layers (legacy_bn.keras03.layers.core): shape inference, the forward
computations against numpy closed forms, configs, and the errors for bad input."""
import numpy as np
import pytest

K = pytest.importorskip('legacy_bn.keras03.backend')
pytest.importorskip('legacy_bn.keras03.initializations')
pytest.importorskip('legacy_bn.keras03.regularizers')

from legacy_bn.keras03.layers import core, containers  # noqa: E402
from legacy_bn.keras03.layers.core import (  # noqa: E402
    Dense, Dropout, Activation, Reshape, Permute, Flatten, RepeatVector, Merge, Lambda,
    TimeDistributedDense, MaxoutDense, Highway, Masking, Siamese, LambdaMerge, AutoEncoder,
    TimeDistributedMerge, Layer)

TOL = dict(rtol=2e-4, atol=1e-5) if K.floatx() == 'float32' else dict(rtol=1e-8, atol=1e-10)


def output_of(layer, *arrays, train=False):
    """The layer's output for the given input arrays (one per input of the layer)."""
    inputs = layer.get_input(train)
    inputs = inputs if type(inputs) == list else [inputs]
    return K.function(inputs, [layer.get_output(train)])(list(arrays))[0]


def floats(rng, *shape):
    return rng.normal(size=shape).astype(K.floatx())


# -- shape inference ----------------------------------------------------------------------------
def test_input_dim_input_shape_and_batch_input_shape_give_the_same_layer():
    assert Dense(4, input_dim=3).input_shape == (None, 3)
    assert Dense(4, input_shape=(3,)).input_shape == (None, 3)
    assert Dense(4, batch_input_shape=(16, 3)).input_shape == (16, 3)
    assert Dense(4, input_dim=3).output_shape == (None, 4)
    assert [w.shape for w in Dense(4, input_dim=3).get_weights()] == [(3, 4), (4,)]
    tdd = TimeDistributedDense(5, input_dim=3, input_length=7)
    assert tdd.input_shape == (None, 7, 3) and tdd.output_shape == (None, 7, 5)


def test_shapes_flow_through_a_sequential_stack():
    model = containers.Sequential()
    model.add(Dense(12, input_dim=6))
    model.add(Reshape((3, -1)))
    model.add(Permute((2, 1)))
    model.add(Flatten())
    model.add(RepeatVector(2))
    assert [l.output_shape for l in model.layers] == [
        (None, 12), (None, 3, 4), (None, 4, 3), (None, 12), (None, 2, 12)]
    assert model.layers[1].output_shape == (None, 3, 4)


def test_layers_connected_later_build_their_weights_from_the_previous_output():
    first = Dense(5, input_dim=2)
    second = Dense(3)
    second.set_previous(first)
    assert second.W.get_value().shape == (5, 3)


def test_merge_output_shapes():
    a, b = Dense(4, input_dim=3), Dense(4, input_dim=2)
    assert Merge([a, b], mode='concat').output_shape == (None, 8)
    assert Merge([a, b], mode='sum').output_shape == (None, 4)
    assert Merge([a, b], mode='dot', dot_axes=[[1], [1]]).output_shape == (None, 1)
    assert Merge([a, b], mode='cos', dot_axes=[[1], [1]]).output_shape == (None, 1)
    # 0.3.3 turned an integer dot_axes into two lists (Python 2's range)
    assert Merge([a, b], mode='dot', dot_axes=-1).dot_axes == [[1], [1]]


# -- forward computations --------------------------------------------------------------------
def test_dense_tdd_maxout_and_highway_match_numpy(rng):
    X = floats(rng, 5, 3)
    dense = Dense(4, input_dim=3, activation='tanh')
    W, b = dense.get_weights()
    np.testing.assert_allclose(output_of(dense, X), np.tanh(X.dot(W) + b), **TOL)

    maxout = MaxoutDense(2, nb_feature=3, input_dim=3)
    W, b = [floats(rng, 3, 3, 2), floats(rng, 3, 2)]
    maxout.set_weights([W, b])
    expected = np.max(np.einsum('si,fio->sfo', X, W) + b, axis=1)
    np.testing.assert_allclose(output_of(maxout, X), expected, **TOL)

    highway = Highway(input_dim=3, activation='relu')
    W, b, Wc, bc = highway.get_weights()
    assert np.all(bc == -2)         # transform_bias
    gate = 1 / (1 + np.exp(-(X.dot(Wc) + bc)))
    expected = np.maximum(X.dot(W) + b, 0) * gate + (1 - gate) * X
    np.testing.assert_allclose(output_of(highway, X), expected, **TOL)

    seq = floats(rng, 2, 4, 3)
    tdd = TimeDistributedDense(5, input_dim=3, activation='sigmoid')
    W, b = tdd.get_weights()
    np.testing.assert_allclose(output_of(tdd, seq), 1 / (1 + np.exp(-(seq.dot(W) + b))), **TOL)


def test_dropout_is_inverted_in_training_and_the_identity_at_test_time(rng):
    X = np.ones((40, 50), dtype=K.floatx())
    drop = Dropout(0.25, input_shape=(50,))
    kept = output_of(drop, X, train=True)
    np.testing.assert_allclose(np.unique(kept), [0.0, 1 / 0.75], **TOL)
    assert 0.15 < np.mean(kept == 0) < 0.35
    np.testing.assert_array_equal(output_of(drop, X, train=False), X)


def test_merge_modes_match_numpy(rng):
    x1, x2 = floats(rng, 4, 3), floats(rng, 4, 3)
    a, b = Activation('linear', input_shape=(3,)), Activation('linear', input_shape=(3,))
    expected = {'sum': x1 + x2, 'mul': x1 * x2, 'ave': (x1 + x2) / 2,
                'concat': np.concatenate([x1, x2], axis=-1),
                'dot': np.sum(x1 * x2, axis=1, keepdims=True),
                'cos': (np.sum(x1 * x2, axis=1) / np.sqrt(np.sum(x1 * x1, axis=1) *
                                                          np.sum(x2 * x2, axis=1)))[:, None]}
    for mode, want in expected.items():
        merge = Merge([a, b], mode=mode, dot_axes=[[1], [1]])
        np.testing.assert_allclose(output_of(merge, x1, x2), want, err_msg=mode, **TOL)


def test_siamese_applies_one_layer_to_each_input_then_merges(rng):
    x1, x2 = floats(rng, 4, 3), floats(rng, 4, 3)
    a, b = Activation('linear', input_shape=(3,)), Activation('linear', input_shape=(3,))
    shared = Dense(2)
    siamese = Siamese(shared, [a, b], merge_mode='sum')
    W, bias = shared.get_weights()
    assert len(siamese.trainable_weights) == 2      # the shared weights, once
    np.testing.assert_allclose(output_of(siamese, x1, x2),
                               x1.dot(W) + bias + x2.dot(W) + bias, **TOL)


def test_masking_zeroes_padding_steps_and_outputs_their_mask():
    X = np.array([[[1, 2], [0, 0], [3, 0]]], dtype=K.floatx())
    masking = Masking(0., input_shape=(3, 2))
    np.testing.assert_array_equal(output_of(masking, X), X)
    mask = K.function([masking.get_input()], [masking.get_output_mask()])([X])[0]
    np.testing.assert_array_equal(mask, [[1, 0, 1]])


def test_lambda_and_lambda_merge(rng):
    X = floats(rng, 3, 4)
    square = Lambda(lambda x: x ** 2, output_shape=(4,), input_shape=(4,))
    assert square.output_shape == (None, 4)
    np.testing.assert_allclose(output_of(square, X), X ** 2, **TOL)
    a, b = Activation('linear', input_shape=(4,)), Activation('linear', input_shape=(4,))
    diff = LambdaMerge([a, b], lambda xs: xs[0] - xs[1])
    np.testing.assert_allclose(output_of(diff, X, 2 * X), -X, **TOL)


def test_time_distributed_merge_and_autoencoder(rng):
    seq = floats(rng, 2, 5, 3)
    for mode, reduce_by in [('sum', np.sum), ('ave', np.mean), ('mul', np.prod)]:
        tdm = TimeDistributedMerge(mode, input_shape=(5, 3))
        np.testing.assert_allclose(output_of(tdm, seq), reduce_by(seq, axis=1), **TOL)
    encoder = containers.Sequential([Dense(2, input_dim=3)])
    decoder = containers.Sequential([Dense(3, input_dim=2)])
    auto = AutoEncoder(encoder, decoder)
    assert auto.output_shape == (None, 3) and len(auto.get_weights()) == 4
    auto.output_reconstruction = False
    assert auto.output_shape == (None, 2) and len(auto.trainable_weights) == 2


def test_get_config_keeps_the_shape_keywords_and_the_custom_name():
    config = Dense(4, input_dim=3, name='hidden').get_config()
    assert config['input_shape'] == (3,) and config['custom_name'] == 'hidden'
    assert config['output_dim'] == 4 and config['name'] == 'Dense'
    assert Dense(4, batch_input_shape=(8, 3)).get_config()['batch_input_shape'] == (8, 3)


# -- bad input ----------------------------------------------------------------------------------
def test_unknown_keyword_names_the_keyword_and_the_layer():
    with pytest.raises(TypeError, match=r"Dropout: keyword argument not understood: 'rate'"):
        Dropout(0.5, rate=0.5)
    with pytest.raises(AssertionError, match='Activation'):    # 0.3.3 asserted
        Activation('relu', input_dims=3)


def test_keras_01_constructor_forms_point_to_the_01_surface():
    with pytest.raises(TypeError) as err:
        Dense(784, 512)
    message = str(err.value)
    assert 'Dense' in message and 'init=512' in message
    assert 'Keras 0.1' in message and 'python -m legacy_bn --keras 0.1' in message
    with pytest.raises(TypeError, match='--keras 0.1'):
        Reshape(1, 28, 28)
    with pytest.raises(TypeError, match='--keras 0.1'):
        TimeDistributedDense(10, 20)


def test_first_layer_without_input_shape_says_what_to_pass():
    model = containers.Sequential()
    model.add(Dense(4))
    with pytest.raises(ValueError, match=r'Dense does not know its input shape.*input_shape='):
        model.add(Dense(2))


def test_shapes_that_cannot_be_inferred_are_errors_naming_the_layer():
    flatten = Flatten()
    flatten.set_previous(Activation('linear', input_shape=(None, 3)))
    with pytest.raises(ValueError, match=r'Flatten.*not fully defined'):
        flatten.output_shape
    reshape = Reshape((4, 4), input_shape=(3, 5))
    with pytest.raises(ValueError, match=r'Reshape.*\(3, 5\).*\(4, 4\)'):
        reshape.output_shape
    with pytest.raises(ValueError, match='ndim=2'):
        Dense(3).set_previous(Activation('linear', input_shape=(4, 5)))
    with pytest.raises(ValueError, match="concat"):
        Merge([Dense(2, input_dim=3), TimeDistributedDense(2, input_dim=3)], mode='concat')


def test_set_weights_checks_every_array_before_setting_any():
    dense = Dense(3, input_dim=2)
    before = dense.get_weights()
    with pytest.raises(ValueError, match=r'Dense.set_weights.*\(3,\).*\(5,\)'):
        dense.set_weights([np.ones((2, 3)), np.ones((5,))])
    for w, v in zip(before, dense.get_weights()):
        np.testing.assert_array_equal(w, v)


def test_layer_base_is_the_identity_with_a_given_shape(rng):
    layer = Layer(input_shape=(3,))
    assert layer.input_shape == layer.output_shape == (None, 3)
    X = floats(rng, 2, 3)
    np.testing.assert_array_equal(output_of(layer, X), X)
    assert core.describe(Dense(2, name='top')) == "Dense 'top'"


def test_add_shared_layer_gives_each_sequential_the_same_weights(rng):
    left = containers.Sequential([Activation('linear', input_shape=(3,))])
    right = containers.Sequential([Activation('linear', input_shape=(3,))])
    shared = Dense(2)
    core.add_shared_layer(shared, [left, right])
    assert left.output_shape == right.output_shape == (None, 2)
    W, b = shared.get_weights()
    x1, x2 = floats(rng, 4, 3), floats(rng, 4, 3)
    np.testing.assert_allclose(output_of(left, x1), x1.dot(W) + b, **TOL)
    np.testing.assert_allclose(output_of(right, x2), x2.dot(W) + b, **TOL)


def test_time_distributed_dense_equals_time_distributed_dense_layer(rng):
    from legacy_bn.keras03.layers.wrappers import TimeDistributed
    seq = floats(rng, 2, 4, 3)
    reference = TimeDistributedDense(5, input_dim=3)
    for shape in [dict(input_shape=(4, 3)), dict(batch_input_shape=(2, 4, 3))]:
        wrapped = TimeDistributed(Dense(5), **shape)       # folded axes / K.rnn per step
        wrapped.set_weights(reference.get_weights())
        assert wrapped.output_shape[1:] == (4, 5)
        np.testing.assert_allclose(output_of(wrapped, seq), output_of(reference, seq), **TOL)
    with pytest.raises(ValueError, match='3 or more dimensions'):
        TimeDistributed(Dense(5), input_shape=(3,))
