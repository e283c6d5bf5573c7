"""keras.layers.convolutional as of Keras 4e1ec93c2f: Convolution1D/2D, MaxPooling1D/2D,
UpSample1D/2D, ZeroPadding2D.

The graphs are 2015's: the 1-D layers go through the 2-D ops on a (batch, dim, steps, 1)
view, 'same' is a 'full' convolution cropped back to the input size, ZeroPadding2D writes
the input into zeros with set_subtensor. What 2015 crashed on is fixed (docs/compat.md):
no cuDNN lookup on a CPU (4e1ec93 raised NameError: dnn), strided convolutions train.
Each layer knows its output shape when its input's is known, so a stack_size that does
not match the previous layer's channels fails when the model is built; otherwise the
op itself fails on the first batch, naming the layer, before any weight changes.
"""
from .. import activations, initializations, validation
from .. import theano
from ..theano import tensor as T
from ..theano.conv_primitives import conv_output_size, pool_output_size, warn_empty_pool
from ..utils.theano_utils import shared_zeros
from .core import Layer, _plumbing_config, _weight_plumbing, check_ndim

BORDER_MODES = ('valid', 'full', 'same')


class _ShapedLayer(Layer):
    """A layer whose output shape follows from its input's (None while that is unknown),
    and which checks the number of dimensions of its input."""

    input_layout = None         # e.g. '(nb_samples, stack_size, rows, cols)'

    @property
    def output_shape(self):
        shape = self.input_sample_shape()
        return None if shape is None else self.shape_of(shape)

    def input_sample_shape(self):
        shape = getattr(self.previous, 'output_shape', None) if hasattr(self, 'previous') else None
        return None if shape is None or None in tuple(shape) else tuple(shape)

    def set_previous(self, layer):
        super(_ShapedLayer, self).set_previous(layer)
        shape = self.input_sample_shape()
        if shape is not None:
            self.check_input_shape(shape, 'follows %s, whose output samples have shape %s'
                                   % (layer.label(), shape))

    def check_input_shape(self, shape, source):
        ndim = self.input_layout.count(',')     # without the batch axis
        if len(shape) != ndim:
            raise ValueError('%s expects input %s, but it %s' % (self.label(), self.input_layout, source))

    def checked_input(self, train):
        X = self.get_input(train)
        check_ndim(self, X, self.input_layout.count(',') + 1, self.input_layout)
        return X

    def named(self, var, what):
        """Name a node so that an error evaluating it names this layer."""
        var.name = '%s %s' % (self.label(), what)
        return var


def _border_mode(layer_name, border_mode):
    # checked before any weight is drawn, as 2015 did
    if border_mode not in BORDER_MODES:
        raise ValueError('Invalid border mode for %s: %r (choose from %s)'
                         % (layer_name, border_mode, ', '.join(map(repr, BORDER_MODES))))
    return border_mode


class _Convolution(_ShapedLayer):
    """What the two convolution layers share: weights W (nb_filter, stack_size, rows, cols)
    drawn by `init` from np.random, then b = 0; a convolution of the 4-d view of the
    input, 'same' cropped from 'full'; the bias per filter; the activation."""

    def _build(self, W_shape, init, activation, weights, regs_and_constraints):
        self.init = initializations.get(init)
        self.activation = activations.get(activation)
        self.W_shape = W_shape
        self.W = self.init(self.W_shape)
        self.b = shared_zeros((W_shape[0],))
        self.params = [self.W, self.b]
        _weight_plumbing(self, *regs_and_constraints)
        if weights is not None:
            self.set_weights(weights)

    def convolve(self, X4, rows_cols):
        """conv2d of the (nb_samples, stack_size, rows, cols) tensor X4 with W; for 'same',
        the 'full' result cropped to X4's size (2015's crop, also with a subsample)."""
        mode = 'full' if self.border_mode == 'same' else self.border_mode
        out = self.named(T.nnet.conv.conv2d(X4, self.W, border_mode=mode, subsample=self.subsample),
                         'convolution')
        if self.border_mode == 'same':
            (sr, sc) = [(k - 1) // 2 for k in rows_cols]
            out = out[:, :, sr:X4.shape[2] + sr, sc:X4.shape[3] + sc]
        return self.activation(out + self.b.dimshuffle('x', 0, 'x', 'x'))

    def output_size(self, size, k, stride):
        if self.border_mode != 'same':
            return conv_output_size(size, k, stride, self.border_mode)
        shift = (k - 1) // 2
        return max(0, min(size + shift, conv_output_size(size, k, stride, 'full')) - shift)

    def check_channels(self, channels, source):
        if channels != self.W_shape[1]:
            raise ValueError('%s has %s=%d, but its input has %d (it %s)'
                             % (self.label(), self.channel_argument, self.W_shape[1], channels, source))


class Convolution1D(_Convolution):
    """Input (nb_samples, steps, input_dim) -> (nb_samples, new_steps, nb_filter).

    As in 2015, subsample_length strides the width-1 axis of the 2-d view, so it has no
    effect on the steps (kept for 2015 numerics; docs/compat.md)."""

    input_layout = '(nb_samples, steps, input_dim)'
    channel_argument = 'input_dim'

    def __init__(self, input_dim, nb_filter, filter_length,
                 init='uniform', activation='linear', weights=None,
                 border_mode='valid', subsample_length=1,
                 W_regularizer=None, b_regularizer=None, activity_regularizer=None,
                 W_constraint=None, b_constraint=None):
        self.border_mode = _border_mode('Convolution1D', border_mode)
        super(Convolution1D, self).__init__()
        self.nb_filter = validation.layer_size('Convolution1D', 'nb_filter', nb_filter)
        self.input_dim = validation.layer_size('Convolution1D', 'input_dim', input_dim)
        self.filter_length = validation.positive_int('Convolution1D', 'filter_length', filter_length)
        self.subsample_length = subsample_length
        self.subsample = (1, subsample_length)
        self.input = T.tensor3()
        self._build((nb_filter, input_dim, filter_length, 1), init, activation, weights,
                    (W_regularizer, b_regularizer, activity_regularizer, W_constraint, b_constraint))

    def check_input_shape(self, shape, source):
        super(Convolution1D, self).check_input_shape(shape, source)
        self.check_channels(shape[1], source)

    def shape_of(self, shape):
        return (self.output_size(shape[0], self.filter_length, 1), self.nb_filter)

    def get_output(self, train=False):
        X = self.checked_input(train)
        X4 = T.reshape(X, (X.shape[0], X.shape[1], X.shape[2], 1)).dimshuffle(0, 2, 1, 3)
        out = self.convolve(X4, (self.filter_length, 1))
        return T.reshape(out, (out.shape[0], out.shape[1], out.shape[2])).dimshuffle(0, 2, 1)

    def get_config(self):
        config = {"name": self.__class__.__name__,
                  "input_dim": self.input_dim,
                  "nb_filter": self.nb_filter,
                  "filter_length": self.filter_length,
                  "init": self.init.__name__,
                  "activation": self.activation.__name__,
                  "border_mode": self.border_mode,
                  "subsample_length": self.subsample_length}
        config.update(_plumbing_config(self))
        return config


class Convolution2D(_Convolution):
    """Input (nb_samples, stack_size, rows, cols) -> (nb_samples, nb_filter, new_rows,
    new_cols). A true convolution (filters flipped), as Theano's conv2d."""

    input_layout = '(nb_samples, stack_size, rows, cols)'
    channel_argument = 'stack_size'

    def __init__(self, nb_filter, stack_size, nb_row, nb_col,
                 init='glorot_uniform', activation='linear', weights=None,
                 border_mode='valid', subsample=(1, 1),
                 W_regularizer=None, b_regularizer=None, activity_regularizer=None,
                 W_constraint=None, b_constraint=None):
        self.border_mode = _border_mode('Convolution2D', border_mode)
        super(Convolution2D, self).__init__()
        self.subsample = tuple(subsample)
        self.nb_filter = validation.layer_size('Convolution2D', 'nb_filter', nb_filter)
        self.stack_size = validation.layer_size('Convolution2D', 'stack_size', stack_size)
        self.nb_row = validation.positive_int('Convolution2D', 'nb_row', nb_row)
        self.nb_col = validation.positive_int('Convolution2D', 'nb_col', nb_col)
        self.input = T.tensor4()
        self._build((nb_filter, stack_size, nb_row, nb_col), init, activation, weights,
                    (W_regularizer, b_regularizer, activity_regularizer, W_constraint, b_constraint))

    def check_input_shape(self, shape, source):
        super(Convolution2D, self).check_input_shape(shape, source)
        self.check_channels(shape[0], source)

    def shape_of(self, shape):
        return (self.nb_filter,
                self.output_size(shape[1], self.nb_row, self.subsample[0]),
                self.output_size(shape[2], self.nb_col, self.subsample[1]))

    def get_output(self, train=False):
        return self.convolve(self.checked_input(train), (self.nb_row, self.nb_col))

    def get_config(self):
        config = {"name": self.__class__.__name__,
                  "nb_filter": self.nb_filter,
                  "stack_size": self.stack_size,
                  "nb_row": self.nb_row,
                  "nb_col": self.nb_col,
                  "init": self.init.__name__,
                  "activation": self.activation.__name__,
                  "border_mode": self.border_mode,
                  "subsample": self.subsample}
        config.update(_plumbing_config(self))
        return config


class _Pooling(_ShapedLayer):
    def pool(self, X4, poolsize, stride):
        return self.named(T.signal.downsample.max_pool_2d(X4, ds=poolsize, st=stride,
                                                          ignore_border=self.ignore_border),
                          'pooling')

    def pooled_sizes(self, sizes, source):
        stride = self.st or self.poolsize
        out = tuple(pool_output_size(n, d, s, self.ignore_border)
                    for n, d, s in zip(sizes, self.poolsize, stride))
        if 0 in out:
            warn_empty_pool(self.label(), self.poolsize, sizes, ' (it %s)' % source)
        return out

    def shape_of(self, shape):
        # set_previous has checked that the pool fits
        return self.pooled_shape(shape, 'follows a layer with output samples of shape %s' % (shape,))


class MaxPooling1D(_Pooling):
    """Input (nb_samples, steps, input_dim): the maximum over pool_length steps, every
    `stride` steps (default pool_length)."""

    input_layout = '(nb_samples, steps, input_dim)'

    def __init__(self, pool_length=2, stride=None, ignore_border=True):
        super(MaxPooling1D, self).__init__()
        self.pool_length = validation.positive_int('MaxPooling1D', 'pool_length', pool_length)
        self.stride = stride
        self.st = (stride, 1) if stride else None
        self.input = T.tensor3()
        self.poolsize = (pool_length, 1)
        self.ignore_border = ignore_border

    def check_input_shape(self, shape, source):
        super(MaxPooling1D, self).check_input_shape(shape, source)
        self.pooled_shape(shape, source)

    def pooled_shape(self, shape, source):
        return (self.pooled_sizes((shape[0], 1), source)[0], shape[1])

    def get_output(self, train=False):
        X = self.checked_input(train)
        X4 = T.reshape(X, (X.shape[0], X.shape[1], X.shape[2], 1)).dimshuffle(0, 2, 1, 3)
        out = self.pool(X4, self.poolsize, self.st).dimshuffle(0, 2, 1, 3)
        return T.reshape(out, (out.shape[0], out.shape[1], out.shape[2]))

    def get_config(self):
        return {"name": self.__class__.__name__,
                "stride": self.stride,
                "pool_length": self.pool_length,
                "ignore_border": self.ignore_border}


class MaxPooling2D(_Pooling):
    """Input (nb_samples, stack_size, rows, cols): the maximum over poolsize windows of the
    rows and cols, every `stride` (default poolsize)."""

    input_layout = '(nb_samples, stack_size, rows, cols)'

    def __init__(self, poolsize=(2, 2), stride=None, ignore_border=True):
        super(MaxPooling2D, self).__init__()
        self.input = T.tensor4()
        self.poolsize = validation.shape_tuple('MaxPooling2D', 'poolsize', tuple(poolsize), what='')
        self.stride = stride
        self.st = tuple(stride) if stride else None
        self.ignore_border = ignore_border

    def check_input_shape(self, shape, source):
        super(MaxPooling2D, self).check_input_shape(shape, source)
        self.pooled_shape(shape, source)

    def pooled_shape(self, shape, source):
        return (shape[0],) + self.pooled_sizes(shape[1:], source)

    def get_output(self, train=False):
        return self.pool(self.checked_input(train), self.poolsize, self.st)

    def get_config(self):
        return {"name": self.__class__.__name__,
                "poolsize": self.poolsize,
                "ignore_border": self.ignore_border,
                "stride": self.stride}


class UpSample1D(_ShapedLayer):
    """Each step repeated `length` times."""

    input_layout = '(nb_samples, steps, input_dim)'

    def __init__(self, length=2):
        super(UpSample1D, self).__init__()
        self.length = validation.positive_int('UpSample1D', 'length', length)
        self.input = T.tensor3()

    def shape_of(self, shape):
        return (shape[0] * self.length, shape[1])

    def get_output(self, train=False):
        return theano.tensor.extra_ops.repeat(self.checked_input(train), self.length, axis=1)

    def get_config(self):
        return {"name": self.__class__.__name__, "length": self.length}


class UpSample2D(_ShapedLayer):
    """Each row repeated size[0] times and each column size[1] times."""

    input_layout = '(nb_samples, stack_size, rows, cols)'

    def __init__(self, size=(2, 2)):
        super(UpSample2D, self).__init__()
        self.input = T.tensor4()
        self.size = validation.shape_tuple('UpSample2D', 'size', tuple(size), what='')

    def shape_of(self, shape):
        return (shape[0], shape[1] * self.size[0], shape[2] * self.size[1])

    def get_output(self, train=False):
        X = self.checked_input(train)
        Y = theano.tensor.extra_ops.repeat(X, self.size[0], axis=2)
        return theano.tensor.extra_ops.repeat(Y, self.size[1], axis=3)

    def get_config(self):
        return {"name": self.__class__.__name__, "size": self.size}


class ZeroPadding2D(_ShapedLayer):
    """pad[0] rows of zeros above and below, pad[1] columns left and right."""

    input_layout = '(nb_samples, stack_size, rows, cols)'

    def __init__(self, pad=(1, 1)):
        super(ZeroPadding2D, self).__init__()
        self.pad = tuple(pad)
        self.input = T.tensor4()

    def shape_of(self, shape):
        return (shape[0], shape[1] + 2 * self.pad[0], shape[2] + 2 * self.pad[1])

    def get_output(self, train=False):
        X = self.checked_input(train)
        pad = self.pad
        in_shape = X.shape
        out = T.zeros((in_shape[0], in_shape[1], in_shape[2] + 2 * pad[0], in_shape[3] + 2 * pad[1]))
        inside = (slice(None), slice(None), slice(pad[0], in_shape[2] + pad[0]),
                  slice(pad[1], in_shape[3] + pad[1]))
        return T.set_subtensor(out[inside], X)

    def get_config(self):
        return {"name": self.__class__.__name__, "pad": self.pad}
