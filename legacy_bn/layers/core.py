"""keras.layers.core as of Keras 4e1ec93c2f."""
import numpy as np

from .. import activations, constraints, initializations, regularizers, validation
from .. import theano
from ..theano import tensor as T
from ..theano.graph import Variable, as_variable
from ..theano.sandbox.rng_mrg import MRG_RandomStreams as RandomStreams
from ..utils.theano_utils import floatX, shared_zeros


class Layer(object):
    def __init__(self):
        self.params = []

    def init_updates(self):
        """Build `self.updates` (Sequential.add calls this); most layers have none."""
        self.updates = []

    def set_previous(self, layer):
        if not self.supports_masked_input() and layer.get_output_mask() is not None:
            raise ValueError('%s cannot follow %s: it does not support masked input'
                             % (self.label(), layer.label()))
        self.previous = layer

    def get_output(self, train=False):
        return self.get_input(train)

    def get_input(self, train=False):
        if hasattr(self, 'previous'):
            return self.previous.get_output(train=train)
        # old tests assign a numpy array to .input; Theano made it a constant
        return self.input if isinstance(self.input, Variable) else as_variable(self.input)

    def supports_masked_input(self):
        return False

    def get_output_mask(self, train=None):
        return None

    @property
    def output_shape(self):
        """Shape of one sample of the output (no batch axis), or None if unknown."""
        if hasattr(self, 'previous'):
            return self.previous.output_shape
        return getattr(self, 'input_shape', None)

    def label(self):
        """How errors name this layer."""
        name = getattr(self, 'name', None)
        return '%s %r' % (type(self).__name__, name) if name else type(self).__name__

    def weight_variables(self):
        """The shared variables behind get_weights(), in order."""
        return self.params

    def check_weights(self, weights):
        """`weights` cast to floatX after checking their number and shapes, so that
        a bad set_weights call raises before it changes anything."""
        targets = self.weight_variables()
        weights = list(weights)
        names = [getattr(p, 'name', None) or 'param' for p in targets]
        if len(weights) != len(targets):
            raise ValueError('%s.set_weights: expected %d arrays (%s), got %d'
                             % (self.label(), len(targets), ', '.join(names), len(weights)))
        checked = []
        for k, (p, w) in enumerate(zip(targets, weights)):
            w = np.asarray(w)
            want = p.get_value(borrow=True).shape
            if w.shape != want:
                raise ValueError('%s.set_weights: weights[%d] (%s) has shape %s, expected %s'
                                 % (self.label(), k, names[k], w.shape, want))
            checked.append(floatX(w))
        return checked

    def set_weights(self, weights):
        for p, w in zip(self.weight_variables(), self.check_weights(weights)):
            p.set_value(w)

    def get_weights(self):
        return [p.get_value() for p in self.weight_variables()]

    def get_config(self):
        return {"name": self.__class__.__name__}

    def get_params(self):
        if hasattr(self, 'constraints') and len(self.constraints) == len(self.params):
            consts = [c if c else constraints.identity() for c in self.constraints]
        else:
            consts = [constraints.identity() for _ in self.params]
        return (self.params, list(getattr(self, 'regularizers', [])), consts,
                list(getattr(self, 'updates', None) or []))

    def set_name(self, name):
        self.name = name
        for i, p in enumerate(self.params):
            p.name = '%s_p%d' % (name, i)

    def count_params(self):
        return int(sum(np.prod(p.get_value(borrow=True).shape) for p in self.params))


class MaskedLayer(Layer):
    def supports_masked_input(self):
        return True

    def get_input_mask(self, train=False):
        return self.previous.get_output_mask(train) if hasattr(self, 'previous') else None

    def get_output_mask(self, train=False):
        return self.get_input_mask(train)


class Dense(Layer):
    """Fully connected: activation(dot(X, W) + b)."""

    def __init__(self, input_dim, output_dim, init='glorot_uniform', activation='linear',
                 weights=None, name=None, W_regularizer=None, b_regularizer=None,
                 activity_regularizer=None, W_constraint=None, b_constraint=None):
        super(Dense, self).__init__()
        self.init = initializations.get(init)
        self.activation = activations.get(activation)
        self.input_dim = validation.layer_size('Dense', 'input_dim', input_dim)
        self.output_dim = validation.layer_size('Dense', 'output_dim', output_dim)
        self.input = T.matrix()
        self.W = self.init((self.input_dim, self.output_dim))
        self.b = shared_zeros((self.output_dim))
        self.params = [self.W, self.b]
        _weight_plumbing(self, W_regularizer, b_regularizer, activity_regularizer,
                         W_constraint, b_constraint)
        if weights is not None:
            self.set_weights(weights)
        if name is not None:
            self.set_name(name)

    @property
    def input_shape(self):
        return self._leading_axes() + (self.input_dim,)

    @property
    def output_shape(self):
        return self._leading_axes() + (self.output_dim,)

    def _leading_axes(self):
        """2015 let Dense take sequences (nb_samples, timesteps, dim): the axes before the
        last come from the previous layer."""
        shape = self.previous.output_shape if hasattr(self, 'previous') else None
        return tuple(shape[:-1]) if shape is not None and len(shape) > 1 else ()

    def get_output(self, train=False):
        X = self.get_input(train)
        return self.activation(T.dot(X, self.W) + self.b)

    def get_config(self):
        config = {"name": self.__class__.__name__,
                  "input_dim": self.input_dim,
                  "output_dim": self.output_dim,
                  "init": self.init.__name__,
                  "activation": self.activation.__name__}
        config.update(_plumbing_config(self))
        return config


class Activation(MaskedLayer):
    def __init__(self, activation, target=0, beta=0.1):
        super(Activation, self).__init__()
        self.activation = activations.get(activation)
        self.target = target
        self.beta = beta

    def get_output(self, train=False):
        return self.activation(self.get_input(train))

    def get_config(self):
        return {"name": self.__class__.__name__, "activation": self.activation.__name__,
                "target": self.target, "beta": self.beta}


class Dropout(MaskedLayer):
    """Train: X * binomial mask (no rescaling, as in 2015); test: X * (1 - p)."""

    def __init__(self, p):
        super(Dropout, self).__init__()
        self.p = validation.in_unit_interval('Dropout', 'p', p)
        self.srng = RandomStreams(seed=np.random.randint(10e6))

    def get_output(self, train=False):
        X = self.get_input(train)
        if self.p > 0.:
            retain_prob = 1. - self.p
            if train:
                X = X * self.srng.binomial(X.shape, p=retain_prob, dtype=theano.config.floatX)
            else:
                X = X * retain_prob
        return X

    def get_config(self):
        return {"name": self.__class__.__name__, "p": self.p}


class Flatten(Layer):
    def get_output(self, train=False):
        return T.flatten(self.get_input(train), 2)

    @property
    def output_shape(self):
        shape = super(Flatten, self).output_shape
        return None if shape is None or None in shape else (int(np.prod(shape)),)


class Reshape(Layer):
    def __init__(self, *dims):
        super(Reshape, self).__init__()
        self.dims = tuple(dims[0]) if len(dims) == 1 and isinstance(dims[0], (list, tuple)) \
            else tuple(dims)

    def get_output(self, train=False):
        X = self.get_input(train)
        return T.reshape(X, [X.shape[0]] + list(self.dims))

    @property
    def output_shape(self):
        return self.dims

    def get_config(self):
        return {"name": self.__class__.__name__, "dims": self.dims}


# -- sequences: masking, per-timestep dense, repetition (Keras 4e1ec93) ----------------------
class Masking(MaskedLayer):
    """Marks padding timesteps: a timestep whose features all equal `mask_value` gets
    mask 0 (else 1) and is zeroed in the output; later masked layers skip it."""

    def __init__(self, mask_value=0.):
        super(Masking, self).__init__()
        self.mask_value = mask_value
        self.input = T.tensor3()

    def get_output_mask(self, train=False):
        X = self.get_input(train)
        return T.any(T.ones_like(X) * (1. - T.eq(X, self.mask_value)), axis=-1)

    def get_output(self, train=False):
        X = self.get_input(train)
        return X * T.shape_padright(T.any((1. - T.eq(X, self.mask_value)), axis=-1))

    def get_config(self):
        return {"name": self.__class__.__name__, "mask_value": self.mask_value}


class SequenceLayer(MaskedLayer):
    """A layer over (nb_samples, timesteps, input_dim) input: checks the previous layer's
    shape when connected, and knows its per-sample shapes (timesteps may be None)."""

    def set_previous(self, layer):
        check_sequence_input(self, layer)
        super(SequenceLayer, self).set_previous(layer)

    def get_input(self, train=False):
        X = super(SequenceLayer, self).get_input(train)
        check_ndim(self, X, 3, '(nb_samples, timesteps, input_dim)')
        return X

    @property
    def input_shape(self):
        return (None, self.input_dim)

    @property
    def output_shape(self):
        return (timesteps_of(self), self.output_dim)


class TimeDistributedDense(SequenceLayer, Dense):
    """The same Dense applied at every timestep: (nb_samples, timesteps, input_dim) ->
    (nb_samples, timesteps, output_dim); the input's mask passes through."""

    def __init__(self, input_dim, output_dim, init='glorot_uniform', activation='linear',
                 weights=None, W_regularizer=None, b_regularizer=None, activity_regularizer=None,
                 W_constraint=None, b_constraint=None):
        Dense.__init__(self, input_dim, output_dim, init=init, activation=activation,
                       weights=weights, W_regularizer=W_regularizer, b_regularizer=b_regularizer,
                       activity_regularizer=activity_regularizer, W_constraint=W_constraint,
                       b_constraint=b_constraint)
        self.input = T.tensor3()

    def get_output(self, train=False):
        # 2015 went time-major and back; a dot over the last axis is the same sums
        return self.activation(T.dot(self.get_input(train), self.W) + self.b)


class RepeatVector(Layer):
    """(nb_samples, dim) -> (nb_samples, n, dim): the input repeated n times."""

    def __init__(self, n):
        super(RepeatVector, self).__init__()
        self.n = validation.positive_int('RepeatVector', 'n', n)

    def get_output(self, train=False):
        X = self.get_input(train)
        check_ndim(self, X, 2, '(nb_samples, dim)')
        # one broadcast, not n copies joined; the gradient sums over the n axis
        return T.alloc(X.dimshuffle(0, 'x', 1), X.shape[0], self.n, X.shape[1])

    @property
    def output_shape(self):
        shape = super(RepeatVector, self).output_shape
        return None if shape is None else (self.n,) + tuple(shape)

    def get_config(self):
        return {"name": self.__class__.__name__, "n": self.n}


def check_ndim(layer, X, ndim, layout):
    """Fail when the graph is built (not inside a call) on input of the wrong rank."""
    if X.ndim != ndim:
        raise ValueError('%s expects %dD input %s, got %s'
                         % (layer.label(), ndim, layout, X.describe()))


def timesteps_of(layer):
    """The number of timesteps of a sequence layer's input, None when unknown."""
    shape = layer.previous.output_shape if hasattr(layer, 'previous') else None
    return shape[0] if shape is not None and len(shape) == 2 else None


def check_sequence_input(layer, previous):
    """At connection time: the previous layer's per-sample shape, when known, must be
    (timesteps, layer.input_dim)."""
    shape = previous.output_shape
    if shape is None:
        return
    if len(shape) != 2:
        raise ValueError('%s expects sequences (nb_samples, timesteps, %d), but %s outputs '
                         'samples of shape %s' % (layer.label(), layer.input_dim,
                                                  previous.label(), tuple(shape)))
    if shape[-1] is not None and shape[-1] != layer.input_dim:
        raise ValueError('%s has input_dim=%d, but %s outputs %d features per timestep'
                         % (layer.label(), layer.input_dim, previous.label(), shape[-1]))


# -- The rest of 4e1ec93's core layers (Masking, RepeatVector and TimeDistributedDense
# -- live with the recurrent layers' block) ---------------------------------------------
def _weight_plumbing(layer, W_regularizer, b_regularizer, activity_regularizer,
                     W_constraint, b_constraint, has_bias=True):
    """Attach the regularizers and constraints of a layer with weights `layer.W` and (unless
    has_bias=False, as for Embedding) `layer.b`, in the order 2015 added them to the loss."""
    weights = [('W', W_regularizer, W_constraint)]
    if has_bias:
        weights.append(('b', b_regularizer, b_constraint))
    layer.regularizers = []
    layer.constraints = []
    for name, regularizer, constraint in weights:
        regularizer = regularizers.get(regularizer)
        setattr(layer, name + '_regularizer', regularizer)
        if regularizer:
            regularizer.set_param(getattr(layer, name))
            layer.regularizers.append(regularizer)
        setattr(layer, name + '_constraint', constraints.get(constraint))
        layer.constraints.append(getattr(layer, name + '_constraint'))
    layer.activity_regularizer = regularizers.get(activity_regularizer)
    if layer.activity_regularizer:
        layer.activity_regularizer.set_layer(layer)
        layer.regularizers.append(layer.activity_regularizer)


def _plumbing_config(layer):
    """The regularizer and constraint entries of get_config()."""
    return {key: (getattr(layer, key).get_config() if getattr(layer, key) else None)
            for key in ('W_regularizer', 'b_regularizer', 'activity_regularizer',
                        'W_constraint', 'b_constraint')}


class _LayerOfLayers(Layer):
    """A layer made of other layers (Merge, AutoEncoder): their parameters (each once),
    regularizers, constraints and updates, gathered when it is built."""

    def gather(self, layers):
        self.params, self.regularizers, self.constraints, self.updates = [], [], [], []
        for layer in layers:
            params, regs, consts, updates = layer.get_params()
            self.regularizers += regs
            self.updates += updates
            for p, c in zip(params, consts):
                if not any(p is q for q in self.params):  # a shared layer counts once
                    self.params.append(p)
                    self.constraints.append(c)

    def init_updates(self):
        # 2015 inherited Layer.init_updates here, which threw away the updates just
        # gathered (a BatchNormalization inside never updated its running statistics).
        pass

    def weight_variables(self):
        return [v for layer in self.sublayers() for v in layer.weight_variables()]


class Merge(_LayerOfLayers):
    """The outputs of several layers or containers, summed, multiplied or concatenated
    (last axis). In a Sequential model it comes first, and the model takes one input
    array per distinct input of the merged layers."""

    MODES = ('sum', 'mul', 'concat')

    def __init__(self, layers, mode='sum'):
        if len(layers) < 2:
            raise ValueError('Merge: give two or more layers (or containers) to merge, got %d'
                             % len(layers))
        self.mode = mode
        self.layers = list(layers)
        self.gather(self.layers)

    def sublayers(self):
        return self.layers

    def get_output(self, train=False):
        if self.mode not in self.MODES:  # 2015 accepted any mode until here
            raise ValueError("Merge: mode must be one of %s, got %r"
                             % (', '.join(map(repr, self.MODES)), self.mode))
        outputs = [layer.get_output(train) for layer in self.layers]
        if self.mode == 'concat':
            return T.concatenate(outputs, axis=-1)
        self._check_same_shapes()
        merged = outputs[0]
        for out in outputs[1:]:  # a left fold, as 2015 built it
            merged = merged + out if self.mode == 'sum' else merged * out
        return merged

    def _check_same_shapes(self):
        """sum/mul of outputs whose known shapes differ broadcast silently in 2015."""
        shapes = [getattr(layer, 'output_shape', None) for layer in self.layers]
        known = [(k, s) for k, s in enumerate(shapes) if s is not None]
        for k, shape in known[1:]:
            if len(shape) != len(known[0][1]) or validation.shapes_conflict(known[0][1], shape):
                raise ValueError('Merge(mode=%r): the merged outputs must have the same shape; '
                                 'layer %d gives %s, layer %d gives %s'
                                 % (self.mode, known[0][0], known[0][1], k, shape))

    def get_input(self, train=False):
        """The distinct inputs of the merged layers, in order of first appearance."""
        inputs = []
        for layer in self.layers:
            ins = layer.get_input(train)
            for x in (ins if isinstance(ins, list) else [ins]):
                if not any(x is y for y in inputs):
                    inputs.append(x)
        return inputs

    @property
    def input(self):
        return self.get_input()

    @property
    def output_shape(self):
        shapes = [layer.output_shape for layer in self.layers]
        if any(s is None for s in shapes):
            return None
        if self.mode == 'concat':
            return tuple(shapes[0][:-1]) + (sum(s[-1] for s in shapes),)
        return tuple(shapes[0])

    def get_config(self):
        return {"name": self.__class__.__name__,
                "layers": [layer.get_config() for layer in self.layers],
                "mode": self.mode}


class Permute(Layer):
    """Reorder the sample axes: dims are 1-based positions of the input's axes."""

    def __init__(self, dims):
        super(Permute, self).__init__()
        self.dims = tuple(dims)  # 2015 kept a JSON list as is and failed on (0,) + list
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError('Permute: dims must be a permutation of 1..%d (the sample axes, '
                             '1-based), got %r' % (len(self.dims), dims))

    def get_output(self, train=False):
        return self.get_input(train).dimshuffle((0,) + self.dims)

    @property
    def output_shape(self):
        shape = super(Permute, self).output_shape
        return None if shape is None else tuple(shape[d - 1] for d in self.dims)

    def get_config(self):
        return {"name": self.__class__.__name__, "dims": self.dims}


class ActivityRegularization(Layer):
    """Passes its input through and adds l1/l2 penalties on it to the training loss."""

    def __init__(self, l1=0., l2=0.):
        super(ActivityRegularization, self).__init__()
        self.l1 = l1
        self.l2 = l2
        activity_regularizer = regularizers.ActivityRegularizer(l1=l1, l2=l2)
        activity_regularizer.set_layer(self)
        self.regularizers = [activity_regularizer]

    def get_config(self):
        return {"name": self.__class__.__name__, "l1": self.l1, "l2": self.l2}


class AutoEncoder(_LayerOfLayers):
    """decoder(encoder(X)). Training always outputs the reconstruction; at test time
    too when output_reconstruction, else the encoder's output (the hidden code)."""

    def __init__(self, encoder, decoder, output_reconstruction=True, weights=None):
        super(AutoEncoder, self).__init__()
        self.output_reconstruction = output_reconstruction
        self.encoder = encoder
        self.decoder = decoder
        self.decoder.set_previous(self.encoder)
        self.gather([self.encoder, self.decoder])
        if weights is not None:
            self.set_weights(weights)

    def sublayers(self):
        return [self.encoder, self.decoder]

    def set_previous(self, node):
        self.encoder.set_previous(node)

    def get_input(self, train=False):
        return self.encoder.get_input(train)

    @property
    def input(self):
        return self.encoder.input

    def _get_hidden(self, train=False):
        return self.encoder.get_output(train)

    def get_output(self, train=False):
        if not train and not self.output_reconstruction:
            return self.encoder.get_output(train)
        return self.decoder.get_output(train)

    @property
    def output_shape(self):
        # what training compares with the targets: the reconstruction
        return self.decoder.output_shape

    def get_config(self):
        return {"name": self.__class__.__name__,
                "encoder_config": self.encoder.get_config(),
                "decoder_config": self.decoder.get_config(),
                "output_reconstruction": self.output_reconstruction}


class MaxoutDense(Layer):
    """max over nb_feature linear pieces: max_k (dot(X, W[k]) + b[k]); no activation."""

    def __init__(self, input_dim, output_dim, nb_feature=4, init='glorot_uniform', weights=None,
                 W_regularizer=None, b_regularizer=None, activity_regularizer=None,
                 W_constraint=None, b_constraint=None):
        super(MaxoutDense, self).__init__()
        self.init = initializations.get(init)
        self.input_dim = validation.layer_size('MaxoutDense', 'input_dim', input_dim)
        self.output_dim = validation.layer_size('MaxoutDense', 'output_dim', output_dim)
        self.nb_feature = validation.positive_int('MaxoutDense', 'nb_feature', nb_feature)
        self.input = T.matrix()
        self.W = self.init((self.nb_feature, self.input_dim, self.output_dim))
        self.b = shared_zeros((self.nb_feature, self.output_dim))
        self.params = [self.W, self.b]
        _weight_plumbing(self, W_regularizer, b_regularizer, activity_regularizer,
                         W_constraint, b_constraint)
        if weights is not None:
            self.set_weights(weights)

    @property
    def input_shape(self):
        return (self.input_dim,)

    @property
    def output_shape(self):
        return (self.output_dim,)

    def get_output(self, train=False):
        X = self.get_input(train)
        # dot((batch, in), (pieces, in, out)) is (batch, pieces, out)
        return T.max(T.dot(X, self.W) + self.b, axis=1)

    def get_config(self):
        config = {"name": self.__class__.__name__,
                  "input_dim": self.input_dim,
                  "output_dim": self.output_dim,
                  "init": self.init.__name__,
                  "nb_feature": self.nb_feature}
        config.update(_plumbing_config(self))
        return config
