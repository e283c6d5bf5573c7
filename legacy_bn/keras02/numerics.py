"""What Keras 0.2.0 computes differently from 0.3.3, in one place.

Keras 0.2.0 (October 2015) already had 0.3's constructors (shape inference, input_dim,
pool_size ...), which legacy_bn.keras02 takes from legacy_bn.keras03; its arithmetic was
still 4e1ec93's. The differences, each taken from the 4e1ec93 surface where it has one:

- float64 by default: there was no ~/.keras/keras.json; layers compute in Theano's
  floatX (THEANO_FLAGS, float64 unless told otherwise). Importing this module before
  keras.backend tells the 0.3 backend so.
- Dropout is not inverted: X * mask in training, X * (1 - p) at test. Its MRG stream is
  seeded once, in the constructor, from np.random.randint(10e6) (0.3.3 seeds at compile).
  GaussianNoise and GaussianDropout seed their streams the same way.
- BatchNormalization normalizes with the running statistics in training too (mode 0); the
  batch statistics only move the running ones (momentum). Its weights have the shape of a
  whole sample (no `axis`), and gamma is drawn from initializations.uniform when the layer
  is built (0.3.3: ones).
- set_input_shape(shape) takes the shape of one sample (SampleInputShape, mixed into
  every layer class of legacy_bn.keras02.layers).
- Masking has a 3D input of its own from construction (0.2.0's tests feed it directly).
- The loss: objectives as 4e1ec93's (epsilon 1e-9 in float64), each sample's score
  weighted by (samples, ..., 1) weight arrays, divided by the sum of the weights
  (training.weighted_objective); compile takes class_mode ('categorical' by default) and
  theano_mode.
"""
import sys

import numpy as np

from .. import objectives, training
from ..layers import core as core_4e1ec93
from ..layers import noise as noise_4e1ec93
from ..theano import config as theano_config
from ..theano import tensor as T
from ..theano.sandbox.rng_mrg import MRG_RandomStreams as RandomStreams

if 'legacy_bn.keras03.backend' not in sys.modules:
    # a process that already runs the 0.3 backend keeps its floatx (one backend a process)
    from .. import keras03
    keras03.FIXED_FLOATX = theano_config.floatX

from ..keras03 import backend as K  # noqa: E402
from ..keras03.layers import core as core_03  # noqa: E402
from ..keras03.layers import noise as noise_03  # noqa: E402
from ..keras03.layers import normalization as normalization_03  # noqa: E402


class SampleInputShape(object):
    """Mixed into every 0.2.0 layer: set_input_shape(shape) takes the shape of one sample and
    adds the batch axis itself, as 0.2.0's Layer did (0.3.3's takes the batch axis included,
    and its constructors pass it so)."""

    def __init__(self, *args, **kwargs):
        self._in_constructor = True
        try:
            super(SampleInputShape, self).__init__(*args, **kwargs)
        finally:
            self._in_constructor = False

    def set_input_shape(self, input_shape):
        if not getattr(self, '_in_constructor', False) and type(input_shape) in (tuple, list):
            input_shape = (None,) + tuple(input_shape)
        super(SampleInputShape, self).set_input_shape(input_shape)


def sample_shaped(cls, module):
    """0.3.3's layer class `cls` as 0.2.0's: the same class with SampleInputShape mixed in."""
    return type(cls.__name__, (SampleInputShape, cls), {'__module__': module,
                                                        '__doc__': cls.__doc__})


def _seeded_stream():
    """An MRG stream seeded as 0.2.0's layers seeded theirs (one draw from np.random)."""
    return RandomStreams(seed=np.random.randint(10e6))


class Dropout(SampleInputShape, core_03.Dropout):
    """0.2.0's dropout: X * binomial mask in training (no rescaling), X * (1 - p) at test."""

    def __init__(self, p, **kwargs):
        super(Dropout, self).__init__(p, **kwargs)
        self.srng = _seeded_stream()

    get_output = core_4e1ec93.Dropout.get_output


class GaussianNoise(SampleInputShape, noise_03.GaussianNoise):
    def __init__(self, sigma, **kwargs):
        super(GaussianNoise, self).__init__(sigma, **kwargs)
        self.srng = _seeded_stream()

    get_output = noise_4e1ec93.GaussianNoise.get_output


class GaussianDropout(SampleInputShape, noise_03.GaussianDropout):
    def __init__(self, p, **kwargs):
        super(GaussianDropout, self).__init__(p, **kwargs)
        self.srng = _seeded_stream()

    get_output = noise_4e1ec93.GaussianDropout.get_output


class BatchNormalization(SampleInputShape, normalization_03.BatchNormalization):
    """0.2.0's BatchNormalization (see the module docstring): mode 0 normalizes with the
    running mean and std, in training as at test."""

    def __init__(self, epsilon=1e-6, mode=0, momentum=0.9, weights=None, **kwargs):
        # 0.2.0 took any mode here (its own tests build a mode=3 layer) and failed only when
        # the output was asked for: get_output says so, clearly
        self.mode = mode
        super(BatchNormalization, self).__init__(epsilon=epsilon, mode=0, momentum=momentum,
                                                 weights=weights, gamma_init='uniform',
                                                 **kwargs)
        self.mode = mode

    def build(self):
        shape = self.input_shape[1:]
        self.gamma = self.gamma_init(shape)         # drawn from np.random, before beta
        self.beta = K.zeros(shape)
        self.trainable_weights = [self.gamma, self.beta]
        self.running_mean = K.zeros(shape)
        self.running_std = K.ones(shape)
        self.non_trainable_weights = [self.running_mean, self.running_std]
        # 0.2.0 built the updates here, from its own training graph of the input
        X = self.get_input(train=True)
        m = K.mean(X, axis=0)
        std = K.mean(K.square(X - m) + self.epsilon, axis=0) ** 0.5
        self.updates = [
            (self.running_mean, self.momentum * self.running_mean + (1 - self.momentum) * m),
            (self.running_std, self.momentum * self.running_std + (1 - self.momentum) * std)]
        if self.initial_weights is not None:
            self.set_weights(self.initial_weights)
            del self.initial_weights

    def get_output(self, train=False):
        X = self.get_input(train)
        if self.mode == 0:
            normed = (X - self.running_mean) / (self.running_std + self.epsilon)
        elif self.mode == 1:
            normed = (X - T.mean(X, axis=-1, keepdims=True)) / (
                T.std(X, axis=-1, keepdims=True) + self.epsilon)
        else:
            raise ValueError('BatchNormalization: mode must be 0 (featurewise) or 1 '
                             '(samplewise), got %r' % (self.mode,))
        return self.gamma * normed + self.beta

    def get_config(self):
        config = {'name': type(self).__name__, 'epsilon': self.epsilon, 'mode': self.mode,
                  'momentum': self.momentum}
        if hasattr(self, '_input_shape'):
            config['input_shape'] = self._input_shape[1:]
        return config


class Masking(SampleInputShape, core_03.Masking):
    """0.2.0's Masking has an input of its own (a 3D tensor) from the start."""

    def __init__(self, mask_value=0., **kwargs):
        super(Masking, self).__init__(mask_value=mask_value, **kwargs)
        if not hasattr(self, 'input'):
            self.input = T.tensor3()


class LossRules(object):
    """Mixed into the 0.3 models: 0.2.0's objectives, weighting, weights and class_mode."""
    _objectives = objectives
    _weighting = staticmethod(training.weighted_objective)

    def _weights_placeholder(self, y_train, sample_weight_mode):
        return K.placeholder(ndim=K.ndim(y_train))

    def _standardize_weights(self, y, sample_weight=None, class_weight=None,
                             sample_weight_mode=None):
        return training.standardize_weights(y, sample_weight, class_weight)

    def _class_mode(self, class_mode):
        return class_mode


def check_class_mode(class_mode):
    if class_mode not in ('categorical', 'binary'):
        raise ValueError('Sequential.compile: invalid class_mode %r; Keras 0.2.0 knew '
                         '"categorical" and "binary"' % (class_mode,))
    return class_mode
