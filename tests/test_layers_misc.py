"""Advanced activations, noise layers, Merge, Permute, MaxoutDense, AutoEncoder and
ActivityRegularization: closed forms, finite-difference gradients, 2015 draw order,
and clear errors. (tests/golden/ compares the same layers with the real 2015 stack.)"""
import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn.layers import advanced_activations as aa
from legacy_bn.layers import containers, noise
from legacy_bn.layers.core import (ActivityRegularization, Activation, AutoEncoder, Dense,
                                   Layer, MaxoutDense, Merge, Permute)
from legacy_bn.layers.normalization import BatchNormalization
from legacy_bn.models import Sequential
from legacy_bn.optimizers import SGD
from legacy_bn.theano.sandbox.rng_mrg import MRG_RandomStreams

floatX = theano.config.floatX
TOL = dict(rtol=1e-12, atol=1e-12) if floatX == 'float64' else dict(rtol=2e-5, atol=2e-6)
EPS = 1e-6


def output_of(layer, X, train=False):
    layer.input = {2: T.matrix, 3: T.tensor3}[np.ndim(X)]()
    f = theano.function([layer.input], layer.get_output(train=train), allow_input_downcast=True)
    return f(X)


def check_gradients(layer, X, rng):
    """T.grad of sum(out * R) wrt the input and every parameter, against central
    differences (float64 only: the steps are too small for float32)."""
    if floatX != 'float64':
        pytest.skip('finite differences need float64')
    R = rng.uniform(0.5, 1.5, size=output_of(layer, X).shape)
    layer.input = T.matrix()
    out = layer.get_output(train=False)
    cost = (out * R).sum()
    wrt = [layer.input] + list(layer.params)
    grads = theano.function([layer.input], T.grad(cost, wrt))(X)
    f = theano.function([layer.input], cost)

    def numeric(value, setter):
        g = np.zeros_like(value)
        for idx in np.ndindex(*value.shape):
            for sign in (1, -1):
                v = value.copy()
                v[idx] += sign * EPS
                g[idx] += sign * float(setter(v)) / (2 * EPS)
        return g

    np.testing.assert_allclose(grads[0], numeric(X, f), rtol=1e-6, atol=1e-8)
    for p, g in zip(layer.params, grads[1:]):
        original = p.get_value()

        def with_param(v, p=p):
            p.set_value(v)
            return f(X)
        expected = numeric(original, with_param)
        p.set_value(original)
        np.testing.assert_allclose(g, expected, rtol=1e-6, atol=1e-8)


# -- advanced activations -----------------------------------------------------------------
def test_leaky_relu_closed_form_and_gradient_at_zero():
    X = np.array([[-2., -0.5, 0., 0.5, 3.]])
    np.testing.assert_allclose(output_of(aa.LeakyReLU(alpha=0.2), X),
                               [[-0.4, -0.1, 0., 0.5, 3.]], **TOL)
    layer = aa.LeakyReLU(alpha=0.2)
    layer.input = T.matrix()
    g = theano.function([layer.input], T.grad(layer.get_output().sum(), layer.input),
                        allow_input_downcast=True)(X)
    # (X + |X|) / 2 + alpha (X - |X|) / 2 with Theano's |x|'(0) = 0: 0.5 + 0.5 alpha at 0
    np.testing.assert_allclose(g, [[0.2, 0.2, 0.6, 1., 1.]], **TOL)


def test_prelu_learns_one_slope_per_unit(rng):
    layer = aa.PReLU((3,))
    assert layer.get_weights()[0].tolist() == [0., 0., 0.]  # init='zero'
    alphas = np.array([0.1, 0.5, 2.])
    layer.set_weights([alphas])
    X = rng.normal(size=(4, 3))
    np.testing.assert_allclose(output_of(layer, X), np.where(X > 0, X, alphas * X), **TOL)
    check_gradients(layer, X, rng)


def test_parametric_softplus_closed_form_and_gradients(rng):
    layer = aa.ParametricSoftplus((3,), alpha_init=0.5, beta_init=2.)
    np.testing.assert_array_equal(layer.get_weights()[1], [2., 2., 2.])
    layer.set_weights([np.array([0.5, 1., 1.5]), np.array([2., 1., 0.5])])
    X = rng.normal(size=(4, 3))
    np.testing.assert_allclose(output_of(layer, X),
                               np.log1p(np.exp(X * [2., 1., 0.5])) * [0.5, 1., 1.5],
                               rtol=1e-6 if floatX == 'float32' else 1e-12)
    check_gradients(layer, X, rng)


def test_thresholded_layers_closed_form():
    X = np.array([[-2., -0.5, 0.5, 0.7, 2.]])
    X = X.astype(floatX)
    np.testing.assert_array_equal(output_of(aa.ThresholdedLinear(theta=0.6), X),
                                  X * [[1, 0, 0, 1, 1]])
    np.testing.assert_array_equal(output_of(aa.ThresholdedReLu(theta=0.6), X),
                                  X * [[0, 0, 0, 1, 1]])
    layer = aa.ThresholdedReLu(theta=0.6)
    layer.input = T.matrix()
    g = theano.function([layer.input], T.grad(layer.get_output().sum(), layer.input))(X)
    np.testing.assert_array_equal(g, [[0., 0., 0., 1., 1.]])


def test_advanced_activation_configs():
    assert aa.LeakyReLU(0.1).get_config() == {'name': 'LeakyReLU', 'alpha': 0.1}
    assert aa.PReLU((3,)).get_config() == {'name': 'PReLU', 'input_shape': (3,), 'init': 'zero'}
    assert aa.ThresholdedReLu().get_config() == {'name': 'ThresholdedReLu', 'theta': 1.0}


# -- noise ------------------------------------------------------------------------------------
def test_gaussian_noise_draws_from_a_stream_seeded_by_np_random(rng):
    X = rng.normal(size=(3, 5))
    np.random.seed(11)
    layer = noise.GaussianNoise(0.3)
    after = np.random.randint(1000)
    np.testing.assert_array_equal(output_of(layer, X, train=False), X.astype(floatX))
    noisy = output_of(layer, X, train=True)
    # the same: one np.random.randint(10e6) for the seed, then one MRG normal draw
    np.random.seed(11)
    seed = np.random.randint(10e6)
    assert np.random.randint(1000) == after
    z = theano.function([], MRG_RandomStreams(seed).normal((3, 5), std=0.3))()
    np.testing.assert_allclose(noisy, X.astype(floatX) + z, **TOL)


def test_gaussian_dropout_is_multiplicative_with_std_from_p(rng):
    X = rng.uniform(1, 2, size=(200, 50))
    np.random.seed(3)
    layer = noise.GaussianDropout(0.2)
    np.testing.assert_array_equal(output_of(layer, X, train=False), X.astype(floatX))
    ratio = output_of(layer, X, train=True) / X.astype(floatX)
    assert abs(ratio.mean() - 1) < 0.01
    assert abs(ratio.std() - np.sqrt(0.2 / 0.8)) < 0.01


def test_gaussian_dropout_p_one_is_a_clear_error():
    layer = noise.GaussianDropout(1.0)
    layer.input = T.matrix()
    layer.get_output(train=False)   # no noise at test time: nothing to check
    with pytest.raises(ValueError, match=r'GaussianDropout: p must be in \[0, 1\), got 1.0'):
        layer.get_output(train=True)


# -- Merge ------------------------------------------------------------------------------------
def branch(n_in, n_out, weights, activation='linear'):
    model = Sequential()
    model.add(Dense(n_in, n_out, weights=weights, activation=activation))
    return model


@pytest.mark.parametrize('mode', ['sum', 'mul', 'concat'])
def test_merge_in_sequential_closed_form(rng, mode):
    W1, b1, W2, b2 = rng.normal(size=(4, 3)), rng.normal(size=3), rng.normal(size=(2, 3)), rng.normal(size=3)
    model = Sequential()
    model.add(Merge([branch(4, 3, [W1, b1], 'tanh'), branch(2, 3, [W2, b2])], mode=mode))
    model.compile(loss='mse', optimizer='sgd')
    Xa, Xb = rng.normal(size=(5, 4)), rng.normal(size=(5, 2))
    a, b = np.tanh(Xa.dot(W1) + b1), Xb.dot(W2) + b2
    expected = {'sum': a + b, 'mul': a * b, 'concat': np.hstack([a, b])}[mode]
    np.testing.assert_allclose(model.predict([Xa, Xb]), expected, rtol=1e-5 if floatX == 'float32' else 1e-12)
    assert model.layers[0].output_shape == ((6,) if mode == 'concat' else (3,))


def test_merge_model_trains_on_a_list_of_arrays(rng):
    np.random.seed(0)
    model = Sequential()
    model.add(Merge([branch(4, 3, None), branch(2, 3, None)], mode='concat'))
    model.add(Dense(6, 1))
    model.compile(loss='mse', optimizer=SGD(lr=0.05))
    Xa, Xb = rng.normal(size=(32, 4)), rng.normal(size=(32, 2))
    y = Xa[:, :1] - Xb[:, 1:]
    before = model.evaluate([Xa, Xb], y, verbose=0)
    history = model.fit([Xa, Xb], y, nb_epoch=20, batch_size=8, verbose=0, validation_split=0.25)
    assert len(history.history['val_loss']) == 20
    assert model.evaluate([Xa, Xb], y, verbose=0) < before
    assert model.train_on_batch([Xa, Xb], y).shape == ()


def test_merge_input_errors(rng):
    model = Sequential()
    model.add(Merge([branch(4, 3, None), branch(2, 3, None)]))
    model.compile(loss='mse', optimizer='sgd')
    Xa, Xb, y = rng.normal(size=(5, 4)), rng.normal(size=(5, 2)), rng.normal(size=(5, 3))
    with pytest.raises(ValueError, match=r'fit: the model takes 2 input arrays \(Merge\), got 1'):
        model.fit(Xa, y, verbose=0)
    with pytest.raises(ValueError, match=r'predict: X\[0\] has 5 samples but X\[1\] has 4'):
        model.predict([Xa, Xb[:4]])
    with pytest.raises(ValueError, match=r'expects input with 2 dimensions .* got X\[1\] of shape \(5,\)'):
        model.predict([Xa, Xb[:, 0]])


def test_merge_construction_and_mode_errors():
    with pytest.raises(ValueError, match='Merge: give two or more layers'):
        Merge([Layer()])
    merge = Merge([branch(4, 3, None), branch(4, 3, None)], mode='max')  # accepted, as in 2015
    with pytest.raises(ValueError, match="Merge: mode must be one of 'sum', 'mul', 'concat', got 'max'"):
        merge.get_output()


def test_merge_counts_a_shared_layer_once_and_round_trips_weights(rng):
    shared_dense = Dense(3, 3)
    left, right = Sequential(), Sequential()
    left.add(shared_dense)
    right.add(shared_dense)
    right.add(Dense(3, 3))
    merge = Merge([left, right])
    assert len(merge.params) == 4
    weights = [rng.normal(size=w.shape) for w in merge.get_weights()]
    assert len(weights) == 6  # get_weights lists each branch's weights
    merge.set_weights(weights[:2] + weights[:2] + weights[4:])
    np.testing.assert_allclose(shared_dense.get_weights()[0], weights[0], **TOL)
    with pytest.raises(ValueError, match=r'Merge.set_weights: weights\[0\] \(param\) has shape \(2, 2\)'):
        merge.set_weights([np.zeros((2, 2))] + weights[1:])


def test_batchnorm_inside_a_merge_keeps_updating(rng):
    # 2015 dropped the branch's running-statistics updates here (docs/compat.md)
    left = Sequential()
    left.add(Dense(4, 3))
    left.add(BatchNormalization((3,)))
    model = Sequential()
    model.add(Merge([left, branch(4, 3, None)]))
    assert len(model.updates) == 2
    model.compile(loss='mse', optimizer='sgd')
    X = rng.normal(size=(8, 4))
    model.train_on_batch([X, X], rng.normal(size=(8, 3)))
    assert np.any(left.layers[1].running_mean.get_value() != 0)


# -- Permute, MaxoutDense, ActivityRegularization, AutoEncoder --------------------------------
def test_permute(rng):
    X = rng.normal(size=(2, 3, 4))
    layer = Permute((2, 1))
    np.testing.assert_array_equal(output_of(layer, X), X.transpose(0, 2, 1).astype(floatX))
    assert Permute([2, 1]).get_config() == {'name': 'Permute', 'dims': (2, 1)}  # a JSON list


def test_maxout_dense_closed_form_and_gradients(rng):
    np.random.seed(5)
    layer = MaxoutDense(4, 3, nb_feature=2)
    W, b = layer.get_weights()
    assert W.shape == (2, 4, 3) and b.shape == (2, 3)
    b = rng.normal(size=b.shape)
    layer.set_weights([W, b])
    X = rng.normal(size=(5, 4))
    expected = np.max(np.einsum('ni,kio->nko', X, W) + b, axis=1)
    np.testing.assert_allclose(output_of(layer, X), expected, rtol=1e-5 if floatX == 'float32' else 1e-12)
    check_gradients(layer, X, rng)


def test_activity_regularization_adds_its_penalty_to_the_training_loss(rng):
    W = rng.normal(size=(3, 2))
    X, y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    losses = []
    for layers in ([], [ActivityRegularization(l1=0.1, l2=0.2)]):
        model = Sequential()
        model.add(Dense(3, 2, weights=[W, np.zeros(2)]))
        for layer in layers:
            model.add(layer)
        model.compile(loss='mse', optimizer=SGD(lr=0.))
        losses.append(model.train_on_batch(X, y))
        assert model.test_on_batch(X, y) == pytest.approx(losses[0], rel=1e-6)
    out = X.dot(W)
    penalty = 0.1 * np.abs(out).mean(axis=0).sum() + 0.2 * (out ** 2).mean(axis=0).sum()
    assert losses[1] - losses[0] == pytest.approx(penalty, rel=1e-5)


def autoencoder(rng, output_reconstruction):
    enc, dec = Sequential(), Sequential()
    enc.add(Dense(5, 2, activation='tanh', weights=[rng.normal(size=(5, 2)), np.zeros(2)]))
    dec.add(Dense(2, 5, weights=[rng.normal(size=(2, 5)), np.zeros(5)]))
    model = Sequential()
    model.add(AutoEncoder(encoder=enc, decoder=dec, output_reconstruction=output_reconstruction))
    model.compile(loss='mse', optimizer=SGD(lr=0.1))
    return model, enc, dec


def test_autoencoder_outputs(rng):
    X = rng.normal(size=(4, 5))
    model, enc, dec = autoencoder(rng, True)
    (W1, _), (W2, _) = enc.get_weights(), dec.get_weights()
    np.testing.assert_allclose(model.predict(X), np.tanh(X.dot(W1)).dot(W2), rtol=1e-5)
    model, enc, dec = autoencoder(rng, False)
    (W1, _), (W2, _) = enc.get_weights(), dec.get_weights()
    np.testing.assert_allclose(model.predict(X), np.tanh(X.dot(W1)), rtol=1e-5)  # the code
    loss = model.train_on_batch(X, X)  # training still reconstructs
    assert loss == pytest.approx(np.mean((np.tanh(X.dot(W1)).dot(W2) - X) ** 2), rel=1e-5)


def test_autoencoder_weights_and_config(rng):
    model, enc, dec = autoencoder(rng, True)
    ae = model.layers[0]
    assert len(ae.get_weights()) == 4
    new = [rng.normal(size=w.shape) for w in ae.get_weights()]
    ae.set_weights(new)
    np.testing.assert_allclose(dec.get_weights()[0], new[2], **TOL)
    config = ae.get_config()
    assert config['name'] == 'AutoEncoder' and config['output_reconstruction'] is True
    assert config['encoder_config']['layers'][0]['name'] == 'Dense'


def test_2015_constructs_with_bare_layers():
    # Keras's own tests build these from empty Layer()s and ask for config and params
    for layer in (Merge([Layer(), Layer()]), AutoEncoder(Layer(), Layer()),
                  ActivityRegularization(0.5, 0.5), MaxoutDense(10, 10), Permute((1,))):
        assert isinstance(layer.get_config(), dict)
        params, regularizers, constraints, updates = layer.get_params()
        assert len(constraints) == len(params)


def test_container_inside_a_container_keeps_its_updates():
    inner = containers.Sequential([Dense(3, 3), BatchNormalization((3,))])
    model = Sequential()
    model.add(inner)
    assert len(model.updates) == 2
