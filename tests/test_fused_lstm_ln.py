"""lstm_ln_scan (fused_lstm_ln.py): the fusion pass puts it in place of a scan whose step
is LSTM_LN's (layers.recurrent.LSTM_LN._step). Same outputs and gradients as the generic
scan (mode='FAST_COMPILE'), with and without a mask, in float32 and float64; gradients
of every input against finite differences; a step that differs in any node keeps the
generic scan."""
import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn.layers.normalization import layer_normalize
from legacy_bn.layers.recurrent import LSTM, LSTM_LN
from test_tensor_grad import check_grad

STEPS, BATCH, UNITS = 5, 3, 4
GATES = 'ifoc'


def _step(norms, inner='hard_sigmoid', activation='tanh', epsilon=1e-2):
    """LSTM_LN's step with its recurrent normalizations' gains and biases `norms`
    (gh_i, gh_f, gh_o, gh_c, bh_i, .., g_c, b_c), symbolic or shared."""
    layer = LSTM_LN(2, UNITS, inner_activation=inner, activation=activation, epsilon=epsilon)
    for k, gate in enumerate(GATES):
        gx, bx = layer.norms[gate][:2]
        layer.norms[gate] = (gx, bx, norms[k], norms[4 + k])
    layer.g_c, layer.b_cell = norms[8], norms[9]
    return layer._step


def _scan(step, xs, mask, h0, c0, us, truncate=-1):
    (h, c), _ = theano.scan(step, sequences=list(xs) + [mask], outputs_info=[h0, c0],
                            non_sequences=list(us), truncate_gradient=truncate)
    return h, c


def _mask(masked):
    """int8 (steps, batch, 1): 0 at the first step (as the layer's), and with `masked` a
    reset in the middle of every sequence but the first."""
    mask = np.ones((STEPS, BATCH, 1), dtype='int8')
    mask[0] = 0
    if masked:
        mask[2, 1:] = 0
    return mask


def _values(rng, dtype, masked=True):
    x = [rng.uniform(-2, 2, (STEPS, BATCH, UNITS)) for _ in range(4)]
    states = [rng.uniform(-1, 1, (BATCH, UNITS)) for _ in range(2)]
    us = [rng.uniform(-1, 1, (UNITS, UNITS)) for _ in range(4)]
    gains = [rng.uniform(0.5, 1.5, UNITS) for _ in range(4)]
    biases = [rng.uniform(-0.5, 0.5, UNITS) for _ in range(4)]
    cell = [rng.uniform(0.5, 1.5, UNITS), rng.uniform(-0.5, 0.5, UNITS)]
    floats = [v.astype(dtype) for v in x + states + us + gains + biases + cell]
    return floats[:4] + [_mask(masked)] + floats[4:]


def _functions(dtype, inner='hard_sigmoid', activation='tanh', truncate=-1, weighted=True):
    xs = [T.tensor3('x%s' % g, dtype=dtype) for g in GATES]
    mask = T.tensor3('mask', dtype='int8')
    h0, c0 = T.matrix('h0', dtype=dtype), T.matrix('c0', dtype=dtype)
    us = [T.matrix('u%s' % g, dtype=dtype) for g in GATES]
    norms = [T.vector(dtype=dtype) for _ in range(10)]
    h, c = _scan(_step(norms, inner, activation), xs, mask, h0, c0, us, truncate)
    wh = np.random.RandomState(7).uniform(0.5, 1.5, (STEPS, BATCH, UNITS)).astype(dtype)
    wc = np.random.RandomState(8).uniform(-1, 1, (STEPS, BATCH, UNITS)).astype(dtype)
    cost = (h * wh).sum() + (c * wc).sum() if weighted else h.sum() + c.sum()
    wrt = xs + [h0, c0] + us + norms
    inputs = xs + [mask, h0, c0] + us + norms
    outputs = [h, c] + T.grad(cost, wrt)
    return (theano.function(inputs, outputs),
            theano.function(inputs, outputs, mode='FAST_COMPILE'))


def _ops(fn):
    return [n.op for n in fn.toposort()]


TOL = {'float64': dict(rtol=1e-10, atol=1e-12), 'float32': dict(rtol=2e-4, atol=2e-5)}


@pytest.mark.parametrize('masked', [True, False])
@pytest.mark.parametrize('inner,activation', [('hard_sigmoid', 'tanh'), ('sigmoid', 'hard_sigmoid'),
                                              ('hard_sigmoid', 'hard_sigmoid'), ('tanh', 'sigmoid')])
@pytest.mark.parametrize('dtype', ['float64', 'float32'])
def test_the_loop_is_one_op_and_matches_the_generic_scan(dtype, inner, activation, masked, rng,
                                                         monkeypatch):
    monkeypatch.setattr(theano.config, 'floatX', dtype)     # the gates' constants too
    fused, plain = _functions(dtype, inner, activation)
    assert 'lstm_ln_scan' in _ops(fused) and 'scan' not in _ops(fused)
    assert 'lstm_ln_scan' not in _ops(plain)
    values = _values(rng, dtype, masked)
    got, expect = fused(*values), plain(*values)
    assert len(got) == 2 + 20
    for k, (a, b) in enumerate(zip(got, expect)):
        assert a.dtype == b.dtype == dtype and a.shape == b.shape, k
        np.testing.assert_allclose(a, b, err_msg='output %d' % k, **TOL[dtype])


@pytest.mark.parametrize('truncate', [2, 10])
def test_truncated_gradients_match_the_generic_scan(truncate, rng):
    fused, plain = _functions('float64', truncate=truncate)
    assert 'lstm_ln_scan' in _ops(fused)
    values = _values(rng, 'float64')
    got, expect = fused(*values), plain(*values)
    for a, b in zip(got, expect):
        np.testing.assert_allclose(a, b, **TOL['float64'])
    if truncate == 2:       # the first steps and the initial states get no gradient
        assert not got[2][:STEPS - 2].any() and not got[6].any() and not got[7].any()


def test_gradients_of_every_input_match_finite_differences(rng):
    mask = theano.shared(_mask(True))

    def build(xi, xf, xo, xc, h0, c0, ui, uf, uo, uc, *norms):
        step = _step(norms, 'sigmoid', 'tanh')
        h, c = _scan(step, (xi, xf, xo, xc), mask, h0, c0, (ui, uf, uo, uc))
        return h + c
    values = _values(rng, 'float64')
    del values[4]
    check_grad(build, *values)


def _layer_functions(dtype, return_sequences, rng):
    np.random.seed(3)
    layer = LSTM_LN(3, UNITS, return_sequences=return_sequences)
    for p in layer.params:      # gains and biases away from one and zero
        v = p.get_value()
        p.set_value((v + rng.uniform(-0.5, 0.5, v.shape)).astype(v.dtype))
    layer.input = T.tensor3('X')
    out = layer.get_output(train=True)
    cost = (out ** 2).sum()
    outputs = [out] + T.grad(cost, [layer.input] + layer.params)
    return (theano.function([layer.input], outputs),
            theano.function([layer.input], outputs, mode='FAST_COMPILE'))


@pytest.mark.parametrize('return_sequences', [True, False])
@pytest.mark.parametrize('dtype', ['float64', 'float32'])
def test_the_rule_fires_on_the_layer_and_matches_it(dtype, return_sequences, rng, monkeypatch):
    monkeypatch.setattr(theano.config, 'floatX', dtype)
    fused, plain = _layer_functions(dtype, return_sequences, rng)
    assert 'scan' not in _ops(fused) and 'scan' in _ops(plain)
    assert any(op.startswith('lstm_ln_scan') for op in _ops(fused))
    assert not any(op.startswith('lstm_scan') for op in _ops(fused))     # the plain LSTM's
    X = rng.uniform(-1, 1, (BATCH, STEPS, 3)).astype(dtype)
    for k, (a, b) in enumerate(zip(fused(X), plain(X))):
        assert a.dtype == b.dtype == dtype and a.shape == b.shape, k
        np.testing.assert_allclose(a, b, err_msg='output %d' % k, **TOL[dtype])


def test_steps_that_differ_keep_the_generic_scan():
    xs = [T.tensor3() for _ in range(4)]
    mask, h0, c0 = T.tensor3(dtype='int8'), T.matrix(), T.matrix()
    us = [T.matrix() for _ in range(4)]
    norms = [T.vector() for _ in range(10)]
    ln_step = _step(norms)

    def leaky(xi, xf, xo, xc, mask, h, c, *us):
        h_t, c_t = ln_step(xi, xf, xo, xc, mask, h, c, *us)
        return h_t, c_t * 0.5                    # a leaky cell: not LSTM_LN
    plain_lstm = LSTM(2, UNITS)._step
    for step in (leaky, plain_lstm):
        h, _ = _scan(step, xs, mask, h0, c0, us)
        ops = _ops(theano.function(xs + [mask, h0, c0] + us + norms, h,
                                   on_unused_input='ignore'))
        assert 'lstm_ln_scan' not in ops


def test_a_cell_normalization_with_another_epsilon_keeps_the_generic_scan():
    """The op takes one epsilon for all five normalizations."""
    layer = LSTM_LN(3, UNITS)
    same = layer._norm

    def norm(X, gain, bias):
        if gain is layer.g_c:
            return layer_normalize(X, 1e-3) * gain + bias
        return same(X, gain, bias)
    layer.input = T.tensor3('X')
    assert 'lstm_ln_scan_projected' in _ops(theano.function([layer.input], layer.get_output()))
    layer._norm = norm
    ops = _ops(theano.function([layer.input], layer.get_output()))
    assert 'scan' in ops and not any(op.startswith('lstm_ln_scan') for op in ops)


def test_zero_samples_and_zero_steps_as_the_generic_scan(rng):
    fused, plain = _functions('float64', weighted=False)
    assert 'lstm_ln_scan' in _ops(fused)
    for steps, batch in ((0, BATCH), (STEPS, 0)):
        values = _values(rng, 'float64')
        values = [v[:steps, :batch] if v.ndim == 3 else v[:batch] if k in (5, 6) else v
                  for k, v in enumerate(values)]
        for a, b in zip(fused(*values), plain(*values)):
            assert a.shape == b.shape
            np.testing.assert_allclose(a, b)


def _projected(X, ws, gxs, bxs, bs, mask, h0, c0, us, norms, eps=1e-2, other_X=None):
    """LSTM_LN._sequences' projections of X (of other_X for the last gate), scanned."""
    xs = [layer_normalize(T.dot(other_X if other_X is not None and k == 3 else X, w), eps) *
          gx + bx + b for k, (w, gx, bx, b) in enumerate(zip(ws, gxs, bxs, bs))]
    return _scan(_step(norms), xs, mask, h0, c0, us)


def _projected_values(rng):
    X = rng.uniform(-1, 1, (STEPS, BATCH, 3))
    ws = [rng.uniform(-1, 1, (3, UNITS)) for _ in range(4)]
    vectors = [rng.uniform(0.5, 1.5, UNITS) for _ in range(4)] + \
        [rng.uniform(-0.5, 0.5, UNITS) for _ in range(8)]
    return [X] + ws + vectors + _values(rng, 'float64')[5:]


def test_projected_gradients_of_every_input_match_finite_differences(rng):
    mask = theano.shared(_mask(True))

    def build(X, *args):
        ws, gxs, bxs, bs = args[:4], args[4:8], args[8:12], args[12:16]
        h0, c0, us, norms = args[16], args[17], args[18:22], args[22:]
        h, c = _projected(X, ws, gxs, bxs, bs, mask, h0, c0, us, norms)
        return h * 2 + c
    values = _projected_values(rng)
    xs = [T.tensor3()] + [T.matrix() for _ in range(4)] + [T.vector() for _ in range(12)] + \
        [T.matrix() for _ in range(6)] + [T.vector() for _ in range(10)]
    assert 'lstm_ln_scan_projected' in _ops(theano.function(xs, build(*xs)))
    check_grad(build, *values)


@pytest.mark.parametrize('change', ['another epsilon', 'another X'])
def test_projections_that_differ_stay_outside(change):
    X, X2 = T.tensor3('X'), T.tensor3('X2')
    ws = [T.matrix() for _ in range(4)]
    vectors = [T.vector() for _ in range(12)]
    mask, h0, c0 = T.tensor3(dtype='int8'), T.matrix(), T.matrix()
    us, norms = [T.matrix() for _ in range(4)], [T.vector() for _ in range(10)]
    h, _ = _projected(X, ws, vectors[:4], vectors[4:8], vectors[8:], mask, h0, c0, us, norms,
                      eps=1e-3 if change == 'another epsilon' else 1e-2,
                      other_X=X2 if change == 'another X' else None)
    ops = _ops(theano.function([X, X2] + ws + vectors + [mask, h0, c0] + us + norms, h,
                               on_unused_input='ignore'))
    assert 'lstm_ln_scan' in ops and 'lstm_ln_scan_projected' not in ops


@pytest.mark.parametrize('chunk', [1, 2 * BATCH * 4 * UNITS + 1])
def test_chunks_of_steps_as_the_whole_sequence(chunk, rng, monkeypatch):
    """The backward pass and the projections' normalization run chunk by chunk of steps
    (one step, or two with a shorter last chunk, instead of all five at these sizes)."""
    import legacy_bn.theano.fused_lstm_ln as fused_lstm_ln
    monkeypatch.setattr(fused_lstm_ln, '_CHUNK', chunk)
    for dtype in ('float64', 'float32'):
        monkeypatch.setattr(theano.config, 'floatX', dtype)
        fused, plain = _layer_functions(dtype, True, rng)
        X = rng.uniform(-1, 1, (BATCH, STEPS, 3)).astype(dtype)
        for k, (a, b) in enumerate(zip(fused(X), plain(X))):
            np.testing.assert_allclose(a, b, err_msg='output %d' % k, **TOL[dtype])
    fused, plain = _functions('float64', truncate=3)
    values = _values(rng, 'float64')
    for a, b in zip(fused(*values), plain(*values)):
        np.testing.assert_allclose(a, b, **TOL['float64'])
