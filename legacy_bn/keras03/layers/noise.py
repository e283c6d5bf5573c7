"""keras.layers.noise of Keras 0.3.3: GaussianNoise and GaussianDropout, on the backend K.

Both are active in training only. Their noise comes from K.random_normal, which (as in
0.3.3) seeds a fresh MRG stream from np.random.randint(10e6) each time a training graph
is built, so a seeded script draws the same noise as 0.3.3 did.
"""
from ... import validation
from .. import backend as K
from .core import MaskedLayer, extended_config


class GaussianNoise(MaskedLayer):
    """x + N(0, sigma^2) noise in training; x at test time."""

    def __init__(self, sigma, **kwargs):
        super(GaussianNoise, self).__init__(**kwargs)
        self.sigma = sigma

    def get_output(self, train=False):
        X = self.get_input(train)
        if not train or self.sigma == 0:
            return X
        return X + K.random_normal(shape=K.shape(X), mean=0., std=self.sigma)

    def get_config(self):
        config = {'name': self.__class__.__name__, 'sigma': self.sigma}
        return extended_config(self, GaussianNoise, config)


class GaussianDropout(MaskedLayer):
    """x * N(1, p / (1 - p)) noise in training (p is the drop probability, as in
    Dropout); x at test time."""

    def __init__(self, p, **kwargs):
        super(GaussianDropout, self).__init__(**kwargs)
        self.p = p

    def get_output(self, train=False):
        X = self.get_input(train)
        if not train:
            return X
        # 0.3.3 divided by zero (p = 1) or drew NaN noise (p > 1) here (docs/compat.md)
        if not validation._is_real(self.p) or not 0 <= self.p < 1:
            raise ValueError('GaussianDropout: p must be a number in [0, 1), got %r'
                             % (self.p,))
        return X * K.random_normal(shape=K.shape(X), mean=1.0,
                                   std=K.sqrt(self.p / (1.0 - self.p)))

    def get_config(self):
        config = {'name': self.__class__.__name__, 'p': self.p}
        return extended_config(self, GaussianDropout, config)
