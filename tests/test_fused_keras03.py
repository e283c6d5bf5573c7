"""The fused ops and rules for Keras 0.3.3's graph shapes (legacy_bn/theano/fused_keras03.py,
fusion_keras03.py): each VJP against central finite differences, each rule against the
unrewritten graph (mode='FAST_COMPILE'), and a 0.3.3 model's step against its unrewritten
step."""
import numpy as np
import pytest
from autograd import grad

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn.keras03 import backend as K
from legacy_bn.theano.fused_keras03 import batch_norm_train, softmax_crossentropy_weighted

EPS_IN, EPS = 1e-6, 1e-6        # 0.3.3's BatchNormalization epsilon, inside and outside


def ops_of(f):
    return [n.op for n in f.toposort() if n.op not in ('input', 'shared', 'constant')]


def numeric_grad(f, x, h=1e-6):
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = h
        out[i] = (f(x + step) - f(x - step)) / (2 * h)
    return out


def _stats(x):
    m = x.mean(axis=0)
    return m, np.sqrt(np.mean((x - m) ** 2 + EPS_IN, axis=0))


def test_batch_norm_train_gradients_match_finite_differences(rng):
    """The x gradient includes the paths through the batch statistics, which the op
    takes as plain inputs: the finite differences recompute them from x."""
    x, R = rng.randn(5, 3) * 2 + 1, rng.randn(5, 3)
    gamma, beta = rng.randn(3), rng.randn(3)

    def cost(x, gamma=gamma, beta=beta):
        m, s = _stats(x)
        return np.sum(R * batch_norm_train(x, m, s, gamma, beta, EPS))

    m, s = _stats(x)
    g_x = grad(lambda x_: np.sum(R * batch_norm_train(x_, m, s, gamma, beta, EPS)))(x)
    np.testing.assert_allclose(g_x, numeric_grad(cost, x), rtol=1e-6, atol=1e-8)
    g_gamma = grad(lambda g_: np.sum(R * batch_norm_train(x, m, s, g_, beta, EPS)))(gamma)
    np.testing.assert_allclose(g_gamma, numeric_grad(lambda g_: cost(x, gamma=g_), gamma),
                               rtol=1e-6, atol=1e-8)
    g_beta = grad(lambda b_: np.sum(R * batch_norm_train(x, m, s, gamma, b_, EPS)))(beta)
    np.testing.assert_allclose(g_beta, R.sum(axis=0), rtol=1e-12)


@pytest.mark.parametrize('scale', [1.0, 30.0])
def test_softmax_crossentropy_weighted_gradient_matches_finite_differences(scale, rng):
    """scale 30: some rows' probabilities are clipped at 1 - 1e-7 or 1e-7 (the clip then
    passes no gradient there); a zero weight drops a row and rescales the others."""
    z = rng.randn(6, 4) * scale
    if scale > 1:
        z[0] = [40, 0, 0, 0]          # p[0, 0] = 1 - 1e-17: clipped, as is the rest of row 0
    y = np.eye(4)[rng.randint(0, 4, 6)]
    y[0] = [1, 0, 0, 0]
    w = np.array([1.0, 2.0, 0.0, 0.5, 1.0, 1.0])
    f = lambda z_: softmax_crossentropy_weighted(z_, y, w, 1e-7, 1 - 1e-7)  # noqa: E731
    np.testing.assert_allclose(grad(f)(z), numeric_grad(f, z), rtol=1e-5, atol=1e-8)
    if scale > 1:
        assert not grad(f)(z)[0].any()


# -- the rules, against the unrewritten graph ----------------------------------------------
def _agree(inputs, outputs, values, rtol=1e-10):
    fast = theano.function(inputs, outputs)
    plain = theano.function(inputs, outputs, mode='FAST_COMPILE')
    for k, (a, b) in enumerate(zip(fast(*values), plain(*values))):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-12, err_msg='output %d' % k)
    return ops_of(fast)


def _batch_norm_03(x, gamma, beta):
    """0.3.3's BatchNormalization(mode=0) in training, on K, as the layer builds it."""
    m = K.mean(x, axis=[0])
    mean = K.reshape(m, (1, 3))
    std = K.sqrt(K.mean(K.square(x - mean) + EPS_IN, axis=[0]))
    out = K.reshape(gamma, (1, 3)) * ((x - mean) / (K.reshape(std, (1, 3)) + EPS)) \
        + K.reshape(beta, (1, 3))
    return out, m, std


def test_batch_norm_rules_fuse_0_3_3_batch_normalization_and_its_statistics(rng):
    x = T.dmatrix('x')
    W = theano.shared(rng.randn(4, 3), name='W')
    gamma, beta = theano.shared(rng.randn(3) + 1), theano.shared(rng.randn(3))
    out, m, std = _batch_norm_03(T.dot(x, W), gamma, beta)
    R = theano.shared(rng.randn(5, 3))
    cost = T.sum(K.relu(out) * R)
    ops = _agree([x], [cost, m, std] + T.grad(cost, [x, W, gamma, beta]), [rng.randn(5, 4)])
    assert ops.count('batch_norm_train') == 1 and ops.count('batch_std') == 1
    assert ops.count('keras_relu') == 1
    assert not {'sqrt', 'clip', 'true_div', 'reshape', 'abs'} & set(ops)


def test_batch_norm_rule_leaves_other_statistics_alone(rng):
    """A centred x normalized by something that is not its batch std is left as it is."""
    x = T.dmatrix('x')
    gamma, beta = theano.shared(np.ones(3)), theano.shared(np.zeros(3))
    mean = K.reshape(K.mean(x, axis=[0]), (1, 3))
    other = K.sqrt(K.mean(K.square(x) + EPS_IN, axis=[0]))
    out = K.reshape(gamma, (1, 3)) * ((x - mean) / (K.reshape(other, (1, 3)) + EPS)) \
        + K.reshape(beta, (1, 3))
    ops = _agree([x], [out, T.grad(T.sum(out * out), x)], [rng.randn(5, 3)])
    assert 'batch_norm_train' not in ops


@pytest.mark.parametrize('weights', [[1, 1, 1, 1, 1], [1, 0, 2, 0.5, 0]])
def test_weighted_softmax_crossentropy_rule_is_0_3_3_weighted_objective(weights, rng):
    from legacy_bn.keras03.models import weighted_objective
    from legacy_bn.keras03.objectives import categorical_crossentropy
    z, y, w = T.dmatrix('z'), T.dmatrix('y'), T.dvector('w')
    loss = weighted_objective(categorical_crossentropy)(y, K.softmax(z), w)
    ops = _agree([z, y, w], [loss, T.grad(loss, z)],
                 [rng.randn(5, 4) * 3, np.eye(4)[rng.randint(0, 4, 5)], np.array(weights, float)])
    assert 'softmax_crossentropy_weighted' in ops and 'categorical_crossentropy' not in ops


def test_a_0_3_3_mlp_step_is_the_fused_ops_and_agrees_with_the_unrewritten_step(rng):
    from legacy_bn.keras03.layers.core import Activation, Dense
    from legacy_bn.keras03.layers.normalization import BatchNormalization
    from legacy_bn.keras03.models import Sequential

    def model(mode):
        np.random.seed(3)
        m = Sequential()
        for layer in (Dense(16, input_dim=12), BatchNormalization(), Activation('relu'),
                      Dense(4), Activation('softmax')):
            m.add(layer)
        m.compile(loss='categorical_crossentropy', optimizer='sgd',
                  **({} if mode is None else {'mode': mode}))
        return m
    fast, plain = model(None), model('FAST_COMPILE')
    ops = ops_of(fast._train.function)
    for op in ('batch_norm_train', 'batch_std', 'keras_relu', 'softmax_crossentropy_weighted'):
        assert op in ops
    X = rng.uniform(0, 1, (8, 12)).astype(K.floatx())
    y = np.eye(4, dtype=K.floatx())[rng.randint(0, 4, 8)]
    for _ in range(3):
        np.testing.assert_allclose(fast.train_on_batch(X, y), plain.train_on_batch(X, y),
                                   rtol=2e-4)
    for a, b in zip(fast.get_weights(), plain.get_weights()):
        assert a.dtype == b.dtype == K.floatx()
        np.testing.assert_allclose(a, b, rtol=2e-4, atol=2e-6)


def test_conv_bias_broadcast_puts_0_3_3_convolution_bias_in_0_1_form(rng):
    x = T.tensor4('x')
    W = theano.shared(rng.randn(3, 2, 3, 3), name='W')
    b = theano.shared(rng.randn(3), name='b')
    out = T.tanh(K.conv2d(x, W) + K.reshape(b, (1, 3, 1, 1)))
    cost = T.sum(out * out)
    ops = _agree([x], [out] + T.grad(cost, [x, W, b]), [rng.randn(2, 2, 6, 6)])
    # (a rule for 0.1's convolution may then take the dimshuffle in, as conv2d_bias does)
    assert 'reshape' not in ops and ('dimshuffle' in ops or 'conv2d_bias' in ops)


def test_conv_bias_broadcast_keeps_the_reshape_of_a_bias_of_another_length(rng):
    """A bias of length 1 reshaped to (1, 3, 1, 1) fails (as in Theano); broadcast as a
    dimshuffle, it would not."""
    x = T.tensor4('x')
    W = theano.shared(rng.randn(3, 2, 3, 3), name='W')
    b = theano.shared(rng.randn(1), name='b')
    f = theano.function([x], K.conv2d(x, W) + K.reshape(b, (1, 3, 1, 1)))
    assert 'reshape' in ops_of(f)
    with pytest.raises(ValueError):
        f(rng.randn(2, 2, 6, 6))


@pytest.mark.parametrize('kind', ['GRU', 'LSTM'])
def test_a_0_3_3_rnn_projects_its_input_for_all_gates_as_one_product(rng, monkeypatch, kind):
    from legacy_bn.keras03.layers import recurrent
    monkeypatch.setattr(theano.config, 'floatX', K.floatx())   # as tests/keras03 run
    np.random.seed(4)
    layer = getattr(recurrent, kind)(4, input_shape=(5, 3))
    X = K.placeholder(ndim=3)
    layer.input = X
    out = layer.get_output(train=True)
    cost = T.sum(out * theano.shared(rng.randn(6, 4).astype(K.floatx())))
    ops = _agree([X], [out] + T.grad(cost, layer.trainable_weights),
                 [rng.uniform(-1, 1, (6, 5, 3)).astype(K.floatx())], rtol=2e-4)
    if kind == 'GRU':
        assert ops.count('dense') == 1      # one per gate before the rule
    else:                                   # the one product, inside the loop op
        assert 'dense' not in ops and 'lstm_scan_k03_projected' in ops


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_kept_fraction_is_the_mean_of_the_cast_mask_bit_for_bit(dtype, rng):
    """0.3.3's mean(cast(w != 0)) counted rather than averaged: the same value and dtype
    for any count (NaN weights count as kept, as w != 0 says), and the mean's NaN for none."""
    from legacy_bn.theano.fused_keras03 import _kept_fraction
    from legacy_bn.theano.primitives import reduce_mean
    for n in (1, 3, 7, 128, 1000, 4099):
        for zeros in (0, 1, n // 3, n):
            w = rng.uniform(0.5, 2, n)
            w[rng.permutation(n)[:zeros]] = 0
            if n > 5:
                w[2] = np.nan
            for kept_dtype in (None, dtype):
                w_d = w.astype(dtype)
                expected = reduce_mean.fun(np.not_equal(w_d, 0).astype(kept_dtype or dtype), axis=None)
                got = _kept_fraction(w_d, kept_dtype)
                assert got.dtype == expected.dtype == dtype and np.shape(got) == ()
                assert got == expected, (n, zeros)
    with np.errstate(invalid='ignore', divide='ignore'):
        assert np.isnan(_kept_fraction(np.zeros(0, dtype), dtype))
