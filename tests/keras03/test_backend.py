"""keras03.backend (Keras 0.3.3's K on legacy_bn.theano) against numpy closed forms.

The golden scenario tests/golden/keras03/scenarios/backend_ops.py checks the same
functions against the real 0.3.3; here each one is checked against what it should
compute, plus gradients by finite differences and the error messages.
"""
import numpy as np
import pytest

from legacy_bn.keras03 import backend as K

RS = np.random.RandomState(7)
X = RS.randn(3, 4).astype('float32')
Y = RS.randn(3, 4).astype('float32')
T3 = RS.randn(2, 3, 4).astype('float32')
T4 = RS.randn(2, 3, 5, 4).astype('float32')


def call(build, *values):
    """build(*placeholders) compiled with K.function and called on values (float32)."""
    holders = [K.placeholder(ndim=np.ndim(v), dtype=str(np.asarray(v).dtype)) for v in values]
    out = build(*holders)
    return K.function(holders, [out])(list(values))[0]


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


UNARY = {
    'square': np.square, 'abs': np.abs, 'exp': np.exp, 'tanh': np.tanh,
    'sqrt': lambda z: np.sqrt(np.clip(z, 0, np.inf)),
    'round': lambda z: np.sign(z) * np.floor(np.abs(z) + 0.5),
    'sign': np.sign, 'relu': lambda z: np.maximum(z, 0), 'softmax': softmax,
    'softplus': lambda z: np.log1p(np.exp(z)), 'sigmoid': lambda z: 1 / (1 + np.exp(-z)),
    'hard_sigmoid': lambda z: np.clip(0.2 * z + 0.5, 0, 1),
}


@pytest.mark.parametrize('name', sorted(UNARY))
def test_unary_functions_match_numpy_and_stay_float32(name):
    got = call(getattr(K, name), X)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, UNARY[name](X.astype(np.float64)), rtol=2e-6, atol=1e-6)


def test_binary_and_misc_elementwise():
    np.testing.assert_allclose(call(lambda a: K.log(K.abs(a) + 0.5), X), np.log(np.abs(X) + 0.5),
                               rtol=1e-6)
    np.testing.assert_allclose(call(lambda a: K.pow(K.abs(a), 1.5), X), np.abs(X) ** 1.5, rtol=1e-6)
    np.testing.assert_array_equal(call(lambda a: K.clip(a, -0.5, 0.7), X), np.clip(X, -0.5, 0.7))
    # a max below the min is raised to the min: everything becomes 0.3
    np.testing.assert_array_equal(call(lambda a: K.clip(a, 0.3, 0.1), X), np.full_like(X, 0.3))
    np.testing.assert_array_equal(call(K.maximum, X, Y), np.maximum(X, Y))
    np.testing.assert_array_equal(call(K.minimum, X, Y), np.minimum(X, Y))
    np.testing.assert_array_equal(call(lambda a, b: K.equal(K.round(a), K.round(b)), X, Y),
                                  np.round(X) == np.round(Y))
    np.testing.assert_array_equal(call(lambda a, b: K.switch(a >= 0, a, b), X, Y),
                                  np.where(X >= 0, X, Y))
    np.testing.assert_allclose(call(lambda a: K.relu(a, alpha=0.1, max_value=0.8), X),
                               np.minimum(np.where(X > 0, X, 0.1 * X), 0.8), rtol=1e-6)
    for axis in (0, 1):
        np.testing.assert_allclose(call(lambda a: K.l2_normalize(a, axis), X),
                                   X / np.sqrt((X ** 2).sum(axis=axis, keepdims=True)), rtol=1e-6)


@pytest.mark.parametrize('name', ['max', 'min', 'sum', 'prod', 'mean', 'std'])
@pytest.mark.parametrize('axis,keepdims', [(None, False), (0, False), (1, True), (-1, False)])
def test_reductions(name, axis, keepdims):
    got = call(lambda a: getattr(K, name)(a, axis=axis, keepdims=keepdims), X)
    want = getattr(np, name)(X.astype(np.float64), axis=axis, keepdims=keepdims)
    assert got.dtype == np.float32 and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=1e-6)


def test_index_reductions_and_integer_mean():
    np.testing.assert_array_equal(call(K.argmax, X), X.argmax(axis=-1))
    np.testing.assert_array_equal(call(lambda a: K.argmin(a, axis=0), X), X.argmin(axis=0))
    np.testing.assert_array_equal(call(lambda a: K.any(a > 1, axis=1), X), (X > 1).any(axis=1))
    m = K.eval(K.mean(K.variable([1, 2, 4], dtype='int32')))
    assert m.dtype == np.float32 and m == np.float32(7 / 3)
    assert K.count_params(K.zeros((3, 5))) == 15


def test_shape_functions():
    np.testing.assert_array_equal(call(lambda a, b: K.concatenate([a, b]), X, Y),
                                  np.concatenate([X, Y], axis=-1))
    np.testing.assert_array_equal(call(lambda a: K.reshape(a, (-1, 2)), X), X.reshape(-1, 2))
    np.testing.assert_array_equal(call(lambda a: K.permute_dimensions(a, (2, 0, 1)), T3),
                                  T3.transpose(2, 0, 1))
    np.testing.assert_array_equal(call(lambda a: K.repeat_elements(a, 2, 1), T3),
                                  np.repeat(T3, 2, axis=1))
    np.testing.assert_array_equal(call(lambda a: K.repeat(a, 3), X), np.repeat(X[:, None], 3, 1))
    np.testing.assert_array_equal(call(lambda a: K.tile(a, 2), X), np.tile(X, 2))
    np.testing.assert_array_equal(call(lambda a: K.tile(a, (2, 3)), X), np.tile(X, (2, 3)))
    np.testing.assert_array_equal(call(K.flatten, T3), T3.ravel())
    np.testing.assert_array_equal(call(K.batch_flatten, T4), T4.reshape(2, -1))
    np.testing.assert_array_equal(call(lambda a: K.expand_dims(a, 1), X), X[:, None])
    np.testing.assert_array_equal(call(K.expand_dims, X), X[:, :, None])
    np.testing.assert_array_equal(call(lambda a: K.squeeze(K.expand_dims(a, 1), 1), X), X)
    np.testing.assert_array_equal(call(K.transpose, T3), T3.T)
    np.testing.assert_array_equal(call(lambda a, b: K.pack([a, b]), X, Y), np.stack([X, Y]))
    np.testing.assert_array_equal(call(lambda a: K.gather(a, K.variable([2, 0, 2], 'int32')), X),
                                  X[[2, 0, 2]])
    np.testing.assert_array_equal(call(K.shape, T4), T4.shape)


def test_paddings_and_resizes():
    np.testing.assert_array_equal(call(lambda a: K.temporal_padding(a, 2), T3),
                                  np.pad(T3, [(0, 0), (2, 2), (0, 0)]))
    np.testing.assert_array_equal(call(lambda a: K.spatial_2d_padding(a, (1, 2)), T4),
                                  np.pad(T4, [(0, 0), (0, 0), (1, 1), (2, 2)]))
    np.testing.assert_array_equal(call(lambda a: K.spatial_2d_padding(a, (2, 1), 'tf'), T4),
                                  np.pad(T4, [(0, 0), (2, 2), (1, 1), (0, 0)]))
    t5 = RS.randn(1, 2, 2, 3, 2).astype('float32')
    np.testing.assert_array_equal(call(K.spatial_3d_padding, t5),
                                  np.pad(t5, [(0, 0), (0, 0), (1, 1), (1, 1), (1, 1)]))
    np.testing.assert_array_equal(call(lambda a: K.resize_images(a, 2, 3, 'th'), T4),
                                  T4.repeat(2, axis=2).repeat(3, axis=3))
    np.testing.assert_array_equal(call(lambda a: K.resize_images(a, 2, 1, 'tf'), T4),
                                  T4.repeat(2, axis=1))
    with pytest.raises(ValueError, match="dim_ordering must be 'th' or 'tf'"):
        K.resize_images(K.placeholder(ndim=4), 2, 2, 'nchw')


def test_dot_and_batch_dot():
    np.testing.assert_allclose(call(lambda a, b: K.dot(a, K.transpose(b)), T3, X),
                               np.dot(T3, X.T), rtol=1e-5)
    np.testing.assert_allclose(call(lambda a, b: K.batch_dot(a, b, axes=1), X, Y),
                               (X * Y).sum(axis=1), rtol=1e-5)
    b3 = RS.randn(2, 4, 5).astype('float32')
    np.testing.assert_allclose(call(K.batch_dot, T3, b3), np.einsum('bij,bjk->bik', T3, b3),
                               rtol=1e-5)
    np.testing.assert_allclose(call(lambda a: K.batch_dot(a, a, axes=[2, 2]), T3),
                               np.einsum('bik,bjk->bij', T3, T3), rtol=1e-5)
    c = RS.randn(2, 4).astype('float32')
    np.testing.assert_allclose(call(lambda a, b: K.batch_dot(a, b, axes=[[2], [1]]), T3, c),
                               np.einsum('bij,bj->bi', T3, c), rtol=1e-5)
    with pytest.raises(ValueError, match='batch axis'):
        K.batch_dot(K.placeholder(ndim=3), K.placeholder(ndim=2))


def test_crossentropies_closed_form():
    p = RS.uniform(0.05, 1, size=(3, 4)).astype('float32')
    t = np.eye(4, dtype='float32')[[0, 2, 3]]
    q = p / p.sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(call(K.categorical_crossentropy, p, t),
                               -(t * np.log(np.clip(q, 1e-7, 1 - 1e-7))).sum(-1), rtol=1e-5)
    np.testing.assert_allclose(call(lambda a, b: K.categorical_crossentropy(a, b, True), X, t),
                               -(t * np.log(softmax(X.astype(np.float64)))).sum(-1), rtol=1e-5)
    # a probability of exactly 0 or 1 is clipped at epsilon (1e-07), not log(0)
    edge = np.array([[1., 0.]], 'float32')
    got = call(K.binary_crossentropy, edge, np.array([[0., 1.]], 'float32'))
    # (1 - epsilon is 1 - 1.19e-07 in float32)
    want = -np.log([[1 - np.float32(1 - 1e-7), np.float32(1e-7)]])
    np.testing.assert_allclose(got, want, rtol=1e-5)
    s = 1 / (1 + np.exp(-X.astype(np.float64)))
    np.testing.assert_allclose(call(lambda a, b: K.binary_crossentropy(a, b, True), X, t),
                               -(t * np.log(s) + (1 - t) * np.log(1 - s)), rtol=1e-5)


def _fd_check(loss_of, value, eps=1e-6, rtol=1e-5):
    """K.gradients of the float64 scalar loss_of(variable) against central differences."""
    v = K.variable(value, dtype='float64')
    loss = loss_of(v)
    f = K.function([], [loss] + K.gradients(loss, [v]))
    grad = f([])[1]
    numeric = np.zeros_like(value)
    for idx in np.ndindex(*value.shape):
        for sign in (1, -1):
            shifted = value.copy()
            shifted[idx] += sign * eps
            K.set_value(v, shifted)
            numeric[idx] += sign * f([])[0] / (2 * eps)
    np.testing.assert_allclose(grad, numeric, rtol=rtol, atol=1e-7)


GRADIENT_CASES = {
    'sqrt': lambda v: K.sum(K.sqrt(K.abs(v) + 0.1)),
    'l2_normalize': lambda v: K.sum(K.l2_normalize(v, 1) * np.arange(4.)),
    'std': lambda v: K.sum(K.std(v, axis=0)),
    'max': lambda v: K.sum(K.max(v, axis=1)),
    'prod': lambda v: K.sum(K.prod(K.sigmoid(v), axis=1)),
    'softplus_hard_sigmoid': lambda v: K.sum(K.softplus(v) * K.hard_sigmoid(v)),
    'relu_capped': lambda v: K.sum(K.relu(v, 0.2, 1.0) * np.arange(4.)),
    'categorical_crossentropy': lambda v: K.sum(K.categorical_crossentropy(
        K.sigmoid(v), K.variable(np.eye(4)[[0, 2, 3]], 'float64'))),
    'binary_from_logits': lambda v: K.sum(K.binary_crossentropy(
        v, K.variable(np.eye(4)[[0, 2, 3]], 'float64'), from_logits=True)),
    'batch_dot_tile_repeat': lambda v: K.sum(K.square(K.batch_dot(K.repeat(v, 2), K.tile(v, 1),
                                                                  axes=[2, 1]))),
    'padding_pow': lambda v: K.sum(K.pow(K.abs(K.temporal_padding(K.expand_dims(v), 1)) + 1, 1.5)),
}


@pytest.mark.parametrize('name', sorted(GRADIENT_CASES))
def test_gradients_by_finite_differences(name):
    value = np.random.RandomState(3).randn(3, 4) + 0.05   # no element at a kink (0)
    _fd_check(GRADIENT_CASES[name], value)


def _numpy_rnn(seq, mask, W, U, b, backwards):
    h = np.zeros((seq.shape[0], W.shape[1]))
    steps = range(seq.shape[1])[::-1] if backwards else range(seq.shape[1])
    outs = []
    prev_out = np.zeros_like(h)
    for t in steps:
        new = np.tanh(seq[:, t] @ W + h @ U + b)
        keep = mask[:, t:t + 1] if mask is not None else np.ones((seq.shape[0], 1))
        out = np.where(keep, new, prev_out)
        h = np.where(keep, new, h)
        prev_out = out
        outs.append(out)
    return np.stack(outs, axis=1), h


@pytest.mark.parametrize('backwards', [False, True])
@pytest.mark.parametrize('masked', [False, True])
def test_rnn_matches_a_numpy_loop(backwards, masked):
    rs = np.random.RandomState(5)
    seq = rs.randn(3, 5, 4).astype('float32')
    mask = np.array([[1, 1, 1, 1, 1], [0, 0, 1, 1, 1], [1, 1, 1, 0, 0]], 'float32')
    W, U, b = rs.randn(4, 3) * 0.5, rs.randn(3, 3) * 0.5, rs.randn(3) * 0.1
    Wv, Uv, bv = K.variable(W), K.variable(U), K.variable(b)
    x, m, h0 = K.placeholder(ndim=3), K.placeholder(ndim=2), K.placeholder(ndim=2)

    def step(x_t, states):
        h = K.tanh(K.dot(x_t, Wv) + K.dot(states[0], Uv) + bv)
        return h, [h]

    last, outputs, states = K.rnn(step, x, [h0], go_backwards=backwards,
                                  mask=m if masked else None)
    f = K.function([x, m, h0] if masked else [x, h0], [last, outputs, states[0]])
    args = [seq, mask, np.zeros((3, 3), 'float32')] if masked else [seq, np.zeros((3, 3), 'float32')]
    got_last, got_outs, got_state = f(args)
    want_outs, want_state = _numpy_rnn(seq, mask if masked else None, W, U, b, backwards)
    np.testing.assert_allclose(got_outs, want_outs, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_last, want_outs[:, -1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_state, want_state, rtol=1e-5, atol=1e-6)
    assert got_outs.dtype == np.float32


def test_rnn_gradient_by_finite_differences():
    seq = K.variable(np.random.RandomState(2).randn(2, 4, 3), dtype='float64')
    mask = K.variable([[1, 1, 0, 1], [0, 1, 1, 1]], dtype='float64')

    def loss_of(W):
        def step(x_t, states):
            h = K.tanh(K.dot(x_t, W) + states[0])
            return h, [h]
        last, outs, _ = K.rnn(step, seq, [K.zeros((2, 3), 'float64')], mask=mask)
        return K.sum(outs * 0.5) + K.sum(K.square(last))
    _fd_check(loss_of, np.random.RandomState(4).randn(3, 3) * 0.5)


def _numpy_conv_valid(img, kern, strides):
    """True convolution (kernel flipped), 'valid', every strides-th position."""
    flipped = kern[:, :, ::-1, ::-1]
    n, c, h, w = img.shape
    kr, kc = kern.shape[2:]
    out = np.zeros((n, kern.shape[0], h - kr + 1, w - kc + 1))
    for i in range(h - kr + 1):
        for j in range(w - kc + 1):
            out[:, :, i, j] = np.einsum('ncij,fcij->nf', img[:, :, i:i + kr, j:j + kc], flipped)
    return out[:, :, ::strides[0], ::strides[1]]


@pytest.mark.parametrize('kernel_size', [(3, 3), (2, 2), (3, 2)])
@pytest.mark.parametrize('mode,strides', [('valid', (1, 1)), ('same', (1, 1)), ('valid', (2, 2)),
                                          ('same', (2, 1))])
def test_conv2d(kernel_size, mode, strides):
    rs = np.random.RandomState(1)
    img = rs.randn(2, 3, 7, 6).astype('float32')
    kern = (rs.randn(2, 3, *kernel_size) * 0.3).astype('float32')
    padded = img
    if mode == 'same':
        padded = np.pad(img, [(0, 0), (0, 0)] + [(k // 2, k // 2) for k in kernel_size])
    want = _numpy_conv_valid(padded.astype(np.float64), kern.astype(np.float64), strides)
    if mode == 'same':
        want = want[:, :, :-(-7 // strides[0]), :-(-6 // strides[1])]
    got = call(lambda a: K.conv2d(a, K.variable(kern), strides=strides, border_mode=mode), img)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    got_tf = call(lambda a: K.conv2d(a, K.variable(kern.transpose(2, 3, 1, 0)), strides=strides,
                                     border_mode=mode, dim_ordering='tf'),
                  img.transpose(0, 2, 3, 1))
    np.testing.assert_allclose(got_tf, want.transpose(0, 2, 3, 1), rtol=1e-4, atol=1e-5)


def _numpy_pool(img, size, strides, padding, mode):
    """Theano's pool_2d(ignore_border=True) with padding never entering a window."""
    n, c, h, w = img.shape
    rows = (h + 2 * padding[0] - size[0]) // strides[0] + 1
    cols = (w + 2 * padding[1] - size[1]) // strides[1] + 1
    out = np.zeros((n, c, rows, cols))
    for r in range(rows):
        for s in range(cols):
            r0, c0 = r * strides[0] - padding[0], s * strides[1] - padding[1]
            win = img[:, :, max(r0, 0):r0 + size[0], max(c0, 0):c0 + size[1]]
            out[:, :, r, s] = win.max(axis=(2, 3)) if mode == 'max' else win.mean(axis=(2, 3))
    return out


@pytest.mark.parametrize('size,strides,mode,pool_mode', [
    ((2, 2), (2, 2), 'valid', 'max'), ((3, 3), (1, 1), 'valid', 'avg'),
    ((3, 3), (2, 2), 'same', 'max'), ((2, 2), (1, 1), 'same', 'avg'),
    ((3, 2), (1, 2), 'same', 'max'), ((3, 3), (2, 2), 'same', 'avg')])
def test_pool2d(size, strides, mode, pool_mode):
    img = np.random.RandomState(8).randn(2, 3, 7, 6).astype('float32') - 2  # mostly negative
    padding = (0, 0) if mode == 'valid' else tuple(p - 2 if p % 2 else p - 1 for p in size)
    want = _numpy_pool(img.astype(np.float64), size, strides, padding, pool_mode)
    if mode == 'same':
        want = want[:, :, :-(-7 // strides[0]), :-(-6 // strides[1])]
    got = call(lambda a: K.pool2d(a, size, strides, mode, pool_mode=pool_mode), img)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    got_tf = call(lambda a: K.pool2d(a, size, strides, mode, 'tf', pool_mode), img.transpose(0, 2, 3, 1))
    np.testing.assert_allclose(got_tf, want.transpose(0, 2, 3, 1), rtol=1e-5, atol=1e-6)


def test_pool2d_average_gradient_by_finite_differences():
    _fd_check(lambda v: K.sum(K.square(K.pool2d(K.reshape(v, (1, 1, 4, 3)), (2, 2), (1, 1),
                                                'same', pool_mode='avg'))),
              np.random.RandomState(6).randn(4, 3))


def test_dropout_is_inverted_and_seeded():
    ones = np.ones((40, 50), 'float32')
    x = K.placeholder(ndim=2)
    f = K.function([x], [K.dropout(x, 0.25, seed=3)])
    first, second = f([ones])[0], f([ones])[0]
    assert set(np.unique(first)) == {0., np.float32(1 / 0.75)}
    assert not np.array_equal(first, second)          # the stream advances per call
    again = K.function([x], [K.dropout(x, 0.25, seed=3)])([ones])[0]
    np.testing.assert_array_equal(first, again)       # same seed, same first mask
    assert 0.65 < (first != 0).mean() < 0.85
    np.random.seed(9)
    seed = np.random.randint(10e6)
    np.random.seed(9)
    from_np = K.function([x], [K.dropout(x, 0.25)])([ones])[0]
    np.testing.assert_array_equal(from_np, K.function([x], [K.dropout(x, 0.25, seed=seed)])([ones])[0])
    with pytest.raises(ValueError, match=r'level must be in \[0, 1\), got 1.0'):
        K.dropout(x, 1.0)


def test_random_tensors():
    u = K.eval(K.random_uniform((200, 50), low=-1., high=2., seed=1))
    assert u.dtype == np.float32 and u.min() >= -1 and u.max() < 2 and abs(u.mean() - 0.5) < 0.05
    n = K.eval(K.random_normal((200, 50), mean=1., std=2., seed=1))
    assert abs(n.mean() - 1) < 0.1 and abs(n.std() - 2) < 0.1
    bn = K.eval(K.random_binomial((200, 50), p=0.3, seed=1))
    assert set(np.unique(bn)) == {0, 1} and abs(bn.mean() - 0.3) < 0.03
    np.testing.assert_array_equal(u, K.eval(K.random_uniform((200, 50), -1., 2., seed=1)))


def test_function_updates_values_and_errors():
    v = K.variable(np.arange(6).reshape(2, 3))
    assert v.dtype == 'float32'
    K.set_value(v, K.get_value(v) * 2)
    np.testing.assert_array_equal(K.get_value(v), np.arange(6).reshape(2, 3) * 2)
    counter = K.variable(0.)
    x = K.placeholder(shape=(None, 3))
    f = K.function([x], [K.sum(x * v)], updates=[(counter, counter + K.sum(x)), (v, v + 1)])
    out = f([np.ones((2, 3))])[0]             # float64 input, downcast allowed as in 0.3.3
    assert out == np.float32(30) and K.get_value(counter) == 6
    np.testing.assert_array_equal(K.get_value(v), np.arange(6).reshape(2, 3) * 2 + 1)
    with pytest.raises(TypeError, match='called with a list of input values'):
        f(np.ones((2, 3)))
    with pytest.raises(ValueError, match="Invalid argument 'bogus' passed to K.function"):
        K.function([x], [x], bogus=1)
    with pytest.raises(TypeError, match=r'K.get_value\(\) needs a variable'):
        K.get_value(x * 2)
    with pytest.raises(ValueError, match='give a shape or an ndim'):
        K.placeholder()
    assert K.ndim(K.placeholder(shape=(None, 2, 3))) == 3 and x.dtype == 'float32'
    assert not hasattr(K, 'dtype') and not hasattr(K, 'eye')     # not in 0.3.3
    np.testing.assert_array_equal(K.eval(K.ones_like(v)), np.ones((2, 3)))
    np.testing.assert_array_equal(K.eval(K.zeros_like(v)), np.zeros((2, 3)))
    assert K.eval(K.cast(v, 'int32')).dtype == np.int32


def _numpy_conv3d_valid(vol, kern):
    """True 3-d convolution (kernel flipped on all three axes), 'valid'."""
    flipped = kern[:, :, ::-1, ::-1, ::-1]
    k = kern.shape[2:]
    out_shape = [s - kk + 1 for s, kk in zip(vol.shape[2:], k)]
    out = np.zeros((vol.shape[0], kern.shape[0]) + tuple(out_shape))
    for i, j, l in np.ndindex(*out_shape):
        window = vol[:, :, i:i + k[0], j:j + k[1], l:l + k[2]]
        out[:, :, i, j, l] = np.einsum('ncijl,fcijl->nf', window, flipped)
    return out


@pytest.mark.parametrize('mode,strides', [('valid', (1, 1, 1)), ('same', (1, 1, 1)),
                                          ('valid', (2, 1, 2))])
def test_conv3d(mode, strides):
    rs = np.random.RandomState(3)
    vol = rs.randn(2, 3, 5, 4, 6).astype('float32')
    kern = (rs.randn(2, 3, 3, 2, 2) * 0.3).astype('float32')
    padded = vol
    if mode == 'same':    # k - 1 zeros per axis, (k - 1) // 2 of them before
        padded = np.pad(vol, [(0, 0), (0, 0), (1, 1), (0, 1), (0, 1)])
    want = _numpy_conv3d_valid(padded.astype(float), kern.astype(float))
    want = want[:, :, ::strides[0], ::strides[1], ::strides[2]]
    got = call(lambda a: K.conv3d(a, K.variable(kern), strides=strides, border_mode=mode), vol)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    got_tf = call(lambda a: K.conv3d(a, K.variable(kern.transpose(2, 3, 4, 1, 0)), strides=strides,
                                     border_mode=mode, dim_ordering='tf'),
                  vol.transpose(0, 2, 3, 4, 1))
    np.testing.assert_allclose(got_tf, want.transpose(0, 2, 3, 4, 1), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize('pool_mode', ['max', 'avg'])
def test_pool3d(pool_mode):
    vol = np.random.RandomState(4).randn(2, 3, 5, 4, 6).astype('float32')
    size, strides = (2, 2, 3), (1, 2, 2)
    shape = [(s - p) // st + 1 for s, p, st in zip(vol.shape[2:], size, strides)]
    want = np.zeros((2, 3) + tuple(shape))
    for i, j, l in np.ndindex(*shape):
        r, c, d = i * strides[0], j * strides[1], l * strides[2]
        window = vol[:, :, r:r + size[0], c:c + size[1], d:d + size[2]].astype(float)
        want[:, :, i, j, l] = window.max(axis=(2, 3, 4)) if pool_mode == 'max' \
            else window.mean(axis=(2, 3, 4))
    got = call(lambda a: K.pool3d(a, size, strides, pool_mode=pool_mode), vol)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    got_tf = call(lambda a: K.pool3d(a, size, strides, dim_ordering='tf', pool_mode=pool_mode),
                  vol.transpose(0, 2, 3, 4, 1))
    np.testing.assert_allclose(got_tf, want.transpose(0, 2, 3, 4, 1), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match='border_mode="same" is not supported with Theano'):
        K.pool3d(K.placeholder(ndim=5), size, border_mode='same')


def test_conv3d_gradient_by_finite_differences():
    vol = K.variable(np.random.RandomState(5).randn(1, 2, 4, 3, 3), dtype='float64')
    _fd_check(lambda k: K.sum(K.tanh(K.conv3d(vol, K.reshape(k, (2, 2, 2, 2, 2)),
                                               border_mode='same'))),
              np.random.RandomState(6).randn(4, 8) * 0.3)


def test_k_function_compiles_once(monkeypatch):
    from legacy_bn.keras03.backend import theano_backend
    compiled = []
    real = theano_backend.theano.function
    monkeypatch.setattr(theano_backend.theano, 'function',
                        lambda *a, **kw: compiled.append(1) or real(*a, **kw))
    x = K.placeholder(ndim=2)
    f = K.function([x], [K.sum(x * 2)])
    for _ in range(3):
        np.testing.assert_allclose(f([X])[0], X.sum() * 2, rtol=1e-5)
    assert len(compiled) == 1
