"""Dense, Activation, Flatten, Reshape and the activations (SPEC §2), in closed form."""
import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn import activations
from legacy_bn.layers.core import Activation, Dense, Dropout, Flatten, Reshape
from legacy_bn.models import Sequential
from legacy_bn.optimizers import SGD

floatX = theano.config.floatX
TOL = dict(rtol=1e-12, atol=1e-12) if floatX == 'float64' else dict(rtol=2e-5, atol=2e-6)


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


ACTIVATIONS = {
    'linear': lambda x: x,
    'relu': lambda x: np.maximum(x, 0.),
    'tanh': np.tanh,
    'sigmoid': lambda x: 1. / (1. + np.exp(-x)),
    'hard_sigmoid': lambda x: np.clip(0.2 * x + 0.5, 0., 1.),
    'softplus': lambda x: np.log1p(np.exp(x)),
    'softmax': softmax,
}


def layer_output(layer, X, train=False):
    layer.input = T.matrix() if np.ndim(X) == 2 else T.tensor3()
    return theano.function([layer.input], layer.get_output(train=train), allow_input_downcast=True)(X)


# -- Dense ------------------------------------------------------------------------------------
@pytest.mark.parametrize('activation', sorted(ACTIVATIONS))
def test_dense_is_activation_of_affine_map(rng, activation):
    W, b = rng.normal(size=(4, 3)), rng.normal(size=3)
    layer = Dense(4, 3, activation=activation, weights=[W, b])
    X = rng.normal(size=(5, 4)) * 3          # wide enough to hit hard_sigmoid's clipping
    np.testing.assert_allclose(layer_output(layer, X), ACTIVATIONS[activation](X.dot(W) + b),
                               rtol=TOL['rtol'] * 10, atol=TOL['atol'] * 10)


def test_dense_weights_shapes_and_defaults():
    np.random.seed(0)
    layer = Dense(4, 3)
    W, b = layer.get_weights()
    assert W.shape == (4, 3) and b.shape == (3,)
    assert np.abs(W).max() <= np.sqrt(6. / 7) and np.abs(W).max() > 0
    np.testing.assert_array_equal(b, np.zeros(3))
    assert layer.params == [layer.W, layer.b]
    assert layer.input_shape == (4,) and layer.output_shape == (3,)


def test_dense_wrong_weights_name_the_layer_position_and_shapes():
    with pytest.raises(ValueError, match=r"^Dense.set_weights: weights\[0\] \(param\) has shape \(3, 4\), "
                                         r"expected \(4, 3\)$"):
        Dense(4, 3, weights=[np.ones((3, 4)), np.zeros(3)])
    layer = Dense(4, 3, name='hidden')
    with pytest.raises(ValueError, match=r"^Dense 'hidden'.set_weights: expected 2 arrays "
                                         r"\(hidden_p0, hidden_p1\), got 1$"):
        layer.set_weights([np.ones((4, 3))])


def test_dense_name_names_its_params():
    layer = Dense(2, 2, name='fc')
    assert [p.name for p in layer.params] == ['fc_p0', 'fc_p1']


def test_dense_get_config():
    layer = Dense(4, 3, init='uniform', activation='tanh')
    assert layer.get_config() == {'name': 'Dense', 'input_dim': 4, 'output_dim': 3, 'init': 'uniform',
                                  'activation': 'tanh', 'W_regularizer': None, 'b_regularizer': None,
                                  'activity_regularizer': None, 'W_constraint': None,
                                  'b_constraint': None}


# -- Activation ------------------------------------------------------------------------------
@pytest.mark.parametrize('name', sorted(ACTIVATIONS))
def test_activation_layer(rng, name):
    X = rng.normal(size=(4, 5)) * 3
    np.testing.assert_allclose(layer_output(Activation(name), X), ACTIVATIONS[name](X),
                               rtol=TOL['rtol'] * 10, atol=TOL['atol'] * 10)
    assert Activation(name).get_config()['activation'] == name


def test_softmax_on_3d_input_is_over_the_last_axis(rng):
    X = rng.normal(size=(2, 3, 4))
    out = layer_output(Activation('softmax'), X)
    np.testing.assert_allclose(out, softmax(X), **TOL)
    np.testing.assert_allclose(out.sum(axis=-1), np.ones((2, 3)), **TOL)


def test_unknown_activation_name_raises():
    with pytest.raises(ValueError, match='Invalid activation function: swish'):
        Activation('swish')


def test_relu_is_x_plus_abs_x_over_two_and_zero_at_zero():
    out = layer_output(Activation('relu'), np.array([[-2., 0., 3.]]))
    np.testing.assert_array_equal(out, [[0., 0., 3.]])
    assert activations.relu.__name__ == 'relu'


def test_relu_gradient_is_one_half_at_zero_through_a_dense_relu_model():
    # pre-activation exactly 0: with Theano's abs'(0) = 0, d relu / dx = 0.5
    model = Sequential()
    model.add(Dense(2, 1, weights=[np.array([[1.], [1.]]), np.zeros(1)]))
    model.add(Activation('relu'))
    model.compile(SGD(lr=0.1), 'mse')
    X, y = np.array([[1., -1.]]), np.array([[1.]])
    loss = model.train_on_batch(X, y)
    np.testing.assert_allclose(loss, 1., **TOL)
    # dL/dout = 2 * (0 - 1) = -2, dout/dpre = 0.5 -> dL/dpre = -1
    W, b = model.get_weights()
    np.testing.assert_allclose(b, [0.1], **TOL)
    np.testing.assert_allclose(W, [[1.1], [0.9]], **TOL)


def test_relu_gradient_is_one_half_at_zero_symbolically():
    x = T.vector()
    g = theano.function([x], theano.grad(T.sum(activations.relu(x)), x), allow_input_downcast=True)
    np.testing.assert_array_equal(g(np.array([-1., 0., 2.])), [0., 0.5, 1.])


# -- Flatten, Reshape ----------------------------------------------------------------------------
def test_flatten_keeps_the_batch_axis(rng):
    X = rng.normal(size=(2, 3, 4)).astype(floatX)
    layer = Flatten()
    np.testing.assert_array_equal(layer_output(layer, X), X.reshape(2, 12))


def test_flatten_output_shape_after_a_layer_of_known_shape():
    model = Sequential()
    model.add(Dense(3, 6))
    model.add(Reshape(2, 3))
    model.add(Flatten())
    assert model.layers[1].output_shape == (2, 3)
    assert model.layers[2].output_shape == (6,)
    assert model.output_shape == (6,)


@pytest.mark.parametrize('dims', [(2, 3), ((2, 3),), ([2, 3],), (6, 1)])
def test_reshape_keeps_the_batch_axis(rng, dims):
    X = rng.normal(size=(4, 6)).astype(floatX)
    layer = Reshape(*dims)
    target = tuple(dims[0]) if len(dims) == 1 else dims
    assert layer.dims == target
    np.testing.assert_array_equal(layer_output(layer, X), X.reshape((4,) + target))
    assert layer.get_config() == {'name': 'Reshape', 'dims': target}


def test_reshape_then_flatten_in_a_model_round_trips(rng):
    model = Sequential()
    model.add(Dense(6, 6, weights=[np.eye(6), np.zeros(6)]))
    model.add(Reshape(3, 2))
    model.add(Flatten())
    model.compile('sgd', 'mse')
    X = rng.normal(size=(5, 6))
    np.testing.assert_allclose(model.predict(X, verbose=0), X, **TOL)


# -- masks -------------------------------------------------------------------------------------
def test_a_non_masking_layer_cannot_follow_a_masked_output():
    class Masking(Dropout):
        def get_output_mask(self, train=None):
            return np.ones((1, 2))

    with pytest.raises(ValueError, match='Dense cannot follow Masking: it does not support masked input'):
        Dense(2, 2).set_previous(Masking(0.))
