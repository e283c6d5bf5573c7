"""keras.layers.noise (4e1ec93): Gaussian corruption, in training only.

Each layer seeds its own MRG stream from np.random when it is built (one
randint, as Dropout), so seeded scripts draw 2015's noise bit for bit.
"""
import numpy as np

from .. import theano, validation
from ..theano import tensor as T
from ..theano.sandbox.rng_mrg import MRG_RandomStreams as RandomStreams
from .core import MaskedLayer


class GaussianNoise(MaskedLayer):
    """Training: X + N(0, sigma^2) noise; test: X."""

    def __init__(self, sigma):
        super(GaussianNoise, self).__init__()
        self.sigma = sigma
        self.srng = RandomStreams(seed=np.random.randint(10e6))

    def get_output(self, train=False):
        X = self.get_input(train)
        if not train or self.sigma == 0:
            return X
        return X + self.srng.normal(size=X.shape, avg=0.0, std=self.sigma,
                                    dtype=theano.config.floatX)

    def get_config(self):
        return {"name": self.__class__.__name__, "sigma": self.sigma}


class GaussianDropout(MaskedLayer):
    """Training: X * N(1, p / (1 - p)) noise (Srivastava et al. 2014; p is the drop
    probability, as in Dropout); test: X, unscaled."""

    def __init__(self, p):
        super(GaussianDropout, self).__init__()
        self.p = validation.non_negative('GaussianDropout', 'p', p)
        self.srng = RandomStreams(seed=np.random.randint(10e6))

    def get_output(self, train=False):
        X = self.get_input(train)
        if not train:
            return X
        if not 0 <= self.p < 1:  # 2015: ZeroDivisionError or NaN noise
            raise ValueError('GaussianDropout: p must be in [0, 1), got %r' % (self.p,))
        std = T.sqrt(self.p / (1.0 - self.p))
        return X * self.srng.normal(size=X.shape, avg=1.0, std=std, dtype=theano.config.floatX)

    def get_config(self):
        return {"name": self.__class__.__name__, "p": self.p}
