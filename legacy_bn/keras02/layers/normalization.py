"""keras.layers.normalization (Keras 0.2.0): 0.2.0's BatchNormalization from
keras02.numerics, and LRN2D (0.3.3 dropped it): 0.2.0's constructor on 4e1ec93's
arithmetic (legacy_bn.layers.normalization.LRN2D.get_output), get_config as 0.2.0's."""
from .. import numerics
from ...layers import normalization as _4e1ec93
from ...keras03.layers.core import describe
from .core import Layer, layer_0_2_0

BatchNormalization = layer_0_2_0(numerics.BatchNormalization, __name__)


class LRN2D(Layer):
    """Local response normalization across channels (4e1ec93's, see its docstring):
    X / (k + alpha * sum of X^2 over the n channels centred on each) ** beta; n odd."""

    def __init__(self, alpha=1e-4, k=2, beta=0.75, n=5, **kwargs):
        if n % 2 == 0:
            raise NotImplementedError("LRN2D only works with odd n. n provided: " + str(n))
        super(LRN2D, self).__init__(**kwargs)
        self.alpha = alpha
        self.k = k
        self.beta = beta
        self.n = n

    def label(self):
        """How 4e1ec93's arithmetic names this layer in its errors."""
        return describe(self)

    get_output = _4e1ec93.LRN2D.get_output

    def get_config(self):
        config = super(LRN2D, self).get_config()
        config.update({'name': type(self).__name__, 'alpha': self.alpha, 'k': self.k,
                       'beta': self.beta, 'n': self.n})
        return config
