"""The optional numba accelerator (legacy_bn/theano/accel.py, accel_numba.py; issue 18):
with it, every fused LSTM / LSTM_LN loop gives numpy's outputs and gradients of every
argument within float32 rounding (and its kernels really ran), as do the batch
normalizations' kernels (2015's BatchNormalization -> relu, batch_std and blend, Keras 0.3.3's
batch_norm_train, relu's gradient); float64 is left to numpy bit for bit; small 2015 and
Keras 0.3 models train to the same losses and weights; its float32 tanh is within a few
float32 spacings of the exact one; a bad choice or a missing numba is a clear error.
Every other test module runs the pure-numpy loops (the default)."""
import math
import sys

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

pytest.importorskip('numba')

import legacy_bn.theano as theano                                   # noqa: E402
import test_fused_lstm as lstm_tests                                # noqa: E402
import test_fused_lstm_k03 as k03_tests                             # noqa: E402
import test_fused_lstm_ln as ln_tests                               # noqa: E402
from legacy_bn.theano import accel                                  # noqa: E402
from legacy_bn.theano.fused_lstm import LSTM_FUSED                  # noqa: E402
from legacy_bn.theano.fused_lstm_ln import LSTM_LN_FUSED            # noqa: E402

F32 = np.float32
FUSED = dict(LSTM_FUSED, **LSTM_LN_FUSED)

# Tolerance of numba against numpy in float32: the project's rtol 2e-4, and an atol of
# 2e-5 of the array's largest element (at least 2e-5), as gradient elements that are
# sums of cancelling terms carry the rounding of their terms. Measured: numpy's own
# float32 loops differ from float64 by up to 4e-6 of an array's largest element (the
# normalized projections' gradients of lstm_ln_scan_projected), numba's by no more;
# numba against numpy then by up to 4.4e-6 of it, 0.11 of this tolerance (1e-6 or less,
# under 0.05 of it, for the other ops).
RTOL32, ATOL32 = 2e-4, 2e-5


# -- switching --------------------------------------------------------------------------
@pytest.fixture
def accelerated():
    """accelerated(name) switches the accelerator for the rest of the test; afterwards it
    is always back to 'none', the default every other test runs with."""
    try:
        yield accel.use
    finally:
        accel.use('none')


@pytest.fixture
def numba_on(accelerated):
    accelerated('numba')


class _Counting:
    """The kernel module as the loops see it through accel.kernels_for, counting calls of
    its functions by name (the module itself, which compiled code may read, is left as it
    is)."""

    def __init__(self, module, calls):
        self._module, self._calls = module, calls

    def __getattr__(self, name):
        value = getattr(self._module, name)
        if not callable(value):
            return value

        def counted(*args, **kwargs):
            self._calls[name] = self._calls.get(name, 0) + 1
            return value(*args, **kwargs)
        return counted


@pytest.fixture
def kernel_calls(monkeypatch):
    """A dict name -> how many times the loops called that kernel."""
    calls = {}
    real = accel.kernels_for

    def kernels_for(dtype):
        kernels = real(dtype)
        return None if kernels is None else _Counting(kernels, calls)
    monkeypatch.setattr(accel, 'kernels_for', kernels_for)
    return calls


# -- every fused op's arguments (the fused-op tests' own values, float32) ----------------
def _f32(values):
    return [v.astype(F32) if v.dtype.kind == 'f' else v for v in values]


def _lstm_scan_args(rng, backwards):
    return lstm_tests._values(rng, F32), {}


def _lstm_scan_projected_args(rng, backwards):
    values = _f32(lstm_tests._projected_values(rng))        # X, w's, b's, h0, c0, U's
    return values[:9] + [lstm_tests._mask(rng)] + values[9:], {}


def _k03_time_major(values):
    x = np.ascontiguousarray(values[0].transpose(1, 0, 2))  # as K.rnn's scan reads it
    return [x] + values[1:]


def _lstm_scan_k03_args(rng, backwards):
    return _k03_time_major(k03_tests._k_rnn_values(F32)), {'backwards': backwards}


def _lstm_scan_k03_masked_args(rng, backwards):
    x, h0, c0, *us = _k03_time_major(k03_tests._k_rnn_values(F32))
    mask = np.ascontiguousarray(k03_tests._MASK.T[:, :, None])     # (steps, samples, 1)
    out0 = rng.uniform(-0.5, 0.5, h0.shape).astype(F32)
    return [x, mask, out0, h0, c0] + us, {'backwards': backwards}


def _lstm_scan_k03_projected_args(rng, backwards):
    return k03_tests._projection_values(F32), dict(
        inputs=k03_tests.DIM, steps=k03_tests.STEPS, units=k03_tests.UNITS,
        backwards=backwards)


def _lstm_ln_scan_args(rng, backwards):
    return ln_tests._values(rng, F32, masked=True), {}


def _lstm_ln_scan_projected_args(rng, backwards):
    values = _f32(ln_tests._projected_values(rng))      # X, w's, gx's, bx's, b's, h0, ...
    return values[:17] + [ln_tests._mask(True)] + values[17:], {}


ARGS = {name: globals()['_%s_args' % name] for name in FUSED}
# the Keras 0.3 loops also run backwards (go_backwards)
OPS = [(name, False) for name in FUSED] + [(name, True) for name in FUSED if '_k03' in name]
PAIRS = [('hard_sigmoid', 'tanh'), ('sigmoid', 'tanh'), ('tanh', 'hard_sigmoid'),
         ('hard_sigmoid', 'hard_sigmoid'), ('tanh', 'sigmoid'), ('sigmoid', 'sigmoid')]


def _outputs_and_gradients(op, args, kwargs, weights):
    """op's outputs, and the gradients of sum(outputs * weights) with respect to every
    float argument (autograd through the op's VJP)."""
    floats = [k for k, v in enumerate(args) if v.dtype.kind == 'f']

    def cost(values):
        full = list(args)
        for k, v in zip(floats, values):
            full[k] = v
        return sum(anp.sum(out * w) for out, w in zip(op(*full, **kwargs), weights))
    outputs = [np.array(out) for out in op(*args, **kwargs)]
    grads = autograd.grad(cost)(tuple(args[k] for k in floats))
    return outputs, [np.array(g) for g in grads], floats


def _run_both(name, backwards, inner, activation, truncate, rng, accelerated, kernel_calls):
    """(numpy's, numba's) outputs and gradients of one fused op on the same inputs, and
    the float arguments' positions; checks that numba's kernels ran forward and back."""
    args, kwargs = ARGS[name](rng, backwards)
    kwargs.update(inner=inner, activation=activation, truncate=truncate)
    op = FUSED[name]
    accelerated('none')          # (also when $LEGACY_BN_ACCEL chose numba for the process)
    shapes = [np.shape(out) for out in op(*args, **kwargs)]
    weights = [rng.uniform(-1, 1, shape).astype(F32) for shape in shapes]
    expect = _outputs_and_gradients(op, args, kwargs, weights)
    assert not kernel_calls
    accelerated('numba')
    op(*args, **kwargs)
    forward_calls = sum(kernel_calls.values())
    got = _outputs_and_gradients(op, args, kwargs, weights)
    # the comparison cannot pass vacuously: kernels ran in the forward loop, and the
    # two forwards and the backward loop of _outputs_and_gradients made more calls
    # than three forwards
    assert forward_calls > 0
    assert sum(kernel_calls.values()) > 3 * forward_calls, kernel_calls
    return expect, got


def _assert_close(name, expect, got, floats):
    (outs_e, grads_e, _), (outs_g, grads_g, _) = expect, got
    assert len(grads_g) == len(floats)
    labels = ['output %d' % k for k in range(len(outs_e))] + \
        ['gradient of argument %d' % k for k in floats]
    for label, e, g in zip(labels, outs_e + grads_e, outs_g + grads_g):
        assert g.dtype == e.dtype == F32 and g.shape == e.shape, (name, label)
        _assert_close32(g, e, '%s: %s' % (name, label))


def _assert_close32(got, expect, label):
    atol = ATOL32 * max(1.0, float(np.max(np.abs(expect), initial=0)))
    np.testing.assert_allclose(got, expect, rtol=RTOL32, atol=atol, err_msg=label)


@pytest.mark.parametrize('truncate', [-1, 2])
@pytest.mark.parametrize('inner,activation', PAIRS)
@pytest.mark.parametrize('name,backwards', OPS)
def test_numba_gives_numpys_outputs_and_gradients(name, backwards, inner, activation, truncate,
                                                  rng, accelerated, kernel_calls):
    expect, got = _run_both(name, backwards, inner, activation, truncate, rng, accelerated,
                            kernel_calls)
    _assert_close(name, expect, got, expect[2])


@pytest.mark.parametrize('inner,activation', [('sigmoid', 'tanh'), ('tanh', 'hard_sigmoid')])
@pytest.mark.parametrize('name', list(FUSED))
def test_wider_states_as_numpy(name, inner, activation, rng, accelerated, kernel_calls,
                               monkeypatch):
    """19 units: loops over the units that compiled code runs partly in SIMD lanes (16
    wide or less) and partly one by one."""
    for module in (lstm_tests, ln_tests, k03_tests):
        monkeypatch.setattr(module, 'UNITS', 19)
    expect, got = _run_both(name, False, inner, activation, -1, rng, accelerated, kernel_calls)
    assert expect[0][0].shape[-1] == 19
    _assert_close(name, expect, got, expect[2])


@pytest.mark.parametrize('truncate', [-1, 3])
@pytest.mark.parametrize('chunk', [1, 2])
@pytest.mark.parametrize('name', list(LSTM_LN_FUSED))
def test_lstm_ln_in_chunks_of_steps_as_numpy(name, chunk, truncate, rng, accelerated,
                                            kernel_calls, monkeypatch):
    """The LSTM_LN loops form the backward's factors chunk by chunk of steps (one step a
    chunk at batch 128 and 128 units): chunks of 1 and 2 of the 5 steps."""
    from legacy_bn.theano import fused_lstm_ln
    monkeypatch.setattr(fused_lstm_ln, '_CHUNK',
                        chunk * ln_tests.BATCH * 4 * ln_tests.UNITS)
    expect, got = _run_both(name, False, 'hard_sigmoid', 'tanh', truncate, rng, accelerated,
                            kernel_calls)
    _assert_close(name, expect, got, expect[2])


STATES = {'lstm_scan': (5, 6), 'lstm_scan_k03': (1, 2), 'lstm_ln_scan': (5, 6)}


@pytest.mark.parametrize('steps,batch', [(0, 3), (5, 0)])
@pytest.mark.parametrize('name', list(STATES))
def test_no_steps_or_no_samples_as_numpy(name, steps, batch, rng, accelerated):
    args, kwargs = ARGS[name](rng, False)
    args = [v[:steps, :batch] if v.ndim == 3 else v[:batch] if k in STATES[name] else v
            for k, v in enumerate(args)]
    op = FUSED[name]
    weights = [np.ones(np.shape(out), F32) for out in op(*args, **kwargs)]
    accelerated('none')
    expect = _outputs_and_gradients(op, args, kwargs, weights)
    accelerated('numba')
    got = _outputs_and_gradients(op, args, kwargs, weights)
    _assert_close(name, expect, got, expect[2])


@pytest.mark.parametrize('name', ['lstm_scan', 'lstm_scan_k03_masked', 'lstm_ln_scan_projected'])
def test_float64_is_numpys_bit_for_bit(name, rng, accelerated, kernel_calls):
    """numba chosen, a float64 loop still runs numpy's code: identical numbers."""
    args, kwargs = ARGS[name](rng, False)
    args = [v.astype(np.float64) if v.dtype.kind == 'f' else v for v in args]
    kwargs.update(inner='sigmoid', activation='tanh')
    op = FUSED[name]
    weights = [rng.uniform(-1, 1, np.shape(out)) for out in op(*args, **kwargs)]
    accelerated('none')
    expect = _outputs_and_gradients(op, args, kwargs, weights)
    accelerated('numba')
    assert accel.kernels_for(F32) is not None and accel.kernels_for(np.float64) is None
    got = _outputs_and_gradients(op, args, kwargs, weights)
    assert not kernel_calls
    for e, g in zip(expect[0] + expect[1], got[0] + got[1]):
        assert e.dtype == g.dtype == np.float64
        np.testing.assert_array_equal(g, e)


# -- the batch normalizations' kernels (fused.py, fused_keras03.py) ---------------------
def _bn_relu_values(rng, batch, n):
    """x (batch, n), m, d, gamma, beta (n,) in float32, with pre-activations exactly 0
    (Keras's relu passes half the gradient there) and a NaN."""
    x = rng.normal(0, 1, (batch, n)).astype(F32)
    m = rng.normal(0, 0.1, n).astype(F32)
    d, gamma = (rng.uniform(0.5, 2, n).astype(F32) for _ in 'dg')
    beta = rng.uniform(-0.5, 0.5, n).astype(F32)
    beta[0] = 0
    x[:2, 0] = m[0]
    if batch > 2:
        x[2, 1] = np.nan
    return x, m, d, gamma, beta


def _bn_relu_both(x, m, d, gamma, beta, weights, accelerated):
    """normalize_affine_relu's output and the gradients of x, gamma and beta (what
    training asks of it) of sum(output * weights), numpy's then numba's."""
    from legacy_bn.theano.fused import normalize_affine_relu

    def cost(x_gamma_beta):
        x, gamma, beta = x_gamma_beta
        return anp.sum(normalize_affine_relu(x, m, d, gamma, beta) * weights)
    results = []
    for name in ('none', 'numba'):
        accelerated(name)
        out = normalize_affine_relu(x, m, d, gamma, beta)
        grads = autograd.grad(cost)((x, gamma, beta))
        results.append([out] + list(grads))
    return results


@pytest.mark.parametrize('batch,n', [(9, 19), (1, 3)])
def test_bn_relu_as_numpy(batch, n, rng, accelerated, kernel_calls):
    x, m, d, gamma, beta = _bn_relu_values(rng, batch, n)
    weights = rng.uniform(-1, 1, x.shape).astype(F32)
    expect, got = _bn_relu_both(x, m, d, gamma, beta, weights, accelerated)
    assert kernel_calls.get('bn_relu_forward', 0) > 0, kernel_calls
    assert kernel_calls.get('bn_relu_backward', 0) > 0, kernel_calls
    # the same operations in the same order, but for the gradients' sums over the batch
    for label, e, g in zip(('output', 'gradient of x'), expect[:2], got[:2]):
        assert e.dtype == g.dtype == F32
        np.testing.assert_array_equal(g, e, err_msg=label)
    for label, e, g in zip(('gradient of gamma', 'gradient of beta'), expect[2:], got[2:]):
        assert e.dtype == g.dtype == F32
        _assert_close32(g, e, label)
    if batch > 2:
        assert np.isnan(got[0][2, 1])
    # where y == 0: half the gradient, times gamma / d
    np.testing.assert_allclose(got[1][:2, 0] / weights[:2, 0], 0.5 * gamma[0] / d[0],
                               rtol=1e-6)


def test_bn_relu_gradients_of_the_statistics_as_numpy(rng, accelerated, kernel_calls):
    """Gradients of m and d too (not what training asks): the kernel's forward keeps
    neither x - m nor y, and numpy's backward recomputes them."""
    from legacy_bn.theano.fused import normalize_affine_relu
    x, m, d, gamma, beta = _bn_relu_values(rng, 9, 19)
    weights = rng.uniform(-1, 1, x.shape).astype(F32)

    def cost(args):
        return anp.sum(normalize_affine_relu(*args) * weights)
    results = []
    for name in ('none', 'numba'):
        accelerated(name)
        results.append(autograd.grad(cost)((x, m, d, gamma, beta)))
    assert kernel_calls.get('bn_relu_forward', 0) == 1, kernel_calls
    assert 'bn_relu_backward' not in kernel_calls, kernel_calls
    for label, e, g in zip(('x', 'm', 'd', 'gamma', 'beta'), *results):
        assert g.dtype == F32
        np.testing.assert_array_equal(g, e, err_msg='gradient of ' + label)


def test_bn_relu_float64_is_numpys_bit_for_bit(rng, accelerated, kernel_calls):
    values = [v.astype(np.float64) for v in _bn_relu_values(rng, 9, 19)]
    expect, got = _bn_relu_both(*values, rng.uniform(-1, 1, (9, 19)), accelerated)
    assert not kernel_calls
    for e, g in zip(expect, got):
        assert e.dtype == g.dtype == np.float64
        np.testing.assert_array_equal(g, e)


@pytest.mark.parametrize('batch,n', [(9, 19), (1, 3), (300, 5)])
def test_batch_std_as_numpy(batch, n, rng, accelerated, kernel_calls):
    from legacy_bn.theano.fused import batch_std
    x = rng.normal(3, 2, (batch, n)).astype(F32)
    m = x.mean(axis=0) + rng.normal(0, 0.1, n).astype(F32)
    accelerated('none')
    expect = batch_std(x, m, 1e-6)
    accelerated('numba')
    got = batch_std(x, m, 1e-6)
    assert kernel_calls.get('batch_std', 0) > 0, kernel_calls
    assert got.dtype == expect.dtype == F32 and got.shape == (n,)
    np.testing.assert_allclose(got, expect, rtol=RTOL32)


@pytest.mark.parametrize('a,c', [(0.9, 0.09999999999999998), (F32(0.5), 2),
                                 (np.float64(0.9), 0.1)])
def test_running_average_blend_as_numpy(a, c, rng, accelerated, kernel_calls):
    """blend(a, x, c, y) = a * x + c * y, the running statistics' step: bit for bit, NaN
    and inf kept; a numpy float64 factor (which makes numpy's arithmetic float64) stays
    with numpy."""
    from legacy_bn.theano.fused import blend
    x, y = rng.normal(0, 1, (2, 19)).astype(F32)
    x[0], y[1], y[2] = np.nan, np.inf, -3e38
    results = []
    for name in ('none', 'numba'):
        accelerated(name)
        with np.errstate(over='ignore'):         # 2 * -3e38 is -inf on both paths
            results.append(blend(a, x, c, y))
    expect, got = results
    assert got.dtype == expect.dtype and got.shape == expect.shape
    np.testing.assert_array_equal(got, expect)
    assert kernel_calls.get('blend', 0) == (0 if type(a) is np.float64 else 1), kernel_calls


def test_keras_relu_gradient_as_numpy(rng, accelerated, kernel_calls):
    """Keras 0.1's relu (y + |y|) / 2: g where y > 0, g / 2 at 0, 0 below and at NaN."""
    from legacy_bn.theano.fused import keras_relu
    y = rng.normal(0, 1, (9, 19)).astype(F32)
    y[0, :5] = 0
    y[1, 0] = np.nan
    weights = rng.uniform(-1, 1, y.shape).astype(F32)
    results = []
    for name in ('none', 'numba'):
        accelerated(name)
        results.append(autograd.grad(lambda y: anp.sum(keras_relu(y) * weights))(y))
    assert kernel_calls.get('relu_backward', 0) > 0, kernel_calls
    assert results[1].dtype == F32
    np.testing.assert_array_equal(results[1], results[0])
    np.testing.assert_array_equal(results[1][0, :5], weights[0, :5] / 2)
    assert results[1][1, 0] == 0


@pytest.mark.parametrize('batch,n', [(9, 19), (1, 3), (300, 5)])
def test_keras03_batch_norm_train_as_numpy(batch, n, rng, accelerated, kernel_calls):
    """Keras 0.3.3's BatchNormalization on batch statistics (fused_keras03.py): the
    output, and the gradients of x (the paths through m and s included), gamma and beta."""
    from legacy_bn.theano.fused_keras03 import batch_norm_train
    x = rng.normal(1, 2, (batch, n)).astype(F32)
    m = x.mean(axis=0)
    s = np.sqrt(x.var(axis=0) + 1e-6).astype(F32)
    gamma = rng.uniform(0.5, 1.5, n).astype(F32)
    beta = rng.uniform(-0.5, 0.5, n).astype(F32)
    weights = rng.uniform(-1, 1, x.shape).astype(F32)

    def cost(x_gamma_beta):
        x, gamma, beta = x_gamma_beta
        return anp.sum(batch_norm_train(x, m, s, gamma, beta, 1e-6) * weights)
    results = []
    for name in ('none', 'numba'):
        accelerated(name)
        out = batch_norm_train(x, m, s, gamma, beta, 1e-6)
        results.append([out] + list(autograd.grad(cost)((x, gamma, beta))))
    for kernel in ('bn_train_forward', 'bn_train_sums', 'bn_train_dx'):
        assert kernel_calls.get(kernel, 0) > 0, kernel_calls
    expect, got = results
    assert got[0].dtype == F32
    np.testing.assert_array_equal(got[0], expect[0])    # the same steps in the same order
    for label, e, g in zip(('gradient of x', 'of gamma', 'of beta'), expect[1:], got[1:]):
        assert g.dtype == F32
        _assert_close32(g, e, label)


# -- the softmax cross-entropy of a batch --------------------------------------------------
def _softmax_ce_values(rng, batch, classes):
    """Logits with a saturated row (its probabilities clipped at 1 - 1e-7 and 1e-7), one-hot
    targets, weights in (0.1, 1.1)."""
    z = rng.normal(0, 3, (batch, classes)).astype(F32)
    z[0, 0] = 40
    y = np.eye(classes, dtype=F32)[rng.randint(0, classes, batch)]
    w = rng.uniform(0.1, 1.1, batch).astype(F32)
    return z, y, w


def _loss_and_gradient(loss, z, accelerated):
    """[(loss, d (-0.01 * loss) / dz)] with numpy's path, then with numba's (-0.01: SGD's
    -lr, folded into the cost's gradient as training does)."""
    results = []
    for name in ('none', 'numba'):
        accelerated(name)
        results.append((loss(z), autograd.grad(lambda z: -0.01 * loss(z))(z)))
    return results


def _assert_same_loss_and_gradient(expect, got):
    (loss, dz), (loss_n, dz_n) = expect, got
    assert type(loss_n) is type(loss) and np.shape(loss_n) == np.shape(loss)
    assert np.asarray(loss_n).dtype == np.asarray(loss).dtype == F32
    np.testing.assert_allclose(loss_n, loss, rtol=1e-6)
    assert dz_n.dtype == dz.dtype == F32
    _assert_close32(dz_n, dz, 'gradient of z')


@pytest.mark.parametrize('batch,classes', [(9, 4), (1, 3), (128, 10)])
def test_softmax_crossentropy_as_numpy(batch, classes, rng, accelerated, kernel_calls):
    """2015's softmax -> weighted categorical cross-entropy (fused.softmax_crossentropy)."""
    from legacy_bn.theano.fused import softmax_crossentropy
    z, y, w = _softmax_ce_values(rng, batch, classes)
    expect, got = _loss_and_gradient(
        lambda z: softmax_crossentropy(z, y, w[:, None], 1e-7, 1 - 1e-7), z, accelerated)
    assert kernel_calls.get('softmax_ce_forward', 0) > 0, kernel_calls
    assert kernel_calls.get('softmax_ce_backward', 0) > 0, kernel_calls
    _assert_same_loss_and_gradient(expect, got)
    # the clipped row: its cross-entropy and gradient stay finite
    assert np.isfinite(got[0]) and np.isfinite(got[1]).all()


def test_softmax_crossentropy_with_a_zero_weight_is_numpys(rng, accelerated, kernel_calls):
    """A zero weight leaves its sample out (numpy's path, bit for bit); a NaN logit makes
    the loss NaN on both paths."""
    from legacy_bn.theano.fused import softmax_crossentropy
    z, y, w = _softmax_ce_values(rng, 9, 4)
    w[3] = 0
    z[3] = np.nan                    # left out with its sample
    expect, got = _loss_and_gradient(
        lambda z: softmax_crossentropy(z, y, w[:, None], 1e-7, 1 - 1e-7), z, accelerated)
    assert 'softmax_ce_forward' not in kernel_calls, kernel_calls
    assert np.isfinite(got[0]) and got[0] == expect[0]
    np.testing.assert_array_equal(got[1], expect[1])
    w[3] = 1
    for name in ('none', 'numba'):
        accelerated(name)
        assert np.isnan(softmax_crossentropy(z, y, w[:, None], 1e-7, 1 - 1e-7))
    assert kernel_calls.get('softmax_ce_forward', 0) == 1, kernel_calls


def test_keras03_softmax_crossentropy_edge_weights_as_numpy(rng, accelerated, kernel_calls):
    """Every weight 0 (0.3.3 divides by a kept fraction of 0: NaN on both paths), and a
    float64 floatx for the kept fraction (left to numpy)."""
    from legacy_bn.theano.fused_keras03 import softmax_crossentropy_weighted
    z, y, w = _softmax_ce_values(rng, 9, 4)
    zero = np.zeros_like(w)
    with np.errstate(invalid='ignore', divide='ignore'):
        (loss, dz), (loss_n, dz_n) = _loss_and_gradient(
            lambda z: softmax_crossentropy_weighted(z, y, zero, 1e-7, 1 - 1e-7, F32), z,
            accelerated)
    assert kernel_calls.get('softmax_ce_weighted_backward', 0) == 1, kernel_calls
    assert np.isnan(loss) and np.isnan(loss_n)
    np.testing.assert_array_equal(dz_n, dz)
    kernel_calls.clear()
    (loss, dz), (loss_n, dz_n) = _loss_and_gradient(
        lambda z: softmax_crossentropy_weighted(z, y, w, 1e-7, 1 - 1e-7, np.float64), z,
        accelerated)
    assert not kernel_calls
    assert loss_n.dtype == loss.dtype and loss_n == loss
    np.testing.assert_array_equal(dz_n, dz)


@pytest.mark.parametrize('bounds', [(0.6, 0.3), (np.nan, 0.9), (1e-7, np.nan),
                                    (np.float64(1e-7), np.float64(1 - 1e-7))])
def test_softmax_crossentropies_odd_bounds_as_numpy(bounds, rng, accelerated):
    """Bounds no model passes (Keras's are the Python floats eps, 1 - eps): lo > hi, a NaN
    bound (np.minimum(np.maximum(p, lo), hi)'s NaN and order), numpy float64 bounds (which
    make numpy's arithmetic float64: the kernels leave those to numpy)."""
    from legacy_bn.theano.fused import softmax_crossentropy
    from legacy_bn.theano.fused_keras03 import softmax_crossentropy_weighted
    z, y, w = _softmax_ce_values(rng, 9, 4)
    for loss in (lambda z: softmax_crossentropy(z, y, w[:, None], *bounds),
                 lambda z: softmax_crossentropy_weighted(z, y, w, *bounds, F32)):
        (expect, _), (got, _) = _loss_and_gradient(loss, z, accelerated)
        assert type(got) is type(expect) and np.asarray(got).dtype == np.asarray(expect).dtype
        np.testing.assert_allclose(got, expect, rtol=1e-6)


def test_softmax_crossentropies_of_no_classes_fail_as_numpy(accelerated):
    from legacy_bn.theano.fused import softmax_crossentropy
    from legacy_bn.theano.fused_keras03 import softmax_crossentropy_weighted
    z = np.zeros((3, 0), F32)
    for name in ('none', 'numba'):
        accelerated(name)
        with pytest.raises(ValueError, match='zero-size'):
            softmax_crossentropy(z, z, np.ones((3, 1), F32), 1e-7, 1 - 1e-7)
        with pytest.raises(ValueError, match='zero-size'):
            softmax_crossentropy_weighted(z, z, np.ones(3, F32), 1e-7, 1 - 1e-7, F32)


@pytest.mark.parametrize('batch,classes', [(9, 4), (1, 3), (128, 10)])
def test_keras03_softmax_crossentropy_as_numpy(batch, classes, rng, accelerated, kernel_calls):
    """0.3.3's weighted cross-entropy of a softmax (fused_keras03.py), a zero weight among
    the others (0.3.3 divides by the fraction of nonzero ones)."""
    from legacy_bn.theano.fused_keras03 import softmax_crossentropy_weighted
    z, y, w = _softmax_ce_values(rng, batch, classes)
    w[-1] = 0 if batch > 1 else w[-1]
    expect, got = _loss_and_gradient(
        lambda z: softmax_crossentropy_weighted(z, y, w, 1e-7, 1 - 1e-7, F32), z, accelerated)
    assert kernel_calls.get('softmax_ce_weighted_forward', 0) > 0, kernel_calls
    assert kernel_calls.get('softmax_ce_weighted_backward', 0) > 0, kernel_calls
    _assert_same_loss_and_gradient(expect, got)
    if batch > 1:
        assert not got[1][-1].any()      # the zero-weight sample has no gradient


# -- small models, trained ---------------------------------------------------------------
def _layers_2015(name, steps, dim):
    from legacy_bn.layers import recurrent
    from legacy_bn.layers.core import Activation, Dense
    from legacy_bn.models import Sequential
    from legacy_bn.optimizers import SGD
    return Sequential, [getattr(recurrent, name)(dim, 6), Dense(6, 3), Activation('softmax')], SGD


def _layers_mlp_bn(name, steps, dim):
    """The bench's MLP, small: Dense, BatchNormalization, relu (normalize_affine_relu and
    batch_std), on the sequences flattened (by _trained)."""
    from legacy_bn.layers.core import Activation, Dense
    from legacy_bn.layers.normalization import BatchNormalization
    from legacy_bn.models import Sequential
    from legacy_bn.optimizers import SGD
    layers = [Dense(steps * dim, 8), BatchNormalization((8,)), Activation('relu'),
              Dense(8, 3), Activation('softmax')]
    return Sequential, layers, SGD


def _layers_k03(name, steps, dim):
    """Keras 0.3's LSTM behind a Masking layer (its masked loop, lstm_scan_k03_masked)."""
    from legacy_bn.keras03.layers.core import Activation, Dense, Masking
    from legacy_bn.keras03.layers.recurrent import LSTM
    from legacy_bn.keras03.models import Sequential
    from legacy_bn.keras03.optimizers import SGD
    layers = [Masking(0., input_shape=(steps, dim)), LSTM(6), Dense(3), Activation('softmax')]
    return Sequential, layers, SGD


def _layers_k03_mlp_bn(name, steps, dim):
    """Keras 0.3.3's MLP with BatchNormalization (batch statistics in training:
    batch_norm_train) and relu."""
    from legacy_bn.keras03.layers.core import Activation, Dense
    from legacy_bn.keras03.layers.normalization import BatchNormalization
    from legacy_bn.keras03.models import Sequential
    from legacy_bn.keras03.optimizers import SGD
    layers = [Dense(8, input_dim=steps * dim), BatchNormalization(), Activation('relu'),
              Dense(3), Activation('softmax')]
    return Sequential, layers, SGD


MODELS = {'LSTM': _layers_2015, 'LSTM_LN': _layers_2015, 'keras03 LSTM': _layers_k03,
          'MLP BN': _layers_mlp_bn, 'keras03 MLP BN': _layers_k03_mlp_bn}


def _trained(name, X, y, steps=4):
    """Losses and final weights of a small Sequential (the recurrent layer, Dense 3,
    softmax; categorical cross-entropy, SGD) after `steps` train_on_batch calls, from
    seed 3."""
    np.random.seed(3)
    sequential, layers, sgd = MODELS[name](name, X.shape[1], X.shape[2])
    if 'MLP' in name:
        X = X.reshape(len(X), -1)
    model = sequential()
    for layer in layers:
        model.add(layer)
    model.compile(loss='categorical_crossentropy', optimizer=sgd(lr=0.5))
    # Keras 0.1 returns the loss, 0.3 [loss]
    losses = [float(np.ravel(model.train_on_batch(X, y))[0]) for _ in range(steps)]
    return losses, model.get_weights()


@pytest.mark.parametrize('name', list(MODELS))
def test_a_model_trains_alike(name, rng, accelerated, kernel_calls, monkeypatch):
    monkeypatch.setattr(theano.config, 'floatX', 'float32')
    X = rng.uniform(0, 1, (8, 7, 5)).astype(F32)
    X[:3, :2] = 0        # padding at the start of some sequences (masked in Keras 0.3)
    y = np.eye(3, dtype=F32)[rng.randint(0, 3, 8)]
    accelerated('none')
    losses, weights = _trained(name, X, y)
    assert not kernel_calls
    accelerated('numba')
    losses_n, weights_n = _trained(name, X, y)
    assert sum(kernel_calls.values()) > 0
    assert losses[-1] < losses[0]       # it learns (so the weights move)
    np.testing.assert_allclose(losses_n, losses, rtol=RTOL32)
    assert len(weights_n) == len(weights)
    for k, (a, b) in enumerate(zip(weights_n, weights)):
        assert a.dtype == b.dtype == F32
        _assert_close32(a, b, 'weight %d' % k)


@pytest.mark.parametrize('sgd', [{}, dict(clipnorm=0.5)])
def test_sgd_momentum_commit_is_numpys_bit_for_bit(sgd, accelerated, kernel_calls):
    """The commit's kernel (m = mu * m + v or mu * m - lr * g, p += m in one pass) rounds
    as numpy's passes do: the same bits over several steps."""
    import test_momentum_commit as commit_tests
    states = []
    for name in ('none', 'numba'):
        accelerated(name)
        fn, params, velocities = commit_tests._sgd_function('float32', **sgd)
        losses = [fn(commit_tests.X.astype(F32)) for _ in range(4)]
        states.append((losses, commit_tests._state(params, velocities)))
    assert kernel_calls.get('momentum_commit') == 2 * 4
    for a, b in zip(states[0][0], states[1][0]):
        np.testing.assert_array_equal(a, b)
    for k, (a, b) in enumerate(zip(states[0][1], states[1][1])):
        assert a.dtype == b.dtype == F32
        np.testing.assert_array_equal(a, b, err_msg='state %d' % k)


# -- the kernels' float32 tanh ----------------------------------------------------------
def test_tanh_is_within_a_few_float32_spacings_of_the_exact_one():
    """A dense grid over -20..20 (it saturates at 7.9), tiny values, +-0, +-inf and NaN
    against float64's tanh. float32 itself holds tanh to half a spacing (3e-8 near 1);
    the rational function measured at most 3.3e-7 off (near |x| = 5.95, where tanh is
    within 1.4e-5 of 1: about 5 spacings), and within 2.4e-7 relative for |x| from 1e-36
    to 0.5 (below that its products fall into float32's subnormals). It is not monotone
    near 1 (from |x| = 3.6 to 7.9 it jitters down by up to 7 spacings of 1, 4.2e-7),
    which nothing here needs; it is odd exactly."""
    from legacy_bn.theano import accel_numba
    grid = np.linspace(-20, 20, 400001).astype(F32)
    tiny = np.geomspace(1e-36, 0.5, 3000).astype(F32)
    for x in (grid, tiny, -tiny, np.array([1e-45, -1e-45, 1e-38], F32)):
        returned = np.array([accel_numba.tanh(v) for v in x])      # as Python floats
        got = returned.astype(F32)
        assert np.array_equal(got, returned)            # computed in float32
        exact = np.tanh(x.astype(np.float64))
        assert np.max(np.abs(got - exact)) <= 4e-7
        assert np.all(np.abs(got) <= 1)
        if x is grid:       # odd exactly (x times a function of x * x)
            np.testing.assert_array_equal(got[::-1], -got)
        elif len(x) > 3:
            assert np.max(np.abs(got - exact) / np.abs(exact)) <= 4e-7
    for x, expect in ((0.0, 0.0), (-0.0, -0.0), (math.inf, 1.0), (-math.inf, -1.0)):
        got = accel_numba.tanh(F32(x))
        assert got == expect and math.copysign(1, got) == math.copysign(1, expect), x
    assert math.isnan(accel_numba.tanh(F32(math.nan)))


# -- errors -----------------------------------------------------------------------------
@pytest.fixture
def unchosen(monkeypatch):
    """accel as in a fresh process: nothing chosen yet, LEGACY_BN_ACCEL unset (restored
    after)."""
    monkeypatch.setitem(accel._chosen, 'name', None)
    monkeypatch.setitem(accel._chosen, 'kernels', None)
    monkeypatch.delenv(accel.ENVIRONMENT_VARIABLE, raising=False)


def test_default_is_numpy(unchosen):
    assert accel.current() == 'none' and accel.kernels_for(F32) is None


def test_environment_variable_chooses(unchosen, monkeypatch):
    from legacy_bn.theano import accel_numba
    monkeypatch.setenv('LEGACY_BN_ACCEL', ' Numba ')
    try:
        assert accel.current() == 'numba'
        assert accel.kernels_for(F32) is accel_numba
        assert accel.kernels_for('float64') is None
    finally:
        accel.use('none')


def test_a_bad_name_is_refused_and_changes_nothing(numba_on):
    with pytest.raises(ValueError, match=r"accel\.use: name: expected one of none, numba, "
                                         r"got 'numbaa'"):
        accel.use('numbaa')
    assert accel.current() == 'numba'


def test_a_bad_environment_value_names_the_variable(unchosen, monkeypatch):
    monkeypatch.setenv('LEGACY_BN_ACCEL', 'fast')
    with pytest.raises(ValueError, match=r"\$LEGACY_BN_ACCEL: expected one of none, numba, "
                                         r"got 'fast'"):
        accel.current()
    assert accel._chosen['name'] is None
    with pytest.raises(ValueError, match='LEGACY_BN_ACCEL'):
        accel.kernels_for(F32)


def test_missing_numba_says_how_to_install_it(accelerated, monkeypatch):
    accelerated('none')
    monkeypatch.setitem(sys.modules, 'numba', None)         # import numba fails
    monkeypatch.delitem(sys.modules, 'legacy_bn.theano.accel_numba', raising=False)
    monkeypatch.delattr(theano, 'accel_numba', raising=False)
    with pytest.raises(ImportError, match='pip install numba'):
        accel.use('numba')
    assert accel.current() == 'none' and accel.kernels_for(F32) is None
