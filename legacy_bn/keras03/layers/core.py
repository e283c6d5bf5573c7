"""keras.layers.core as of Keras 0.3.3: the Layer base with shape inference, and the core layers.

A 0.3 layer learns its input shape either from a keyword (`input_shape`, `batch_input_shape`,
or a layer's own `input_dim`/`input_length`) or from the layer it is connected to
(`set_previous`); `build()` then creates its weights. Shapes include the batch axis (None when
free). Outputs of connected layers are cached per container (`layer_cache`), keyed by the
previous layer and the train flag: that decides how often a Dropout draws its seed, so the
caching is kept exactly as 0.3.3 had it.
"""
import copy
import inspect
import numbers
from collections import OrderedDict

import numpy as np

from .. import backend as K
from .. import activations, constraints, initializations, regularizers
from ..regularizers import ActivityRegularizer

# keywords every 0.3.3 layer takes besides its own arguments
LAYER_KEYWORDS = ('input_shape', 'batch_input_shape', 'trainable', 'cache_enabled', 'name')
MERGE_MODES = ('sum', 'mul', 'concat', 'ave', 'join', 'cos', 'dot')

KERAS01_HINT = ('this looks like a Keras 0.1 script; run it with `python -m legacy_bn --keras 0.1 '
                'script.py` to choose the 0.1 surface')


class KeywordNotUnderstood(TypeError, AssertionError):
    """0.3.3 asserted; a TypeError is what Python raises for an unexpected keyword.
    Both `except` clauses catch this one."""


class ShapeError(ValueError):
    """An input shape that is missing or from which an output shape cannot be inferred."""


def describe(layer):
    """How errors name a layer: its class, and its name when it differs from the default."""
    cls = type(layer).__name__
    name = getattr(layer, '_name', None)
    return cls if name in (None, cls.lower()) else '%s %r' % (cls, name)


def refuse_keras01_size(layer_cls, argument, value, form_01, form_03):
    """0.1 layers took their input size first (`Dense(784, 512)`); under 0.3 the second
    number lands in a non-size argument (`init=512`). Say so instead of failing on 512."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        raise TypeError('%s: got %s=%r; %s takes %s, while %s was the Keras 0.1 form: %s'
                        % (layer_cls, argument, value, layer_cls, form_03, form_01, KERAS01_HINT))


class Layer(object):
    """Base of every 0.3.3 layer: an identity layer with shape inference."""

    def __init__(self, **kwargs):
        for kwarg in kwargs:
            if kwarg not in LAYER_KEYWORDS:
                raise KeywordNotUnderstood(
                    '%s: keyword argument not understood: %r (a Keras 0.3.3 %s takes its own '
                    'arguments and %s)' % (type(self).__name__, kwarg, type(self).__name__,
                                           ', '.join(LAYER_KEYWORDS)))
        if not hasattr(self, 'trainable_weights'):
            self.trainable_weights = []
        if not hasattr(self, 'non_trainable_weights'):
            self.non_trainable_weights = []
        self.name = kwargs.get('name', type(self).__name__.lower())
        self.cache_enabled = kwargs.get('cache_enabled', True)
        if 'batch_input_shape' in kwargs:
            self.set_input_shape(tuple(kwargs['batch_input_shape']))
        elif 'input_shape' in kwargs:
            self.set_input_shape((None,) + tuple(kwargs['input_shape']))
        self.trainable = kwargs.get('trainable', True)

    @staticmethod
    def shape_keywords(kwargs, *dims):
        """For layers with input_dim (and input_length): a given last size stands for
        input_shape=dims (earlier sizes may be None)."""
        if dims[-1]:
            kwargs['input_shape'] = tuple(dims)
        return kwargs

    # -- attributes 0.3.3 kept as properties -------------------------------------------------
    @property
    def name(self):
        return self._name

    @name.setter
    def name(self, name):
        self._name = name

    @property
    def cache_enabled(self):
        return self._cache_enabled

    @cache_enabled.setter
    def cache_enabled(self, value):
        self._cache_enabled = value

    @property
    def layer_cache(self):
        return getattr(self, '_layer_cache', None)

    @layer_cache.setter
    def layer_cache(self, value):
        self._layer_cache = value

    @property
    def shape_cache(self):
        return getattr(self, '_shape_cache', None)

    @shape_cache.setter
    def shape_cache(self, value):
        self._shape_cache = value

    @property
    def trainable(self):
        return getattr(self, '_trainable', True)

    @trainable.setter
    def trainable(self, value):
        self._trainable = value

    @property
    def nb_input(self):
        return 1

    @property
    def nb_output(self):
        return 1

    # -- applying a layer to a tensor (Siamese, TimeDistributed) -------------------------------
    def __call__(self, X, mask=None, train=False):
        """The layer's output for the tensor X, its weights and connections left as they were."""
        saved_caches = self.layer_cache, self.shape_cache
        self.layer_cache, self.shape_cache = {}, {}
        feeder = Layer(batch_input_shape=self.input_shape)
        feeder.name = 'dummy'
        feeder.input = X
        if hasattr(self, 'get_input_mask'):
            feeder.get_input_mask = lambda _: mask
        saved_previous = getattr(self, 'previous', None)
        self.set_previous(feeder, False)
        Y = self.get_output(train=train)
        if saved_previous is not None:
            self.set_previous(saved_previous, False)
        else:
            self.clear_previous(False)
        self.layer_cache, self.shape_cache = saved_caches
        return Y

    # -- connections -------------------------------------------------------------------------
    def set_previous(self, layer, reset_weights=True):
        """Feed this layer from `layer`; with reset_weights the weights are built anew."""
        if not self.nb_input == layer.nb_output == 1:
            raise ValueError('Cannot connect %s to %s: a layer connects one output to one '
                             'input (%s has %d outputs, %s %d inputs)'
                             % (describe(self), describe(layer), describe(layer),
                                layer.nb_output, describe(self), self.nb_input))
        if getattr(self, 'input_ndim', None):
            given = layer.output_shape
            if given is None or self.input_ndim != len(given):
                raise ShapeError('Incompatible shapes: %s expects input with ndim=%d (batch axis '
                                 'included), but the previous layer %s has output_shape %s'
                                 % (describe(self), self.input_ndim, describe(layer), given))
        if layer.get_output_mask() is not None and not self.supports_masked_input():
            raise ValueError('Cannot connect non-masking layer %s to %s, whose output is '
                             'masked' % (describe(self), describe(layer)))
        if not reset_weights and layer.output_shape != self.input_shape:
            raise ShapeError('Cannot connect %s to %s without resetting its weights: it '
                             'expects input of shape %s, the previous layer outputs %s'
                             % (describe(self), describe(layer), self.input_shape,
                                layer.output_shape))
        self.previous = layer
        if reset_weights:
            self.build()

    def clear_previous(self, reset_weights=True):
        """Disconnect; only layers that have an `input` of their own can stand alone."""
        if not hasattr(self, 'input'):
            raise ValueError('Cannot clear previous for non-input layer %s' % describe(self))
        if hasattr(self, 'previous'):
            del self.previous
            if reset_weights:
                self.build()

    def build(self):
        """Create the weights once the input shape is known (layers with weights override)."""

    # -- shapes ------------------------------------------------------------------------------
    @property
    def input_shape(self):
        if hasattr(self, 'previous'):
            cache = self.shape_cache if self.cache_enabled else None
            key = id(self.previous)
            if cache is not None and key in cache:
                return cache[key]
            shape = self.previous.output_shape
            if cache is not None:
                cache[key] = shape
            return shape
        if hasattr(self, '_input_shape'):
            return self._input_shape
        raise ShapeError('%s does not know its input shape: it is not connected to a previous '
                         'layer and got no input_shape. The first layer of a model needs '
                         'input_shape=(...) (the shape of one sample), or input_dim=... / '
                         'batch_input_shape=(...), e.g. Dense(512, input_dim=784)'
                         % describe(self))

    def set_input_shape(self, input_shape):
        if type(input_shape) not in (tuple, list):
            raise ShapeError('%s: invalid input shape %r; input_shape must be a tuple of ints'
                             % (describe(self), input_shape))
        input_shape = tuple(input_shape)
        if getattr(self, 'input_ndim', None) and self.input_ndim != len(input_shape):
            raise ShapeError('%s: invalid input shape - the layer expects input with ndim=%d '
                             '(batch axis included), got input shape %s (input_shape is given '
                             'without the batch axis)' % (describe(self), self.input_ndim,
                                                          input_shape))
        self._input_shape = input_shape
        self.input = K.placeholder(shape=self._input_shape)
        self.build()

    @property
    def output_shape(self):
        return self.input_shape

    # -- the symbolic computation -------------------------------------------------------------
    def get_output(self, train=False):
        return self.get_input(train)

    def get_input(self, train=False):
        if hasattr(self, 'previous'):
            cache = self.layer_cache if self.cache_enabled else None
            key = '%s_%s' % (id(self.previous), train)
            if cache is not None and key in cache:
                return cache[key]
            output = self.previous.get_output(train=train)
            if cache is not None:
                cache[key] = output
            return output
        if not hasattr(self, 'input'):
            self.input = K.placeholder(shape=self.input_shape)
        return self.input

    def supports_masked_input(self):
        """Whether this layer may follow one whose output carries a mask."""
        return False

    def get_output_mask(self, train=None):
        """A (samples, timesteps) 0/1 mask of the output, or None for unmasked output."""
        return None

    # -- weights -----------------------------------------------------------------------------
    def set_weights(self, weights):
        """Checks every array's count and shape before it sets any."""
        params = self.trainable_weights + self.non_trainable_weights
        if len(params) != len(weights):
            raise ValueError('%s.set_weights: provided weight array does not match layer '
                             'weights (%d layer params vs. %d provided weights)'
                             % (describe(self), len(params), len(weights)))
        arrays = [np.asarray(w) for w in weights]
        for k, (p, w) in enumerate(zip(params, arrays)):
            if K.get_value(p).shape != w.shape:
                raise ValueError('%s.set_weights: layer weight %d (%s) has shape %s, not '
                                 'compatible with provided weight shape %s'
                                 % (describe(self), k, getattr(p, 'name', None),
                                    K.get_value(p).shape, w.shape))
        for p, w in zip(params, arrays):
            K.set_value(p, w)

    def get_weights(self):
        return [K.get_value(p) for p in self.trainable_weights + self.non_trainable_weights]

    def get_config(self):
        config = {'name': type(self).__name__}
        if hasattr(self, '_input_shape'):
            if self._input_shape[0]:
                config['batch_input_shape'] = self._input_shape[:]
            else:
                config['input_shape'] = self._input_shape[1:]
        if hasattr(self, '_trainable'):
            config['trainable'] = self._trainable
        config['cache_enabled'] = self.cache_enabled
        config['custom_name'] = self.name
        return config

    def get_params(self):
        """(trainable weights, regularizers, one constraint per weight, updates)."""
        regs = getattr(self, 'regularizers', [])
        n = len(self.trainable_weights)
        if hasattr(self, 'constraints') and len(self.constraints) == n:
            consts = [c if c else constraints.identity() for c in self.constraints]
        elif getattr(self, 'constraint', None):
            consts = [self.constraint] * n
        else:
            consts = [constraints.identity() for _ in range(n)]
        updates = list(self.updates) if getattr(self, 'updates', None) else []
        return self.trainable_weights, regs, consts, updates

    def count_params(self):
        return sum(K.count_params(p) for p in self.trainable_weights)


def extended_config(layer, cls, config):
    """`config` over the base class's get_config (0.3.3's merge order: own keys win)."""
    base = super(cls, layer).get_config()
    base.update(config)
    return base


class MaskedLayer(Layer):
    """A layer that passes its input's mask on unchanged (and must respect it)."""

    def supports_masked_input(self):
        return True

    def get_input_mask(self, train=False):
        if hasattr(self, 'previous'):
            return self.previous.get_output_mask(train)
        return None

    def get_output_mask(self, train=False):
        return self.get_input_mask(train)


class Masking(MaskedLayer):
    """Timesteps whose features all equal `mask_value` are masked out and zeroed."""

    def __init__(self, mask_value=0., **kwargs):
        super(Masking, self).__init__(**kwargs)
        self.mask_value = mask_value

    def get_output_mask(self, train=False):
        return K.any(K.not_equal(self.get_input(train), self.mask_value), axis=-1)

    def get_output(self, train=False):
        X = self.get_input(train)
        kept = K.any(K.not_equal(X, self.mask_value), axis=-1, keepdims=True)
        return X * K.cast(kept, K.floatx())

    def get_config(self):
        return extended_config(self, Masking, {'name': type(self).__name__,
                                               'mask_value': self.mask_value})


# -- layers with a weight matrix ----------------------------------------------------------------
class _WeightedLayer(Layer):
    """What Dense, TimeDistributedDense, MaxoutDense and Highway share: their initializer,
    activation, regularizers and constraints of W and b, and initial weights."""
    _config_keys = ()       # extra constructor arguments recorded in get_config

    def _take_weight_args(self, init, activation, weights, W_regularizer, b_regularizer,
                          activity_regularizer, W_constraint, b_constraint):
        self.init = initializations.get(init)
        self.activation = activations.get(activation)
        self.W_regularizer = regularizers.get(W_regularizer)
        self.b_regularizer = regularizers.get(b_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.W_constraint = constraints.get(W_constraint)
        self.b_constraint = constraints.get(b_constraint)
        self.constraints = [self.W_constraint, self.b_constraint]
        self.initial_weights = weights

    def _finish_build(self, trainable_weights):
        """Attach the regularizers (W's, b's, then the activity's) and any initial weights."""
        self.trainable_weights = trainable_weights
        self.regularizers = []
        for regularizer, param in ((self.W_regularizer, self.W), (self.b_regularizer, self.b)):
            if regularizer:
                regularizer.set_param(param)
                self.regularizers.append(regularizer)
        if self.activity_regularizer:
            self.activity_regularizer.set_layer(self)
            self.regularizers.append(self.activity_regularizer)
        if self.initial_weights is not None:
            self.set_weights(self.initial_weights)
            del self.initial_weights

    def _weight_name(self, suffix):
        return '{}_{}'.format(self.name, suffix)

    def get_config(self):
        def conf(obj):
            return obj.get_config() if obj else None
        config = {'name': type(self).__name__, 'init': self.init.__name__,
                  'W_regularizer': conf(self.W_regularizer),
                  'b_regularizer': conf(self.b_regularizer),
                  'activity_regularizer': conf(self.activity_regularizer),
                  'W_constraint': conf(self.W_constraint),
                  'b_constraint': conf(self.b_constraint)}
        for key in self._config_keys:
            value = getattr(self, key)
            config[key] = value.__name__ if key == 'activation' else value
        return extended_config(self, _WeightedLayer, config)


class Dense(_WeightedLayer):
    """Fully connected: activation(dot(X, W) + b), X of shape (samples, input_dim)."""
    input_ndim = 2
    _config_keys = ('output_dim', 'activation', 'input_dim')

    def __init__(self, output_dim, init='glorot_uniform', activation='linear', weights=None,
                 W_regularizer=None, b_regularizer=None, activity_regularizer=None,
                 W_constraint=None, b_constraint=None, input_dim=None, **kwargs):
        refuse_keras01_size('Dense', 'init', init, 'Dense(input_dim, output_dim)',
                            'Dense(output_dim, input_dim=...)')
        self._take_weight_args(init, activation, weights, W_regularizer, b_regularizer,
                               activity_regularizer, W_constraint, b_constraint)
        self.output_dim = output_dim
        self.input_dim = input_dim
        super(Dense, self).__init__(**self.shape_keywords(kwargs, input_dim))

    def build(self):
        input_dim = self.input_shape[1]
        self.W = self.init((input_dim, self.output_dim), name=self._weight_name('W'))
        self.b = K.zeros((self.output_dim,), name=self._weight_name('b'))
        self._finish_build([self.W, self.b])

    @property
    def output_shape(self):
        return (self.input_shape[0], self.output_dim)

    def get_output(self, train=False):
        X = self.get_input(train)
        return self.activation(K.dot(X, self.W) + self.b)


class TimeDistributedDense(_WeightedLayer, MaskedLayer):
    """The same Dense applied at every timestep of (samples, timesteps, input_dim)."""
    input_ndim = 3
    _config_keys = ('output_dim', 'activation', 'input_dim', 'input_length')

    def __init__(self, output_dim, init='glorot_uniform', activation='linear', weights=None,
                 W_regularizer=None, b_regularizer=None, activity_regularizer=None,
                 W_constraint=None, b_constraint=None, input_dim=None, input_length=None,
                 **kwargs):
        refuse_keras01_size('TimeDistributedDense', 'init', init,
                            'TimeDistributedDense(input_dim, output_dim)',
                            'TimeDistributedDense(output_dim, input_dim=...)')
        self._take_weight_args(init, activation, weights, W_regularizer, b_regularizer,
                               activity_regularizer, W_constraint, b_constraint)
        self.output_dim = output_dim
        self.input_dim = input_dim
        self.input_length = input_length
        super(TimeDistributedDense, self).__init__(
            **self.shape_keywords(kwargs, input_length, input_dim))

    def build(self):
        input_dim = self.input_shape[2]
        self.W = self.init((input_dim, self.output_dim), name=self._weight_name('W'))
        self.b = K.zeros((self.output_dim,), name=self._weight_name('b'))
        self._finish_build([self.W, self.b])

    @property
    def output_shape(self):
        shape = self.input_shape
        return (shape[0], shape[1], self.output_dim)

    def get_output(self, train=False):
        X = self.get_input(train)
        # samples and timesteps folded into one axis for one matrix product
        Y = K.dot(K.reshape(X, (-1, self.input_shape[-1])), self.W) + self.b
        timesteps = self.input_shape[1] or K.shape(X)[1]
        return self.activation(K.reshape(Y, (-1, timesteps, self.output_shape[-1])))


class MaxoutDense(_WeightedLayer):
    """Element-wise maximum of nb_feature linear Dense layers (no activation)."""
    input_ndim = 2
    _config_keys = ('output_dim', 'nb_feature', 'input_dim')

    def __init__(self, output_dim, nb_feature=4, init='glorot_uniform', weights=None,
                 W_regularizer=None, b_regularizer=None, activity_regularizer=None,
                 W_constraint=None, b_constraint=None, input_dim=None, **kwargs):
        refuse_keras01_size('MaxoutDense', 'init', init,
                            'MaxoutDense(input_dim, output_dim, nb_feature)',
                            'MaxoutDense(output_dim, nb_feature, input_dim=...)')
        self._take_weight_args(init, 'linear', weights, W_regularizer, b_regularizer,
                               activity_regularizer, W_constraint, b_constraint)
        self.output_dim = output_dim
        self.nb_feature = nb_feature
        self.input_dim = input_dim
        super(MaxoutDense, self).__init__(**self.shape_keywords(kwargs, input_dim))

    def build(self):
        input_dim = self.input_shape[1]
        self.W = self.init((self.nb_feature, input_dim, self.output_dim),
                           name=self._weight_name('W'))
        self.b = K.zeros((self.nb_feature, self.output_dim), name=self._weight_name('b'))
        self._finish_build([self.W, self.b])

    @property
    def output_shape(self):
        return (self.input_shape[0], self.output_dim)

    def get_output(self, train=False):
        return K.max(K.dot(self.get_input(train), self.W) + self.b, axis=1)


class Highway(_WeightedLayer):
    """t * activation(XW + b) + (1 - t) * X with the transform gate t = sigmoid(X W_carry + b_carry)."""
    input_ndim = 2
    _config_keys = ('transform_bias', 'activation', 'input_dim')

    def __init__(self, init='glorot_uniform', transform_bias=-2, activation='linear',
                 weights=None, W_regularizer=None, b_regularizer=None,
                 activity_regularizer=None, W_constraint=None, b_constraint=None,
                 input_dim=None, **kwargs):
        refuse_keras01_size('Highway', 'init', init, 'Highway(input_dim, ...)',
                            'Highway(input_dim=...)')
        self._take_weight_args(init, activation, weights, W_regularizer, b_regularizer,
                               activity_regularizer, W_constraint, b_constraint)
        self.transform_bias = transform_bias
        self.input_dim = input_dim
        super(Highway, self).__init__(**self.shape_keywords(kwargs, input_dim))

    def build(self):
        input_dim = self.input_shape[1]
        self.W = self.init((input_dim, input_dim), name=self._weight_name('W'))
        self.W_carry = self.init((input_dim, input_dim), name=self._weight_name('W_carry'))
        self.b = K.zeros((input_dim,), name=self._weight_name('b'))
        self.b_carry = K.variable(np.ones((input_dim,)) * self.transform_bias,
                                  name=self._weight_name('b_carry'))
        self._finish_build([self.W, self.b, self.W_carry, self.b_carry])

    @property
    def output_shape(self):
        return (self.input_shape[0], self.input_shape[1])

    def get_output(self, train=False):
        X = self.get_input(train)
        gate = activations.sigmoid(K.dot(X, self.W_carry) + self.b_carry)
        transformed = self.activation(K.dot(X, self.W) + self.b) * gate
        return transformed + (1 - gate) * X


# -- layers without weights ---------------------------------------------------------------------
class Dropout(MaskedLayer):
    """Inverted dropout (0.3): in training, zero a fraction p of the units and divide the
    rest by 1 - p; at test time the identity. The seed is drawn when the training graph is
    built (at compile)."""

    def __init__(self, p, **kwargs):
        super(Dropout, self).__init__(**kwargs)
        self.p = p

    def get_output(self, train=False):
        X = self.get_input(train)
        if self.p > 0. and train:
            X = K.dropout(X, level=self.p)
        return X

    def get_config(self):
        return extended_config(self, Dropout, {'name': type(self).__name__, 'p': self.p})


class Activation(MaskedLayer):
    def __init__(self, activation, **kwargs):
        super(Activation, self).__init__(**kwargs)
        self.activation = activations.get(activation)

    def get_output(self, train=False):
        return self.activation(self.get_input(train))

    def get_config(self):
        return extended_config(self, Activation, {'name': type(self).__name__,
                                                  'activation': self.activation.__name__})


def infer_reshape(layer, input_shape, dims):
    """`dims` with its one -1 (if any) replaced so the total size matches `input_shape`."""
    dims = list(dims)
    unknown = [i for i, d in enumerate(dims) if d < 0]
    if len(unknown) > 1:
        raise ShapeError('%s: can only specify one unknown dimension, got dims=%s'
                         % (describe(layer), tuple(dims)))
    if input_shape is None or not all(input_shape):
        raise ShapeError('%s: cannot infer the output shape from input shape %s (Reshape needs '
                         'a fully known input shape)' % (describe(layer), input_shape))
    known = int(np.prod([d for d in dims if d >= 0], dtype=int))
    total = int(np.prod(input_shape, dtype=int))
    if unknown:
        if known == 0 or total % known:
            raise ShapeError('%s: total size of new array must be unchanged: cannot reshape '
                             '%s to %s' % (describe(layer), tuple(input_shape), tuple(dims)))
        dims[unknown[0]] = total // known
    elif total != known:
        raise ShapeError('%s: total size of new array must be unchanged: cannot reshape %s '
                         '(%d values) to %s (%d values)' % (describe(layer), tuple(input_shape),
                                                            total, tuple(dims), known))
    return tuple(dims)


class Reshape(Layer):
    """Reshape each sample to `dims` (one of which may be -1)."""

    def __init__(self, dims, *more_dims, **kwargs):
        if more_dims:
            raise TypeError('Reshape(%s): takes the target shape as one tuple, Reshape(dims), '
                            'while Reshape(*dims) was the Keras 0.1 form: %s'
                            % (', '.join(map(repr, (dims,) + more_dims)), KERAS01_HINT))
        super(Reshape, self).__init__(**kwargs)
        self.dims = tuple(dims)

    @property
    def output_shape(self):
        shape = self.input_shape
        return (shape[0],) + infer_reshape(self, shape[1:], self.dims)

    def get_output(self, train=False):
        return K.reshape(self.get_input(train), (-1,) + self.output_shape[1:])

    def get_config(self):
        return extended_config(self, Reshape, {'name': type(self).__name__, 'dims': self.dims})


class Permute(Layer):
    """Permute the sample axes by `dims` (1-based: (2, 1) swaps the first two)."""

    def __init__(self, dims, **kwargs):
        super(Permute, self).__init__(**kwargs)
        self.dims = tuple(dims)

    @property
    def output_shape(self):
        shape = list(self.input_shape)
        permuted = copy.copy(shape)
        for i, axis in enumerate(self.dims):
            permuted[i + 1] = shape[axis]
        return tuple(permuted)

    def get_output(self, train=False):
        return K.permute_dimensions(self.get_input(train), (0,) + self.dims)

    def get_config(self):
        return extended_config(self, Permute, {'name': type(self).__name__, 'dims': self.dims})


class Flatten(Layer):
    """(samples, d1, d2, ...) -> (samples, d1 * d2 * ...)."""

    def __init__(self, **kwargs):
        super(Flatten, self).__init__(**kwargs)

    @property
    def output_shape(self):
        shape = self.input_shape
        if not all(shape[1:]):
            raise ShapeError('%s: the shape of its input is not fully defined (got %s); pass '
                             'a complete input_shape or batch_input_shape to the first layer '
                             'of the model' % (describe(self), tuple(shape[1:])))
        return (shape[0], int(np.prod(shape[1:])))

    def get_output(self, train=False):
        return K.batch_flatten(self.get_input(train))


class RepeatVector(Layer):
    """(samples, features) -> (samples, n, features)."""

    def __init__(self, n, **kwargs):
        super(RepeatVector, self).__init__(**kwargs)
        self.n = n

    @property
    def output_shape(self):
        shape = self.input_shape
        return (shape[0], self.n, shape[1])

    def get_output(self, train=False):
        return K.repeat(self.get_input(train), self.n)

    def get_config(self):
        return extended_config(self, RepeatVector, {'name': type(self).__name__, 'n': self.n})


class ActivityRegularization(Layer):
    """Identity whose output's L1/L2 activity is added to the training loss."""

    def __init__(self, l1=0., l2=0., **kwargs):
        super(ActivityRegularization, self).__init__(**kwargs)
        self.l1 = l1
        self.l2 = l2
        regularizer = ActivityRegularizer(l1=l1, l2=l2)
        regularizer.set_layer(self)
        self.regularizers = [regularizer]

    def get_config(self):
        return extended_config(self, ActivityRegularization,
                               {'name': type(self).__name__, 'l1': self.l1, 'l2': self.l2})


class TimeDistributedMerge(Layer):
    """(samples, steps, features) -> (samples, features) by sum, mul or ave over the steps."""
    input_ndim = 3

    def __init__(self, mode='sum', **kwargs):
        super(TimeDistributedMerge, self).__init__(**kwargs)
        self.mode = mode
        self.trainable_weights = []
        self.regularizers = []
        self.constraints = []
        self.updates = []

    @property
    def output_shape(self):
        return (None, self.input_shape[2])

    def get_output(self, train=False):
        reduce_by = {'ave': K.mean, 'sum': K.sum, 'mul': K.prod}.get(self.mode)
        if reduce_by is None:
            raise ValueError('%s: unknown merge mode %r (one of sum, mul, ave)'
                             % (describe(self), self.mode))
        return reduce_by(self.get_input(train), axis=1)

    def get_config(self):
        return extended_config(self, TimeDistributedMerge,
                               {'name': type(self).__name__, 'mode': self.mode})


# -- layers over several layers: Merge, LambdaMerge, Siamese, AutoEncoder --------------------
def gather_params(owner, layers):
    """Collect the layers' weights (each once, with its constraint), regularizers and updates
    into owner.trainable_weights/constraints/regularizers/updates."""
    owner.trainable_weights, owner.constraints = [], []
    owner.regularizers, owner.updates = [], []
    for layer in layers:
        params, regs, consts, updates = layer.get_params()
        owner.regularizers += regs
        owner.updates += updates
        for p, c in zip(params, consts):
            if not any(p is q for q in owner.trainable_weights):
                owner.trainable_weights.append(p)
                owner.constraints.append(c)


def dot_axes_lists(dot_axes, ndim1, ndim2):
    """0.3.3's integer dot_axes as the two lists of axes (what Python 2's range gave)."""
    if type(dot_axes) == int:
        if dot_axes < 0:
            return [list(range(dot_axes % ndim1, ndim1)), list(range(dot_axes % ndim2, ndim2))]
        return [list(range(ndim1 - dot_axes, ndim2)), list(range(1, dot_axes + 1))]
    return dot_axes


def check_merge(owner, mode, shapes, concat_axis, dot_axes):
    """0.3.3's checks of a merge of outputs of `shapes`; returns dot_axes as lists."""
    if mode not in MERGE_MODES:
        raise ValueError('%s: invalid merge mode %r (one of %s)'
                         % (owner, mode, ', '.join(MERGE_MODES)))
    if mode in ('sum', 'mul', 'ave', 'cos') and len(set(shapes)) > 1:
        raise ShapeError('%s: only layers of the same output shape can be merged in %r mode; '
                         'layer shapes: %s' % (owner, mode, shapes))
    if mode in ('cos', 'dot'):
        if len(shapes) > 2:
            raise ValueError('%s: %r merge takes exactly 2 layers, got %d'
                             % (owner, mode, len(shapes)))
        shape1, shape2 = shapes
        if mode == 'dot':
            dot_axes = dot_axes_lists(dot_axes, len(shape1), len(shape2))
            if type(dot_axes) not in (list, tuple) or len(dot_axes) != 2 or \
                    any(type(a) not in (list, tuple, range) for a in dot_axes):
                raise ValueError('%s: invalid dot_axes %r; give an int or two lists of axes'
                                 % (owner, dot_axes))
            for a1, a2 in zip(dot_axes[0], dot_axes[1]):
                if shape1[a1] != shape2[a2]:
                    raise ShapeError('%s: dimension incompatibility using dot mode: %s != %s; '
                                     'layer shapes: %s, %s'
                                     % (owner, shape1[a1], shape2[a2], shape1, shape2))
    elif mode == 'concat':
        rests = set()
        for shape in shapes:
            rest = list(shape)
            rest.pop(concat_axis)
            rests.add(tuple(rest))
        if len(rests) > 1:
            raise ShapeError('%s: "concat" mode can only merge layers with matching output '
                             'shapes except for the concat axis; layer shapes: %s'
                             % (owner, shapes))
    return dot_axes


def merged_shape(mode, shapes, concat_axis, dot_axes):
    """The output shape of a merge of outputs of `shapes` (None for 'join')."""
    if mode in ('sum', 'mul', 'ave'):
        return shapes[0]
    if mode == 'concat':
        shape = list(shapes[0])
        for other in shapes[1:]:
            shape[concat_axis] += other[concat_axis]
        return tuple(shape)
    if mode == 'cos':
        return (shapes[0][0], 1)
    if mode == 'dot':
        # what np.tensordot leaves of the two sample shapes
        axes1 = [a - 1 for a in dot_axes[0]]
        axes2 = [a - 1 for a in dot_axes[1]]
        kept = [d for i, d in enumerate(shapes[0][1:]) if i not in axes1] + \
               [d for i, d in enumerate(shapes[1][1:]) if i not in axes2]
        return (shapes[0][0],) + (tuple(kept) or (1,))
    return None


def merge_outputs(owner, mode, outputs, names, concat_axis, dot_axes, dot_shape=None):
    """Combine the output tensors by `mode`; `names` label the 'join' dictionary. With
    `dot_shape`, 'dot' reshapes to it (Merge); without, it appends an axis (Siamese)."""
    if mode in ('sum', 'ave'):
        s = outputs[0]
        for o in outputs[1:]:
            s += o
        if mode == 'ave':
            s /= len(outputs)
        return s
    if mode == 'mul':
        s = outputs[0]
        for o in outputs[1:]:
            s *= o
        return s
    if mode == 'concat':
        return K.concatenate(outputs, axis=concat_axis)
    if mode == 'join':
        joined = OrderedDict()
        for name, o in zip(names, outputs):
            if name is None:
                raise ValueError('%s: merge_mode="join" only works with named inputs' % owner)
            joined[name] = o
        return joined
    l1, l2 = outputs
    if mode == 'dot':
        out = K.batch_dot(l1, l2, dot_axes)
        if dot_shape is not None:
            return K.reshape(out, (-1,) + tuple(dot_shape[1:]))
        return K.expand_dims(out, -1)
    if mode == 'cos':
        out = K.batch_dot(l1, l2, dot_axes) / K.sqrt(
            K.batch_dot(l1, l1, dot_axes) * K.batch_dot(l2, l2, dot_axes))
        return K.expand_dims(out, -1)
    raise ValueError('%s: unknown merge mode %r' % (owner, mode))


class _OverLayers(Layer):
    """A layer fed by several layers (`self.layers`): their inputs are its inputs, their
    weights its weights, and it neither takes nor gives a mask."""

    def get_params(self):
        return self.trainable_weights, self.regularizers, self.constraints, self.updates

    def _sources(self):
        return self.layers

    def get_input(self, train=False):
        inputs = []
        for layer in self._sources():
            got = layer.get_input(train)
            for x in (got if type(got) == list else [got]):
                if not any(x is y for y in inputs):
                    inputs.append(x)
        return inputs

    @property
    def input(self):
        return self.get_input()

    def supports_masked_input(self):
        return False

    def get_output_mask(self, train=None):
        return None

    def get_weights(self):
        weights = []
        for layer in self.layers:
            weights += layer.get_weights()
        return weights

    def set_weights(self, weights):
        for layer in self.layers:
            n = len(layer.trainable_weights)
            layer.set_weights(weights[:n])
            weights = weights[n:]


class Merge(_OverLayers):
    """Merge the outputs of layers or containers: sum, mul, concat (on concat_axis), ave,
    dot (over dot_axes), cos, or join (an OrderedDict of the named outputs)."""

    def __init__(self, layers, mode='sum', concat_axis=-1, dot_axes=-1):
        if len(layers) < 2:
            raise ValueError('Merge: please specify two or more input layers (or containers) '
                             'to merge, got %d' % len(layers))
        self.dot_axes = check_merge('Merge', mode, [l.output_shape for l in layers],
                                    concat_axis, dot_axes)
        self.mode = mode
        self.concat_axis = concat_axis
        self.layers = layers
        gather_params(self, layers)
        super(Merge, self).__init__()

    @property
    def input_shape(self):
        return [layer.input_shape for layer in self.layers]

    @property
    def output_shape(self):
        return merged_shape(self.mode, [l.output_shape for l in self.layers], self.concat_axis,
                            self.dot_axes)

    def get_output(self, train=False):
        outputs = [layer.get_output(train) for layer in self.layers]
        names = [getattr(layer, 'name', None) for layer in self.layers]
        return merge_outputs('Merge', self.mode, outputs, names, self.concat_axis, self.dot_axes,
                             dot_shape=self.output_shape if self.mode == 'dot' else None)

    def get_config(self):
        return extended_config(self, Merge, {
            'name': type(self).__name__, 'layers': [l.get_config() for l in self.layers],
            'mode': self.mode, 'concat_axis': self.concat_axis, 'dot_axes': self.dot_axes})


def call_with_train(function, X, arguments, train):
    """function(X, **arguments), with train=... added when the function takes `train`
    (0.3.3 wrote it into the arguments dictionary, which it then kept)."""
    try:
        takes_train = 'train' in inspect.signature(function).parameters
    except (TypeError, ValueError):
        takes_train = False
    if takes_train:
        arguments['train'] = train
    return function(X, **arguments)


def shape_option(owner, output_shape):
    if output_shape is None or callable(output_shape):
        return output_shape
    if type(output_shape) in (tuple, list):
        return tuple(output_shape)
    raise TypeError('In %s, `output_shape` must be a list, a tuple, or a function; got %r'
                    % (owner, output_shape))


class Lambda(Layer):
    """function(input) as a layer; `output_shape` a sample shape, or a function of the
    input shape (batch axis included); None keeps the input shape."""

    def __init__(self, function, output_shape=None, arguments={}, **kwargs):
        super(Lambda, self).__init__(**kwargs)
        self.function = function
        self.arguments = arguments
        self._output_shape = shape_option('Lambda', output_shape)

    @property
    def output_shape(self):
        if self._output_shape is None:
            return self.input_shape
        if type(self._output_shape) in (tuple, list):
            nb_samples = self.input_shape[0] if self.input_shape else None
            return (nb_samples,) + tuple(self._output_shape)
        shape = self._output_shape(self.input_shape)
        if type(shape) not in (list, tuple):
            raise TypeError('%s: the output_shape function must return a tuple, returned %r'
                            % (describe(self), shape))
        return tuple(shape)

    def get_output(self, train=False):
        return call_with_train(self.function, self.get_input(train), self.arguments, train)

    def get_config(self):
        # as in 0.3.3, the function itself is in the config: such a config is not serializable
        return extended_config(self, Lambda, {'function': self.function,
                                              'output_shape': self._output_shape,
                                              'arguments': self.arguments})


class MaskedLambda(MaskedLayer, Lambda):
    pass


class LambdaMerge(_OverLayers, Lambda):
    """function([outputs of layers]) as a layer; output_shape as Lambda's, over the list
    of input shapes."""

    def __init__(self, layers, function, output_shape=None, arguments={}):
        if len(layers) < 2:
            raise ValueError('LambdaMerge: please specify two or more input layers (or '
                             'containers) to merge, got %d' % len(layers))
        self.layers = layers
        self.arguments = arguments
        gather_params(self, layers)
        self.function = function
        self._output_shape = shape_option('LambdaMerge', output_shape)
        Layer.__init__(self)

    @property
    def output_shape(self):
        shapes = [layer.output_shape for layer in self.layers]
        if self._output_shape is None:
            return shapes[0]
        if type(self._output_shape) in (tuple, list):
            return (shapes[0][0],) + self._output_shape
        shape = self._output_shape(shapes)
        if type(shape) not in (list, tuple):
            raise TypeError('In LambdaMerge, the `output_shape` function must return a tuple, '
                            'returned %r' % (shape,))
        return tuple(shape)

    def get_output(self, train=False):
        outputs = [layer.get_output(train) for layer in self.layers]
        return call_with_train(self.function, outputs, self.arguments, train)

    def set_weights(self, weights):
        for layer in self.layers:
            n = len(layer.trainable_weights) + len(self.non_trainable_weights)
            layer.set_weights(weights[:n])
            weights = weights[n:]

    def get_config(self):
        config = {'name': type(self).__name__, 'layers': [l.get_config() for l in self.layers],
                  'function': self.function, 'output_shape': self._output_shape,
                  'arguments': self.arguments}
        return extended_config(self, LambdaMerge, config)


class Siamese(_OverLayers):
    """One layer applied to the outputs of several layers, the results merged by
    merge_mode (None: kept apart, read one at a time by SiameseHead)."""

    def __init__(self, layer, inputs, merge_mode='concat', concat_axis=1, dot_axes=-1,
                 is_graph=False):
        if merge_mode not in MERGE_MODES + (None,):
            raise ValueError('Siamese: invalid merge mode %r (one of %s, or None)'
                             % (merge_mode, ', '.join(MERGE_MODES)))
        if merge_mode in ('cos', 'dot') and len(inputs) > 2:
            raise ValueError('Siamese: %r merge takes exactly 2 layers, got %d'
                             % (merge_mode, len(inputs)))
        self.layer = layer
        self.trainable = layer.trainable
        self.is_graph = is_graph
        self.inputs = inputs
        self.layer.set_previous(inputs[0])
        self.merge_mode = merge_mode
        self.concat_axis = concat_axis
        self.dot_axes = dot_axes
        self.layers = [layer] + (list(inputs) if merge_mode and not is_graph else [])
        gather_params(self, self.layers)
        Layer.__init__(self)

    def _sources(self):
        return self.inputs

    @property
    def input_shape(self):
        return [layer.output_shape for layer in self.inputs]

    @property
    def output_shape(self):
        if self.merge_mode is None:
            return self.layer.output_shape
        shapes = [self.get_output_shape(i) for i in range(len(self.inputs))]
        if self.merge_mode == 'dot':
            shape1, shape2 = list(shapes[0]), list(shapes[1])
            for i in self.dot_axes[0]:
                shape1.pop(i)
            for i in self.dot_axes[1]:
                shape2.pop(i)
            shape = shape1 + shape2[1:]
            return tuple(shape + [1] if len(shape) == 1 else shape)
        return merged_shape(self.merge_mode, shapes, self.concat_axis, self.dot_axes)

    def set_layer_input(self, head):
        self.layer.set_previous(self.inputs[head], reset_weights=False)

    def get_output_at(self, head, train=False):
        source = self.inputs[head]
        return self.layer(source.get_output(train), mask=source.get_output_mask(train),
                          train=train)

    def get_output_shape(self, head, train=False):
        self.set_layer_input(head)
        return self.layer.output_shape

    def get_output(self, train=False):
        if self.merge_mode is None:
            return None
        outputs = [self.get_output_at(i, train) for i in range(len(self.inputs))]
        names = [getattr(layer, 'name', None) for layer in self.inputs]
        return merge_outputs('Siamese', self.merge_mode, outputs, names, self.concat_axis,
                             self.dot_axes)

    def get_weights(self):
        weights = self.layer.get_weights()
        if self.merge_mode and not self.is_graph:
            for layer in self.inputs:
                weights += layer.get_weights()
        return weights

    def set_weights(self, weights):
        n = len(self.layer.get_weights())
        self.layer.set_weights(weights[:n])
        weights = weights[n:]
        if self.merge_mode and not self.is_graph:
            for layer in self.inputs:
                n = len(layer.get_weights())
                layer.set_weights(weights[:n])
                weights = weights[n:]

    def get_config(self):
        return extended_config(self, Siamese, {
            'name': type(self).__name__, 'layer': self.layer.get_config(),
            'inputs': [m.get_config() for m in self.inputs], 'merge_mode': self.merge_mode,
            'concat_axis': self.concat_axis, 'dot_axes': self.dot_axes,
            'is_graph': self.is_graph})


class SiameseHead(Layer):
    """The output of a Siamese (merge_mode=None) for its input number `head`."""

    def __init__(self, head):
        self.head = head
        self.trainable_weights = []
        super(SiameseHead, self).__init__()

    @property
    def input_shape(self):
        return self.previous.get_output_shape(self.head)

    def get_input(self, train=False):
        return self.previous.get_output_at(self.head, train)

    def get_config(self):
        return extended_config(self, SiameseHead, {'name': type(self).__name__,
                                                   'head': self.head})


def add_shared_layer(layer, inputs):
    """Share `layer` across the Sequential models `inputs` without merging: each gets the
    Siamese and its own SiameseHead."""
    siamese = Siamese(layer, [model.layers[-1] for model in inputs], merge_mode=None)
    for head, model in enumerate(inputs):
        model.add(siamese)
        model.add(SiameseHead(head))


class AutoEncoder(Layer):
    """encoder then decoder; output_reconstruction=False outputs the encoder's output."""

    def __init__(self, encoder, decoder, output_reconstruction=True, weights=None, **kwargs):
        super(AutoEncoder, self).__init__(**kwargs)
        self._output_reconstruction = output_reconstruction
        self.encoder = encoder
        self.encoder.layer_cache = self.layer_cache
        self.decoder = decoder
        self.decoder.layer_cache = self.layer_cache
        if output_reconstruction:
            self.decoder.set_previous(self.encoder)
        if weights is not None:
            self.set_weights(weights)
        super(AutoEncoder, self).__init__(**kwargs)
        self.build()

    @property
    def output_reconstruction(self):
        return self._output_reconstruction

    @output_reconstruction.setter
    def output_reconstruction(self, value):
        self._output_reconstruction = value
        self.build()

    def _parts(self):
        return [self.encoder, self.decoder] if self.output_reconstruction else [self.encoder]

    def build(self):
        gather_params(self, self._parts())

    @property
    def layer_cache(self):
        return getattr(self, '_layer_cache', None)

    @layer_cache.setter
    def layer_cache(self, value):
        self._layer_cache = value
        self.encoder.layer_cache = value
        self.decoder.layer_cache = value

    @property
    def shape_cache(self):
        return getattr(self, '_shape_cache', None)

    @shape_cache.setter
    def shape_cache(self, value):
        self._shape_cache = value
        self.encoder.shape_cache = value
        self.decoder.shape_cache = value

    def set_previous(self, node, reset_weights=True):
        self.encoder.set_previous(node, reset_weights)
        if reset_weights:
            self.build()

    def get_weights(self):
        return self.encoder.get_weights() + self.decoder.get_weights()

    def set_weights(self, weights):
        n = len(self.encoder.trainable_weights)
        self.encoder.set_weights(weights[:n])
        self.decoder.set_weights(weights[n:])

    def get_input(self, train=False):
        return self.encoder.get_input(train)

    @property
    def input(self):
        return self.encoder.input

    @property
    def input_shape(self):
        return self.encoder.input_shape

    @property
    def output_shape(self):
        return self._parts()[-1].output_shape

    def get_output(self, train=False):
        return self._parts()[-1].get_output(train)

    def get_config(self):
        return {'name': type(self).__name__, 'encoder_config': self.encoder.get_config(),
                'decoder_config': self.decoder.get_config(),
                'output_reconstruction': self.output_reconstruction}
