"""keras.layers.normalization: the 2015 BatchNormalization (and the paper's, with
batch_statistics=True), LayerNormalization, GroupNormalization and InstanceNormalization."""
from .. import initializations, validation
from ..theano import tensor as T
from ..utils.theano_utils import ndim_tensor, shared_ones, shared_zeros
from .core import Layer, check_ndim

WEIGHT_NAMES = ['gamma', 'beta', 'running_mean', 'running_std']
ZERO_VARIANCE_GUARD = 1e-30   # far below any float32/float64 rounding of a real variance


class BatchNormalization(Layer):
    """Keras 4e1ec93c2f's BatchNormalization, quirks included (docs/compat.md).

    mode 0 (featurewise): (X - running_mean) / (running_std + epsilon), in
        training as well as at test time; the running statistics are updated by
        the training step from the batch (epsilon inside the square root there).
    mode 1 (samplewise): (X - mean) / (std + epsilon) over the last axis.
    Output: gamma * X_normed + beta, gamma drawn U(-0.05, 0.05).

    input_shape: the shape of one sample (an int or a tuple of positive ints).
    epsilon (>= 0): see the two formulas above. With epsilon=0 a constant sample gives
        0/0 = NaN in mode 1, and in mode 0 a feature whose running std reaches 0 does.
    momentum (in [0, 1]): how slowly the running statistics follow the batches. Every
        training step (train_on_batch, each batch of fit) sets
            running_mean = momentum * running_mean + (1 - momentum) * batch mean
            running_std  = momentum * running_std  + (1 - momentum) * batch std
        so momentum=0 keeps only the last batch and momentum=1 never changes them; with
        the default 0.9 a batch's weight halves about every 7 steps. (2015's get_config
        leaves momentum out: a model rebuilt from JSON has the default.)
    weights: [gamma, beta, running_mean, running_std], each of input_shape (of
        (input_shape[axis - 1],) with axis).
    axis: None (2015): on images (input_shape=(channels, rows, cols)) one statistic,
        gamma and beta per element, the mean over the batch axis only. axis=1 (not in
        2015; mode 0 only) gives the per-feature-map normalization of the paper instead:
        one gamma, beta and running mean/std per channel, statistics over the batch and
        all other axes (for a 2-d input it is the same as the default).
    batch_statistics: False (2015) or True, the batch normalization of the paper as
        Keras 0.3.3's mode 0 computes it (mode 0 only; not in 2015): in training
        (X - m) / (s + epsilon) with the batch's own mean m and std
        s = sqrt(mean((X - m)**2 + epsilon)), the gradient flowing through m and s; at
        test time the running statistics as above; gamma starts at ones (0.3.3's
        gamma_init='one'), so no random draw. The 2015 default stays (docs/compat.md).
    """

    def __init__(self, input_shape, epsilon=1e-6, mode=0, momentum=0.9, weights=None, axis=None,
                 batch_statistics=False):
        super(BatchNormalization, self).__init__()
        # Any mode is accepted here, as in 2015 (whose own test_setup constructs mode=3);
        # get_output, and so compile, rejects an unknown one.
        self.init = initializations.get("uniform")
        self.input_shape = validation.shape_tuple('BatchNormalization', 'input_shape', input_shape)
        self.epsilon = validation.non_negative('BatchNormalization', 'epsilon', epsilon)
        self.mode = mode
        self.momentum = validation.in_unit_interval('BatchNormalization', 'momentum', momentum)
        self.axis = self._check_axis(axis)
        self.batch_statistics = self._check_batch_statistics(batch_statistics)
        self.input = ndim_tensor(len(self.input_shape) + 1)

        param_shape = self.input_shape if axis is None else (self.input_shape[axis - 1],)
        self.gamma = shared_ones(param_shape) if self.batch_statistics else self.init(param_shape)
        self.beta = shared_zeros(param_shape)
        self.params = [self.gamma, self.beta]
        self.running_mean = shared_zeros(param_shape)
        self.running_std = shared_ones(param_shape)
        for var, name in zip(self.weight_variables(), WEIGHT_NAMES):
            var.name = name
        if weights is not None:
            self.set_weights(weights)

    def _check_axis(self, axis):
        if axis is None:
            return None
        if self.mode != 0:
            raise ValueError('BatchNormalization: axis=%r needs mode=0 (mode 1 normalizes each '
                             'sample over its last axis)' % (axis,))
        if axis not in range(1, len(self.input_shape) + 1):
            raise ValueError('BatchNormalization: axis must be one of the input\'s axes after the '
                             'batch axis (1..%d for input_shape=%s), got %r'
                             % (len(self.input_shape), self.input_shape, axis))
        return axis

    def _check_batch_statistics(self, batch_statistics):
        if batch_statistics not in (False, True):
            raise ValueError('BatchNormalization: batch_statistics must be True or False, got %r'
                             % (batch_statistics,))
        if batch_statistics and self.mode != 0:
            raise ValueError('BatchNormalization: batch_statistics=True needs mode=0 (mode 1 '
                             'normalizes each sample by itself), got mode=%r' % (self.mode,))
        return bool(batch_statistics)

    def _statistic_axes(self):
        """The axes the statistics are taken over, and how a parameter broadcasts to X."""
        ndim = len(self.input_shape) + 1
        if self.axis is None:
            return 0, lambda p: p
        pattern = ['x'] * ndim
        pattern[self.axis] = 0
        return tuple(a for a in range(ndim) if a != self.axis), lambda p: p.dimshuffle(*pattern)

    def _batch_moments(self, X):
        """The batch's mean and std (epsilon inside the square root), per parameter."""
        axes, spread = self._statistic_axes()
        m = X.mean(axis=axes)
        std = T.mean((X - spread(m)) ** 2 + self.epsilon, axis=axes) ** 0.5
        return m, std

    def init_updates(self):
        m, std = self._batch_moments(self.get_input(train=True))
        mean_update = self.momentum * self.running_mean + (1 - self.momentum) * m
        std_update = self.momentum * self.running_std + (1 - self.momentum) * std
        self.updates = [(self.running_mean, mean_update), (self.running_std, std_update)]

    def weight_variables(self):
        # get_weights() = [gamma, beta, running_mean, running_std]
        return self.params + [self.running_mean, self.running_std]

    def get_output(self, train=False):
        X = self.get_input(train)
        _, spread = self._statistic_axes()
        if self.mode == 0:
            m, std = self.running_mean, self.running_std
            if self.batch_statistics and train:
                m, std = self._batch_moments(X)
            X_normed = (X - spread(m)) / (spread(std) + self.epsilon)
        elif self.mode == 1:
            m = X.mean(axis=-1, keepdims=True)
            # + a tiny constant under the root: the same value to rounding, but a constant
            # (blank) sample no longer sends sqrt's infinite slope at 0 into the gradient
            # (2015 made the previous layer's weights NaN in one step, the loss finite)
            std = T.sqrt(X.var(axis=-1, keepdims=True) + ZERO_VARIANCE_GUARD)
            X_normed = (X - m) / (std + self.epsilon)
        else:
            # 2015 failed here with a NameError (X_normed undefined)
            raise ValueError('BatchNormalization: mode must be 0 (featurewise) or 1 (samplewise), '
                             'got %r' % (self.mode,))
        return spread(self.gamma) * X_normed + spread(self.beta)

    def get_config(self):
        config = {"name": self.__class__.__name__,
                  "input_shape": self.input_shape,
                  "epsilon": self.epsilon,
                  "mode": self.mode}
        if self.axis is not None:      # 2015 configs stay as they were
            config["axis"] = self.axis
        if self.batch_statistics:
            config["batch_statistics"] = True
        if self.momentum != 0.9 or self.batch_statistics:   # 2015 left it out: a rebuilt
            config["momentum"] = self.momentum              # model lost it
        return config


class _ShapedByPrevious(Layer):
    """A layer whose weights take their shape from `input_shape`, or in a Sequential from
    the previous layer's output shape: build(shape) makes them. Subclasses say in
    NEEDS what the shape must tell."""
    NEEDS = 'input_shape=(...)'
    UNKNOWN = 'the input shape is unknown'

    def set_previous(self, layer):
        super(_ShapedByPrevious, self).set_previous(layer)
        if self.input_shape is None:
            shape = self._shape_after(layer)
            if shape is None:
                raise ValueError('%s after %s: %s; pass %s'
                                 % (self.label(), layer.label(), self.UNKNOWN, self.NEEDS))
            self.build(tuple(shape))

    def _shape_after(self, layer):
        return layer.output_shape

    @property
    def output_shape(self):
        return self.input_shape

    def built_input(self, train):
        """The input, once the layer knows its shape."""
        if self.input_shape is None:
            raise ValueError('%s has no input shape yet: add it after a layer with a known '
                             'output shape, or pass %s' % (self.label(), self.NEEDS))
        return self.get_input(train)


class LayerNormalization(_ShapedByPrevious):
    """Layer normalization as the keras-layer-normalization package computes it:
    over the last axis, (x - mean) / sqrt(variance + epsilon), then * gamma + beta.
    Same in training and test; no running statistics. epsilon=None means 1e-14
    (that package's K.epsilon() ** 2); epsilon=0 gives NaN for a sample whose values are
    all equal. The size of the last axis comes from `input_shape`, or from the previous
    layer in a Sequential."""
    UNKNOWN = 'the size of the last axis is unknown'

    def __init__(self, center=True, scale=True, epsilon=None, gamma_init='one',
                 beta_init='zero', input_shape=None, weights=None,
                 gamma_initializer=None, beta_initializer=None):
        super(LayerNormalization, self).__init__()
        self.center = center
        self.scale = scale
        self.epsilon = 1e-14 if epsilon is None else \
            validation.non_negative('LayerNormalization', 'epsilon', epsilon)
        self.gamma_init = initializations.get(_init_name(gamma_initializer or gamma_init))
        self.beta_init = initializations.get(_init_name(beta_initializer or beta_init))
        self.initial_weights = weights
        self.input_shape = None
        if input_shape is not None:
            self.build(validation.shape_tuple('LayerNormalization', 'input_shape', input_shape))

    def build(self, input_shape):
        self.input_shape = input_shape
        self.input = ndim_tensor(len(input_shape) + 1)
        self.params = []
        if self.scale:
            self.gamma = self.gamma_init((input_shape[-1],))
            self.gamma.name = 'gamma'
            self.params.append(self.gamma)
        if self.center:
            self.beta = self.beta_init((input_shape[-1],))
            self.beta.name = 'beta'
            self.params.append(self.beta)
        if self.initial_weights is not None:
            self.set_weights(self.initial_weights)
            self.initial_weights = None

    def get_output(self, train=False):
        out = layer_normalize(self.built_input(train), self.epsilon)
        if self.scale:
            out = out * self.gamma
        if self.center:
            out = out + self.beta
        return out

    def get_config(self):
        return {"name": self.__class__.__name__, "center": self.center, "scale": self.scale,
                "epsilon": self.epsilon, "gamma_init": self.gamma_init.__name__,
                "beta_init": self.beta_init.__name__, "input_shape": self.input_shape}


class GroupNormalization(_ShapedByPrevious):
    """Group normalization (Wu & He 2018) of 4-d input (nb_samples, channels, rows, cols):
    the channels are split into `groups` consecutive groups, and each sample's group is
    normalized by its own mean and variance over the group's channels, rows and cols,
    (x - mean) / sqrt(variance + epsilon); then gamma * x + beta with one gain and bias
    per channel (ones and zeros at first). Same in training and test: no batch statistics.
    groups=1 is layer normalization over a whole feature map stack, groups=channels is
    InstanceNormalization.

    input_shape: (channels, rows, cols), or taken from the previous layer in a Sequential.
    weights: [gamma, beta], each of shape (channels,).
    """

    NEEDS = 'input_shape=(channels, rows, cols)'

    def __init__(self, groups, epsilon=1e-5, input_shape=None, weights=None):
        super(GroupNormalization, self).__init__()
        self.groups = validation.positive_int(self.label(), 'groups', groups) \
            if groups is not None else None
        self.epsilon = validation.non_negative(self.label(), 'epsilon', epsilon)
        self.initial_weights = weights
        self.input_shape = None
        self.input = ndim_tensor(4)
        if input_shape is not None:
            self.build(input_shape)

    def build(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3 or \
                any(d is not None and (isinstance(d, bool) or not isinstance(d, int) or d < 1)
                    for d in input_shape) or input_shape[0] is None:
            raise ValueError('%s: input_shape must be (channels, rows, cols) (rows and cols may '
                             'be None), got %r' % (self.label(), input_shape))
        channels = input_shape[0]
        groups = self._groups(channels)
        if channels % groups:
            raise ValueError('%s: groups=%d must divide the %d channels'
                             % (self.label(), groups, channels))
        self.input_shape = tuple(input_shape)
        self.gamma = shared_ones((channels,))
        self.beta = shared_zeros((channels,))
        self.gamma.name, self.beta.name = 'gamma', 'beta'
        self.params = [self.gamma, self.beta]
        if self.initial_weights is not None:
            self.set_weights(self.initial_weights)
            self.initial_weights = None

    def _groups(self, channels):
        return self.groups

    def _shape_after(self, layer):
        if layer.output_shape is None and getattr(layer, 'nb_filter', None):
            # a first convolution does not know its image size, only its channels
            return (layer.nb_filter, None, None)
        return layer.output_shape

    def get_output(self, train=False):
        X = self.built_input(train)
        check_ndim(self, X, 4, '(nb_samples, channels, rows, cols)')
        grouped = X.reshape((X.shape[0], self._groups(self.input_shape[0]), -1))
        out = layer_normalize(grouped, self.epsilon).reshape(X.shape)
        return out * self.gamma.dimshuffle('x', 0, 'x', 'x') + self.beta.dimshuffle('x', 0, 'x', 'x')

    def get_config(self):
        return {"name": self.__class__.__name__, "groups": self.groups, "epsilon": self.epsilon,
                "input_shape": self.input_shape}


class InstanceNormalization(GroupNormalization):
    """Instance normalization (Ulyanov, Vedaldi & Lempitsky 2016) of 4-d input: each
    sample's each channel normalized by its own mean and variance over rows and cols,
    then a gain and bias per channel. GroupNormalization with one channel per group."""

    def __init__(self, epsilon=1e-5, input_shape=None, weights=None):
        super(InstanceNormalization, self).__init__(None, epsilon, input_shape, weights)

    def _groups(self, channels):
        return channels

    def get_config(self):
        return {"name": self.__class__.__name__, "epsilon": self.epsilon,
                "input_shape": self.input_shape}


def layer_normalize(X, epsilon):
    """(X - mean) / sqrt(variance + epsilon) over the last axis (before gain and bias)."""
    mean = X.mean(axis=-1, keepdims=True)
    variance = T.mean(T.sqr(X - mean), axis=-1, keepdims=True)
    return (X - mean) / T.sqrt(variance + epsilon)


def _init_name(name):
    """Accept the modern Keras spellings ('ones', 'zeros') used by the package."""
    return {'ones': 'one', 'zeros': 'zero'}.get(name, name) if isinstance(name, str) else name


class LRN2D(Layer):
    """Local response normalization across channels, as 2015 Keras took it from pylearn2:
    X / (k + alpha * sum of X^2 over the n channels centred on each one) ** beta, the
    channels beyond the edges counting as zeros. Input (nb_samples, channels, rows, cols)."""

    def __init__(self, alpha=1e-4, k=2, beta=0.75, n=5):
        if n % 2 == 0:
            raise NotImplementedError("LRN2D only works with odd n. n provided: " + str(n))
        super(LRN2D, self).__init__()
        self.alpha = alpha
        self.k = k
        self.beta = beta
        self.n = n

    def get_output(self, train=False):
        X = self.get_input(train)
        check_ndim(self, X, 4, '(nb_samples, channels, rows, cols)')
        nb, channels, rows, cols = X.shape
        half = self.n // 2
        # the squares, between `half` zero channels on either side
        padded = T.set_subtensor(T.alloc(0., nb, channels + 2 * half, rows, cols)[:, half:half + channels],
                                 T.sqr(X))
        scale = self.k
        for first in range(self.n):       # a left fold, as 2015 summed the window
            scale += self.alpha * padded[:, first:first + channels]
        return X / scale ** self.beta

    def get_config(self):
        return {"name": self.__class__.__name__, "alpha": self.alpha, "k": self.k,
                "beta": self.beta, "n": self.n}
