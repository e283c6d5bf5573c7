"""keras.layers.convolutional (Keras 0.2.0): 0.3.3's classes, set_input_shape as 0.2.0's
(core.layer_0_2_0: get_config as 0.2.0's too), with the forms 0.2.0 had and 0.3.3 dropped:

- Convolution1D/2D take border_mode='full' too: every position where the (flipped) filter
  overlaps the input, size + filter - 1 before subsampling, as Theano's conv2d 'full'.
- MaxPooling1D(pool_length, stride, ignore_border) and MaxPooling2D(pool_size, stride,
  ignore_border) pool through Theano's max_pool_2d(ds, st, ignore_border). Their
  output_shape is what that operation returns (0.2.0's own formula disagreed with Theano
  in a few corner cases, e.g. a 3-wide pool every 2 over 3 positions without
  ignore_border: 0.2.0 said 2, Theano gave 1, and the next layer was built for 2).
- UpSample1D(length) and UpSample2D(size), the names 0.3.3 changed to UpSampling*.
"""
from ... import theano as _theano  # noqa: F401  (loads theano.tensor's submodules)
from ...theano import tensor as T
from ...theano.conv_primitives import pool_output_size, warn_empty_pool
from ...theano.tensor.signal.downsample import max_pool_2d
from ...keras03 import backend as K
from ...keras03.layers import convolutional as _03
from ...keras03.layers.core import Layer, extended_config
from ..numerics import SampleInputShape
from .core import Config020, layer_0_2_0

ZeroPadding1D = layer_0_2_0(_03.ZeroPadding1D, __name__)
ZeroPadding2D = layer_0_2_0(_03.ZeroPadding2D, __name__)


def conv_output_length(input_length, filter_size, border_mode, stride):
    """Positions along one axis after a filter of `filter_size` moved by `stride`
    ('valid', 'same' or 0.2.0's 'full')."""
    if input_length is None:
        return None
    if border_mode not in {'valid', 'same', 'full'}:
        raise ValueError("conv_output_length: border_mode must be 'valid', 'same' or "
                         "'full', got %r" % (border_mode,))
    if border_mode == 'full':
        return (input_length + filter_size - 1 + stride - 1) // stride
    return _03.conv_output_length(input_length, filter_size, border_mode, stride)


def pool_output_length(input_length, pool_size, ignore_border, stride):
    """Positions along one axis after Theano's max_pool_2d (None stays None)."""
    if input_length is None:
        return None
    return pool_output_size(input_length, pool_size, stride, ignore_border)


# -- convolutions: 'full' besides 0.3.3's 'valid' and 'same' -------------------------------
class _FullBorder(Config020, SampleInputShape):
    """Lets a 0.3.3 convolution take border_mode='full' (0.3.3's checks see 'valid')."""

    def _common(self, nb_filter, init, activation, weights, border_mode, *rest):
        full = border_mode == 'full'
        super(_FullBorder, self)._common(nb_filter, init, activation, weights,
                                         'valid' if full else border_mode, *rest)
        self.border_mode = border_mode

    def _full_conv(self, X):
        """Theano's 'full' convolution of (samples, channels, rows, cols), bias and
        activation added."""
        conv_out = T.nnet.conv.conv2d(X, self.W, border_mode='full',
                                      subsample=tuple(self.subsample))
        return self.activation(conv_out + K.reshape(self.b, (1, self.nb_filter, 1, 1)))


class Convolution1D(_FullBorder, _03.Convolution1D):
    __doc__ = _03.Convolution1D.__doc__

    @property
    def output_shape(self):
        if self.border_mode != 'full':
            return super(Convolution1D, self).output_shape
        samples, steps = self.input_shape[:2]
        return (samples, conv_output_length(steps, self.filter_length, 'full',
                                            self.subsample_length), self.nb_filter)

    def get_output(self, train=False):
        if self.border_mode != 'full':
            return super(Convolution1D, self).get_output(train)
        X = K.permute_dimensions(K.expand_dims(self.get_input(train), -1), (0, 2, 1, 3))
        return K.permute_dimensions(K.squeeze(self._full_conv(X), 3), (0, 2, 1))


class Convolution2D(_FullBorder, _03.Convolution2D):
    __doc__ = _03.Convolution2D.__doc__
    config_0_3_3_only = ('dim_ordering',)

    def __init__(self, *args, **kwargs):
        super(Convolution2D, self).__init__(*args, **kwargs)
        if self.border_mode == 'full' and self.dim_ordering != 'th':
            raise ValueError("Convolution2D: border_mode='full' needs dim_ordering='th' "
                             "(0.2.0 had no other), got %r" % (self.dim_ordering,))

    @property
    def output_shape(self):
        if self.border_mode != 'full':
            return super(Convolution2D, self).output_shape
        shape = self.input_shape
        rows, cols = (conv_output_length(n, k, 'full', s) for n, k, s
                      in zip(shape[2:], self.kernel_size, self.subsample))
        return (shape[0], self.nb_filter, rows, cols)

    def get_output(self, train=False):
        if self.border_mode != 'full':
            return super(Convolution2D, self).get_output(train)
        return self._full_conv(self.get_input(train))


# -- max pooling with 0.2.0's stride and ignore_border -------------------------------------
class _TheanoMaxPooling(Config020, SampleInputShape, Layer):
    """Theano's max_pool_2d over the last two axes of (samples, channels, rows, cols)."""

    def _pool(self, X):
        return max_pool_2d(X, ds=self.pool_size, st=self._st, ignore_border=self.ignore_border)

    def _pooled(self, sizes):
        """Each axis's length after the pool (a window larger than the input with
        ignore_border=True leaves 0, with a RuntimeWarning, as Theano's empty output)."""
        out = tuple(pool_output_length(n, p, self.ignore_border, s)
                    for n, p, s in zip(sizes, self.pool_size, self._st))
        if 0 in out:
            warn_empty_pool(self.__class__.__name__, self.pool_size, sizes)
        return out


class MaxPooling1D(_TheanoMaxPooling):
    """The maximum of each window of `pool_length` steps, windows every `stride` steps
    (default: pool_length); ignore_border=False keeps a last, partial window."""
    input_ndim = 3

    def __init__(self, pool_length=2, stride=None, ignore_border=True, **kwargs):
        super(MaxPooling1D, self).__init__(**kwargs)
        self.pool_length = pool_length
        self.stride = pool_length if stride is None else stride
        self.pool_size = (pool_length, 1)
        self._st = (self.stride, 1)
        self.ignore_border = ignore_border

    @property
    def output_shape(self):
        shape = self.input_shape
        return (shape[0], self._pooled((shape[1], 1))[0], shape[2])

    def get_output(self, train=False):
        # (samples, steps, dim) -> (samples, dim, steps, 1), pooled, and back
        X = K.permute_dimensions(K.expand_dims(self.get_input(train), -1), (0, 2, 1, 3))
        return K.permute_dimensions(K.squeeze(self._pool(X), 3), (0, 2, 1))

    def get_config(self):
        return extended_config(self, MaxPooling1D, {'name': self.__class__.__name__,
                                                    'stride': self.stride,
                                                    'pool_length': self.pool_length,
                                                    'ignore_border': self.ignore_border})


class MaxPooling2D(_TheanoMaxPooling):
    """The maximum of each pool_size window of rows and cols, windows every `stride`
    (default: pool_size); ignore_border=False keeps the partial windows at the edges."""
    input_ndim = 4

    def __init__(self, pool_size=(2, 2), stride=None, ignore_border=True, **kwargs):
        super(MaxPooling2D, self).__init__(**kwargs)
        self.pool_size = tuple(pool_size)
        self.stride = tuple(self.pool_size if stride is None else stride)
        self._st = self.stride
        self.ignore_border = ignore_border

    @property
    def output_shape(self):
        shape = self.input_shape
        return (shape[0], shape[1]) + self._pooled(shape[2:])

    def get_output(self, train=False):
        return self._pool(self.get_input(train))

    def get_config(self):
        return extended_config(self, MaxPooling2D, {'name': self.__class__.__name__,
                                                    'pool_size': self.pool_size,
                                                    'ignore_border': self.ignore_border,
                                                    'stride': self.stride})


# -- up-sampling under 0.2.0's names ---------------------------------------------------------
UpSample1D = type('UpSample1D', (Config020, SampleInputShape, _03.UpSampling1D),
                  {'__module__': __name__, '__doc__': _03.UpSampling1D.__doc__})
UpSample2D = type('UpSample2D', (Config020, SampleInputShape, _03.UpSampling2D),
                  {'__module__': __name__, '__doc__': _03.UpSampling2D.__doc__})
