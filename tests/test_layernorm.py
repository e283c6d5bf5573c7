"""LayerNormalization (SPEC §5): the keras-layer-normalization package's maths and
defaults, its weights, its size taken from the previous layer, and its gradients."""
import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn.layers.core import Activation, Dense, Dropout
from legacy_bn.layers.normalization import LayerNormalization
from legacy_bn.models import Sequential

floatX = theano.config.floatX
TOL = dict(rtol=1e-12, atol=1e-12) if floatX == 'float64' else dict(rtol=2e-5, atol=2e-6)
float64_only = pytest.mark.skipif(floatX != 'float64', reason='needs float64 arithmetic')


def layer_norm(X, gamma, beta, eps):
    mean = X.mean(axis=-1, keepdims=True)
    variance = ((X - mean) ** 2).mean(axis=-1, keepdims=True)
    out = (X - mean) / np.sqrt(variance + eps)
    if gamma is not None:
        out = out * gamma
    if beta is not None:
        out = out + beta
    return out


def output_function(layer, train=False):
    return theano.function([layer.input], layer.get_output(train=train),
                           allow_input_downcast=True)


@pytest.mark.parametrize('scale', [True, False])
@pytest.mark.parametrize('center', [True, False])
@pytest.mark.parametrize('shape', [(5,), (3, 4)])
def test_closed_form(rng, scale, center, shape):
    d = shape[-1]
    gamma = rng.uniform(0.5, 1.5, size=d) if scale else None
    beta = rng.normal(size=d) if center else None
    weights = [w for w in (gamma, beta) if w is not None]
    layer = LayerNormalization(center=center, scale=scale, epsilon=1e-3, input_shape=shape,
                               weights=weights)
    X = rng.normal(1., 2., size=(4,) + shape)
    np.testing.assert_allclose(output_function(layer)(X), layer_norm(X, gamma, beta, 1e-3), **TOL)


def test_train_and_test_outputs_are_the_same(rng):
    layer = LayerNormalization(input_shape=(6,), weights=[rng.normal(size=6), rng.normal(size=6)])
    X = rng.normal(size=(3, 6))
    np.testing.assert_array_equal(output_function(layer, True)(X), output_function(layer, False)(X))
    assert layer.get_params()[3] == []           # no running statistics to update


@float64_only
def test_epsilon_none_means_1e_minus_14():
    layer = LayerNormalization(input_shape=(2,))
    assert layer.epsilon == 1e-14
    # variance exactly 1e-14: out = +-1e-7 / sqrt(2e-14) = +-1/sqrt(2); with eps=0 it would be +-1
    out = output_function(layer)(np.array([[0., 2e-7]]))
    np.testing.assert_allclose(out, [[-2 ** -0.5, 2 ** -0.5]], rtol=1e-9)


def test_explicit_epsilon_is_added_to_the_variance():
    layer = LayerNormalization(epsilon=3., input_shape=(2,))
    # mean 0, variance 1: x / sqrt(1 + 3) = x / 2
    np.testing.assert_allclose(output_function(layer)(np.array([[-1., 1.]])), [[-0.5, 0.5]], **TOL)


@pytest.mark.parametrize('center,scale,names', [(True, True, ['gamma', 'beta']),
                                               (True, False, ['beta']),
                                               (False, True, ['gamma']),
                                               (False, False, [])])
def test_weights_are_gamma_ones_then_beta_zeros(center, scale, names):
    layer = LayerNormalization(center=center, scale=scale, input_shape=(2, 7))
    weights = layer.get_weights()
    assert len(weights) == len(names)
    for w, name in zip(weights, names):
        assert w.shape == (7,) and w.dtype == np.dtype(floatX)
        np.testing.assert_array_equal(w, np.ones(7) if name == 'gamma' else np.zeros(7))
    assert layer.params == [getattr(layer, n) for n in names]


def test_default_initialisation_draws_nothing():
    np.random.seed(3)
    state = np.random.get_state()
    LayerNormalization(input_shape=(4,))
    after = np.random.get_state()
    np.testing.assert_array_equal(state[1], after[1])
    assert state[2] == after[2]


def test_modern_initializer_spellings_are_accepted():
    layer = LayerNormalization(gamma_initializer='zeros', beta_initializer='ones', input_shape=(3,))
    np.testing.assert_array_equal(layer.get_weights()[0], np.zeros(3))
    np.testing.assert_array_equal(layer.get_weights()[1], np.ones(3))


def test_set_weights_of_the_wrong_shape_names_the_layer_and_shapes():
    layer = LayerNormalization(input_shape=(3,))
    with pytest.raises(ValueError, match=r'LayerNormalization.*weights\[1\].*\(4,\).*\(3,\)'):
        layer.set_weights([np.ones(3), np.ones(4)])
    np.testing.assert_array_equal(layer.get_weights()[0], np.ones(3))


def test_constructible_with_no_arguments_after_a_dense(rng):
    model = Sequential()
    model.add(Dense(3, 5))
    model.add(LayerNormalization())
    model.add(Activation('tanh'))
    assert [w.shape for w in model.layers[1].get_weights()] == [(5,), (5,)]
    assert model.layers[1].output_shape == (5,)
    assert model.params[2:] == [model.layers[1].gamma, model.layers[1].beta]
    model.compile('sgd', 'mse')
    X = rng.normal(size=(4, 3))
    W, b = model.layers[0].get_weights()
    expected = np.tanh(layer_norm(X.dot(W) + b, np.ones(5), np.zeros(5), 1e-14))
    np.testing.assert_allclose(model.predict(X, verbose=0), expected, rtol=1e-7, atol=1e-7)
    # and it trains: gamma and beta move
    model.train_on_batch(X, rng.normal(size=(4, 5)))
    assert not np.array_equal(model.layers[1].get_weights()[1], np.zeros(5))


def test_size_comes_through_shape_preserving_layers():
    model = Sequential()
    model.add(Dense(3, 6))
    model.add(Dropout(0.5))
    model.add(LayerNormalization())
    assert model.layers[-1].get_weights()[0].shape == (6,)


def test_unknown_size_raises_value_error():
    model = Sequential()
    model.add(Dropout(0.5))                   # a first layer with no known size
    with pytest.raises(ValueError, match=r'LayerNormalization after Dropout: the size of the last '
                                         r'axis is unknown; pass input_shape=\(\.\.\.\)'):
        model.add(LayerNormalization())


def test_output_before_the_size_is_known_raises():
    with pytest.raises(ValueError, match='LayerNormalization has no input shape yet'):
        LayerNormalization().get_output()


@float64_only
@pytest.mark.parametrize('center,scale', [(True, True), (False, True), (True, False)])
def test_gradients_match_central_finite_differences(rng, center, scale):
    d = 4
    weights = [w for w, on in ((rng.uniform(0.5, 1.5, d), scale), (rng.normal(size=d), center)) if on]
    layer = LayerNormalization(center=center, scale=scale, epsilon=1e-3, input_shape=(d,),
                               weights=weights)
    R = rng.normal(size=(3, d))               # a random projection makes the cost generic
    X0 = rng.normal(size=(3, d))
    x = layer.input
    cost = T.sum(layer.get_output() * R)
    grads = theano.grad(cost, [x] + layer.params)
    f_grads = theano.function([x], grads)
    f_cost = theano.function([x], cost)

    def numeric(values, set_values):
        g = np.zeros_like(values)
        h = 1e-6
        for i in np.ndindex(values.shape):
            for sign in (1, -1):
                v = values.copy()
                v[i] += sign * h
                g[i] += sign * set_values(v) / (2 * h)
        return g

    got = f_grads(X0)
    np.testing.assert_allclose(got[0], numeric(X0, f_cost), rtol=1e-6, atol=1e-8)
    for k, p in enumerate(layer.params):
        p0 = p.get_value()

        def cost_at(v, p=p):
            p.set_value(v)
            return f_cost(X0)
        np.testing.assert_allclose(got[k + 1], numeric(p0, cost_at), rtol=1e-6, atol=1e-8)
        p.set_value(p0)
    # the cost is linear in beta with coefficient R summed over the batch
    if center:
        np.testing.assert_allclose(got[-1], R.sum(axis=0), **TOL)


def test_get_config():
    layer = LayerNormalization(center=False, epsilon=1e-5, input_shape=(3,))
    assert layer.get_config() == {'name': 'LayerNormalization', 'center': False, 'scale': True,
                                  'epsilon': 1e-5, 'gamma_init': 'one', 'beta_init': 'zero',
                                  'input_shape': (3,)}


def test_weights_given_without_a_size_are_set_once_the_size_is_known(rng):
    gamma, beta = rng.normal(size=4), rng.normal(size=4)
    layer = LayerNormalization(weights=[gamma, beta])
    model = Sequential()
    model.add(Dense(2, 4))
    model.add(layer)
    np.testing.assert_array_equal(layer.get_weights()[0], gamma.astype(floatX))
    np.testing.assert_array_equal(layer.get_weights()[1], beta.astype(floatX))


def test_weights_of_the_wrong_size_fail_when_the_size_becomes_known():
    model = Sequential()
    model.add(Dense(2, 4))
    with pytest.raises(ValueError, match=r'weights\[0\] \((param|gamma)\) has shape \(3,\), expected \(4,\)'):
        model.add(LayerNormalization(weights=[np.ones(3), np.zeros(3)]))
