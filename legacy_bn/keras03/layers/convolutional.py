"""keras.layers.convolutional of Keras 0.3.3 on the backend K: Convolution1D/2D/3D,
MaxPooling1D/2D/3D, AveragePooling1D/2D/3D, UpSampling1D/2D/3D, ZeroPadding1D/2D/3D.

Images are (samples, channels, rows, cols) with dim_ordering='th' (the default) and
(samples, rows, cols, channels) with 'tf'; kernels (nb_filter, channels, rows, cols) and
(rows, cols, channels, nb_filter) respectively. The 1-D layers run the 2-D operation on
(samples, features, steps, 1), as 0.3.3 did. border_mode 'same' keeps
ceil(size / stride) positions.

As in 0.3.3, the kernel's initialization computes its fans the 'th' way whatever
dim_ordering is (0.3.3 dropped the dim_ordering it meant to pass), so a seeded 'tf'
model draws 0.3.3's numbers.
"""
from .. import backend as K
from .core import Layer, _WeightedLayer, extended_config, refuse_keras01_size


def conv_output_length(input_length, filter_size, border_mode, stride):
    """Positions along one axis after a window of `filter_size` moved by `stride`."""
    if input_length is None:
        return None
    assert border_mode in {'same', 'valid'}
    if border_mode == 'same':
        output_length = input_length
    else:
        output_length = input_length - filter_size + 1
    return (output_length + stride - 1) // stride


def _check_border_mode(owner, border_mode):
    if border_mode not in {'valid', 'same'}:
        raise ValueError("%s: border_mode must be 'valid' or 'same', got %r"
                         % (owner, border_mode))


def _check_dim_ordering(owner, dim_ordering):
    if dim_ordering not in {'th', 'tf'}:
        raise ValueError("%s: dim_ordering must be 'th' or 'tf', got %r"
                         % (owner, dim_ordering))


def _spatial_axes(ndim, dim_ordering):
    """The spatial axes of an input of rank `ndim`, and its channel axis."""
    if dim_ordering == 'th':
        return list(range(2, ndim)), 1
    return list(range(1, ndim - 1)), ndim - 1


# -- convolutions -----------------------------------------------------------------------------
class _Convolution(_WeightedLayer):
    """What Convolution1D/2D/3D share: the weights W and b (core's weighted layer: their
    regularizers, constraints and config), the border mode and the activation."""

    def _common(self, nb_filter, init, activation, weights, border_mode, W_regularizer,
                b_regularizer, activity_regularizer, W_constraint, b_constraint):
        _check_border_mode(self.__class__.__name__, border_mode)
        self.nb_filter = nb_filter
        self.border_mode = border_mode
        self._take_weight_args(init, activation, weights, W_regularizer, b_regularizer,
                               activity_regularizer, W_constraint, b_constraint)

    def _build_weights(self, W_shape):
        self.W_shape = W_shape
        self.W = self.init(self.W_shape, name=self._weight_name('W'))
        self.b = K.zeros((self.nb_filter,), name=self._weight_name('b'))
        self._finish_build([self.W, self.b])

    def _bias_shape(self, ndim, dim_ordering):
        shape = [1] * ndim
        shape[_spatial_axes(ndim, dim_ordering)[1]] = self.nb_filter
        return tuple(shape)


class Convolution1D(_Convolution):
    """Filters sliding along the steps of (samples, steps, input_dim) -> (samples,
    new_steps, nb_filter)."""
    input_ndim = 3
    _config_keys = ('nb_filter', 'filter_length', 'activation', 'border_mode',
                    'subsample_length', 'input_dim', 'input_length')

    def __init__(self, nb_filter, filter_length, init='uniform', activation='linear',
                 weights=None, border_mode='valid', subsample_length=1,
                 W_regularizer=None, b_regularizer=None, activity_regularizer=None,
                 W_constraint=None, b_constraint=None, input_dim=None, input_length=None,
                 **kwargs):
        refuse_keras01_size('Convolution1D', 'init', init,
                            'Convolution1D(input_dim, nb_filter, filter_length)',
                            'Convolution1D(nb_filter, filter_length, input_dim=...)')
        self._common(nb_filter, init, activation, weights, border_mode, W_regularizer,
                     b_regularizer, activity_regularizer, W_constraint, b_constraint)
        self.filter_length = filter_length
        self.subsample_length = subsample_length
        self.subsample = (subsample_length, 1)
        self.input_dim = input_dim
        self.input_length = input_length
        super(Convolution1D, self).__init__(
            **self.shape_keywords(kwargs, input_length, input_dim))

    def build(self):
        self._build_weights((self.nb_filter, self.input_shape[2], self.filter_length, 1))

    @property
    def output_shape(self):
        length = conv_output_length(self.input_shape[1], self.filter_length,
                                    self.border_mode, self.subsample[0])
        return (self.input_shape[0], length, self.nb_filter)

    def get_output(self, train=False):
        # (samples, steps, dim) -> (samples, dim, steps, 1), a 2-D convolution, and back
        X = K.permute_dimensions(K.expand_dims(self.get_input(train), -1), (0, 2, 1, 3))
        conv_out = K.conv2d(X, self.W, strides=self.subsample, border_mode=self.border_mode,
                            dim_ordering='th')
        output = self.activation(conv_out + K.reshape(self.b, (1, self.nb_filter, 1, 1)))
        return K.permute_dimensions(K.squeeze(output, 3), (0, 2, 1))


class _ConvolutionND(_Convolution):
    """Convolution2D and Convolution3D: a kernel of `kernel_size` over the spatial axes."""
    conv_name = None            # K.conv2d or K.conv3d
    shape_keyword = None        # their keyword for the input's shape

    def _setup(self, nb_filter, kernel_size, init, activation, weights, border_mode,
               subsample, dim_ordering, W_regularizer, b_regularizer, activity_regularizer,
               W_constraint, b_constraint):
        self._common(nb_filter, init, activation, weights, border_mode, W_regularizer,
                     b_regularizer, activity_regularizer, W_constraint, b_constraint)
        _check_dim_ordering(self.__class__.__name__, dim_ordering)
        self.kernel_size = tuple(kernel_size)
        self.subsample = tuple(subsample)
        self.dim_ordering = dim_ordering

    def build(self):
        if self.dim_ordering == 'th':
            self._build_weights((self.nb_filter, self.input_shape[1]) + self.kernel_size)
        else:
            self._build_weights(self.kernel_size + (self.input_shape[-1], self.nb_filter))

    @property
    def output_shape(self):
        input_shape = list(self.input_shape)
        spatial, channels = _spatial_axes(len(input_shape), self.dim_ordering)
        for axis, k, s in zip(spatial, self.kernel_size, self.subsample):
            input_shape[axis] = conv_output_length(input_shape[axis], k, self.border_mode, s)
        input_shape[channels] = self.nb_filter
        return tuple(input_shape)

    def get_output(self, train=False):
        X = self.get_input(train)
        conv = getattr(K, self.conv_name)
        conv_out = conv(X, self.W, strides=self.subsample, border_mode=self.border_mode,
                        dim_ordering=self.dim_ordering,
                        filter_shape=self.W_shape, **{self.shape_keyword: self.input_shape})
        bias = K.reshape(self.b, self._bias_shape(len(self.input_shape), self.dim_ordering))
        return self.activation(conv_out + bias)


class Convolution2D(_ConvolutionND):
    """2-D convolution of images: (samples, channels, rows, cols) -> (samples, nb_filter,
    new_rows, new_cols) with 'th' ordering."""
    input_ndim = 4
    conv_name = 'conv2d'
    _config_keys = ('nb_filter', 'nb_row', 'nb_col', 'activation', 'border_mode',
                    'subsample', 'dim_ordering')
    shape_keyword = 'image_shape'

    def __init__(self, nb_filter, nb_row, nb_col, init='glorot_uniform', activation='linear',
                 weights=None, border_mode='valid', subsample=(1, 1), dim_ordering='th',
                 W_regularizer=None, b_regularizer=None, activity_regularizer=None,
                 W_constraint=None, b_constraint=None, **kwargs):
        refuse_keras01_size('Convolution2D', 'init', init,
                            'Convolution2D(nb_filter, stack_size, nb_row, nb_col)',
                            'Convolution2D(nb_filter, nb_row, nb_col, input_shape=...)')
        self._setup(nb_filter, (nb_row, nb_col), init, activation, weights, border_mode,
                    subsample, dim_ordering, W_regularizer, b_regularizer,
                    activity_regularizer, W_constraint, b_constraint)
        self.nb_row, self.nb_col = nb_row, nb_col
        super(Convolution2D, self).__init__(**kwargs)


class Convolution3D(_ConvolutionND):
    """3-D convolution of volumes: (samples, channels, d1, d2, d3) with 'th' ordering."""
    input_ndim = 5
    conv_name = 'conv3d'
    _config_keys = ('nb_filter', 'kernel_dim1', 'kernel_dim2', 'kernel_dim3', 'activation',
                    'border_mode', 'subsample', 'dim_ordering')
    shape_keyword = 'volume_shape'

    def __init__(self, nb_filter, kernel_dim1, kernel_dim2, kernel_dim3,
                 init='glorot_uniform', activation='linear', weights=None,
                 border_mode='valid', subsample=(1, 1, 1), dim_ordering='th',
                 W_regularizer=None, b_regularizer=None, activity_regularizer=None,
                 W_constraint=None, b_constraint=None, **kwargs):
        self._setup(nb_filter, (kernel_dim1, kernel_dim2, kernel_dim3), init, activation,
                    weights, border_mode, subsample, dim_ordering, W_regularizer,
                    b_regularizer, activity_regularizer, W_constraint, b_constraint)
        self.kernel_dim1, self.kernel_dim2, self.kernel_dim3 = self.kernel_size
        super(Convolution3D, self).__init__(**kwargs)


# -- pooling --------------------------------------------------------------------------------
class _Pooling1D(Layer):
    """Pooling along the steps of (samples, steps, features), through the 2-D pooling of
    (samples, features, steps, 1)."""
    input_dim = 3        # sic: 0.3.3 wrote input_dim, so the rank is not checked
    pool_mode = None

    def __init__(self, pool_length=2, stride=None, border_mode='valid', **kwargs):
        super(_Pooling1D, self).__init__(**kwargs)
        if stride is None:
            stride = pool_length
        _check_border_mode(self.__class__.__name__, border_mode)
        self.pool_length = pool_length
        self.stride = stride
        self.st = (self.stride, 1)
        self.pool_size = (pool_length, 1)
        self.border_mode = border_mode

    @property
    def output_shape(self):
        input_shape = self.input_shape
        length = conv_output_length(input_shape[1], self.pool_length, self.border_mode,
                                    self.stride)
        return (input_shape[0], length, input_shape[2])

    def get_output(self, train=False):
        X = K.permute_dimensions(K.expand_dims(self.get_input(train), -1), (0, 2, 1, 3))
        output = K.pool2d(X, self.pool_size, self.st, self.border_mode, 'th',
                          pool_mode=self.pool_mode)
        return K.squeeze(K.permute_dimensions(output, (0, 2, 1, 3)), 3)

    def get_config(self):
        return extended_config(self, _Pooling1D, {'name': self.__class__.__name__,
                                          'stride': self.stride,
                                          'pool_length': self.pool_length,
                                          'border_mode': self.border_mode})


class MaxPooling1D(_Pooling1D):
    """The maximum of each window of `pool_length` steps."""
    pool_mode = 'max'


class AveragePooling1D(_Pooling1D):
    """The mean of each window of `pool_length` steps."""
    pool_mode = 'avg'


class _PoolingND(Layer):
    """2-D and 3-D pooling over the spatial axes."""
    pool_name = None            # K.pool2d or K.pool3d
    pool_mode = None

    def __init__(self, pool_size, strides=None, border_mode='valid', dim_ordering='th',
                 **kwargs):
        super(_PoolingND, self).__init__(**kwargs)
        _check_border_mode(self.__class__.__name__, border_mode)
        _check_dim_ordering(self.__class__.__name__, dim_ordering)
        self.pool_size = tuple(pool_size)
        self.strides = tuple(self.pool_size if strides is None else strides)
        self.border_mode = border_mode
        self.dim_ordering = dim_ordering

    @property
    def output_shape(self):
        input_shape = list(self.input_shape)
        spatial, _ = _spatial_axes(len(input_shape), self.dim_ordering)
        for axis, k, s in zip(spatial, self.pool_size, self.strides):
            input_shape[axis] = conv_output_length(input_shape[axis], k, self.border_mode, s)
        return tuple(input_shape)

    def get_output(self, train=False):
        pool = getattr(K, self.pool_name)
        return pool(self.get_input(train), self.pool_size, self.strides, self.border_mode,
                    self.dim_ordering, pool_mode=self.pool_mode)

    def get_config(self):
        return extended_config(self, _PoolingND, {'name': self.__class__.__name__,
                                          'pool_size': self.pool_size,
                                          'border_mode': self.border_mode,
                                          'strides': self.strides,
                                          'dim_ordering': self.dim_ordering})


class _Pooling2D(_PoolingND):
    input_ndim = 4
    pool_name = 'pool2d'

    def __init__(self, pool_size=(2, 2), strides=None, border_mode='valid',
                 dim_ordering='th', **kwargs):
        super(_Pooling2D, self).__init__(pool_size, strides, border_mode, dim_ordering,
                                         **kwargs)


class MaxPooling2D(_Pooling2D):
    """The maximum of each pool_size window of rows and cols."""
    pool_mode = 'max'


class AveragePooling2D(_Pooling2D):
    """The mean of each pool_size window of rows and cols."""
    pool_mode = 'avg'


class _Pooling3D(_PoolingND):
    input_ndim = 5
    pool_name = 'pool3d'

    def __init__(self, pool_size=(2, 2, 2), strides=None, border_mode='valid',
                 dim_ordering='th', **kwargs):
        super(_Pooling3D, self).__init__(pool_size, strides, border_mode, dim_ordering,
                                         **kwargs)


class MaxPooling3D(_Pooling3D):
    """The maximum of each pool_size window of a volume."""
    pool_mode = 'max'


class AveragePooling3D(_Pooling3D):
    """The mean of each pool_size window of a volume."""
    pool_mode = 'avg'


# -- up-sampling and zero-padding -----------------------------------------------------------
class UpSampling1D(Layer):
    """Each step repeated `length` times."""
    input_ndim = 3

    def __init__(self, length=2, **kwargs):
        super(UpSampling1D, self).__init__(**kwargs)
        self.length = length

    @property
    def output_shape(self):
        input_shape = self.input_shape
        return (input_shape[0], self.length * input_shape[1], input_shape[2])

    def get_output(self, train=False):
        return K.repeat_elements(self.get_input(train), self.length, axis=1)

    def get_config(self):
        return extended_config(self, UpSampling1D, {'name': self.__class__.__name__,
                                            'length': self.length})


class _Resize(Layer):
    """UpSampling2D/3D and ZeroPadding2D/3D: each spatial axis changed by its own factor
    (`_new_size`), the batch and channel axes kept."""
    factors_name = None

    def __init__(self, factors, dim_ordering='th', **kwargs):
        super(_Resize, self).__init__(**kwargs)
        setattr(self, self.factors_name, tuple(factors))
        _check_dim_ordering(self.__class__.__name__, dim_ordering)
        self.dim_ordering = dim_ordering

    @property
    def output_shape(self):
        input_shape = list(self.input_shape)
        spatial, _ = _spatial_axes(len(input_shape), self.dim_ordering)
        for axis, factor in zip(spatial, getattr(self, self.factors_name)):
            if input_shape[axis] is not None:
                input_shape[axis] = self._new_size(input_shape[axis], factor)
        return tuple(input_shape)

    def get_config(self):
        # 0.3.3 left dim_ordering out of these configs
        return extended_config(self, _Resize, {'name': self.__class__.__name__,
                                       self.factors_name: getattr(self, self.factors_name)})


class _UpSampling(_Resize):
    factors_name = 'size'

    @staticmethod
    def _new_size(size, factor):
        return size * factor


class UpSampling2D(_UpSampling):
    """Rows repeated size[0] times and columns size[1] times."""
    input_ndim = 4

    def __init__(self, size=(2, 2), dim_ordering='th', **kwargs):
        super(UpSampling2D, self).__init__(size, dim_ordering, **kwargs)

    def get_output(self, train=False):
        return K.resize_images(self.get_input(train), self.size[0], self.size[1],
                               self.dim_ordering)


class UpSampling3D(_UpSampling):
    """The three spatial axes repeated size[0], size[1] and size[2] times."""
    input_ndim = 5

    def __init__(self, size=(2, 2, 2), dim_ordering='th', **kwargs):
        super(UpSampling3D, self).__init__(size, dim_ordering, **kwargs)

    def get_output(self, train=False):
        return K.resize_volumes(self.get_input(train), self.size[0], self.size[1],
                                self.size[2], self.dim_ordering)


class ZeroPadding1D(Layer):
    """`padding` zero steps added at both ends of axis 1."""
    input_ndim = 3

    def __init__(self, padding=1, **kwargs):
        super(ZeroPadding1D, self).__init__(**kwargs)
        self.padding = padding

    @property
    def output_shape(self):
        input_shape = self.input_shape
        length = input_shape[1] + self.padding * 2 if input_shape[1] is not None else None
        return (input_shape[0], length, input_shape[2])

    def get_output(self, train=False):
        return K.temporal_padding(self.get_input(train), padding=self.padding)

    def get_config(self):
        return extended_config(self, ZeroPadding1D, {'name': self.__class__.__name__,
                                             'padding': self.padding})


class _ZeroPadding(_Resize):
    factors_name = 'padding'

    @staticmethod
    def _new_size(size, padding):
        return size + 2 * padding


class ZeroPadding2D(_ZeroPadding):
    """padding[0] zero rows at the top and bottom, padding[1] zero columns at each side."""
    input_ndim = 4

    def __init__(self, padding=(1, 1), dim_ordering='th', **kwargs):
        super(ZeroPadding2D, self).__init__(padding, dim_ordering, **kwargs)

    def get_output(self, train=False):
        return K.spatial_2d_padding(self.get_input(train), padding=self.padding,
                                    dim_ordering=self.dim_ordering)


class ZeroPadding3D(_ZeroPadding):
    """padding[i] zeros at both ends of spatial axis i."""
    input_ndim = 5

    def __init__(self, padding=(1, 1, 1), dim_ordering='th', **kwargs):
        super(ZeroPadding3D, self).__init__(padding, dim_ordering, **kwargs)

    def get_output(self, train=False):
        return K.spatial_3d_padding(self.get_input(train), padding=self.padding,
                                    dim_ordering=self.dim_ordering)
