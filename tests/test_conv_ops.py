"""T.nnet.conv.conv2d and T.signal.downsample.max_pool_2d: values against the definitions
written out with loops, gradients against finite differences, Theano's output sizes and
tie rule, float32 staying float32, and the errors."""
import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from test_tensor_grad import check_grad, data

conv2d = T.nnet.conv.conv2d
max_pool_2d = T.signal.downsample.max_pool_2d


def reference_conv(x, w, border_mode, subsample):
    """out[b, f, i, j] = sum_{c, u, v} x[b, c, i - u, j - v] * w[f, c, u, v] (true convolution)
    over the positions where the flipped filter fits ('valid') or overlaps ('full')."""
    b, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    if border_mode == 'full':
        x = np.pad(x, ((0, 0), (0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1)))
    ho, wo = x.shape[2] - kh + 1, x.shape[3] - kw + 1
    out = np.zeros((b, f, ho, wo))
    flipped = w[:, :, ::-1, ::-1]
    for i in range(ho):
        for j in range(wo):
            patch = x[:, :, i:i + kh, j:j + kw]
            out[:, :, i, j] = np.einsum('bcuv,fcuv->bf', patch, flipped)
    return out[:, :, ::subsample[0], ::subsample[1]]


def reference_pool(x, ds, st, ignore_border):
    """Theano 0.8's DownsampleFactorMax, one window at a time."""
    rows, cols = x.shape[-2:]

    def count(size, d, s):
        if ignore_border:
            return max(0, (size - d) // s + 1)
        return (size - 1) // s + 1 if s >= d else max(0, (size - 1 - d) // s + 1) + 1
    nr, nc = count(rows, ds[0], st[0]), count(cols, ds[1], st[1])
    out = np.zeros(x.shape[:-2] + (nr, nc))
    for i in range(nr):
        for j in range(nc):
            window = x[..., i * st[0]:min(i * st[0] + ds[0], rows), j * st[1]:min(j * st[1] + ds[1], cols)]
            out[..., i, j] = window.max(axis=(-2, -1))
    return out


CONV_CASES = [('valid', (1, 1), (4, 3, 3, 3)), ('full', (1, 1), (4, 3, 3, 3)),
              ('valid', (2, 3), (4, 3, 3, 2)), ('full', (2, 2), (2, 3, 2, 4)),
              ('valid', (1, 1), (2, 3, 7, 1)), ('full', (3, 1), (1, 3, 1, 1))]


@pytest.mark.parametrize('border_mode,subsample,wshape', CONV_CASES, ids=str)
def test_conv2d_is_a_true_convolution(border_mode, subsample, wshape):
    a, w = data((2, 3, 7, 6), seed=1), data(wshape, seed=2)
    x, f = T.dtensor4('x'), T.dtensor4('f')
    got = theano.function([x, f], conv2d(x, f, border_mode=border_mode, subsample=subsample))(a, w)
    want = reference_conv(a, w, border_mode, subsample)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_conv2d_single_tap_flips_the_kernel():
    # a 1x2 kernel [p, q] convolved: out[j] = p * x[j + 1] + q * x[j]
    a = np.arange(5.0).reshape(1, 1, 1, 5)
    w = np.array([10.0, 1.0]).reshape(1, 1, 1, 2)
    x, f = T.dtensor4('x'), T.dtensor4('f')
    got = theano.function([x, f], conv2d(x, f))(a, w)
    np.testing.assert_array_equal(got.ravel(), [10 * 1 + 0, 10 * 2 + 1, 10 * 3 + 2, 10 * 4 + 3])


@pytest.mark.parametrize('border_mode,subsample,wshape', CONV_CASES[:4], ids=str)
def test_conv2d_gradients(border_mode, subsample, wshape):
    check_grad(lambda x, f: conv2d(x, f, border_mode=border_mode, subsample=subsample),
               data((2, 3, 5, 6), seed=3), data(wshape, seed=4))


def test_conv2d_float32_stays_float32_and_mixed_upcasts():
    a, w = data((2, 3, 6, 6), seed=5), data((4, 3, 3, 3), seed=6)
    x32, f32, f64 = T.ftensor4('x'), T.ftensor4('f'), T.dtensor4('g')
    y = conv2d(x32, f32, border_mode='full', subsample=(2, 2))
    assert y.dtype == 'float32'
    out, gx, gw = theano.function([x32, f32], [y, *T.grad((y * y).sum(), [x32, f32])])(
        a.astype(np.float32), w.astype(np.float32))
    assert out.dtype == gx.dtype == gw.dtype == np.float32
    np.testing.assert_allclose(out, reference_conv(a, w, 'full', (2, 2)), rtol=1e-4, atol=1e-4)
    assert conv2d(x32, f64).dtype == 'float64'


def test_conv2d_static_shapes_are_checked():
    x, f = T.dtensor4('x'), T.dtensor4('f')
    fn = theano.function([x, f], conv2d(x, f, image_shape=(None, 3, 5, 5), filter_shape=(2, 3, 3, 3)))
    assert fn(np.ones((4, 3, 5, 5)), np.ones((2, 3, 3, 3))).shape == (4, 2, 3, 3)
    with pytest.raises(ValueError, match=r'image_shape=\(None, 3, 5, 5\) was given, but the image '
                                         r'has shape \(4, 3, 6, 5\)'):
        fn(np.ones((4, 3, 6, 5)), np.ones((2, 3, 3, 3)))


def test_conv2d_errors():
    x, f = T.dtensor4('x'), T.dtensor4('f')
    fn = theano.function([x, f], conv2d(x, f))
    with pytest.raises(ValueError, match=r'the input has 2 channels \(shape \(1, 2, 5, 5\)\) but '
                                         r'the filters expect 3'):
        fn(np.ones((1, 2, 5, 5)), np.ones((4, 3, 3, 3)))
    with pytest.raises(ValueError, match="filters of 6x3 do not fit in images of 5x5 in 'valid' mode"):
        fn(np.ones((1, 3, 5, 5)), np.ones((4, 3, 6, 3)))
    with pytest.raises(ValueError, match="border_mode must be 'valid' or 'full', got 'same'"):
        conv2d(x, f, border_mode='same')
    with pytest.raises(TypeError, match='input must be a 4-d tensor'):
        conv2d(T.dmatrix(), f)
    with pytest.raises(ValueError, match='subsample must be two positive ints'):
        conv2d(x, f, subsample=(0, 1))


POOL_CASES = [((2, 2), None, True), ((2, 2), None, False), ((3, 2), (1, 2), True),
              ((3, 3), (2, 2), False), ((3, 3), (2, 2), True), ((2, 3), (3, 1), False),
              ((1, 1), (2, 2), True)]


@pytest.mark.parametrize('ds,st,ignore_border', POOL_CASES, ids=str)
def test_max_pool_2d_matches_theanos_windows(ds, st, ignore_border):
    a = data((2, 3, 7, 6), seed=7)
    x = T.dtensor4('x')
    got = theano.function([x], max_pool_2d(x, ds, ignore_border=ignore_border, st=st))(a)
    want = reference_pool(a, ds, st or ds, ignore_border)
    assert got.shape == want.shape
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize('ds,st,ignore_border', POOL_CASES[:6], ids=str)
def test_max_pool_2d_gradient(ds, st, ignore_border):
    check_grad(lambda x: max_pool_2d(x, ds, ignore_border=ignore_border, st=st), data((2, 2, 7, 6), seed=8))


def test_max_pool_2d_gradient_when_windows_tile_the_image():
    # the fast path (no overlap, no remainder), with and without ignore_border
    for ignore_border in (True, False):
        check_grad(lambda x: max_pool_2d(x, (2, 3), ignore_border=ignore_border), data((2, 2, 6, 6), seed=11))


def test_max_pool_2d_ties_each_get_the_whole_gradient():
    # Theano's rule (checked against the real Theano in the conv_forward golden scenario)
    a = np.array([[1.0, 3.0, 3.0, 0.0],
                  [3.0, 2.0, 3.0, 3.0]]).reshape(1, 1, 2, 4)
    x = T.dtensor4('x')
    y = max_pool_2d(x, (2, 2), ignore_border=True)
    out, g = theano.function([x], [y, T.grad((y * np.array([10.0, 100.0])).sum(), x)])(a)
    np.testing.assert_array_equal(out.ravel(), [3, 3])
    np.testing.assert_array_equal(g[0, 0], [[0, 10, 100, 0], [10, 0, 100, 100]])
    # overlapping windows add up
    y = max_pool_2d(x, (2, 2), ignore_border=True, st=(1, 1))
    g = theano.function([x], T.grad(y.sum(), x))(a)
    np.testing.assert_array_equal(g[0, 0], [[0, 2, 2, 0], [1, 0, 2, 1]])


def test_max_pool_2d_on_3d_input_float32_and_big_pools():
    x3, x4 = T.ftensor3('x'), T.dtensor4('x')
    a = data((2, 5, 4), seed=9).astype(np.float32)
    out = theano.function([x3], max_pool_2d(x3, (2, 2), ignore_border=False))(a)
    assert out.dtype == np.float32 and out.shape == (2, 3, 2)
    np.testing.assert_array_equal(out, reference_pool(a, (2, 2), (2, 2), False))
    # without ignore_border a pool larger than the image is the image's maximum, as in Theano
    b = data((1, 1, 2, 2), seed=10)
    whole = theano.function([x4], max_pool_2d(x4, (3, 3), ignore_border=False))(b)
    np.testing.assert_array_equal(whole.ravel(), [b.max()])
    # with ignore_border, Theano 0.8.2 answered an empty array and a zero gradient
    pooled = max_pool_2d(x4, (3, 3), ignore_border=True)
    empty = theano.function([x4], [pooled, T.grad(pooled.sum() + x4.sum(), x4)])
    with pytest.warns(RuntimeWarning, match='a pool of 3x3 is larger than its input'):
        out, grad = empty(b)
    assert out.shape == (1, 1, 0, 0)
    np.testing.assert_array_equal(grad, np.ones_like(b))
    with pytest.raises(ValueError, match='ds must be two positive ints'):
        max_pool_2d(x4, (0, 2))
    with pytest.raises(NotImplementedError, match="only mode='max'"):
        max_pool_2d(x4, (2, 2), mode='sum')


def test_conv2d_filter_gradient_without_the_kept_patches(monkeypatch):
    # the patches of a result are kept for its filter gradient; without them (evicted) the
    # gradient recomputes them and is the same
    import legacy_bn.theano.conv_primitives as C
    a, w = data((2, 3, 6, 5), seed=12), data((4, 3, 3, 2), seed=13)
    x, f = T.dtensor4('x'), T.dtensor4('f')
    y = conv2d(x, f, subsample=(2, 1))
    grad = theano.function([x, f], T.grad((y * y).sum(), f))
    kept = grad(a, w)
    monkeypatch.setattr(C, '_remember_patches', lambda out, cols: None)
    np.testing.assert_allclose(grad(a, w), kept, rtol=1e-13)
    assert len(C._patches) <= C._MAX_PATCHES
