"""The fusion rewrites (legacy_bn/theano/fusion.py): what each one produces, and that the
rewritten graph agrees with the unrewritten one (function(mode='FAST_COMPILE') runs only
the merge pass) in values and gradients on random inputs, kinks included."""
import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T

RNG = np.random.RandomState(42)


def ops_of(f):
    return [n.op for n in f.toposort() if n.op not in ('input', 'shared', 'constant')]


def agree(inputs, out, wrt, values, exact=True):
    """Compile out and d sum(out * R)/d wrt with and without the rewrites; compare them.
    Returns the rewritten function's ops."""
    R = RNG.uniform(-1, 1, size=(1,) * out.ndim if out.ndim else ()).astype(out.dtype)
    R = theano.shared(np.broadcast_to(R, R.shape).copy())
    cost = (out * R).sum()
    outs = [out] + T.grad(cost, wrt)
    fast = theano.function(inputs, outs)
    plain = theano.function(inputs, outs, mode='FAST_COMPILE')
    for k, (a, b) in enumerate(zip(fast(*values), plain(*values))):
        if exact:
            np.testing.assert_array_equal(a, b, err_msg='output %d' % k)
        else:
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14, err_msg='output %d' % k)
    return ops_of(fast)


def test_dense_fuses_dot_plus_bias_and_agrees_at_small_and_large_batches():
    x = T.dmatrix('x')
    W = theano.shared(RNG.randn(5, 4), name='W')
    b = theano.shared(RNG.randn(4), name='b')
    for batch in (3, 64):     # below and above the small-batch layout of the x gradient
        ops = agree([x], T.dot(x, W) + b, [x, W, b], [RNG.randn(batch, 5)], exact=False)
        assert ops[0] == 'dense' and 'dot' not in ops


def test_dense_keeps_a_product_used_elsewhere():
    x = T.dmatrix('x')
    W = theano.shared(RNG.randn(5, 4))
    h = T.dot(x, W)
    f = theano.function([x], [h + 1.0, h * 2.0])
    assert 'dense' not in ops_of(f) and ops_of(f).count('dot') == 1


def test_keras_relu_fuses_and_keeps_the_half_gradient_at_zero():
    from legacy_bn.activations import relu
    x = T.dmatrix('x')
    value = np.array([[-1.5, 0.0, 2.0], [0.0, -0.0, 3e-300]])
    ops = agree([x], relu(x), [x], [value])
    assert ops[0] == 'keras_relu' and 'abs' not in ops
    g = theano.function([x], T.grad(relu(x).sum(), x))(value)
    np.testing.assert_array_equal(g, [[0, 0.5, 1], [0.5, 0.5, 1]])


@pytest.mark.parametrize('gamma_first', [True, False])
def test_normalize_affine_fuses_bn_and_ln_shapes_with_gradients_through_the_statistics(gamma_first):
    x = T.dmatrix('x')
    gamma = theano.shared(RNG.randn(4), name='gamma')
    beta = theano.shared(RNG.randn(4), name='beta')
    m = x.mean(axis=-1, keepdims=True)                   # statistics that depend on x
    d = T.sqrt(T.sqr(x).mean(axis=-1, keepdims=True)) + 1e-6
    xn = (x - m) / d
    out = (gamma * xn if gamma_first else xn * gamma) + beta
    ops = agree([x], out, [x, gamma, beta], [RNG.randn(6, 4)])
    assert ops.count('normalize') == ops.count('scale_shift') == 1 and 'true_div' not in ops


def test_normalize_affine_leaves_a_centred_input_used_elsewhere():
    x = T.dmatrix('x')
    centred = x - x.mean(axis=-1, keepdims=True)       # also inside std(): merged, used twice
    out = 2.0 * (centred / (x.std(axis=-1, keepdims=True) + 1e-6)) + 1.0
    assert 'normalize' not in ops_of(theano.function([x], out))


def test_normalize_affine_with_running_statistics_as_in_2015_mode_0():
    x = T.fmatrix('x')
    gamma, beta, mean, std = (theano.shared(RNG.uniform(0.5, 1.5, 4).astype('float32'))
                              for _ in range(4))
    out = gamma * ((x - mean) / (std + np.float32(1e-6))) + beta     # Keras under floatX=float32
    ops = agree([x], out, [x, gamma, beta, mean, std], [RNG.randn(6, 4).astype('float32')])
    assert ops[:3] == ['add', 'normalize', 'scale_shift'] and ops.count('true_div') == 0


def test_batch_std_and_blend_fuse_the_running_statistics_updates():
    x = T.dmatrix('x')
    running = theano.shared(np.ones(4))
    m = x.mean(axis=0)
    std = T.mean((x - m) ** 2 + 1e-6, axis=0) ** 0.5
    new = 0.9 * running + (1 - 0.9) * std
    # composite: traced when needed; the batch mean becomes column_mean (a product with
    # ones: float rounding differs from the float64 reduction)
    ops = agree([x], new, [x], [RNG.randn(7, 4)], exact=False)
    assert ops[:3] == ['column_mean', 'batch_std', 'blend']


@pytest.mark.parametrize('momentum', [0.0, 0.9])
def test_sgd_velocity_fuses_the_velocity_with_or_without_momentum(momentum):
    g = T.dmatrix('g')
    m = theano.shared(RNG.randn(3, 4))
    mu, lr = theano.shared(np.float64(momentum)), theano.shared(np.float64(0.01))
    ops = agree([g], mu * m - lr * g, [g], [RNG.randn(3, 4)])
    assert ops[0] == 'sgd_velocity'


def test_advanced_subtensor1_adds_repeated_rows_and_accepts_negative_indices():
    x, i = T.dmatrix('x'), T.lvector('i')
    ops = agree([x, i], x[i], [x], [RNG.randn(5, 3), np.array([0, 2, 2, -1])])
    assert ops[0] == 'advanced_subtensor1'


@pytest.mark.parametrize('floatX', ['float64', 'float32'])
def test_clipped_crossentropy_with_clipped_probabilities(floatX):
    eps = 1e-9 if floatX == 'float64' else 1e-7
    z, y = T.matrix('z', dtype=floatX), T.matrix('y', dtype=floatX)
    p = T.clip(T.nnet.softmax(z), eps, 1 - eps)
    p = p / p.sum(axis=-1, keepdims=True)
    out = T.nnet.categorical_crossentropy(p, y)
    logits = RNG.randn(6, 5) * np.array([[1], [1], [40], [40], [0], [1]])   # saturated rows
    labels = np.eye(5)[[0, 1, 2, 3, 4, 0]] * np.array([[1], [1], [1], [1], [1], [0.5]])
    ops = agree([z, y], out, [z, y], [logits.astype(floatX), labels.astype(floatX)])
    assert ops[:2] == ['softmax', 'clipped_crossentropy']     # unweighted: softmax stays


@pytest.mark.parametrize('weights', [[1.0, 2.0, 0.5, 1.0], [1.0, 0.0, 2.5, 0.0], [0.0] * 3 + [2.0]])
def test_weighted_crossentropy_is_keras_weighted_objective_with_zero_weights_filtered(weights):
    from legacy_bn.models import weighted_objective
    from legacy_bn.objectives import categorical_crossentropy
    y, z, w = T.dmatrix('y'), T.dmatrix('z'), T.dmatrix('w')
    loss = weighted_objective(categorical_crossentropy)(y, T.nnet.softmax(z), w)
    labels = np.eye(3)[[0, 1, 2, 0]]
    ops = agree([y, z, w], loss, [z, y], [labels, RNG.randn(4, 3) * 20,
                                          np.array(weights)[:, None]], exact=False)
    assert ops[0] == 'softmax_crossentropy' and 'nonzero' not in ops and 'softmax' not in ops


def test_softmax_crossentropy_closed_form_gradient_within_float32_golden_tolerance():
    # float32, saturated rows (probabilities clipped at both bounds), a zero weight and
    # the accuracy output sharing the softmax, as in Sequential's _train_with_acc
    from legacy_bn.models import weighted_objective
    from legacy_bn.objectives import categorical_crossentropy
    y, z, w = T.fmatrix('y'), T.fmatrix('z'), T.fmatrix('w')
    p = T.nnet.softmax(z)
    loss = weighted_objective(categorical_crossentropy)(y, p, w)
    acc = T.mean(T.eq(T.argmax(y, axis=-1), T.argmax(p, axis=-1)))
    outs = [loss, acc, T.grad(loss, z)]
    fast, plain = theano.function([y, z, w], outs), theano.function([y, z, w], outs,
                                                                   mode='FAST_COMPILE')
    assert 'softmax_crossentropy' in ops_of(fast)
    labels = np.eye(10, dtype='float32')[RNG.randint(0, 10, 32)]
    logits = (RNG.randn(32, 10) * np.linspace(0.1, 60, 32)[:, None]).astype('float32')
    weights = np.ones((32, 1), 'float32')
    weights[5] = 0
    for a, b in zip(fast(labels, logits, weights), plain(labels, logits, weights)):
        np.testing.assert_allclose(a, b, rtol=2e-4, atol=2e-5)


def test_weighted_mean_with_zero_weights_filtered_as_keras_does():
    from legacy_bn.models import weighted_objective
    from legacy_bn.objectives import mean_squared_error
    y, p, w = T.dmatrix('y'), T.dmatrix('p'), T.dmatrix('w')
    loss = weighted_objective(mean_squared_error)(y, p, w)
    weights = np.array([[1.0], [0.0], [2.5], [0.5]])
    ops = agree([y, p, w], loss, [p], [RNG.randn(4, 3), RNG.randn(4, 3), weights])
    assert 'weighted_mean' in ops and 'advanced_subtensor1' in ops


def _bn_mlp(sizes, mode=None, seed=0, optimizer='sgd'):
    """Dense -> BatchNormalization -> relu -> Dense -> softmax, compiled."""
    from legacy_bn.layers.core import Activation, Dense
    from legacy_bn.layers.normalization import BatchNormalization
    from legacy_bn.models import Sequential
    n_in, hidden, n_out = sizes
    np.random.seed(seed)
    model = Sequential()
    model.add(Dense(n_in, hidden))
    model.add(BatchNormalization((hidden,)))
    model.add(Activation('relu'))
    model.add(Dense(hidden, n_out))
    model.add(Activation('softmax'))
    model.compile(loss='categorical_crossentropy', optimizer=optimizer, theano_mode=mode)
    return model


def test_a_keras_mlp_step_is_the_fused_ops():
    model = _bn_mlp((6, 5, 3))
    ops = ops_of(model._train)
    assert ops.count('dense') == 2 and ops.count('normalize_affine_relu') == 1
    assert ops.count('softmax_crossentropy') == 1
    for absorbed in ('normalize', 'scale_shift', 'keras_relu'):
        assert absorbed not in ops
    assert ops.count('momentum_step') == 6
    assert ops.count('batch_std') == 1 and ops.count('blend') == 2
    for gone in ('dot', 'abs', 'clip', 'categorical_crossentropy', 'pow', 'nonzero'):
        assert gone not in ops


def test_a_keras_mlp_trains_as_without_the_rewrites():
    from legacy_bn.optimizers import SGD
    fast, plain = (_bn_mlp((8, 6, 4), mode, seed=3, optimizer=SGD(lr=0.1, momentum=0.9))
                   for mode in (None, 'FAST_COMPILE'))
    X, Y = RNG.rand(10, 8), np.eye(4)[RNG.randint(0, 4, 10)]
    for _ in range(3):
        np.testing.assert_allclose(fast.train_on_batch(X, Y), plain.train_on_batch(X, Y),
                                   rtol=1e-12)
    for a, b in zip(fast.get_weights(), plain.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


# -- SGD: the reverse pass of -lr * cost --------------------------------------------------
def _sgd_function(nesterov=False, clipnorm=0.0, momentum=0.9, mode=None):
    from legacy_bn.optimizers import SGD
    x = T.dmatrix('x')
    W = theano.shared(np.linspace(-1, 1, 12).reshape(4, 3), name='W')
    b = theano.shared(np.zeros(3), name='b')
    cost = T.sqr(T.tanh(T.dot(x, W) + b)).mean()
    opt = SGD(lr=0.1, momentum=momentum, nesterov=nesterov, clipnorm=clipnorm)
    updates = opt.get_updates([W, b], [lambda p: p] * 2, cost)
    return theano.function([x], cost, updates=updates, mode=mode), [W, b]


@pytest.mark.parametrize('momentum', [0.0, 0.9])
def test_sgd_differentiates_minus_lr_times_the_cost_and_steps_with_momentum_step(momentum):
    f, params = _sgd_function(momentum=momentum)
    g, plain_params = _sgd_function(momentum=momentum, mode='FAST_COMPILE')
    ops = ops_of(f)
    assert ops.count('momentum_step') == 2 and 'sgd_velocity' not in ops
    grads = [n for n in f.toposort() if n.op == 'grad']
    scaled = grads[0].inputs[0]
    assert all(n.inputs[0] is scaled for n in grads) and scaled.op == 'mul'
    assert scaled.inputs[0].op == 'neg'
    X = RNG.randn(5, 4)
    for _ in range(3):
        np.testing.assert_allclose(f(X), g(X), rtol=1e-13)
    for p, q in zip(params, plain_params):
        np.testing.assert_allclose(p.get_value(), q.get_value(), rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize('kw', [dict(nesterov=True), dict(clipnorm=1.0)])
def test_sgd_gradients_used_elsewhere_are_not_scaled(kw):
    f, _ = _sgd_function(**kw)
    assert 'momentum_step' not in ops_of(f)


# -- in-place updates ----------------------------------------------------------------------
def test_an_update_p_plus_step_is_added_in_place_into_the_shared_array():
    p = theano.shared(np.arange(6.0).reshape(2, 3))
    x = T.dmatrix('x')
    before = p.get_value(borrow=True)
    f = theano.function([x], p * 1.0, updates=[(p, p + x)])
    old = f(np.ones((2, 3)))
    assert p.get_value(borrow=True) is before             # no new array
    np.testing.assert_array_equal(before, np.arange(6.0).reshape(2, 3) + 1)
    np.testing.assert_array_equal(old, np.arange(6.0).reshape(2, 3))


def test_an_output_that_is_the_shared_value_is_not_changed_by_the_in_place_update():
    p = theano.shared(np.zeros(3))
    x = T.dvector('x')
    f = theano.function([x], [p, p.T], updates=[(p, p + x)])
    out, view = f(np.ones(3))
    np.testing.assert_array_equal(out, 0.0)
    np.testing.assert_array_equal(view, 0.0)


def test_an_update_that_changes_the_shape_is_not_done_in_place():
    p = theano.shared(np.zeros((1, 3)))
    x = T.dmatrix('x')
    before = p.get_value(borrow=True)
    theano.function([x], [], updates=[(p, p + x)])(np.ones((2, 3)))
    assert p.get_value(borrow=True).shape == (2, 3)
    np.testing.assert_array_equal(before, 0.0)


def test_a_failing_step_leaves_an_in_place_target_untouched():
    p = theano.shared(np.zeros(3))
    x = T.dvector('x')
    f = theano.function([x], [], updates=[(p, p + x)])
    with pytest.raises(ValueError, match='error evaluating .* = add'):
        f(np.ones(4))
    np.testing.assert_array_equal(p.get_value(), 0.0)


def test_weight_gradient_buffers_are_reused_only_when_nobody_holds_them():
    x = T.dmatrix('x')
    W = theano.shared(RNG.randn(5, 4))
    b = theano.shared(np.zeros(4))
    f = theano.function([x], T.grad(T.sqr(T.dot(x, W) + b).sum(), W))
    X1, X2 = RNG.randn(3, 5), RNG.randn(3, 5)
    first = f(X1)
    kept = first.copy()
    second = f(X2)
    assert second is not first                       # `first` is still held here
    np.testing.assert_array_equal(first, kept)      # and was not written into
    np.testing.assert_allclose(second, theano.function([x], T.grad(
        T.sqr(T.dot(x, W) + b).sum(), W), mode='FAST_COMPILE')(X2), rtol=1e-12)
