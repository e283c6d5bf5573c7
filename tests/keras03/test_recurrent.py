"""Keras 0.3.3's recurrent layers (legacy_bn.keras03.layers.recurrent) against a numpy
transcription: SimpleRNN, GRU and LSTM steps, K.rnn's masks (a masked step carries the
output and the states over), go_backwards, return_sequences, stateful calls and
reset_states, dropout masks only in training, 0.3.3's weight order and draw order, a
gradient by finite differences. Golden data from the real 0.3.3:
tests/golden/keras03/scenarios/rnn_masks.py."""
import numpy as np
import pytest

from legacy_bn.keras03 import backend as K
from legacy_bn.keras03.layers import recurrent
from legacy_bn.keras03.layers.embeddings import Embedding

from .layer_checks import check_input_gradient, output_of, tolerance

FX = K.floatx()
HID, DIM, STEPS = 3, 4, 5


def hard_sigmoid(x):
    return np.clip(0.2 * x + 0.5, 0, 1)


def simple_rnn_step(w, x, states):
    W, U, b = w
    h = np.tanh(x @ W + b + states[0] @ U)
    return h, [h]


def gru_step(w, x, states):
    W_z, U_z, b_z, W_r, U_r, b_r, W_h, U_h, b_h = w
    h_tm1 = states[0]
    z = hard_sigmoid(x @ W_z + b_z + h_tm1 @ U_z)
    r = hard_sigmoid(x @ W_r + b_r + h_tm1 @ U_r)
    hh = np.tanh(x @ W_h + b_h + (r * h_tm1) @ U_h)
    h = z * h_tm1 + (1 - z) * hh
    return h, [h]


def lstm_step(w, x, states):
    # the weights in 0.3.3's get_weights order: i, c, f, o
    W_i, U_i, b_i, W_c, U_c, b_c, W_f, U_f, b_f, W_o, U_o, b_o = w
    h_tm1, c_tm1 = states
    i = hard_sigmoid(x @ W_i + b_i + h_tm1 @ U_i)
    f = hard_sigmoid(x @ W_f + b_f + h_tm1 @ U_f)
    c = f * c_tm1 + i * np.tanh(x @ W_c + b_c + h_tm1 @ U_c)
    o = hard_sigmoid(x @ W_o + b_o + h_tm1 @ U_o)
    h = o * np.tanh(c)
    return h, [h, c]


STEPS_OF = {'SimpleRNN': (simple_rnn_step, 1), 'GRU': (gru_step, 1), 'LSTM': (lstm_step, 2)}


def reference(name, weights, X, mask=None, go_backwards=False, states=None):
    """(every output in scan order, last states) of 0.3.3's layer over X."""
    step, nb_states = STEPS_OF[name]
    w = [np.asarray(a, np.float64) for a in weights]
    n = X.shape[0]
    if states is None:
        states = [np.zeros((n, HID)) for _ in range(nb_states)]
    output = np.zeros((n, HID))
    outputs = []
    order = range(X.shape[1])[::-1] if go_backwards else range(X.shape[1])
    for t in order:
        new_output, new_states = step(w, X[:, t].astype(np.float64), states)
        if mask is not None:
            keep = mask[:, t][:, None] != 0
            new_output = np.where(keep, new_output, output)
            new_states = [np.where(keep, new, old) for new, old in zip(new_states, states)]
        output, states = new_output, new_states
        outputs.append(output)
    return np.stack(outputs, axis=1), states


def fixed_weights(layer, rng, scale=0.5):
    weights = [(rng.normal(size=w.shape) * scale).astype(FX) for w in layer.get_weights()]
    layer.set_weights(weights)
    return weights


@pytest.mark.parametrize('name', ['SimpleRNN', 'GRU', 'LSTM'])
@pytest.mark.parametrize('go_backwards', [False, True])
def test_unmasked_sequences_match_the_numpy_steps(name, go_backwards, rng):
    layer = getattr(recurrent, name)(HID, input_dim=DIM, input_length=STEPS,
                                     return_sequences=True, go_backwards=go_backwards)
    weights = fixed_weights(layer, rng)
    X = rng.normal(size=(2, STEPS, DIM)).astype(FX)
    expected, _ = reference(name, weights, X, go_backwards=go_backwards)
    np.testing.assert_allclose(output_of(layer, X), expected, **tolerance())
    last = getattr(recurrent, name)(HID, input_dim=DIM, go_backwards=go_backwards)
    last.set_weights(weights)
    np.testing.assert_allclose(output_of(last, X), expected[:, -1], **tolerance())


@pytest.mark.parametrize('name', ['SimpleRNN', 'GRU', 'LSTM'])
@pytest.mark.parametrize('go_backwards', [False, True])
def test_masked_steps_carry_output_and_states_over(name, go_backwards, rng):
    vocab = 7
    emb = Embedding(vocab, DIM, mask_zero=True, input_length=STEPS)
    table = fixed_weights(emb, rng, 1.0)[0]
    layer = getattr(recurrent, name)(HID, return_sequences=True, go_backwards=go_backwards)
    layer.set_previous(emb)
    weights = fixed_weights(layer, rng)
    # front padding, a zero in the middle, a sequence with no zero, an all-zero one
    X = np.array([[0, 0, 3, 1, 2], [4, 0, 5, 6, 1], [1, 2, 3, 4, 5], [0, 0, 0, 0, 0]],
                 dtype='int32')
    expected, _ = reference(name, weights, table[X], mask=X, go_backwards=go_backwards)
    got = K.function([emb.input], [layer.get_output(train=False)])([X])[0]
    np.testing.assert_allclose(got, expected, **tolerance())
    assert np.all(got[3] == 0)          # nothing unmasked: the zero initial output throughout
    mask = K.function([emb.input], [layer.get_output_mask(train=False)])([X])[0]
    assert np.array_equal(mask, X != 0)


def test_last_output_has_no_mask(rng):
    emb = Embedding(5, DIM, mask_zero=True, input_length=STEPS)
    layer = recurrent.LSTM(HID)
    layer.set_previous(emb)
    assert layer.get_output_mask() is None
    assert layer.output_shape == (None, HID)
    layer.return_sequences = True
    assert layer.output_shape == (None, STEPS, HID)


@pytest.mark.parametrize('name', ['LSTM', 'GRU', 'SimpleRNN'])
def test_stateful_calls_continue_where_the_last_one_stopped(name, rng):
    layer = getattr(recurrent, name)(HID, stateful=True, return_sequences=True,
                                     batch_input_shape=(2, STEPS, DIM))
    weights = fixed_weights(layer, rng)
    f = K.function([layer.input], [layer.get_output(train=False)], updates=layer.updates)
    X1, X2 = (rng.normal(size=(2, STEPS, DIM)).astype(FX) for _ in range(2))
    both, _ = reference(name, weights, np.concatenate([X1, X2], axis=1))
    np.testing.assert_allclose(f([X1])[0], both[:, :STEPS], **tolerance())
    np.testing.assert_allclose(f([X2])[0], both[:, STEPS:], **tolerance())
    _, states = reference(name, weights, np.concatenate([X1, X2], axis=1))
    for state, expected in zip(layer.states, states):
        np.testing.assert_allclose(K.get_value(state), expected, **tolerance())
    layer.reset_states()
    assert all(np.all(K.get_value(s) == 0) for s in layer.states)
    np.testing.assert_allclose(f([X2])[0], reference(name, weights, X2)[0], **tolerance())
    config = layer.get_config()
    assert config['stateful'] and config['batch_input_shape'] == (2, STEPS, DIM)


def test_stateful_needs_the_batch_size():
    with pytest.raises(Exception, match='complete input_shape'):
        recurrent.LSTM(HID, stateful=True, input_shape=(STEPS, DIM))


@pytest.mark.parametrize('name', ['SimpleRNN', 'GRU', 'LSTM'])
def test_dropout_only_in_training(name, rng):
    layer = getattr(recurrent, name)(HID, input_dim=DIM, return_sequences=True,
                                     dropout_W=0.5, dropout_U=0.5)
    weights = fixed_weights(layer, rng)
    X = rng.normal(size=(3, STEPS, DIM)).astype(FX)
    expected, _ = reference(name, weights, X)
    np.testing.assert_allclose(output_of(layer, X, train=False), expected, **tolerance())
    np.random.seed(0)
    train = output_of(layer, X, train=True)
    assert not np.allclose(train, expected)
    np.random.seed(0)
    np.testing.assert_array_equal(output_of(layer, X, train=True), train)


def test_simple_rnn_input_dropout_is_one_mask_for_every_timestep(rng):
    # with U = 0 and a linear activation each output is the dropped input times W
    layer = recurrent.SimpleRNN(HID, input_dim=DIM, activation='linear', dropout_W=0.5,
                                return_sequences=True)
    W = rng.normal(size=(DIM, HID)).astype(FX)
    layer.set_weights([W, np.zeros((HID, HID), FX), np.zeros(HID, FX)])
    X = np.ones((4, STEPS, DIM), FX)
    out = output_of(layer, X, train=True)
    kept = np.array([[a, b, c, d] for a in (0, 2) for b in (0, 2) for c in (0, 2)
                     for d in (0, 2)], FX)
    outputs = kept @ W
    for sample in out:
        assert np.allclose(sample, sample[0], rtol=1e-6)    # the same mask at every step
        assert np.min(np.abs(outputs - sample[0]).max(axis=1)) < 1e-5


def test_weights_listed_and_drawn_in_0_3_3_order():
    np.random.seed(7)
    layer = recurrent.LSTM(HID, input_dim=DIM, inner_init='uniform', forget_bias_init='one')
    names = [w.name for w in layer.trainable_weights]
    assert names == ['lstm_%s_%s' % (kind, gate) for gate in 'icfo' for kind in 'WUb']
    np.random.seed(7)
    draws = {}
    for gate in 'ifco':
        scale = np.sqrt(6. / (DIM + HID))
        draws['W_' + gate] = np.random.uniform(-scale, scale, (DIM, HID)).astype(FX)
        draws['U_' + gate] = np.random.uniform(-0.05, 0.05, (HID, HID)).astype(FX)
    for weight in layer.trainable_weights:
        kind, gate = weight.name.split('_')[1:]
        value = K.get_value(weight)
        if kind == 'b':
            assert np.all(value == (1 if gate == 'f' else 0))
        else:
            assert np.array_equal(value, draws[kind + '_' + gate])


def test_gradient_by_finite_differences(rng):
    layer = recurrent.LSTM(HID, input_dim=DIM, return_sequences=True, inner_activation='sigmoid')
    fixed_weights(layer, rng)
    X = rng.normal(size=(2, 3, DIM)).astype(FX)
    check_input_gradient(layer, X, rng)


def test_regularizers_attach_to_their_own_weights():
    from legacy_bn.keras03 import regularizers
    # 0.3.3 gave U's and b's regularizers to W_regularizer (an AttributeError without one)
    layer = recurrent.SimpleRNN(HID, input_dim=DIM, U_regularizer=regularizers.l2(0.1))
    assert layer.regularizers == [layer.U_regularizer]
    assert layer.U_regularizer.p is layer.U


def test_config_round_trip_keys():
    layer = recurrent.GRU(HID, input_dim=DIM, input_length=STEPS, dropout_U=0.25,
                          go_backwards=True)
    config = layer.get_config()
    assert config['name'] == 'GRU' and config['output_dim'] == HID
    assert (config['input_dim'], config['input_length']) == (DIM, STEPS)
    assert config['inner_activation'] == 'hard_sigmoid' and config['dropout_U'] == 0.25
    assert config['go_backwards'] and not config['stateful']


def test_keras01_constructor_is_refused_with_a_hint():
    with pytest.raises(TypeError, match='Keras 0.1'):
        recurrent.LSTM(784, 128)


def test_no_jzs_in_0_3_3():
    assert not hasattr(recurrent, 'JZS1') and not hasattr(recurrent, 'SimpleDeepRNN')
