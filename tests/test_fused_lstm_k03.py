"""lstm_scan_k03 / lstm_scan_k03_masked (fused_lstm.py): the fusion pass puts them in
place of the scan K.rnn builds over Keras 0.3's LSTM.step (keras03/layers/recurrent.py),
with K.rnn's mask (a masked step keeps the previous states and output) and go_backwards.
Without a mask, the layer's input projections (time_distributed_dense per gate, which
K.rnn concatenates) go into the op too: lstm_scan_k03_projected. Same outputs and
gradients as the generic scan (mode='FAST_COMPILE') in float32 and float64, gradients
against finite differences, and a step with recurrent dropout (constants passed to the
step) keeps the generic scan."""
import autograd
import numpy as np
import pytest

import legacy_bn.keras03.backend as K
import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn.keras03.layers.containers import Sequential
from legacy_bn.keras03.layers.core import Masking
from legacy_bn.keras03.layers.recurrent import LSTM, time_distributed_dense
from legacy_bn.theano.fused_lstm import lstm_scan_k03_projected
from legacy_bn.theano.tensor import nnet
from test_tensor_grad import check_grad

STEPS, BATCH, UNITS, DIM = 5, 3, 4, 3
FUSED_OPS = ('lstm_scan_k03', 'lstm_scan_k03_masked')
LAYER_OPS = ('lstm_scan_k03_projected', 'lstm_scan_k03_masked')     # unmasked, masked


@pytest.fixture(autouse=True)
def backend_floatx(monkeypatch):
    """theano's floatX as keras03.backend set it at import (tests/conftest.py: float32)."""
    monkeypatch.setattr(theano.config, 'floatX', K.floatx())


@pytest.fixture
def floatx(monkeypatch):
    """Set the 0.3 backend's floatx and theano's floatX together (restored after)."""
    saved = K.floatx()

    def set_to(dtype):
        K.set_floatx(dtype)
        monkeypatch.setattr(theano.config, 'floatX', dtype)
    yield set_to
    K.set_floatx(saved)


def _ops(fn):
    return [n.op for n in fn.toposort()]


def _model(masked, backwards, inner='hard_sigmoid', activation='tanh', sequences=True,
           **kwargs):
    np.random.seed(11)
    model = Sequential()
    lstm = LSTM(UNITS, input_shape=(STEPS, DIM), go_backwards=backwards,
                return_sequences=sequences, inner_activation=inner, activation=activation,
                **kwargs)
    for layer in ([Masking(0., input_shape=(STEPS, DIM))] if masked else []) + [lstm]:
        model.add(layer)
    return model, lstm


def _functions(model, lstm, train=True):
    X = model.get_input(train)
    out = model.get_output(train)
    shape = (BATCH, STEPS, UNITS) if out.ndim == 3 else (BATCH, UNITS)
    weights = np.random.RandomState(7).uniform(0.5, 1.5, shape)
    cost = (out * weights.astype(out.dtype)).sum()
    outputs = [out] + T.grad(cost, lstm.trainable_weights + [X])
    return (theano.function([X], outputs),
            theano.function([X], outputs, mode='FAST_COMPILE'))


def _inputs(dtype, masked):
    X = np.random.RandomState(3).uniform(-1, 1, (BATCH, STEPS, DIM)).astype(dtype)
    if masked:      # padding at the start of one sequence, the end and the middle of others
        X[0, :2] = 0
        X[1, -1] = 0
        X[2, 2] = 0
    return X


def _assert_same(fused, plain, X, dtype):
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == 'float64' else dict(rtol=2e-4, atol=2e-5)
    for k, (a, b) in enumerate(zip(fused(X), plain(X))):
        assert a.dtype == b.dtype == dtype and a.shape == b.shape, k
        np.testing.assert_allclose(a, b, err_msg='output %d' % k, **tol)


@pytest.mark.parametrize('backwards', [False, True])
@pytest.mark.parametrize('masked', [False, True])
def test_the_03_lstm_layer_loop_is_one_op_and_matches_the_generic_scan(masked, backwards):
    """The 0.3 surface's own LSTM layer (float32: the session's keras.json), behind a
    Masking layer when masked."""
    model, lstm = _model(masked, backwards)
    fused, plain = _functions(model, lstm)
    ops = _ops(fused)
    assert LAYER_OPS[masked] in ops and 'scan' not in ops
    # without a mask, nothing of the projections is left outside the op
    assert masked or not {'dense', 'concatenate', 'reshape'} & set(ops)
    assert not set(FUSED_OPS + LAYER_OPS) & set(_ops(plain))
    _assert_same(fused, plain, _inputs(K.floatx(), masked), K.floatx())


@pytest.mark.parametrize('inner,activation', [('sigmoid', 'tanh'), ('tanh', 'hard_sigmoid'),
                                              ('hard_sigmoid', 'sigmoid')])
def test_other_activations_and_the_last_output_only(inner, activation):
    model, lstm = _model(True, False, inner, activation, sequences=False)
    fused, plain = _functions(model, lstm)
    assert 'lstm_scan_k03_masked' in _ops(fused)
    _assert_same(fused, plain, _inputs(K.floatx(), True), K.floatx())


def test_recurrent_dropout_keeps_the_generic_scan():
    """With dropout_U the step reads per-gate masks passed as constants: not fused."""
    model, lstm = _model(False, False, dropout_U=0.5)
    fused, _ = _functions(model, lstm, train=True)
    ops = _ops(fused)
    assert 'scan' in ops and not set(FUSED_OPS + LAYER_OPS) & set(ops)
    test_fn, _ = _functions(model, lstm, train=False)      # no dropout at test time
    assert 'lstm_scan_k03_projected' in _ops(test_fn)


def _k03_step(units, u_i, u_f, u_c, u_o):
    """Keras 0.3's LSTM.step on symbolic U's (hard_sigmoid gates, tanh cell)."""
    def step(x, states):
        h, c = states[0], states[1]
        x_i, x_f, x_c, x_o = [x[:, k * units:(k + 1) * units] for k in range(4)]
        i = nnet.hard_sigmoid(x_i + T.dot(h, u_i))
        f = nnet.hard_sigmoid(x_f + T.dot(h, u_f))
        c_t = f * c + i * T.tanh(x_c + T.dot(h, u_c))
        h_t = nnet.hard_sigmoid(x_o + T.dot(h, u_o)) * T.tanh(c_t)
        return h_t, [h_t, c_t]
    return step


_MASK = np.array([[1, 1, 0, 1, 1], [0, 0, 1, 1, 1], [1, 1, 1, 1, 0]], 'int8')


def _through_k_rnn(masked, backwards):
    """build(x, h0, c0, u_i, u_f, u_c, u_o): K.rnn over the 0.3 step, every input of the
    op symbolic (the layer's initial states are zeros built from its input)."""
    mask = theano.shared(_MASK)

    def build(x, h0, c0, u_i, u_f, u_c, u_o):
        _, outputs, states = K.rnn(_k03_step(UNITS, u_i, u_f, u_c, u_o), x, [h0, c0],
                                   go_backwards=backwards, mask=mask if masked else None)
        return outputs.sum(axis=1) + states[0] * 2 + states[1]
    return build


def _k_rnn_values(dtype):
    # inputs well inside hard_sigmoid's kinks (|z| < 2.5) keep every finite-difference
    # step on one side of them
    rng = np.random.RandomState(5)
    values = [rng.uniform(-0.6, 0.6, (BATCH, STEPS, 4 * UNITS))]
    values += [rng.uniform(-0.5, 0.5, (BATCH, UNITS)) for _ in 'hc']
    values += [rng.uniform(-0.4, 0.4, (UNITS, UNITS)) for _ in 'ifco']
    return [v.astype(dtype) for v in values]


def _k_rnn_inputs(dtype):
    return [T.tensor3(dtype=dtype)] + [T.matrix(dtype=dtype) for _ in range(6)]


@pytest.mark.parametrize('backwards', [False, True])
@pytest.mark.parametrize('masked', [False, True])
@pytest.mark.parametrize('dtype', ['float64', 'float32'])
def test_k_rnn_matches_the_generic_scan(dtype, masked, backwards, floatx):
    """Outputs and the gradients of every input (h0, c0 included) against the generic
    scan, in float64 and float32."""
    floatx(dtype)
    ops = _assert_fused_matches_plain(_through_k_rnn(masked, backwards), _k_rnn_inputs(dtype),
                                      _k_rnn_values(dtype), dtype)
    assert FUSED_OPS[masked] in ops and 'scan' not in ops


def _assert_fused_matches_plain(build, xs, values, dtype):
    """build's output and the gradients of all its inputs, fused against FAST_COMPILE
    at `values`; returns the fused function's ops."""
    out = build(*xs)
    weights = np.random.RandomState(8).uniform(0.5, 1.5, (BATCH, UNITS)).astype(dtype)
    outputs = [out] + T.grad((out * weights).sum(), xs)
    fused = theano.function(xs, outputs)
    plain = theano.function(xs, outputs, mode='FAST_COMPILE')
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == 'float64' else dict(rtol=2e-4, atol=2e-5)
    for k, (a, b) in enumerate(zip(fused(*values), plain(*values))):
        assert a.dtype == b.dtype == dtype and a.shape == b.shape, k
        np.testing.assert_allclose(a, b, err_msg='output %d' % k, **tol)
    return _ops(fused)


@pytest.mark.parametrize('backwards', [False, True])
@pytest.mark.parametrize('masked', [False, True])
def test_gradients_match_finite_differences(masked, backwards, floatx):
    floatx('float64')
    build = _through_k_rnn(masked, backwards)
    xs = _k_rnn_inputs('float64')
    assert FUSED_OPS[masked] in _ops(theano.function(xs, build(*xs)))
    check_grad(build, *_k_rnn_values('float64'))


def test_input_dropout_keeps_the_projections_outside():
    """With dropout_W the projections read a dropped input per gate: the loop is one op,
    the projections are not absorbed."""
    model, lstm = _model(False, False, dropout_W=0.5)
    ops = _ops(_functions(model, lstm, train=True)[0])
    assert 'lstm_scan_k03' in ops and 'lstm_scan_k03_projected' not in ops


# -- lstm_scan_k03_projected on its own: the layer's projections + K.rnn, all symbolic ---
def _through_projections(backwards):
    """build(X, w_i, w_f, w_c, w_o, b_i, .., b_o, h0, c0, u_i, u_f, u_c, u_o): the 0.3
    LSTM's time_distributed_dense per gate, concatenated, under K.rnn."""
    def build(X, *params):
        ws, bs, (h0, c0), us = params[:4], params[4:8], params[8:10], params[10:]
        x = K.concatenate([time_distributed_dense(X, w, b, None, DIM, UNITS, STEPS)
                           for w, b in zip(ws, bs)], axis=2)
        _, outputs, states = K.rnn(_k03_step(UNITS, *us), x, [h0, c0],
                                   go_backwards=backwards)
        return outputs.sum(axis=1) + states[0] * 2 + states[1]
    return build


def _projection_values(dtype):
    rng = np.random.RandomState(6)
    values = [rng.uniform(-1, 1, (BATCH, STEPS, DIM))]
    values += [rng.uniform(-0.3, 0.3, (DIM, UNITS)) for _ in 'ifco']
    values += [rng.uniform(-0.2, 0.2, UNITS) for _ in 'ifco']
    values += [rng.uniform(-0.5, 0.5, (BATCH, UNITS)) for _ in 'hc']
    values += [rng.uniform(-0.4, 0.4, (UNITS, UNITS)) for _ in 'ifco']
    return [v.astype(dtype) for v in values]


def _projection_inputs(dtype):
    return [T.tensor3(dtype=dtype)] + [T.matrix(dtype=dtype) for _ in 'ifco'] + \
        [T.vector(dtype=dtype) for _ in 'ifco'] + [T.matrix(dtype=dtype) for _ in range(6)]


@pytest.mark.parametrize('backwards', [False, True])
@pytest.mark.parametrize('dtype', ['float64', 'float32'])
def test_projected_matches_the_generic_scan(dtype, backwards, floatx):
    """Outputs and the gradients of X, every W, b, U and the initial states."""
    floatx(dtype)
    ops = _assert_fused_matches_plain(_through_projections(backwards),
                                      _projection_inputs(dtype), _projection_values(dtype),
                                      dtype)
    assert 'lstm_scan_k03_projected' in ops and not {'scan', 'dense', 'dot'} & set(ops)


@pytest.mark.parametrize('backwards', [False, True])
def test_projected_gradients_match_finite_differences(backwards, floatx):
    floatx('float64')
    build = _through_projections(backwards)
    xs = _projection_inputs('float64')
    assert 'lstm_scan_k03_projected' in _ops(theano.function(xs, build(*xs)))
    check_grad(build, *_projection_values('float64'))


def test_projected_gates_of_the_wrong_width_are_refused(floatx):
    """W's columns that do not make 4 gates as wide as the states: a clear error."""
    floatx('float64')
    xs = _projection_inputs('float64')
    fn = theano.function(xs, _through_projections(False)(*xs))
    assert 'lstm_scan_k03_projected' in _ops(fn)
    values = _projection_values('float64')
    values[1], values[5] = np.zeros((DIM, UNITS + 1)), np.zeros(UNITS + 1)
    with pytest.raises(ValueError, match=r"LSTM \(lstm_scan_k03_projected\): expected each "
                                         r"gate's W 3 x 4, .*W of shapes \(3, 5\), \(3, 4\)"):
        fn(*values)
    # widths that still total 4 gates: K.rnn would slice the concatenation across the
    # gates' arrays, where the graph's reshape to `units` fails
    values[2], values[6] = np.zeros((DIM, UNITS - 1)), np.zeros(UNITS - 1)
    with pytest.raises(ValueError, match=r'b of shapes \(5,\), \(3,\), \(4,\), \(4,\)'):
        fn(*values)


def test_projected_without_the_gradient_of_x(floatx):
    """Training asks for the weights' gradients only (X is data): the op then skips
    X's; the rest is as the generic scan's."""
    floatx('float64')
    xs = _projection_inputs('float64')
    out = _through_projections(False)(*xs)
    grads = T.grad(out.sum(), xs[1:])
    fused, plain = (theano.function(xs, grads, mode=mode) for mode in (None, 'FAST_COMPILE'))
    assert 'lstm_scan_k03_projected' in _ops(fused)
    values = _projection_values('float64')
    for k, (a, b) in enumerate(zip(fused(*values), plain(*values))):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12, err_msg='gradient %d' % k)


def test_projected_with_no_steps():
    values = _projection_values('float64')
    values[0] = values[0][:, :0]                    # (samples, 0 steps, inputs)
    kwargs = dict(inputs=DIM, steps=0, units=UNITS)

    def total(*a):
        return sum(np.sum(out) for out in lstm_scan_k03_projected(*a, **kwargs))
    outs = lstm_scan_k03_projected(*values, **kwargs)
    assert [np.shape(o) for o in outs] == [(0, BATCH, UNITS)] * 3
    grads = autograd.grad(total, list(range(len(values))))(*values)
    for g, v in zip(grads, values):
        assert np.shape(g) == np.shape(v)
        np.testing.assert_array_equal(g, 0)
