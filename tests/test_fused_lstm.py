"""lstm_scan (fused.py): the fusion pass puts it in place of a scan whose step is the
2015 LSTM step (layers.recurrent.LSTM._step), and lstm_scan_projected when the
sequences are the projections dot(X, W) + b of one X (as the LSTM layer builds them). Same outputs and gradients as the generic
scan (mode='FAST_COMPILE'), gradients against finite differences, and a step that
differs in any node keeps the generic scan."""
import autograd
import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn.layers.recurrent import GRU, LSTM
from legacy_bn.theano.fused_lstm import lstm_scan_projected
from test_tensor_grad import check_grad

STEPS, BATCH, UNITS = 5, 3, 4


def _lstm_step(inner, activation):
    return LSTM(2, UNITS, inner_activation=inner, activation=activation)._step


def _scan(step, xs, mask, h0, c0, us, truncate=-1):
    (h, c), _ = theano.scan(step, sequences=list(xs) + [mask], outputs_info=[h0, c0],
                            non_sequences=list(us), truncate_gradient=truncate)
    return h, c


def _mask(rng):
    """int8 (steps, batch, 1) with a reset in the middle of every sequence but the first."""
    mask = np.ones((STEPS, BATCH, 1), dtype='int8')
    mask[2, 1:] = 0
    mask[0] = 0
    return mask


def _values(rng, dtype):
    x = [rng.uniform(-2, 2, (STEPS, BATCH, UNITS)).astype(dtype) for _ in range(4)]
    states = [rng.uniform(-1, 1, (BATCH, UNITS)).astype(dtype) for _ in range(2)]
    us = [rng.uniform(-1, 1, (UNITS, UNITS)).astype(dtype) for _ in range(4)]
    return x + [_mask(rng)] + states + us


def _functions(dtype, inner, activation, truncate=-1):
    xs = [T.tensor3('x%s' % g, dtype=dtype) for g in 'ifoc']
    mask = T.tensor3('mask', dtype='int8')
    h0, c0 = T.matrix('h0', dtype=dtype), T.matrix('c0', dtype=dtype)
    us = [T.matrix('u%s' % g, dtype=dtype) for g in 'ifoc']
    h, c = _scan(_lstm_step(inner, activation), xs, mask, h0, c0, us, truncate)
    wh = np.random.RandomState(7).uniform(0.5, 1.5, (STEPS, BATCH, UNITS)).astype(dtype)
    wc = np.random.RandomState(8).uniform(-1, 1, (STEPS, BATCH, UNITS)).astype(dtype)
    cost = (h * wh).sum() + (c * wc).sum()
    wrt = xs + [h0, c0] + us
    inputs = xs + [mask, h0, c0] + us
    outputs = [h, c] + T.grad(cost, wrt)
    return (theano.function(inputs, outputs),
            theano.function(inputs, outputs, mode='FAST_COMPILE'))


KINDS = [('hard_sigmoid', 'tanh'), ('sigmoid', 'tanh'), ('tanh', 'hard_sigmoid'),
         ('hard_sigmoid', 'sigmoid')]


@pytest.mark.parametrize('inner,activation', KINDS)
@pytest.mark.parametrize('dtype', ['float64', 'float32'])
def test_the_lstm_loop_is_one_op_and_matches_the_generic_scan(dtype, inner, activation, rng,
                                                              monkeypatch):
    monkeypatch.setattr(theano.config, 'floatX', dtype)     # the gates' constants too
    fused, plain = _functions(dtype, inner, activation)
    assert 'lstm_scan' in [n.op for n in fused.toposort()]
    assert 'scan' not in [n.op for n in fused.toposort()]
    assert 'lstm_scan' not in [n.op for n in plain.toposort()]
    values = _values(rng, dtype)
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == 'float64' else dict(rtol=2e-4, atol=2e-5)
    for k, (a, b) in enumerate(zip(fused(*values), plain(*values))):
        assert a.dtype == b.dtype == dtype and a.shape == b.shape, k
        np.testing.assert_allclose(a, b, err_msg='output %d' % k, **tol)


@pytest.mark.parametrize('truncate', [2, 10])
def test_truncated_gradients_match_the_generic_scan(truncate, rng):
    fused, plain = _functions('float64', 'hard_sigmoid', 'tanh', truncate)
    assert 'lstm_scan' in [n.op for n in fused.toposort()]
    values = _values(rng, 'float64')
    got, expect = fused(*values), plain(*values)
    for a, b in zip(got, expect):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    if truncate == 2:       # the first steps and the initial states get no gradient
        assert not got[2][:STEPS - 2].any() and not got[6].any()


@pytest.mark.parametrize('inner,activation', [('sigmoid', 'tanh'), ('hard_sigmoid', 'tanh')])
def test_gradients_match_finite_differences(inner, activation, rng):
    mask = theano.shared(_mask(rng))
    step = _lstm_step(inner, activation)

    def build(xi, xf, xo, xc, h0, c0, ui, uf, uo, uc):
        h, c = _scan(step, (xi, xf, xo, xc), mask, h0, c0, (ui, uf, uo, uc))
        return h + c
    # hard_sigmoid's kinks are where 0.2 * z + 0.5 is 0 or 1: inputs well inside keep
    # every finite-difference step on one side of them
    values = _values(rng, 'float64')
    del values[4]
    for v in values[:4]:
        v *= 0.3
    check_grad(build, *values)


def test_only_the_last_output_used(rng):
    """return_sequences=False: the gradient reaches the loop through h[-1] only, and c
    gets the free zero of an unused scan output."""
    np.random.seed(5)
    layer = LSTM(3, UNITS)
    layer.input = T.tensor3('X')
    out = layer.get_output(train=True)
    cost = (out ** 2).sum()
    grads = T.grad(cost, layer.params)
    fused = theano.function([layer.input], grads)
    plain = theano.function([layer.input], grads, mode='FAST_COMPILE')
    assert 'lstm_scan_projected' in [n.op for n in fused.toposort()]
    X = rng.uniform(-1, 1, (BATCH, STEPS, 3)).astype(theano.config.floatX)
    rtol = 1e-10 if theano.config.floatX == 'float64' else 2e-4
    for a, b in zip(fused(X), plain(X)):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-6)


def _projected(X, ws, bs, h0, c0, us, mask):
    xs = [T.dot(X, w) + b for w, b in zip(ws, bs)]
    return _scan(_lstm_step('hard_sigmoid', 'tanh'), xs, mask, h0, c0, us)


def _projected_values(rng):
    X = rng.uniform(-1, 1, (STEPS, BATCH, 3))
    ws = [rng.uniform(-1, 1, (3, UNITS)) for _ in range(4)]
    bs = [rng.uniform(-0.5, 0.5, UNITS) for _ in range(4)]
    states = [rng.uniform(-1, 1, (BATCH, UNITS)) for _ in range(2)]
    us = [rng.uniform(-1, 1, (UNITS, UNITS)) for _ in range(4)]
    return [X] + ws + bs + states + us


@pytest.mark.parametrize('dtype', ['float64', 'float32'])
def test_projected_matches_the_generic_scan_and_finite_differences(dtype, rng, monkeypatch):
    monkeypatch.setattr(theano.config, 'floatX', dtype)
    mask = theano.shared(_mask(rng))
    X = T.tensor3('X', dtype=dtype)
    ws, bs = [T.matrix(dtype=dtype) for _ in range(4)], [T.vector(dtype=dtype) for _ in range(4)]
    h0, c0 = T.matrix(dtype=dtype), T.matrix(dtype=dtype)
    us = [T.matrix(dtype=dtype) for _ in range(4)]
    h, c = _projected(X, ws, bs, h0, c0, us, mask)
    weights = rng.uniform(0.5, 1.5, (STEPS, BATCH, UNITS)).astype(dtype)
    inputs = [X] + ws + bs + [h0, c0] + us
    outputs = [h, c] + T.grad((h * weights).sum() + c.sum(), inputs)
    fused = theano.function(inputs, outputs)
    plain = theano.function(inputs, outputs, mode='FAST_COMPILE')
    assert 'lstm_scan_projected' in [n.op for n in fused.toposort()]
    values = [v.astype(dtype) for v in _projected_values(rng)]
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == 'float64' else dict(rtol=2e-4, atol=2e-5)
    for k, (a, b) in enumerate(zip(fused(*values), plain(*values))):
        assert a.dtype == b.dtype == dtype and a.shape == b.shape
        np.testing.assert_allclose(a, b, err_msg='output %d' % k, **tol)
    if dtype == 'float32':
        return

    def build(X, wi, wf, wo, wc, bi, bf, bo, bc, h0, c0, ui, uf, uo, uc):
        h, c = _projected(X, (wi, wf, wo, wc), (bi, bf, bo, bc), h0, c0, (ui, uf, uo, uc), mask)
        return h * 2 + c
    check_grad(build, *values)


def test_projections_of_different_inputs_stay_outside():
    Xa, Xb = T.tensor3('Xa'), T.tensor3('Xb')
    ws, bs = [T.matrix() for _ in range(4)], [T.vector() for _ in range(4)]
    h0, c0, us = T.matrix(), T.matrix(), [T.matrix() for _ in range(4)]
    mask = T.tensor3(dtype='int8')
    xs = [T.dot(Xa if k else Xb, w) + b for k, (w, b) in enumerate(zip(ws, bs))]
    h, _ = _scan(_lstm_step('hard_sigmoid', 'tanh'), xs, mask, h0, c0, us)
    ops = [n.op for n in theano.function([Xa, Xb] + ws + bs + [mask, h0, c0] + us,
                                         h).toposort()]
    assert 'lstm_scan' in ops and 'lstm_scan_projected' not in ops


@pytest.mark.parametrize('layer', [GRU(3, UNITS)])     # LSTM_LN: test_fused_lstm_ln.py
def test_other_steps_keep_the_generic_scan(layer):
    layer.input = T.tensor3('X')
    ops = [n.op for n in theano.function([layer.input], layer.get_output()).toposort()]
    assert 'scan' in ops and 'lstm_scan' not in ops


def test_a_step_that_differs_in_one_node_keeps_the_generic_scan():
    lstm_step = _lstm_step('hard_sigmoid', 'tanh')

    def leaky(xi, xf, xo, xc, mask, h, c, *us):
        h_t, c_t = lstm_step(xi, xf, xo, xc, mask, h, c, *us)
        return h_t, c_t * 0.5                    # a leaky cell: not the 2015 LSTM
    xs = [T.tensor3() for _ in range(4)]
    mask, h0, c0 = T.tensor3(dtype='int8'), T.matrix(), T.matrix()
    us = [T.matrix() for _ in range(4)]
    h, c = _scan(leaky, xs, mask, h0, c0, us)
    ops = [n.op for n in theano.function(xs + [mask, h0, c0] + us, h).toposort()]
    assert 'scan' in ops and 'lstm_scan' not in ops


def test_zero_samples_and_zero_steps_as_the_generic_scan(rng):
    xs = [T.tensor3() for _ in range(4)]
    mask, h0, c0 = T.tensor3(dtype='int8'), T.matrix(), T.matrix()
    us = [T.matrix() for _ in range(4)]
    h, c = _scan(_lstm_step('hard_sigmoid', 'tanh'), xs, mask, h0, c0, us)
    inputs = xs + [mask, h0, c0] + us
    outputs = [h, c] + T.grad(h.sum() + c.sum(), xs + [h0] + us)
    fused = theano.function(inputs, outputs)
    plain = theano.function(inputs, outputs, mode='FAST_COMPILE')
    assert 'lstm_scan' in [n.op for n in fused.toposort()]
    for steps, batch in ((0, BATCH), (STEPS, 0)):
        values = _values(rng, 'float64')
        values = [v[:steps, :batch] if v.ndim == 3 else v[:batch] if k in (5, 6) else v
                  for k, v in enumerate(values)]
        for a, b in zip(fused(*values), plain(*values)):
            assert a.shape == b.shape
            np.testing.assert_allclose(a, b)


def test_one_forward_pass_differentiated_twice(rng):
    """The backward's per-step factors are written over the forward's arrays: a second
    VJP of the same forward (autograd's make_vjp, two output gradients) must still give
    what a fresh forward pass gives."""
    from autograd import make_vjp
    from legacy_bn.theano.fused_lstm import lstm_scan
    values = _values(rng, 'float64')

    def loop(xi):
        h, c = lstm_scan(xi, *values[1:])
        return h * 1.5 + c
    gs = [rng.uniform(-1, 1, (STEPS, BATCH, UNITS)) for _ in range(2)]
    vjp, _ = make_vjp(loop)(values[0])
    twice = [vjp(g) for g in gs]
    fresh = [make_vjp(loop)(values[0])[0](g) for g in gs]
    for a, b in zip(twice, fresh):
        np.testing.assert_array_equal(a, b)
    assert np.abs(twice[0] - twice[1]).max() > 1e-3


def _empty_sized(values, steps, samples):
    """The projected op's values with `steps` steps and `samples` samples (X first, the
    states at 9 and 10 (no mask here); the rest as they are)."""
    X = values[0][:steps, :samples]
    return [X] + values[1:9] + [values[9][:samples], values[10][:samples]] + values[11:]


@pytest.mark.parametrize('steps,samples', [(0, BATCH), (STEPS, 0)])
def test_projected_with_no_steps_or_no_samples(steps, samples, rng):
    values = _empty_sized(_projected_values(rng), steps, samples)
    args = values[:9] + [np.ones((steps, samples, 1))] + values[9:]

    def total(*a):
        h, c = lstm_scan_projected(*a)
        return np.sum(h) + np.sum(c)
    grads = autograd.grad(total, list(range(len(args))))(*args)
    h, c = lstm_scan_projected(*args)
    assert h.shape == c.shape == (steps, samples, UNITS)
    for g, a in zip(grads, args):   # nothing out, so nothing depends on any input
        assert np.shape(g) == np.shape(a)
        np.testing.assert_array_equal(g, 0)
