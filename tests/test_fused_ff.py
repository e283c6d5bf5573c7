"""The feed-forward speed work of issue 18: the convolution computed batch-last, its bias
and tanh fused into it (conv2d_bias), max_pool_2d as a primitive, and the pooled work
arrays (theano/buffers.py). Values and gradients against the unrewritten graph
(mode='FAST_COMPILE') and finite differences; results that a caller keeps are never
overwritten by a later call."""
import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn.theano.buffers import Buffers
from legacy_bn.theano.conv_primitives import conv2d_bias
from test_tensor_grad import check_grad, data

conv2d = T.nnet.conv.conv2d
max_pool_2d = T.signal.downsample.max_pool_2d
RNG = np.random.RandomState(7)


def ops_of(f):
    return [n.op for n in f.toposort() if n.op not in ('input', 'shared', 'constant')]


def keras_conv(x, W, b, activation, border_mode='valid', subsample=(1, 1)):
    """Keras's Convolution2D output: activation(conv2d(x, W) + b.dimshuffle('x', 0, 'x', 'x'))."""
    out = conv2d(x, W, border_mode=border_mode, subsample=subsample) + \
        b.dimshuffle('x', 0, 'x', 'x')
    return T.tanh(out) if activation == 'tanh' else out


CASES = [('tanh', 'valid', (1, 1)), (None, 'valid', (1, 1)), ('tanh', 'full', (1, 1)),
         ('tanh', 'valid', (2, 1)), (None, 'full', (2, 2))]


@pytest.mark.parametrize('activation,border_mode,subsample', CASES, ids=str)
@pytest.mark.parametrize('floatX', ['float64', 'float32'])
def test_conv2d_bias_agrees_with_the_unfused_graph(activation, border_mode, subsample, floatX):
    x = T.tensor4('x', dtype=floatX)
    W = theano.shared(RNG.randn(4, 3, 3, 2).astype(floatX), name='W')
    b = theano.shared(RNG.randn(4).astype(floatX), name='b')
    out = keras_conv(x, W, b, activation, border_mode, subsample)
    R = theano.shared(RNG.uniform(0.5, 1.5, (1, 4, 1, 1)).astype(floatX))
    # a pooling after it, as in LeNet: the gradient arrives in another memory order
    pooled = max_pool_2d(out, (2, 2), ignore_border=False)
    cost = (pooled * R).sum() + (out * out).sum()
    outs = [out, pooled] + T.grad(cost, [x, W, b])
    fast = theano.function([x], outs)
    plain = theano.function([x], outs, mode='FAST_COMPILE')
    assert 'conv2d_bias' in ops_of(fast) and 'conv2d' not in ops_of(fast)
    assert 'conv2d_bias' not in ops_of(plain)
    a = RNG.randn(5, 3, 9, 8).astype(floatX)
    rtol = 1e-10 if floatX == 'float64' else 2e-4
    for k, (got, want) in enumerate(zip(fast(a), plain(a))):
        assert got.dtype == want.dtype == np.dtype(floatX)
        np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * np.abs(want).max(),
                                   err_msg='output %d' % k)


@pytest.mark.parametrize('activation', [None, "tanh"])
def test_conv2d_bias_gradients_against_finite_differences(activation):
    from legacy_bn.theano.graph import apply
    for border_mode, subsample in (('valid', (1, 1)), ('full', (2, 1))):
        attrs = dict(border_mode=border_mode, subsample=subsample, image_shape=None,
                     filter_shape=None, activation=activation)
        check_grad(lambda x, w, b: apply('conv2d_bias', x, w, b, out_type=('float64', 4), **attrs),
                   data((2, 3, 5, 4), seed=1), data((2, 3, 2, 3), seed=2), data((2,), seed=3))


def test_conv2d_bias_refuses_what_conv2d_refuses():
    with pytest.raises(ValueError, match='the input has 2 channels'):
        conv2d_bias(np.zeros((1, 2, 5, 5)), np.zeros((3, 1, 2, 2)), np.zeros(3), 'valid', (1, 1))
    with pytest.raises(ValueError, match='do not fit'):
        conv2d_bias(np.zeros((1, 1, 2, 2)), np.zeros((3, 1, 3, 3)), np.zeros(3), 'valid', (1, 1))


def test_a_bias_of_another_dtype_is_not_fused():
    x = T.tensor4('x', dtype='float32')
    W = theano.shared(RNG.randn(2, 1, 2, 2).astype('float32'))
    b = theano.shared(RNG.randn(2))                  # float64: the sum is float64
    f = theano.function([x], keras_conv(x, W, b, 'tanh'))
    assert 'conv2d_bias' not in ops_of(f)
    assert f(np.ones((1, 1, 3, 3), 'float32')).dtype == np.float64


def test_max_pool_2d_is_a_primitive_with_theanos_gradient_on_a_batch_last_input():
    # the convolution's result is batch-last in memory; the pooling's gradient must not care
    check_grad(lambda x, w: max_pool_2d(conv2d(x, w), (2, 2), ignore_border=True),
               data((3, 2, 6, 5), seed=4), data((2, 2, 2, 2), seed=5))
    check_grad(lambda x: max_pool_2d(x, (3, 2), st=(1, 2), ignore_border=False),
               data((2, 2, 5, 5), seed=6))


def test_results_kept_by_the_caller_are_never_overwritten_by_the_next_call():
    x = T.tensor4('x')
    W = theano.shared(RNG.randn(3, 2, 3, 3), name='W')
    b = theano.shared(RNG.randn(3), name='b')
    out = keras_conv(x, W, b, 'tanh')
    f = theano.function([x], [out, T.grad((out ** 2).sum(), W)])
    a1, a2 = RNG.randn(4, 2, 7, 7), RNG.randn(4, 2, 7, 7)
    first = f(a1)
    kept = [np.array(v) for v in first]
    f(a2)
    f(a2)
    for got, want in zip(first, kept):
        np.testing.assert_array_equal(got, want)
    assert all(v.flags.c_contiguous for v in first)     # handed out C-ordered


def test_buffers_hand_out_an_array_only_when_nothing_else_holds_it():
    pool = Buffers()
    a = pool.get((3, 4), np.float32)
    assert pool.get((3, 4), np.float32) is not a         # `a` is still held
    view = a[1:]
    del a
    assert all(pool.get((3, 4), np.float32) is not view.base for _ in range(2))
    del view
    c = pool.get((3, 4), np.float32)
    assert c.shape == (3, 4) and c.dtype == np.float32 and c.flags.c_contiguous
    z = pool.zeros((2, 2), np.float64)
    assert not z.any()


# -- BatchNormalization -> relu as one op --------------------------------------------------
def bn_relu_graph(x, gamma, beta, statistics_of_x):
    from legacy_bn.activations import relu
    if statistics_of_x:             # mode 1 / LN: the statistics depend on x
        m = x.mean(axis=-1, keepdims=True)
        d = T.sqrt(T.sqr(x).mean(axis=-1, keepdims=True)) + 1e-6
    else:                           # mode 0 in 2015: running statistics, shared
        m = theano.shared(RNG.randn(4), name='running_mean')
        d = theano.shared(RNG.uniform(0.5, 2, 4), name='running_std') + 1e-6
    return relu(gamma * ((x - m) / d) + beta)


@pytest.mark.parametrize('statistics_of_x', [False, True])
def test_normalize_affine_relu_agrees_with_the_unfused_graph(statistics_of_x):
    x = T.dmatrix('x')
    gamma = theano.shared(RNG.randn(4), name='gamma')
    beta = theano.shared(RNG.randn(4), name='beta')
    out = bn_relu_graph(x, gamma, beta, statistics_of_x)
    R = theano.shared(RNG.uniform(0.5, 1.5, (1, 4)))
    outs = [out] + T.grad((out * R).sum(), [x, gamma, beta])
    fast = theano.function([x], outs)
    plain = theano.function([x], outs, mode='FAST_COMPILE')
    assert ops_of(fast).count('normalize_affine_relu') == 1
    for absorbed in ('normalize', 'scale_shift', 'keras_relu'):
        assert absorbed not in ops_of(fast)
    for batch in (1, 7, 130):
        a = RNG.randn(batch, 4)
        for k, (got, want) in enumerate(zip(fast(a), plain(a))):
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14, err_msg='output %d' % k)


def test_normalize_affine_relu_keeps_the_half_gradient_at_zero_and_its_finite_differences():
    from legacy_bn.theano.fused import normalize_affine_relu
    from legacy_bn.theano.graph import apply
    x = T.dmatrix('x')
    # beta = -gamma * xn makes the pre-activation exactly 0 in column 0
    gamma, beta = np.array([2.0, 1.0, -1.0]), np.array([-2.0, 0.5, 0.25])
    m, d = np.zeros(3), np.ones(3)
    a = np.array([[1.0, -3.0, 0.5], [4.0, 2.0, -2.0]])
    out = apply('normalize_affine_relu', x, m, d, gamma, beta, out_type=('float64', 2))
    g = theano.function([x], T.grad(out.sum(), x))(a)
    # pre-activations [[0, -2.5, -0.25], [6, 2.5, 2.25]]: relu's rule 0.5, 0, 0 / 1, 1, 1
    want = np.array([[0.5 * 2.0, 0, 0], [2.0, 1.0, -1.0]])
    np.testing.assert_array_equal(g, want)
    np.testing.assert_array_equal(normalize_affine_relu(a, m, d, gamma, beta),
                                  np.maximum(gamma * a + beta, 0))
    check_grad(lambda x, m, d, g, b: apply('normalize_affine_relu', x, m, d, g, b,
                                           out_type=('float64', 2)),
               data((5, 3), seed=8), data((3,), seed=9), data((3,), 1.0, 2.0, seed=10),
               data((3,), seed=11), data((3,), seed=12))



# -- the fast paths of the MLP's ops (round 2 of issue 18) ----------------------------------
def test_normalize_affine_relu_in_float32_agrees_with_the_unfused_graph():
    # float32 (batch, n) input with float32 per-feature vectors: the op's fast path, and
    # the backward's row sums as products; every gradient the rewritten step uses
    from legacy_bn.activations import relu
    x = T.fmatrix('x')
    f32 = lambda a: a.astype('float32')
    gamma = theano.shared(f32(RNG.randn(6)), name='gamma')
    beta = theano.shared(f32(RNG.randn(6)), name='beta')
    m = theano.shared(f32(RNG.randn(6)), name='running_mean')
    d = theano.shared(f32(RNG.uniform(0.5, 2, 6)), name='running_std')
    out = relu(gamma * ((x - m) / (d + np.float32(1e-6))) + beta)
    R = theano.shared(f32(RNG.uniform(0.5, 1.5, (1, 6))))
    outs = [out] + T.grad((out * R).sum(), [x, gamma, beta])
    fast = theano.function([x], outs)
    plain = theano.function([x], outs, mode='FAST_COMPILE')
    assert ops_of(fast).count('normalize_affine_relu') == 1
    for batch in (1, 7, 130):
        a = f32(RNG.randn(batch, 6))
        for k, (got, want) in enumerate(zip(fast(a), plain(a))):
            assert got.dtype == want.dtype == np.float32
            np.testing.assert_allclose(got, want, rtol=2e-4, atol=2e-4 * np.abs(want).max(),
                                       err_msg='output %d' % k)


def test_normalize_affine_relu_gradients_of_full_shaped_gamma_and_beta():
    # gamma and beta of the input's shape: beta's gradient is the relu gradient itself,
    # which the x gradient must not overwrite in place
    from legacy_bn.theano.graph import apply
    check_grad(lambda x, g, b: apply('normalize_affine_relu', x, np.zeros(3), np.full(3, 2.0),
                                     g, b, out_type=('float64', 2)),
               data((4, 3), seed=13), data((4, 3), seed=14), data((4, 3), seed=15))


@pytest.mark.parametrize('floatX', ['float64', 'float32'])
def test_batch_std_sums_the_squares_by_a_product_without_losing_precision(floatX):
    from legacy_bn.theano.fused import _batch_var, batch_std
    # a large offset: the squares are of the centred values, so nothing cancels
    x = (1000 + RNG.randn(300, 5) * np.array([1e-2, 1, 3, 10, 0])).astype(floatX)
    m = x.astype(np.float64).mean(axis=0).astype(floatX)
    want = np.sqrt(np.mean((x.astype(np.float64) - m) ** 2, axis=0) + 1e-6)
    for eps in (1e-6, np.float64(1e-6), np.array(1e-6, dtype=floatX)):
        got = batch_std(x, m, eps)
        # the dtype numpy's promotion gives the unfused chain
        assert got.dtype == np.power(_batch_var(x, m, eps), 0.5).dtype
        np.testing.assert_allclose(got, want, rtol=1e-12 if floatX == 'float64' else 2e-5)


@pytest.mark.parametrize('a,c', [(0.9, 0.1), (np.array(0.9, 'float32'), np.array(0.1, 'float32')),
                                 (np.array(0.9), 0.1), (0.9, np.array(0.1))])
def test_blend_gives_the_chains_values_and_dtype_for_every_kind_of_constant(a, c):
    from legacy_bn.theano.fused import blend
    x, y = RNG.randn(5).astype('float32'), RNG.randn(5).astype('float32')
    for args in ((a, x, c, y), (a, x, c, y[:1]), (a, x[:1], c, y)):
        want = np.multiply(args[0], args[1]) + np.multiply(args[2], args[3])
        got = blend(*args)
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_equal(got, want)


# -- round 3 of issue 18: the batch mean, the softmax kept for the loss's gradient ----------
@pytest.mark.parametrize('floatX', ['float64', 'float32'])
def test_column_mean_is_the_batch_mean_within_float_tolerance_with_its_gradient(floatX):
    x = T.matrix('x', dtype=floatX)
    R = theano.shared(RNG.uniform(0.5, 1.5, 5).astype(floatX))
    mean = x.mean(axis=0)
    outs = [mean, T.grad((mean * R).sum(), x)]
    fast = theano.function([x], outs)
    plain = theano.function([x], outs, mode='FAST_COMPILE')
    assert ops_of(fast)[0] == 'column_mean' and 'mean' not in ops_of(fast)
    rtol = 1e-13 if floatX == 'float64' else 2e-6
    # 1100 float32 rows: beyond the product's row limit, the float64 reduction as before
    for batch in (1, 7, 130, 1100):
        a = (3 + RNG.randn(batch, 5) * [1, 10, 1e-3, 0, 100]).astype(floatX)
        for k, (got, want) in enumerate(zip(fast(a), plain(a))):
            assert got.dtype == want.dtype == np.dtype(floatX) and got.shape == want.shape
            np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * np.abs(want).max(),
                                       err_msg='output %d, batch %d' % (k, batch))
            if batch == 1100 and floatX == 'float32':
                np.testing.assert_array_equal(got, want)


def test_column_mean_gradient_against_finite_differences_and_other_means_untouched():
    from legacy_bn.theano.graph import apply
    check_grad(lambda x: apply('column_mean', x, out_type=('float64', 1)), data((6, 3), seed=21))
    x, t = T.dmatrix('x'), T.dtensor3('t')
    for other in (x.mean(axis=1), x.mean(axis=0, keepdims=True), x.mean(), t.mean(axis=0)):
        ops = ops_of(theano.function([x, t], other, on_unused_input='ignore'))
        assert 'column_mean' not in ops and 'mean' in ops


def test_softmax_crossentropy_gradient_is_the_same_with_the_kept_softmax_or_without():
    from autograd.core import primitive_vjps
    from legacy_bn.theano import fused
    z = (RNG.randn(9, 10) * 5).astype('float32')
    y = np.eye(10, dtype='float32')[RNG.randint(0, 10, 9)]
    w = np.ones((9, 1), 'float32')
    w[2] = 0                                          # a row the loss leaves out
    args = (z, y, w, np.float32(1e-7), np.float32(1 - 1e-7))
    maker = primitive_vjps[fused.softmax_crossentropy]
    loss = fused.softmax_crossentropy.fun(*args)
    kept = fused._softmax_kept[id(loss)][1][0].copy()
    with_kept = next(iter(maker((0,), loss, args, {})(np.float32(0.7))))
    assert id(loss) not in fused._softmax_kept               # taken out by its reverse pass
    recomputed = next(iter(maker((0,), loss, args, {})(np.float32(0.7))))
    np.testing.assert_array_equal(with_kept, recomputed)
    np.testing.assert_array_equal(kept, fused._softmax(z))   # the gradient left it as it was
    assert with_kept.dtype == np.float32 and not with_kept[2].any()


@pytest.mark.parametrize('floatX,rows', [('float64', 64), ('float32', 64), ('float32', 1100)])
def test_batch_norm_train_gradients_made_together_agree_with_its_per_input_rules(floatX, rows):
    # 0.3.3's BatchNormalization: the x, gamma and beta gradients made in one pass (row sums
    # as products in x's dtype) against the op's float64-accumulating rule for each input;
    # a float32 batch taller than the products' limit uses those rules themselves
    from autograd.core import primitive_vjps
    from legacy_bn.theano.fused_keras03 import _BATCH_NORM_TRAIN_VJPS, batch_norm_train
    x = (RNG.randn(rows, 7) * [1, 5, 1e-2, 3, 1, 1, 100] + 2).astype(floatX)
    m = x.mean(axis=0, dtype=np.float64).astype(floatX)
    s = np.sqrt(((x - m) ** 2).mean(axis=0, dtype=np.float64) + 1e-3).astype(floatX)
    gamma, beta = RNG.randn(7).astype(floatX), RNG.randn(7).astype(floatX)
    g = RNG.randn(rows, 7).astype(floatX)
    args = (x, m, s, gamma, beta, 1e-6)
    ans = batch_norm_train(*args)
    for argnums in ((0, 3, 4), (0,), (3, 4)):
        got = primitive_vjps[batch_norm_train](argnums, ans, args, {})(g)
        for k, a in zip(argnums, got):
            want = _BATCH_NORM_TRAIN_VJPS[k](ans, *args)(g)
            assert a.dtype == want.dtype == np.dtype(floatX) and a.shape == want.shape
            if rows > 1024:
                np.testing.assert_array_equal(a, want)
            else:
                tol = 1e-10 if floatX == 'float64' else 2e-5
                np.testing.assert_allclose(a, want, rtol=tol, atol=tol * np.abs(want).max(),
                                           err_msg='argnum %d' % k)
    with pytest.raises(NotImplementedError, match='argnum 1'):
        primitive_vjps[batch_norm_train]((0, 1), ans, args, {})


@pytest.mark.parametrize('floatX', ['float64', 'float32'])
def test_keras_relu_fast_paths_give_the_chains_values_and_gradients(floatX):
    # max(x, 0) forward and the mask-times-g backward (0.5 at exact zeros), bit for bit
    from legacy_bn.activations import relu
    x = T.matrix('x', dtype=floatX)
    R = theano.shared(RNG.uniform(0.5, 1.5, (1, 6)).astype(floatX))
    out = relu(x)
    outs = [out, T.grad((out * R).sum(), x)]
    fast = theano.function([x], outs)
    plain = theano.function([x], outs, mode='FAST_COMPILE')
    assert 'keras_relu' in ops_of(fast)
    a = RNG.randn(9, 6).astype(floatX)
    a[::2, ::3] = 0
    a[1, 1] = -0.0
    for got, want in zip(fast(a), plain(a)):
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


# -- the matrix product helper (primitives.product) ---------------------------------------
def _operand(shape, dtype, layout):
    a = RNG.randn(*shape).astype(dtype)
    if layout == 'F':
        return np.asfortranarray(a)
    if layout == 'strided':                     # every other column of a wider array
        return np.repeat(a, 2, axis=1)[:, ::2]
    return a


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('m,k,n', [(128, 784, 512), (256, 8, 128), (8, 784, 512), (1, 5, 3),
                                   (200, 0, 200), (300, 1, 300)], ids=str)
@pytest.mark.parametrize('layouts', ['CC', 'FC', 'CF', 'FF', 'strided-C', 'C-strided'])
def test_product_is_np_dot_bit_for_bit_in_every_layout(dtype, m, k, n, layouts):
    from legacy_bn.theano.primitives import product
    la, lb = layouts.split('-') if '-' in layouts else layouts
    a, b = _operand((m, k), dtype, la), _operand((k, n), dtype, lb)
    want = np.dot(a, b)
    got = product(a, b)
    assert got.dtype == want.dtype and got.shape == want.shape and got.flags.c_contiguous
    assert np.array_equal(got, want)
    out = np.full((m, n), np.nan, dtype)
    assert product(a, b, out=out) is out and np.array_equal(out, want)


def test_product_takes_matmul_only_for_large_blas_ready_float_matrices(monkeypatch):
    """np.matmul skips np.dot's zeroing of the result but costs more per call, and takes
    BLAS only for C- or F-ordered operands of one float dtype: everything else, and small
    results, stay with np.dot (the same numbers either way, see above)."""
    from legacy_bn.theano import primitives
    calls = []
    real = np.matmul
    monkeypatch.setattr(primitives.np, 'matmul',
                        lambda *a, **k: calls.append(a[0].shape) or real(*a, **k))
    big = (RNG.randn(128, 64).astype('float32'), RNG.randn(64, 512).astype('float32'))
    primitives.product(*big)
    primitives.product(big[0].T.T, big[1], out=np.empty((128, 512), 'float32'))
    assert calls == [(128, 64), (128, 64)]
    for a, b, out in [
            (big[0][:8], big[1], None),                                  # 4096 results
            (np.repeat(big[0], 2, axis=1)[:, ::2], big[1], None),        # strided
            (big[0], big[1].astype('float64'), None),                    # mixed dtypes
            (big[0].astype('int64'), big[1].astype('int64'), None)]:     # not float
        np.testing.assert_array_equal(primitives.product(a, b), np.dot(a, b))
    # an F-ordered out: np.dot refuses it, and so does product
    with pytest.raises(ValueError, match='C-Array'):
        primitives.product(*big, out=np.empty((512, 128), 'float32').T)
    # operands that do not fit: np.dot's error, word for word
    with pytest.raises(ValueError, match='not aligned'):
        primitives.product(big[0], big[1][:32])
    with pytest.raises(ValueError, match='wrong dimensions'):
        primitives.product(*big, out=np.empty((128, 256), 'float32'))
    assert len(calls) == 2
