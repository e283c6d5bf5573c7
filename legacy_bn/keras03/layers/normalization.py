"""keras.layers.normalization of Keras 0.3.3: BatchNormalization, on the backend K.

This is the batch normalization of the paper (Ioffe & Szegedy 2015) as 0.3.3 wrote it:

mode 0 (featurewise, over every axis but `axis`)
    training: the batch's mean m and std = sqrt(mean((x - m)^2 + epsilon)) normalize the
    batch, gradients flow through both, and the running statistics move towards them,
    running = momentum * running + (1 - momentum) * batch;
    test: the running statistics normalize.
    Either way the output is gamma * (x - mean) / (std + epsilon) + beta: epsilon enters
    twice, inside the root and again in the divisor, exactly as 0.3.3 did.
mode 1 (samplewise, over the last axis of each sample)
    (x - mean) / (std + epsilon) with the sample's own (biased) std; nothing is updated.

gamma starts at ones and beta at zeros (no draw from np.random); the weights are
[gamma, beta, running_mean, running_std]. The 4e1ec93 surface's BatchNormalization
(running statistics in training too) is legacy_bn.layers.normalization.
"""
from ... import validation
from .. import backend as K
from .. import initializations
from .core import KERAS01_HINT, Layer, extended_config


class BatchNormalization(Layer):
    """Normalize the previous layer's activations batch by batch (mode 0) or sample by
    sample (mode 1), then scale by gamma and shift by beta (see the module docstring)."""

    def __init__(self, epsilon=1e-6, mode=0, axis=-1, momentum=0.9,
                 weights=None, beta_init='zero', gamma_init='one', **kwargs):
        # 0.3.3 accepted any mode and failed with an UnboundLocalError when the graph was
        # built; say so here, before anything is drawn (docs/compat.md)
        if isinstance(epsilon, (tuple, list)):
            raise TypeError('BatchNormalization: got epsilon=%r; BatchNormalization takes '
                            'BatchNormalization(input_shape=...), while '
                            'BatchNormalization(input_shape) was the Keras 0.1 form: %s'
                            % (epsilon, KERAS01_HINT))
        if mode not in (0, 1):
            raise ValueError('BatchNormalization: mode must be 0 (featurewise) or '
                             '1 (samplewise), got %r' % (mode,))
        validation.non_negative('BatchNormalization', 'epsilon', epsilon)
        validation.non_negative('BatchNormalization', 'momentum', momentum)
        self.beta_init = initializations.get(beta_init)
        self.gamma_init = initializations.get(gamma_init)
        self.epsilon = epsilon
        self.mode = mode
        self.axis = axis
        self.momentum = momentum
        self.initial_weights = weights
        super(BatchNormalization, self).__init__(**kwargs)

    def build(self):
        input_shape = self.input_shape
        if not -len(input_shape) <= self.axis < len(input_shape):
            raise ValueError('BatchNormalization: axis %r is outside the input of shape %s '
                             '(batch axis included)' % (self.axis, input_shape))
        shape = (input_shape[self.axis],)
        # drawn in 0.3.3's order: gamma, then beta
        self.gamma = self.gamma_init(shape, name='{}_gamma'.format(self.name))
        self.beta = self.beta_init(shape, name='{}_beta'.format(self.name))
        self.trainable_weights = [self.gamma, self.beta]
        self.running_mean = K.zeros(shape, name='{}_running_mean'.format(self.name))
        self.running_std = K.ones(shape, name='{}_running_std'.format(self.name))
        self.non_trainable_weights = [self.running_mean, self.running_std]
        if self.initial_weights is not None:
            self.set_weights(self.initial_weights)
            del self.initial_weights

    def _broadcast_shape(self):
        """The weights' shape with a 1 for every axis but `axis` (batch axis included)."""
        shape = [1] * len(self.input_shape)
        shape[self.axis] = self.input_shape[self.axis]
        return shape

    def get_output(self, train=False):
        X = self.get_input(train)
        if self.mode == 1:
            m = K.mean(X, axis=-1, keepdims=True)
            std = K.std(X, axis=-1, keepdims=True)
            return self.gamma * ((X - m) / (std + self.epsilon)) + self.beta
        shape = self._broadcast_shape()
        if train:
            reduction_axes = list(range(len(shape)))
            del reduction_axes[self.axis]
            m = K.mean(X, axis=reduction_axes)
            mean = K.reshape(m, shape)
            std = K.sqrt(K.mean(K.square(X - mean) + self.epsilon, axis=reduction_axes))
            # set on every training graph, as 0.3.3 did (the model collects them after)
            self.updates = [
                (self.running_mean, self.momentum * self.running_mean + (1 - self.momentum) * m),
                (self.running_std, self.momentum * self.running_std + (1 - self.momentum) * std)]
        else:
            mean = K.reshape(self.running_mean, shape)
            std = self.running_std
        normed = (X - mean) / (K.reshape(std, shape) + self.epsilon)
        return K.reshape(self.gamma, shape) * normed + K.reshape(self.beta, shape)

    def get_config(self):
        config = {'name': self.__class__.__name__,
                  'epsilon': self.epsilon,
                  'mode': self.mode,
                  'axis': self.axis,
                  'momentum': self.momentum}
        return extended_config(self, BatchNormalization, config)
