"""Masking, TimeDistributedDense, RepeatVector and the 2015 loss masking, in closed form
(Masking's numbers were checked against the real Keras 4e1ec93)."""
import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn import objectives
from legacy_bn.layers.core import Activation, Dense, Masking, RepeatVector, TimeDistributedDense
from legacy_bn.models import Sequential, weighted_objective

floatX = theano.config.floatX


def test_masking_zeroes_and_masks_timesteps_equal_to_the_mask_value():
    layer = Masking(mask_value=1.5)
    X = np.array([[[1.5, 1.5], [0, 1.5], [1.5, 1.5]], [[2, 2], [1.5, 1.5], [0, 0]]], dtype=floatX)
    out, mask = theano.function([layer.input], [layer.get_output(), layer.get_output_mask()])(X)
    np.testing.assert_array_equal(out, [[[0, 0], [0, 1.5], [0, 0]], [[2, 2], [0, 0], [0, 0]]])
    np.testing.assert_array_equal(mask, [[0, 1, 0], [1, 0, 1]])
    assert mask.dtype == np.int8 and out.dtype == floatX


def test_masked_layers_pass_the_mask_on_and_plain_layers_refuse_it():
    model = Sequential()
    model.add(Masking())
    model.add(TimeDistributedDense(2, 3))
    model.add(Activation('tanh'))
    assert model.layers[-1].get_output_mask() is not None
    with pytest.raises(ValueError, match='does not support masked input'):
        model.add(Dense(3, 1))


def test_time_distributed_dense_is_dense_at_every_timestep(rng):
    W, b = rng.normal(size=(4, 3)), rng.normal(size=3)
    layer = TimeDistributedDense(4, 3, activation='tanh', weights=[W, b])
    X = rng.normal(size=(2, 5, 4))
    out = theano.function([layer.input], layer.get_output(), allow_input_downcast=True)(X)
    np.testing.assert_allclose(out, np.tanh(X.dot(W) + b), rtol=1e-5)
    assert layer.input_shape == (None, 4) and layer.output_shape == (None, 3)


def test_time_distributed_dense_errors_name_the_layer():
    layer = TimeDistributedDense(4, 3)
    layer.input = T.matrix()
    with pytest.raises(ValueError, match=r"^TimeDistributedDense expects 3D input \(nb_samples, "
                                         r"timesteps, input_dim\), got"):
        layer.get_output()
    with pytest.raises(ValueError, match=r"^TimeDistributedDense has input_dim=5, but RepeatVector "
                                         r"outputs 3 features per timestep$"):
        model = Sequential()
        model.add(Dense(2, 3))
        model.add(RepeatVector(4))
        model.add(TimeDistributedDense(5, 1))


def test_repeat_vector_and_its_gradient_sum_over_repeats(rng):
    layer = RepeatVector(3)
    layer.input = T.matrix()
    X = rng.normal(size=(2, 4)).astype(floatX)
    out = theano.function([layer.input], layer.get_output())(X)
    np.testing.assert_array_equal(out, np.repeat(X[:, None, :], 3, axis=1))
    R = rng.normal(size=(2, 3, 4)).astype(floatX)
    g = theano.function([layer.input], T.grad((layer.get_output() * R).sum(), layer.input))(X)
    np.testing.assert_allclose(g, R.sum(axis=1), rtol=1e-6)
    model = Sequential()
    model.add(Dense(5, 4))
    model.add(RepeatVector(3))
    assert model.layers[-1].output_shape == (3, 4)


def test_masked_loss_divides_by_the_unmasked_count_only():
    # 2015: the error at masked timesteps stays in the numerator (Masking makes it
    # zero by zeroing the input), only the denominator counts unmasked timesteps
    y_true = np.array([[[1.], [2.], [3.]], [[0.], [5.], [1.]]])
    y_pred = np.array([[[0.], [0.], [1.]], [[1.], [1.], [1.]]])
    weights = np.ones((2, 3, 1))
    mask = np.array([[0, 1, 1], [1, 1, 0]])
    loss = weighted_objective(objectives.get('mse'))(y_true, y_pred, weights, mask).eval()
    assert loss == (1 + 4 + 4 + 1 + 16 + 0) / 4.
    weights[1, 1] = 0.           # a zero weight removes that timestep from both sums
    loss = weighted_objective(objectives.get('mse'))(y_true, y_pred, weights, mask).eval()
    assert loss == (1 + 4 + 4 + 1) / 3.


def test_model_loss_uses_the_output_mask():
    model = Sequential()
    model.add(Masking(mask_value=-1))
    model.add(TimeDistributedDense(1, 1, init='one'))
    model.compile(loss='mse', optimizer='sgd')
    X = np.array([[[-1.], [2.], [3.]], [[1.], [-1.], [-1.]]])
    y = np.array([[[5.], [0.], [0.]], [[0.], [0.], [0.]]])
    # predictions 0 (masked), 2, 3 and 1, 0, 0 (masked): squared errors 25+4+9 and 1+0+0
    # over 3 unmasked timesteps
    assert model.test_on_batch(X, y) == (25 + 4 + 9 + 1) / 3.


def test_dense_on_sequences_keeps_the_time_axis_in_its_output_shape(rng):
    # 2015's addition_rnn puts a Dense on (nb_samples, timesteps, dim) and fits 3-D targets
    model = Sequential()
    model.add(Dense(3, 5))
    model.add(RepeatVector(4))
    model.add(Dense(5, 2))
    model.add(Activation('softmax'))
    assert model.layers[-1].output_shape == (4, 2)
    model.compile(loss='categorical_crossentropy', optimizer='sgd')
    y = np.eye(2)[rng.randint(2, size=(6, 4))]
    model.fit(rng.normal(size=(6, 3)), y, nb_epoch=1, verbose=0)
    with pytest.raises(ValueError, match=r'outputs samples of shape \(4, 2\), got y of shape \(6, 3, 2\)'):
        model.fit(rng.normal(size=(6, 3)), y[:, :3], nb_epoch=1, verbose=0)
    wrong = Sequential()
    wrong.add(Dense(3, 5))
    wrong.add(RepeatVector(4))
    wrong.add(Dense(6, 2))
    with pytest.raises(ValueError, match=r'RepeatVector\) outputs samples of shape \(4, 5\), but '
                                         r'layer 2 \(Dense\) expects input of shape \(4, 6\)'):
        wrong.compile(loss='mse', optimizer='sgd')
