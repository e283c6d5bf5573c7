"""The convolutional layers of Keras 4e1ec93 (their numerics against the real Keras are in
the conv_forward golden scenario): output shapes, errors naming the layer, LRN2D,
BatchNormalization on images, a small convolutional model training, and JSON round trips."""
import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn.layers.convolutional import (Convolution1D, Convolution2D, MaxPooling1D, MaxPooling2D,
                                            UpSample1D, UpSample2D, ZeroPadding2D)
from legacy_bn.layers.core import Activation, Dense, Dropout, Flatten, Reshape
from legacy_bn.layers.normalization import LRN2D, BatchNormalization
from legacy_bn.models import Sequential, model_from_json
from legacy_bn.optimizers import SGD
from test_tensor_grad import check_grad, data


def evaluate(layer, X, train=False):
    layer.input = {3: T.dtensor3, 4: T.dtensor4}[X.ndim]()
    return theano.function([layer.input], layer.get_output(train))(X)


def stack(*layers):
    model = Sequential()
    for layer in layers:
        model.add(layer)
    return model


SHAPES = [
    (lambda: Convolution2D(4, 2, 3, 3), (2, 7, 6), (4, 5, 4)),
    (lambda: Convolution2D(4, 2, 3, 2, border_mode='full', subsample=(2, 2)), (2, 7, 6), (4, 5, 4)),
    (lambda: Convolution2D(4, 2, 3, 4, border_mode='same'), (2, 7, 6), (4, 7, 6)),
    (lambda: Convolution2D(4, 2, 5, 5, subsample=(2, 3)), (2, 11, 12), (4, 4, 3)),
    (lambda: Convolution1D(2, 4, 3), (9, 2), (7, 4)),
    (lambda: Convolution1D(2, 4, 3, border_mode='same'), (9, 2), (9, 4)),
    (lambda: Convolution1D(2, 4, 3, border_mode='full', subsample_length=3), (9, 2), (11, 4)),
    (lambda: MaxPooling2D(), (3, 7, 6), (3, 3, 3)),
    (lambda: MaxPooling2D((3, 2), stride=(1, 2), ignore_border=False), (3, 7, 5), (3, 5, 3)),
    (lambda: MaxPooling1D(3, stride=2, ignore_border=False), (8, 2), (4, 2)),
    (lambda: UpSample1D(3), (4, 2), (12, 2)),
    (lambda: UpSample2D((2, 3)), (2, 3, 4), (2, 6, 12)),
    (lambda: ZeroPadding2D((1, 2)), (2, 3, 4), (2, 5, 8)),
]


@pytest.mark.parametrize('make,sample,expected', SHAPES, ids=[str(s[1:]) for s in SHAPES])
def test_output_shape_is_known_and_right(make, sample, expected):
    layer = make()
    X = data((2,) + sample, seed=1)
    assert evaluate(layer, X).shape == (2,) + expected
    # after a layer of known output shape, the shape is known before anything runs
    model = stack(Reshape(*sample), layer)
    assert model.layers[-1].output_shape == expected
    assert layer.get_config()['name'] == type(layer).__name__


def test_convolution1d_subsample_length_strides_the_unit_axis_as_in_2015():
    # 2015 passed subsample=(1, subsample_length) to a (batch, dim, steps, 1) view
    X = data((2, 9, 3), seed=2)
    plain, strided = Convolution1D(3, 4, 3), Convolution1D(3, 4, 3, subsample_length=2)
    strided.set_weights(plain.get_weights())
    np.testing.assert_array_equal(evaluate(plain, X), evaluate(strided, X))


def test_unknown_border_mode_fails_before_drawing_weights():
    state = np.random.get_state()[1].copy()
    with pytest.raises(ValueError, match="Invalid border mode for Convolution2D: 'foo'"):
        Convolution2D(4, 2, 3, 3, border_mode='foo')
    with pytest.raises(ValueError, match="Invalid border mode for Convolution1D: 'half'"):
        Convolution1D(2, 4, 3, border_mode='half')
    np.testing.assert_array_equal(np.random.get_state()[1], state)


def test_wrong_ndim_names_the_layer():
    with pytest.raises(ValueError, match=r'Convolution2D expects input \(nb_samples, stack_size, rows, '
                                         r'cols\), but it follows Dense, whose output samples have '
                                         r'shape \(5,\)'):
        stack(Dense(3, 5), Convolution2D(4, 2, 3, 3))
    layer = MaxPooling2D()
    layer.input = T.matrix()
    with pytest.raises(ValueError, match=r'MaxPooling2D expects 4D input \(nb_samples, stack_size, '
                                         r'rows, cols\), got'):
        layer.get_output()
    lrn = LRN2D()
    lrn.input = T.tensor3()
    with pytest.raises(ValueError, match='LRN2D expects 4D input'):
        lrn.get_output()


def test_stack_size_mismatch_names_the_layer():
    # known when the model is built...
    with pytest.raises(ValueError, match=r'Convolution2D has stack_size=3, but its input has 6 '
                                         r'\(it follows Convolution2D, whose output samples have '
                                         r'shape \(6, 4, 4\)\)'):
        stack(Reshape(1, 8, 8), Convolution2D(6, 1, 5, 5), Convolution2D(4, 3, 3, 3))
    with pytest.raises(ValueError, match='Convolution1D has input_dim=2, but its input has 3'):
        stack(Reshape(4, 3), Convolution1D(2, 4, 3))
    # ...otherwise on the first batch, before any weight changes
    model = stack(Convolution2D(2, 3, 3, 3), Flatten(), Dense(2 * 3 * 3, 2), Activation('softmax'))
    model.compile(loss='categorical_crossentropy', optimizer='sgd')
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"'Convolution2D convolution'.*the input has 1 channels "
                                         r"\(shape \(4, 1, 5, 5\)\) but the filters expect 3"):
        model.train_on_batch(np.ones((4, 1, 5, 5)), np.eye(2)[[0, 1, 0, 1]])
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_pool_larger_than_the_image_is_empty_as_in_theano_with_a_warning_naming_the_layer():
    # Theano (and the real Keras 0.2.0 on it) returned an empty array here; a warning says so
    with pytest.warns(RuntimeWarning, match=r'MaxPooling2D: a pool of 3x3 is larger than its input '
                                            r'\(2x5\), and ignore_border=True leaves no output'):
        assert stack(Reshape(1, 2, 5), MaxPooling2D((3, 3))).output_shape == (1, 0, 1)
    with pytest.warns(RuntimeWarning, match='MaxPooling1D: a pool of 4x1 is larger than its input'):
        stack(Reshape(3, 2), MaxPooling1D(4))
    layer = MaxPooling2D((3, 3))
    layer.input = T.dtensor4()
    f = theano.function([layer.input], layer.get_output())
    with pytest.warns(RuntimeWarning, match=r"max_pool_2d: a pool of 3x3 is larger than its input "
                                            r"\(2x5\)"):
        out = f(np.ones((4, 1, 2, 5)))
    assert out.shape == (4, 1, 0, 1) and out.dtype == np.float64
    # without ignore_border 2015 (Theano) pooled what there is
    assert stack(Reshape(1, 2, 5), MaxPooling2D((3, 3), ignore_border=False)).output_shape == (1, 1, 2)


def test_lrn2d_closed_form_and_gradient():
    X, R = data((2, 7, 3, 3), seed=3), data((2, 7, 3, 3), seed=4)
    alpha, k, beta, n = 1e-2, 2, 0.75, 5

    def window_sum(a):          # over the n channels centred on each, zeros beyond the edges
        padded = np.pad(a, ((0, 0), (2, 2), (0, 0), (0, 0)))
        return sum(padded[:, i:i + 7] for i in range(n))
    scale = k + alpha * window_sum(X ** 2)
    # d sum(R * X / scale**beta) / dX; the window is symmetric, so its transpose is itself
    want_grad = R / scale ** beta - 2 * X * alpha * beta * window_sum(R * X * scale ** (-beta - 1))
    layer = LRN2D(alpha, k, beta, n)
    layer.input = T.dtensor4()
    out = layer.get_output()
    got, grad = theano.function([layer.input], [out, T.grad((out * R).sum(), layer.input)])(X)
    # T.alloc(0., ...) is float32 in Theano, so the squares are kept in float32 (as in 2015)
    assert T.alloc(0., 1).dtype == 'float32'
    np.testing.assert_allclose(got, X / scale ** beta, rtol=1e-8)
    np.testing.assert_allclose(grad, want_grad, rtol=1e-6, atol=1e-9)
    with pytest.raises(NotImplementedError, match='odd n'):
        LRN2D(n=4)


def test_batchnormalization_on_images_is_per_element_as_in_2015():
    X = data((16, 2, 3, 3), seed=5) * 3 + 1
    bn = BatchNormalization((2, 3, 3), momentum=0.0)
    bn.set_weights([np.ones((2, 3, 3)), np.zeros((2, 3, 3)), np.zeros((2, 3, 3)), np.ones((2, 3, 3))])
    model = stack(bn)
    model.compile(loss='mse', optimizer=SGD(lr=0.0))
    model.train_on_batch(X, X)
    running_mean, running_std = bn.get_weights()[2:]
    np.testing.assert_allclose(running_mean, X.mean(axis=0), rtol=1e-10)
    np.testing.assert_allclose(running_std, np.sqrt(X.var(axis=0) + 1e-6), rtol=1e-10)


def test_batchnormalization_axis_1_is_per_feature_map():
    X = data((16, 2, 3, 3), seed=6) * 3 + 1
    bn = BatchNormalization((2, 3, 3), momentum=0.0, axis=1)
    assert [w.shape for w in bn.get_weights()] == [(2,)] * 4
    model = stack(bn)
    model.compile(loss='mse', optimizer=SGD(lr=0.0))
    model.train_on_batch(X, X)
    running_mean, running_std = bn.get_weights()[2:]
    np.testing.assert_allclose(running_mean, X.mean(axis=(0, 2, 3)), rtol=1e-10)
    np.testing.assert_allclose(running_std, np.sqrt(X.var(axis=(0, 2, 3)) + 1e-6), rtol=1e-10)
    gamma, beta = bn.get_weights()[:2]
    want = (X - running_mean[:, None, None]) / (running_std[:, None, None] + 1e-6)
    want = want * gamma[:, None, None] + beta[:, None, None]
    np.testing.assert_allclose(model.predict(X, verbose=0), want, rtol=1e-10)
    assert BatchNormalization((2, 3, 3)).get_config().get('axis') is None
    assert model_from_json(model.to_json()).layers[0].axis == 1
    with pytest.raises(ValueError, match='axis=1 needs mode=0'):
        BatchNormalization((2, 3, 3), mode=1, axis=1)
    with pytest.raises(ValueError, match=r'1..3 for input_shape=\(2, 3, 3\)\), got 0'):
        BatchNormalization((2, 3, 3), axis=0)


def test_flatten_reshape_dropout_on_images():
    X = data((3, 2, 4, 4), seed=7)
    np.testing.assert_array_equal(evaluate(Flatten(), X), X.reshape(3, -1))
    np.testing.assert_array_equal(evaluate(Reshape(4, 8), X), X.reshape(3, 4, 8))
    dropped = evaluate(Dropout(0.5), X, train=True)
    kept = dropped != 0
    assert dropped.shape == X.shape and 0.3 < kept.mean() < 0.7
    np.testing.assert_array_equal(dropped[kept], X[kept])
    np.testing.assert_allclose(evaluate(Dropout(0.5), X), X * 0.5)


def test_dense_takes_the_integral_float_of_python3_division():
    # mnist_cnn.py of 2015: Dense(nb_filters * (shapex / nb_pool) * (shapey / nb_pool), 128)
    layer = Dense(32 * (28 / 2) * (28 / 2), 4)
    assert layer.input_dim == 6272 and type(layer.input_dim) is int
    assert layer.get_weights()[0].shape == (6272, 4)


def lenet_like(seed):
    np.random.seed(seed)
    model = stack(Convolution2D(3, 1, 3, 3, activation='tanh', subsample=(2, 2)),
                  MaxPooling2D(), Flatten(), Dense(3 * 2 * 2, 2), Activation('softmax'))
    model.compile(loss='categorical_crossentropy', optimizer=SGD(lr=0.5))
    return model


def test_strided_convolution_trains_and_roundtrips_through_json():
    rng = np.random.RandomState(8)
    X = rng.uniform(size=(32, 1, 9, 9))
    y = (X[:, 0, :4].mean(axis=(1, 2)) > X[:, 0, 5:].mean(axis=(1, 2))).astype(int)
    X[y == 1, 0, :4] += 0.5
    Y = np.eye(2)[y]
    model = lenet_like(0)
    first = model.train_on_batch(X, Y)
    for _ in range(30):
        last = model.train_on_batch(X, Y)
    assert last < first * 0.5
    clone = model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-12)
    assert clone.layers[0].subsample == (2, 2)
