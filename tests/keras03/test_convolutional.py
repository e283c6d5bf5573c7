"""Keras 0.3.3's convolutional layers (legacy_bn.keras03.layers.convolutional) against
numpy transcriptions: Convolution1D/2D in 'valid' and 'same' border modes, with subsample
and both dim_orderings, max and average pooling, up-sampling and zero-padding; every
output_shape against the computed output; a gradient by finite differences. Golden data
from the real 0.3.3: tests/golden/keras03/scenarios/conv_cnn.py."""
import numpy as np
import pytest

from legacy_bn.keras03 import backend as K
from legacy_bn.keras03.layers import convolutional as C

from .layer_checks import check_input_gradient, output_of, tolerance

FX = K.floatx()


def conv2d_reference(X, W, border_mode, subsample):
    """Theano's conv2d (a true convolution: the kernel flipped) of (n, c, rows, cols) by
    (f, c, kr, kc); 'same' pads (k - 1) // 2 in front, as 0.3.3 did through 'half' plus
    a crop of the last position for even kernels."""
    n, c, rows, cols = X.shape
    f, _, kr, kc = W.shape
    if border_mode == 'same':
        pr, pc = kr // 2, kc // 2
        X = np.pad(X, ((0, 0), (0, 0), (pr, pr), (pc, pc)))
    flipped = W[:, :, ::-1, ::-1].astype(np.float64)
    out_r, out_c = X.shape[2] - kr + 1, X.shape[3] - kc + 1
    out = np.zeros((n, f, out_r, out_c))
    for i in range(out_r):
        for j in range(out_c):
            patch = X[:, :, i:i + kr, j:j + kc].astype(np.float64)
            out[:, :, i, j] = np.einsum('nckl,fckl->nf', patch, flipped)
    out = out[:, :, ::subsample[0], ::subsample[1]]
    if border_mode == 'same':
        out = out[:, :, :(rows + subsample[0] - 1) // subsample[0],
                  :(cols + subsample[1] - 1) // subsample[1]]
    return out


def pool_reference(X, size, strides, reduce):
    n, c, rows, cols = X.shape
    out_r = (rows - size[0]) // strides[0] + 1
    out_c = (cols - size[1]) // strides[1] + 1
    out = np.zeros((n, c, out_r, out_c))
    for i in range(out_r):
        for j in range(out_c):
            window = X[:, :, i * strides[0]:i * strides[0] + size[0],
                       j * strides[1]:j * strides[1] + size[1]]
            out[:, :, i, j] = reduce(window.astype(np.float64), axis=(2, 3))
    return out


def with_random_weights(layer, rng):
    weights = [(rng.normal(size=w.shape) * 0.5).astype(FX) for w in layer.get_weights()]
    layer.set_weights(weights)
    return weights


def check(layer, X, expected):
    out = output_of(layer, X)
    np.testing.assert_allclose(out, expected, **tolerance())
    assert layer.output_shape == (None,) + out.shape[1:]


@pytest.mark.parametrize('border_mode, subsample, kernel', [
    ('valid', (1, 1), (3, 2)), ('same', (1, 1), (3, 3)), ('same', (1, 1), (2, 4)),
    ('valid', (2, 2), (3, 3)), ('same', (2, 3), (3, 3))])
def test_convolution2d_th(border_mode, subsample, kernel, rng):
    layer = C.Convolution2D(3, kernel[0], kernel[1], border_mode=border_mode,
                            subsample=subsample, activation='tanh', input_shape=(2, 7, 8))
    W, b = with_random_weights(layer, rng)
    assert W.shape == (3, 2) + kernel
    X = rng.normal(size=(2, 2, 7, 8)).astype(FX)
    check(layer, X, np.tanh(conv2d_reference(X, W, border_mode, subsample)
                            + b[None, :, None, None]))


def test_convolution2d_tf_is_th_on_transposed_arrays(rng):
    layer = C.Convolution2D(3, 2, 3, dim_ordering='tf', input_shape=(6, 5, 2))
    W, b = with_random_weights(layer, rng)
    assert W.shape == (2, 3, 2, 3)
    X = rng.normal(size=(2, 6, 5, 2)).astype(FX)
    th = conv2d_reference(X.transpose(0, 3, 1, 2), W.transpose(3, 2, 0, 1), 'valid', (1, 1))
    check(layer, X, (th + b[None, :, None, None]).transpose(0, 2, 3, 1))


@pytest.mark.parametrize('border_mode, stride', [('valid', 1), ('same', 2)])
def test_convolution1d_is_a_2d_convolution_over_the_steps(border_mode, stride, rng):
    layer = C.Convolution1D(4, 3, border_mode=border_mode, subsample_length=stride,
                            input_dim=2, input_length=7)
    W, b = with_random_weights(layer, rng)
    assert W.shape == (4, 2, 3, 1)
    X = rng.normal(size=(3, 7, 2)).astype(FX)
    as_image = X.transpose(0, 2, 1)[..., None]
    expected = conv2d_reference(as_image, W, border_mode, (stride, 1))[..., 0]
    check(layer, X, (expected + b[None, :, None]).transpose(0, 2, 1))


def test_convolution_gradient_by_finite_differences(rng):
    layer = C.Convolution2D(2, 2, 2, border_mode='same', input_shape=(1, 4, 3))
    with_random_weights(layer, rng)
    check_input_gradient(layer, rng.normal(size=(2, 1, 4, 3)).astype(FX), rng)


def test_kernel_fans_are_computed_the_th_way_for_tf_too():
    # 0.3.3 dropped dim_ordering on its way to the initialization
    np.random.seed(1)
    W = C.Convolution2D(4, 3, 2, dim_ordering='tf', input_shape=(5, 5, 2)).get_weights()[0]
    np.random.seed(1)
    fan_in, fan_out = 2 * 2 * 4, 3
    scale = np.sqrt(6. / (fan_in + fan_out))
    assert np.array_equal(W, np.random.uniform(-scale, scale, (3, 2, 2, 4)).astype(FX))


@pytest.mark.parametrize('cls, reduce', [(C.MaxPooling2D, np.max), (C.AveragePooling2D, np.mean)])
@pytest.mark.parametrize('pool_size, strides', [((2, 2), None), ((3, 2), (1, 2))])
def test_pooling2d(cls, reduce, pool_size, strides, rng):
    layer = cls(pool_size=pool_size, strides=strides, input_shape=(2, 5, 7))
    X = rng.normal(size=(2, 2, 5, 7)).astype(FX)
    check(layer, X, pool_reference(X, pool_size, strides or pool_size, reduce))
    tf = cls(pool_size=pool_size, strides=strides, dim_ordering='tf', input_shape=(5, 7, 2))
    check(tf, X.transpose(0, 2, 3, 1),
          pool_reference(X, pool_size, strides or pool_size, reduce).transpose(0, 2, 3, 1))


@pytest.mark.parametrize('cls, reduce', [(C.MaxPooling1D, np.max), (C.AveragePooling1D, np.mean)])
@pytest.mark.parametrize('length, stride', [(2, None), (3, 1)])
def test_pooling1d(cls, reduce, length, stride, rng):
    layer = cls(pool_length=length, stride=stride, input_shape=(7, 3))
    X = rng.normal(size=(2, 7, 3)).astype(FX)
    image = X.transpose(0, 2, 1)[..., None]
    expected = pool_reference(image, (length, 1), (stride or length, 1), reduce)[..., 0]
    check(layer, X, expected.transpose(0, 2, 1))


def test_upsampling_and_zero_padding(rng):
    X3 = rng.normal(size=(2, 4, 3)).astype(FX)
    check(C.UpSampling1D(length=3, input_shape=(4, 3)), X3, np.repeat(X3, 3, axis=1))
    check(C.ZeroPadding1D(padding=2, input_shape=(4, 3)), X3,
          np.pad(X3, ((0, 0), (2, 2), (0, 0))))
    X4 = rng.normal(size=(2, 2, 3, 4)).astype(FX)
    check(C.UpSampling2D(size=(2, 3), input_shape=(2, 3, 4)), X4,
          np.repeat(np.repeat(X4, 2, axis=2), 3, axis=3))
    check(C.UpSampling2D(size=(2, 3), dim_ordering='tf', input_shape=(2, 3, 4)), X4,
          np.repeat(np.repeat(X4, 2, axis=1), 3, axis=2))
    check(C.ZeroPadding2D(padding=(1, 2), input_shape=(2, 3, 4)), X4,
          np.pad(X4, ((0, 0), (0, 0), (1, 1), (2, 2))))
    check(C.ZeroPadding2D(padding=(1, 2), dim_ordering='tf', input_shape=(2, 3, 4)), X4,
          np.pad(X4, ((0, 0), (1, 1), (2, 2), (0, 0))))


def test_conv_output_length():
    assert C.conv_output_length(7, 3, 'valid', 2) == 3
    assert C.conv_output_length(7, 3, 'same', 2) == 4
    assert C.conv_output_length(None, 3, 'same', 1) is None


def test_configs():
    config = C.Convolution2D(8, 3, 3, border_mode='same', subsample=(2, 2),
                             input_shape=(1, 9, 9)).get_config()
    assert (config['nb_filter'], config['nb_row'], config['nb_col']) == (8, 3, 3)
    assert config['subsample'] == (2, 2) and config['dim_ordering'] == 'th'
    assert config['init'] == 'glorot_uniform' and config['input_shape'] == (1, 9, 9)
    config = C.MaxPooling1D(pool_length=3).get_config()
    assert (config['pool_length'], config['stride']) == (3, 3)
    assert C.ZeroPadding2D(padding=(1, 2)).get_config()['padding'] == (1, 2)


@pytest.mark.parametrize('make, message', [
    (lambda: C.Convolution2D(4, 3, 3, border_mode='full'), "border_mode must be 'valid' or "),
    (lambda: C.MaxPooling2D(dim_ordering='channels_last'), "dim_ordering must be 'th' or 'tf'"),
    (lambda: C.Convolution2D(32, 1, 3, 3), 'Keras 0.1'),
    (lambda: C.MaxPooling2D(poolsize=(2, 2)), 'poolsize'),
])
def test_bad_arguments_are_named(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


def test_3d_layers(rng):
    layer = C.Convolution3D(2, 2, 3, 2, input_shape=(1, 3, 4, 3))
    W, b = with_random_weights(layer, rng)
    X = rng.normal(size=(2, 1, 3, 4, 3)).astype(FX)
    flipped = W[:, :, ::-1, ::-1, ::-1].astype(np.float64)
    expected = np.zeros((2, 2, 2, 2, 2))
    for i in range(2):
        for j in range(2):
            for k in range(2):
                patch = X[:, :, i:i + 2, j:j + 3, k:k + 2].astype(np.float64)
                expected[:, :, i, j, k] = np.einsum('ncdhw,fcdhw->nf', patch, flipped)
    check(layer, X, expected + b[None, :, None, None, None])
    X = rng.normal(size=(2, 1, 4, 4, 2)).astype(FX)
    check(C.MaxPooling3D(pool_size=(2, 2, 2), input_shape=(1, 4, 4, 2)), X,
          X.reshape(2, 1, 2, 2, 2, 2, 1, 2).max(axis=(3, 5, 7)))
    check(C.UpSampling3D(size=(1, 2, 1), input_shape=(1, 4, 4, 2)), X, np.repeat(X, 2, axis=3))
    check(C.ZeroPadding3D(padding=(1, 0, 2), input_shape=(1, 4, 4, 2)), X,
          np.pad(X, ((0, 0), (0, 0), (1, 1), (0, 0), (2, 2))))
