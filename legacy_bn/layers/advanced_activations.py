"""keras.layers.advanced_activations (4e1ec93): activations with a parameter or a threshold.

The rectifiers are written as 2015 wrote them, (X + |X|) / 2 and (X - |X|) / 2, so
their values and their gradient at exactly 0 (Theano's |x|'(0) = 0) are 2015's.
"""
import numpy as np

from .. import initializations, validation
from ..theano import tensor as T
from ..utils.theano_utils import sharedX
from .core import MaskedLayer


def _positive_part(X):
    return (X + abs(X)) / 2.0


def _negative_part(X):
    return (X - abs(X)) / 2.0


class LeakyReLU(MaskedLayer):
    """X for X > 0, alpha * X below."""

    def __init__(self, alpha=0.3):
        super(LeakyReLU, self).__init__()
        self.alpha = alpha

    def get_output(self, train=False):
        X = self.get_input(train)
        return _positive_part(X) + self.alpha * _negative_part(X)

    def get_config(self):
        return {"name": self.__class__.__name__, "alpha": self.alpha}


class PReLU(MaskedLayer):
    """LeakyReLU with one learned slope per input unit (He et al. 2015); slopes start at 0."""

    def __init__(self, input_shape, init='zero', weights=None):
        super(PReLU, self).__init__()
        # 2015 took an int shape here and then failed in compile: it is read as (n,)
        input_shape = validation.shape_tuple('PReLU', 'input_shape', input_shape)
        self.init = initializations.get(init)
        self.alphas = self.init(input_shape)
        self.params = [self.alphas]
        self.input_shape = input_shape
        if weights is not None:
            self.set_weights(weights)

    def get_output(self, train=False):
        X = self.get_input(train)
        return _positive_part(X) + self.alphas * _negative_part(X)

    def get_config(self):
        return {"name": self.__class__.__name__, "input_shape": self.input_shape,
                "init": self.init.__name__}


class ParametricSoftplus(MaskedLayer):
    """alpha * softplus(beta * X), with alpha and beta learned per input unit."""

    def __init__(self, input_shape, alpha_init=0.2, beta_init=5.0, weights=None):
        super(ParametricSoftplus, self).__init__()
        self.alpha_init = alpha_init
        self.beta_init = beta_init
        self.alphas = sharedX(alpha_init * np.ones(input_shape))
        self.betas = sharedX(beta_init * np.ones(input_shape))
        self.params = [self.alphas, self.betas]
        self.input_shape = input_shape
        if weights is not None:
            self.set_weights(weights)

    def get_output(self, train=False):
        X = self.get_input(train)
        return T.nnet.softplus(self.betas * X) * self.alphas

    def get_config(self):
        return {"name": self.__class__.__name__, "input_shape": self.input_shape,
                "alpha_init": self.alpha_init, "beta_init": self.beta_init}


class ThresholdedLinear(MaskedLayer):
    """X where |X| >= theta, else 0 (Konda et al. 2014)."""

    def __init__(self, theta=1.0):
        super(ThresholdedLinear, self).__init__()
        self.theta = theta

    def get_output(self, train=False):
        X = self.get_input(train)
        return T.switch(abs(X) < self.theta, 0, X)

    def get_config(self):
        return {"name": self.__class__.__name__, "theta": self.theta}


class ThresholdedReLu(MaskedLayer):
    """X where X > theta, else 0 (Konda et al. 2014). 2015 spelled it ReLu."""

    def __init__(self, theta=1.0):
        super(ThresholdedReLu, self).__init__()
        self.theta = theta

    def get_output(self, train=False):
        X = self.get_input(train)
        return T.switch(X > self.theta, X, 0)

    def get_config(self):
        return {"name": self.__class__.__name__, "theta": self.theta}
