"""LSTM_LN: an LSTM with layer normalization inside (Ba, Kiros & Hinton 2016, eqs. 20-22).

Its output is checked against a plain-numpy transcription of the equations, and its
gradients against central finite differences."""
import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn.layers.core import Dense
from legacy_bn.layers.recurrent import LSTM, LSTM_LN
from legacy_bn.models import Sequential
from test_tensor_grad import numeric_gradient

GATES = 'icfo'          # the order of LSTM's (and LSTM_LN's) weights


def random_weights(layer, rng):
    """Every weight random, the LN gains (every other weight from the 13th) around 1, so
    no term of the equations hides."""
    weights = [rng.uniform(0.5, 1.5, w.shape) if k >= 12 and k % 2 == 0
               else rng.uniform(-0.5, 0.5, w.shape) for k, w in enumerate(layer.get_weights())]
    layer.set_weights(weights)
    return layer.get_weights()


def reference(weights, X, epsilon, hard=True):
    """The layer's equations in numpy: X (samples, time, input) -> h at every step."""
    Ws = {g: weights[3 * k:3 * k + 3] for k, g in enumerate(GATES)}
    norms = {g: weights[12 + 4 * k:16 + 4 * k] for k, g in enumerate(GATES)}
    g_c, b_c = weights[28:30]

    def ln(x, gain, bias):
        mu = x.mean(axis=-1, keepdims=True)
        var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
        return (x - mu) / np.sqrt(var + epsilon) * gain + bias

    def act(x):
        return np.clip(0.2 * x + 0.5, 0, 1)
    n, steps, _ = X.shape
    h = np.zeros((n, Ws['i'][1].shape[0]))
    c = np.zeros_like(h)
    hs = []
    for t in range(steps):
        pre = {g: ln(X[:, t].dot(Ws[g][0]), *norms[g][:2]) + Ws[g][2]
               + ln(h.dot(Ws[g][1]), *norms[g][2:]) for g in GATES}
        c = act(pre['f']) * c + act(pre['i']) * np.tanh(pre['c'])
        h = act(pre['o']) * np.tanh(ln(c, g_c, b_c))
        hs.append(h)
    return np.stack(hs, axis=1)


def test_output_follows_the_equations(rng):
    layer = LSTM_LN(3, 4, return_sequences=True, epsilon=1e-3)
    weights = random_weights(layer, rng)
    X = rng.uniform(-1, 1, (2, 5, 3))
    got = theano.function([layer.input], layer.get_output())(X)
    np.testing.assert_allclose(got, reference(weights, X, 1e-3), rtol=1e-10, atol=1e-12)


def test_constructor_is_lstms_plus_epsilon_and_draws_the_same_weights():
    np.random.seed(7)
    lstm = LSTM(3, 4, forget_bias_init='zero', truncate_gradient=3, return_sequences=True)
    np.random.seed(7)
    ln = LSTM_LN(3, 4, forget_bias_init='zero', truncate_gradient=3, return_sequences=True,
                 epsilon=0.01)
    assert len(ln.get_weights()) == 12 + 4 * 4 + 2
    for a, b in zip(lstm.get_weights(), ln.get_weights()):
        np.testing.assert_array_equal(a, b)
    for w in ln.get_weights()[12:]:
        assert w.shape == (4,) and set(np.unique(w)) <= {0.0, 1.0}
    config = ln.get_config()
    assert config == dict(lstm.get_config(), name='LSTM_LN', epsilon=0.01)
    assert LSTM_LN(3, 4).epsilon == 1e-2


def test_negative_epsilon_is_refused():
    with pytest.raises(ValueError, match='LSTM_LN: epsilon must be a number >= 0, got -1'):
        LSTM_LN(3, 4, epsilon=-1)


def test_gradients_match_finite_differences(rng):
    layer = LSTM_LN(3, 4, return_sequences=True, epsilon=1e-3)
    random_weights(layer, rng)
    X = rng.uniform(-1, 1, (2, 5, 3))
    out = layer.get_output(train=True)
    weighting = rng.uniform(0.5, 1.5, (2, 5, 4))
    cost = (out * weighting).sum()
    f_cost = theano.function([layer.input], cost)
    grads = theano.function([layer.input], T.grad(cost, [layer.input] + layer.params))(X)
    np.testing.assert_allclose(grads[0], numeric_gradient(f_cost, [X], 0), rtol=1e-6, atol=1e-9)
    for k, (param, g) in enumerate(zip(layer.params, grads[1:])):
        value = param.get_value()

        def f(v):
            param.set_value(v)
            return f_cost(X)
        numeric = numeric_gradient(f, [value], 0)
        param.set_value(value)
        np.testing.assert_allclose(g, numeric, rtol=1e-6, atol=1e-9, err_msg='weight %d' % k)


def test_in_a_sequential_model_the_loss_falls(rng):
    np.random.seed(3)
    model = Sequential()
    model.add(LSTM_LN(2, 8))
    model.add(Dense(8, 1))
    model.compile(loss='mse', optimizer='rmsprop')
    X = rng.uniform(-1, 1, (32, 6, 2))
    y = X[:, :, 0].sum(axis=1, keepdims=True)
    first = model.train_on_batch(X, y)
    for _ in range(30):
        last = model.train_on_batch(X, y)
    assert float(last) < 0.5 * float(first)
