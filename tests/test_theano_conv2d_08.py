"""T.nnet.conv2d with Theano 0.8's interface. 'valid' and 'full' are the 0.7 convolution
(checked against Theano in test_conv_ops.py); 'half', explicit padding and
filter_flip=False (which Theano 0.8.2 could not run on a CPU without BLAS: "no
implementation available") are checked against their definitions - zero padding then a
valid convolution, a convolution with the flipped filters - and finite differences."""
import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from test_tensor_grad import check_grad, data

X = data((2, 2, 6, 5))
W = data((3, 2, 3, 2), seed=1)


def _reference(x, w, pad, subsample, flip):
    """Zero padding, then a valid convolution (the filters flipped back for a
    correlation), by the 0.7 function."""
    xs, ws = T.tensor4(), T.tensor4()
    y = T.nnet.conv.conv2d(xs, ws, border_mode='valid', subsample=subsample)
    xp = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    return theano.function([xs, ws], y)(xp, w if flip else w[:, :, ::-1, ::-1])


@pytest.mark.parametrize('border_mode, pad', [('half', (1, 1)), (1, (1, 1)), ((2, 1), (2, 1)),
                                              ('valid', (0, 0))])
@pytest.mark.parametrize('subsample', [(1, 1), (2, 1)])
@pytest.mark.parametrize('flip', [True, False])
def test_padding_and_flip_by_definition(border_mode, pad, subsample, flip):
    x, w = T.tensor4('x'), T.tensor4('w')
    y = T.nnet.conv2d(x, w, border_mode=border_mode, subsample=subsample, filter_flip=flip)
    got = theano.function([x, w], y)(X, W)
    np.testing.assert_allclose(got, _reference(X, W, pad, subsample, flip), rtol=1e-12)


def test_half_keeps_the_size_for_odd_filters_and_gradients():
    x, w = T.tensor4('x'), T.tensor4('w')
    y = T.nnet.conv2d(x, w, border_mode='half')
    assert theano.function([x, w], y)(X, data((3, 2, 3, 3))).shape == (2, 3, 6, 5)
    check_grad(lambda a, b: T.nnet.conv2d(a, b, border_mode='half', filter_flip=False,
                                          subsample=(2, 1)), X[:1], W)
    check_grad(lambda a, b: T.nnet.conv2d(a, b, border_mode=(1, 2)), X[:1], W)


def test_full_and_valid_are_the_07_convolution():
    x, w = T.tensor4('x'), T.tensor4('w')
    assert T.nnet.conv2d(x, w, border_mode='full').op == 'conv2d'
    assert T.nnet.conv2d(x, w, image_shape=(None, 2, None, None)).attrs['image_shape'] == \
        (None, 2, None, None)


def test_conv2d_bad_border_mode_and_shapes():
    x, w = T.tensor4('x'), T.tensor4('w')
    with pytest.raises(ValueError, match="border_mode must be 'valid', 'full', 'half'"):
        T.nnet.conv2d(x, w, border_mode='same')
    with pytest.raises(ValueError, match='non-negative'):
        T.nnet.conv2d(x, w, border_mode=(-1, 0))
    with pytest.raises(TypeError, match='4-d tensor'):
        T.nnet.conv2d(T.matrix(), w, border_mode='half')
    y = T.nnet.conv2d(x, w, border_mode='half', input_shape=(1, 2, 4, 4))
    with pytest.raises(ValueError, match='input_shape'):
        theano.function([x, w], y)(np.zeros((1, 2, 5, 5)), np.zeros((3, 2, 3, 3)))
