"""keras.layers.advanced_activations of Keras 0.3.3 on the backend K: LeakyReLU, PReLU,
ELU, ParametricSoftplus, ThresholdedLinear, ThresholdedReLU and SReLU.

The formulas are 0.3.3's own, so their values and gradients at the kinks are Theano's:
K.relu(x, alpha) is 0.5 * (1 + alpha) * x + 0.5 * (1 - alpha) * |x|, PReLU and ELU take
their negative part as (x - |x|) / 2. Learned parameters are one per input unit (the
input shape without the batch axis).
"""
import numpy as np

from .. import backend as K
from .. import initializations
from .core import KERAS01_HINT, MaskedLayer, extended_config


class _WeightedActivation(MaskedLayer):
    """An activation with one learned value per input unit for each name in
    `weight_names`, built by `_make(name, shape)` in that order (0.3.3's draw order)."""
    weight_names = ()

    def build(self):
        shape = self.input_shape[1:]
        self.trainable_weights = []
        for name in self.weight_names:
            weight = self._make(name, shape)
            setattr(self, name, weight)
            self.trainable_weights.append(weight)
        initial = getattr(self, 'initial_weights', None)
        if initial is not None:
            self.set_weights(initial)
            del self.initial_weights


class LeakyReLU(MaskedLayer):
    """x for x > 0, alpha * x otherwise."""

    def __init__(self, alpha=0.3, **kwargs):
        super(LeakyReLU, self).__init__(**kwargs)
        self.alpha = alpha

    def get_output(self, train=False):
        return K.relu(self.get_input(train), alpha=self.alpha)

    def get_config(self):
        return extended_config(self, LeakyReLU, {'name': self.__class__.__name__,
                                                'alpha': self.alpha})


class PReLU(_WeightedActivation):
    """relu(x) + alphas * min(x, 0), alphas learned (zeros at the start by default)."""
    weight_names = ('alphas',)

    def __init__(self, init='zero', weights=None, **kwargs):
        if isinstance(init, (tuple, list)):
            raise TypeError('PReLU: got init=%r; PReLU takes PReLU(input_shape=...), while '
                            'PReLU(input_shape) was the Keras 0.1 form: %s'
                            % (init, KERAS01_HINT))
        self.init = initializations.get(init)
        self.initial_weights = weights
        super(PReLU, self).__init__(**kwargs)

    def _make(self, name, shape):
        return self.init(shape, name='{}_{}'.format(self.name, name))

    def get_output(self, train=False):
        X = self.get_input(train)
        return K.relu(X) + self.alphas * (X - abs(X)) * 0.5

    def get_config(self):
        return extended_config(self, PReLU, {'name': self.__class__.__name__,
                                            'init': self.init.__name__})


class ELU(MaskedLayer):
    """x for x > 0, alpha * (exp(x) - 1) otherwise."""

    def __init__(self, alpha=1.0, **kwargs):
        super(ELU, self).__init__(**kwargs)
        self.alpha = alpha

    def get_output(self, train=False):
        X = self.get_input(train)
        return K.relu(X) + self.alpha * (K.exp((X - abs(X)) * 0.5) - 1.)

    def get_config(self):
        return extended_config(self, ELU, {'name': self.__class__.__name__,
                                          'alpha': self.alpha})


class ParametricSoftplus(_WeightedActivation):
    """alphas * log(1 + exp(betas * x)), alphas and betas learned (constants at first)."""
    weight_names = ('alphas', 'betas')

    def __init__(self, alpha_init=0.2, beta_init=5.0, weights=None, **kwargs):
        self.alpha_init = alpha_init
        self.beta_init = beta_init
        self.initial_weights = weights
        super(ParametricSoftplus, self).__init__(**kwargs)

    def _make(self, name, shape):
        start = self.alpha_init if name == 'alphas' else self.beta_init
        return K.variable(start * np.ones(shape), name='{}_{}'.format(self.name, name))

    def get_output(self, train=False):
        return K.softplus(self.betas * self.get_input(train)) * self.alphas

    def get_config(self):
        return extended_config(self, ParametricSoftplus, {'name': self.__class__.__name__,
                                                         'alpha_init': self.alpha_init,
                                                         'beta_init': self.beta_init})


class ThresholdedLinear(MaskedLayer):
    """x where |x| >= theta, 0 elsewhere."""

    def __init__(self, theta=1.0, **kwargs):
        super(ThresholdedLinear, self).__init__(**kwargs)
        self.theta = theta

    def get_output(self, train=False):
        X = self.get_input(train)
        return K.switch(K.abs(X) < self.theta, 0, X)

    def get_config(self):
        return extended_config(self, ThresholdedLinear, {'name': self.__class__.__name__,
                                                        'theta': self.theta})


class ThresholdedReLU(MaskedLayer):
    """x where x > theta, 0 elsewhere."""

    def __init__(self, theta=1.0, **kwargs):
        super(ThresholdedReLU, self).__init__(**kwargs)
        self.theta = theta

    def get_output(self, train=False):
        X = self.get_input(train)
        return K.switch(X > self.theta, X, 0)

    def get_config(self):
        return extended_config(self, ThresholdedReLU, {'name': self.__class__.__name__,
                                                      'theta': self.theta})


class SReLU(_WeightedActivation):
    """S-shaped ReLU: slope a_left left of t_left, identity up to
    t_right_actual = t_left + |t_right|, slope a_right beyond it."""
    weight_names = ('t_left', 'a_left', 't_right', 'a_right')

    def __init__(self, t_left_init='zero', a_left_init='glorot_uniform',
                 t_right_init='glorot_uniform', a_right_init='one', **kwargs):
        self.t_left_init = initializations.get(t_left_init)
        self.a_left_init = initializations.get(a_left_init)
        self.t_right_init = initializations.get(t_right_init)
        self.a_right_init = initializations.get(a_right_init)
        super(SReLU, self).__init__(**kwargs)

    def _make(self, name, shape):
        init = getattr(self, name + '_init')
        return init(shape, name='{}_{}'.format(self.name, name))

    def build(self):
        super(SReLU, self).build()
        # keeps the right threshold right of the left one
        self.t_right_actual = self.t_left + abs(self.t_right)

    def get_output(self, train=False):
        X = self.get_input(train)
        left_and_centre = self.t_left + K.relu(X - self.t_left, self.a_left,
                                               self.t_right_actual - self.t_left)
        right = K.relu(X - self.t_right_actual) * self.a_right
        return left_and_centre + right

    def get_config(self):
        # 0.3.3's SReLU config has no base entries (no input_shape, no custom_name)
        return {'name': self.__class__.__name__,
                't_left_init': self.t_left_init.__name__,
                'a_left_init': self.a_left_init.__name__,
                't_right_init': self.t_right_init.__name__,
                'a_right_init': self.a_right_init.__name__}
