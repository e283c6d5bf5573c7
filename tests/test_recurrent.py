"""The recurrent layers against plain-numpy loops of their equations (with 2015's mask
rule), gradients against finite differences, the weight draw order, and errors."""
import json

import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn import initializations
from legacy_bn.layers import recurrent
from legacy_bn.layers.core import Dense, RepeatVector, TimeDistributedDense
from legacy_bn.layers.embeddings import Embedding
from legacy_bn.models import Sequential, model_from_json
from legacy_bn.optimizers import Adam

floatX = theano.config.floatX
TOL = dict(rtol=1e-10, atol=1e-12) if floatX == 'float64' else dict(rtol=2e-4, atol=2e-5)
LAYERS = ['SimpleRNN', 'SimpleDeepRNN', 'GRU', 'LSTM', 'JZS1', 'JZS2', 'JZS3']


# -- numpy references: one step of each layer, p = dict of weights by name -------------------
def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def hard_sigmoid(x):
    return np.clip(0.2 * x + 0.5, 0, 1)


def simple_rnn(p, x, m, h):
    return [sigmoid(x.dot(p['W']) + p['b'] + m * h[0].dot(p['U']))]


def simple_deep_rnn(p, x, ms, h):
    # h = [h_tm1, ..., h_tmdepth], ms the masks of those steps
    o = x.dot(p['W']) + p['b']
    for k, (m, hk) in enumerate(zip(ms, h)):
        o = o + m * hard_sigmoid(hk.dot(p['U%d' % k]))
    return [sigmoid(o)] + h[:-1]


def gru(p, x, m, h):
    h = m * h[0]
    z = hard_sigmoid(x.dot(p['W_z']) + p['b_z'] + h.dot(p['U_z']))
    r = hard_sigmoid(x.dot(p['W_r']) + p['b_r'] + h.dot(p['U_r']))
    cand = sigmoid(x.dot(p['W_h']) + p['b_h'] + (r * h).dot(p['U_h']))
    return [z * h + (1 - z) * cand]


def lstm(p, x, m, hc):
    h, c = m * hc[0], m * hc[1]
    gate = {g: x.dot(p['W_' + g]) + p['b_' + g] + h.dot(p['U_' + g]) for g in 'ifco'}
    c = hard_sigmoid(gate['f']) * c + hard_sigmoid(gate['i']) * np.tanh(gate['c'])
    return [hard_sigmoid(gate['o']) * np.tanh(c), c]


def jzs1(p, x, m, h):
    h = m * h[0]
    z = sigmoid(x.dot(p['W_z']) + p['b_z'])
    r = sigmoid(x.dot(p['W_r']) + p['b_r'] + h.dot(p['U_r']))
    cand = np.tanh(np.tanh(x.dot(p['Pmat'])) + p['b_h'] + (r * h).dot(p['U_h']))
    return [cand * z + h * (1 - z)]


def jzs2(p, x, m, h):
    h = m * h[0]
    z = sigmoid(x.dot(p['W_z']) + p['b_z'] + h.dot(p['U_z']))
    r = sigmoid(x.dot(p['Pmat']) + p['b_r'] + h.dot(p['U_r']))
    cand = np.tanh(x.dot(p['W_h']) + p['b_h'] + (r * h).dot(p['U_h']))
    return [cand * z + h * (1 - z)]


def jzs3(p, x, m, h):
    h = m * h[0]
    z = sigmoid(x.dot(p['W_z']) + p['b_z'] + np.tanh(h).dot(p['U_z']))
    r = sigmoid(x.dot(p['W_r']) + p['b_r'] + h.dot(p['U_r']))
    cand = np.tanh(x.dot(p['W_h']) + p['b_h'] + (r * h).dot(p['U_h']))
    return [cand * z + h * (1 - z)]


REFERENCE = {'SimpleRNN': simple_rnn, 'SimpleDeepRNN': simple_deep_rnn, 'GRU': gru,
             'LSTM': lstm, 'JZS1': jzs1, 'JZS2': jzs2, 'JZS3': jzs3}


def weights_by_name(layer):
    if isinstance(layer, recurrent.SimpleDeepRNN):
        names = ['W'] + ['U%d' % k for k in range(layer.depth)] + ['b']
    else:
        names = [n for n in ('W', 'U', 'b', 'W_i', 'U_i', 'b_i', 'W_c', 'U_c', 'b_c', 'W_f', 'U_f',
                             'b_f', 'W_o', 'U_o', 'b_o', 'W_z', 'U_z', 'b_z', 'W_r', 'U_r', 'b_r',
                             'W_h', 'U_h', 'b_h', 'Pmat') if hasattr(layer, n)]
    assert len(names) == len(layer.params)
    by_param = {id(p): p.get_value().astype(np.float64) for p in layer.params}
    return {n: by_param[id(getattr(layer, n) if n[0] != 'U' or not n[1:].isdigit()
                           else layer.Us[int(n[1:])])] for n in names}


def reference_run(layer, X, mask, late=None, split=0):
    """Outputs (nb_samples, time, output_dim) of the numpy loop: the states at step t are
    multiplied by mask[t - i] (zero before the start), 2015's rule. With `late`
    (weights by name), steps from `split` on use those weights instead."""
    name = type(layer).__name__
    p = weights_by_name(layer)
    n, steps, _ = X.shape
    depth = getattr(layer, 'depth', 1)
    nb_states = depth if name == 'SimpleDeepRNN' else layer.nb_states
    states = [np.zeros((n, layer.output_dim))] * nb_states
    outs = []
    for t in range(steps):
        ms = [mask[:, t - i][:, None] if t - i >= 0 else np.zeros((n, 1)) for i in range(1, depth + 1)]
        w = late if late is not None and t >= split else p
        states = REFERENCE[name](w, X[:, t], ms if name == 'SimpleDeepRNN' else ms[0], states)
        outs.append(states[0])
    return np.stack(outs, axis=1)


def randomize(layer, rng, scale=0.6):
    layer.set_weights([rng.normal(size=w.shape) * scale for w in layer.get_weights()])


def make(name, input_dim=3, output_dim=4, **kw):
    if name == 'SimpleDeepRNN':
        kw.setdefault('depth', 2)
    return getattr(recurrent, name)(input_dim, output_dim, **kw)


# -- forward ------------------------------------------------------------------------------------
@pytest.mark.parametrize('name', LAYERS)
def test_output_equals_the_numpy_loop_with_embedding_mask(name, rng):
    X = np.array([[0, 0, 1, 2, 3], [4, 1, 0, 2, 2], [0, 0, 0, 0, 3]], dtype='int32')
    emb = Embedding(5, 3, mask_zero=True)
    randomize(emb, rng, 1.0)
    layer = make(name, return_sequences=True)
    randomize(layer, rng)
    layer.set_previous(emb)
    seq = theano.function([emb.input], layer.get_output())(X)
    expected = reference_run(layer, emb.get_weights()[0].astype(np.float64)[X], (X != 0) * 1.)
    np.testing.assert_allclose(seq, expected, **TOL)
    assert seq.dtype == floatX and seq.shape == (3, 5, 4)
    last = make(name)
    last.set_weights(layer.get_weights())
    last.set_previous(emb)
    np.testing.assert_allclose(theano.function([emb.input], last.get_output())(X),
                               expected[:, -1], **TOL)


@pytest.mark.parametrize('name', LAYERS)
def test_front_padding_gives_the_output_of_the_unpadded_sequence(name, rng):
    # the state is reset after every masked step, so padding in front changes nothing
    emb = Embedding(6, 3, mask_zero=True)
    layer = make(name)
    randomize(layer, rng)
    layer.set_previous(emb)
    f = theano.function([emb.input], layer.get_output())
    padded = f(np.array([[0, 0, 0, 5, 2, 4]], dtype='int32'))
    alone = f(np.array([[5, 2, 4]], dtype='int32'))
    np.testing.assert_allclose(padded, alone, **TOL)


@pytest.mark.parametrize('name', LAYERS)
def test_without_mask_every_step_counts(name, rng):
    layer = make(name, return_sequences=True)
    randomize(layer, rng)
    X = rng.normal(size=(2, 4, 3))
    out = theano.function([layer.input], layer.get_output(), allow_input_downcast=True)(X)
    np.testing.assert_allclose(out, reference_run(layer, X, np.ones((2, 4))), **TOL)


def test_mask_passes_on_only_with_return_sequences():
    emb = Embedding(5, 3, mask_zero=True)
    seq, last = make('GRU', return_sequences=True), make('GRU')
    seq.set_previous(emb)
    last.set_previous(emb)
    assert last.get_output_mask() is None
    mask = theano.function([emb.input], seq.get_output_mask())(np.array([[0, 2]], dtype='int32'))
    np.testing.assert_array_equal(mask, [[0, 1]])


# -- gradients ------------------------------------------------------------------------------------
def _numeric_grad(cost_of, x, eps=1e-6):
    """Central differences of cost_of() while x (an array it reads) is perturbed in place."""
    g = np.zeros_like(x)
    for pos in np.ndindex(*x.shape):
        orig = x[pos]
        x[pos] = orig + eps
        plus = cost_of()
        x[pos] = orig - eps
        minus = cost_of()
        x[pos] = orig
        g[pos] = (plus - minus) / (2 * eps)
    return g


@pytest.mark.skipif(floatX != 'float64', reason='finite differences need float64')
@pytest.mark.parametrize('name', LAYERS)
def test_gradients_match_finite_differences(name, rng):
    layer = make(name, input_dim=2, output_dim=3, return_sequences=True)
    randomize(layer, rng)
    X = rng.normal(size=(2, 3, 2))
    R = rng.normal(size=(2, 3, 3))
    cost = (layer.get_output() * R).sum()
    f = theano.function([layer.input], cost)
    grads = theano.function([layer.input], T.grad(cost, [layer.input] + layer.params))(X)
    np.testing.assert_allclose(grads[0], _numeric_grad(lambda: f(X), X), rtol=1e-6, atol=1e-8,
                               err_msg='%s: gradient wrt the input' % name)
    for k, p in enumerate(layer.params):
        value = p.get_value(borrow=True)      # perturbed in place: f reads it at each call
        np.testing.assert_allclose(grads[k + 1], _numeric_grad(lambda: f(X), value),
                                   rtol=1e-6, atol=1e-8, err_msg='%s: gradient %d' % (name, k))


@pytest.mark.skipif(floatX != 'float64', reason='finite differences need float64')
@pytest.mark.parametrize('name', ['LSTM', 'SimpleDeepRNN'])
def test_truncated_gradient_is_the_gradient_through_the_last_steps(name, rng):
    # truncate_gradient=k: the states entering the last k steps count as constants, and
    # the inputs of earlier steps get no gradient
    k, steps = 2, 5
    layer = make(name, input_dim=2, output_dim=3, truncate_gradient=k)
    randomize(layer, rng)
    X = rng.normal(size=(2, steps, 2))
    R = rng.normal(size=(2, 3))
    cost = (layer.get_output() * R).sum()
    grads = theano.function([layer.input], T.grad(cost, [layer.input] + layer.params))(X)
    late = weights_by_name(layer)
    frozen_X = X.copy()

    def truncated_cost():
        Xs = np.concatenate([frozen_X[:, :steps - k], X[:, steps - k:]], axis=1)
        return (reference_run(layer, Xs, np.ones((2, steps)), late, steps - k)[:, -1] * R).sum()
    np.testing.assert_allclose(grads[0], _numeric_grad(truncated_cost, X), rtol=1e-6, atol=1e-8)
    assert np.all(grads[0][:, :steps - k] == 0)
    names = list(late)
    by_param = {id(getattr(layer, n, None)): n for n in names}
    for j, p in enumerate(layer.params):
        key = by_param.get(id(p)) or 'U%d' % layer.Us.index(p)
        np.testing.assert_allclose(grads[j + 1], _numeric_grad(truncated_cost, late[key]),
                                   rtol=1e-6, atol=1e-8, err_msg='%s: gradient %d' % (name, j))


# -- construction -----------------------------------------------------------------------------
DRAW_ORDER = {
    'SimpleRNN': ['W', 'U'],
    'SimpleDeepRNN': ['W', 'U0', 'U1'],
    'GRU': ['W_z', 'U_z', 'W_r', 'U_r', 'W_h', 'U_h'],
    'LSTM': ['W_i', 'U_i', 'W_f', 'U_f', 'W_c', 'U_c', 'W_o', 'U_o'],
    'JZS1': ['W_z', 'W_r', 'U_r', 'U_h', 'Pmat'],
    'JZS2': ['W_z', 'U_z', 'U_r', 'W_h', 'U_h', 'Pmat'],
    'JZS3': ['W_z', 'U_z', 'W_r', 'U_r', 'W_h', 'U_h'],
}


@pytest.mark.parametrize('name', LAYERS)
def test_weights_are_drawn_from_np_random_in_2015_order(name):
    np.random.seed(42)
    layer = make(name)
    after = np.random.randint(2 ** 30)
    drawn = weights_by_name(layer)
    np.random.seed(42)
    for key in DRAW_ORDER[name]:
        if key[0] == 'W':
            expected = initializations.glorot_uniform((3, 4)).get_value()
        elif key[0] == 'U':
            expected = initializations.orthogonal((4, 4)).get_value()
        else:
            signs = np.random.binomial(1, 0.5, size=(3, 4)).astype(floatX) * 2 - 1
            expected = np.asarray(1 / np.sqrt(3), dtype=floatX) * signs
        np.testing.assert_array_equal(drawn[key], expected, err_msg=key)
    assert np.random.randint(2 ** 30) == after
    assert all(p.dtype == floatX for p in layer.params)
    if name == 'LSTM':
        np.testing.assert_array_equal(drawn['b_f'], 1)          # forget_bias_init='one'


def test_jzs_projection_is_the_identity_for_equal_sizes():
    state = np.random.get_state()
    layer = recurrent.JZS2(4, 4)
    np.testing.assert_array_equal(layer.Pmat.get_value(), np.eye(4))
    np.random.set_state(state)
    recurrent.GRU(4, 4)           # JZS2(4, 4) draws exactly what three full gates minus W_r draw
    assert layer.Pmat in layer.params


@pytest.mark.parametrize('name', LAYERS)
def test_config_round_trips_through_json(name):
    model = Sequential()
    model.add(Embedding(6, 3, mask_zero=True))
    model.add(make(name, return_sequences=True, truncate_gradient=3, activation='tanh'))
    model.add(TimeDistributedDense(4, 2))
    rebuilt = model_from_json(model.to_json())
    assert json.loads(rebuilt.to_json()) == json.loads(model.to_json())
    config = rebuilt.layers[1].get_config()
    assert config['truncate_gradient'] == 3 and config['return_sequences'] is True
    assert config['activation'] == 'tanh'


# -- errors -------------------------------------------------------------------------------------
def test_wrong_ndim_names_the_layer():
    layer = recurrent.LSTM(3, 4)
    layer.input = T.matrix()
    with pytest.raises(ValueError, match=r"^LSTM expects 3D input \(nb_samples, timesteps, "
                                         r"input_dim\), got"):
        layer.get_output()
    model = Sequential()
    model.add(Dense(2, 5))
    with pytest.raises(ValueError, match=r"^GRU expects sequences \(nb_samples, timesteps, 5\), "
                                         r"but Dense outputs samples of shape \(5,\)$"):
        model.add(recurrent.GRU(5, 4))


def test_mismatched_input_dim_is_caught_when_connecting_and_when_fitting():
    model = Sequential()
    model.add(Dense(2, 5))
    model.add(RepeatVector(3))
    with pytest.raises(ValueError, match=r"^JZS1 has input_dim=4, but RepeatVector outputs 5 "
                                         r"features per timestep$"):
        model.add(recurrent.JZS1(4, 4))
    model = Sequential()
    model.add(recurrent.SimpleRNN(3, 2))
    model.compile(loss='mse', optimizer='sgd')
    with pytest.raises(ValueError, match=r"^fit: the first layer \(SimpleRNN\) expects samples of "
                                         r"shape \(None, 3\), got X of shape \(4, 6, 7\)$"):
        model.fit(np.zeros((4, 6, 7)), np.zeros((4, 2)), verbose=0)


def test_sequence_model_trains(rng):
    # a two-layer encoder/decoder as 2015's examples build it: the loss goes down
    np.random.seed(3)
    model = Sequential()
    model.add(recurrent.GRU(3, 8))
    model.add(RepeatVector(2))
    model.add(recurrent.LSTM(8, 8, return_sequences=True))
    model.add(TimeDistributedDense(8, 3, activation='softmax'))
    model.compile(loss='categorical_crossentropy', optimizer=Adam(lr=0.02))
    X = rng.normal(size=(16, 5, 3))
    y = np.eye(3)[(X.sum(axis=1) > 0).astype(int)[:, :2]]
    first = model.train_on_batch(X, y)
    for _ in range(30):
        last = model.train_on_batch(X, y)
    assert last < 0.8 * first, (first, last)


def test_a_shorter_weights_list_sets_the_first_weights_with_a_warning():
    layer = recurrent.GRU(3, 4)
    before = layer.get_weights()
    with pytest.warns(UserWarning, match=r'^GRU.set_weights: 1 of 9 arrays given; the others keep '
                                         r'their values$'):
        layer.set_weights([np.ones((3, 4))])
    after = layer.get_weights()
    np.testing.assert_array_equal(after[0], 1)
    for got, want in zip(after[1:], before[1:]):
        np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match='expected 9 arrays'):
        layer.set_weights(before + before[:1])
