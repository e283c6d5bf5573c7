"""Optimizers of Keras 0.3.3: get_updates(params, constraints, loss) -> [(variable, new value)].

SGD (decay, nesterov), RMSprop, Adagrad and Adadelta compute exactly what 4e1ec93's
did and are its classes. The one place where 0.3.3 differs is that Adam keeps beta_1
and beta_2 in floatx variables (so `1 - beta_1` is computed in floatx, and get_config
reads them back); Adamax (the infinity-norm Adam of the same paper) is new in 0.3.
"""
import numpy as np

from legacy_bn import optimizers as _shared
from legacy_bn.optimizers import Optimizer, SGD, RMSprop, Adagrad, Adadelta  # noqa: F401
from legacy_bn.optimizers import sgd, rmsprop, adagrad, adadelta  # noqa: F401  (their names)
from legacy_bn.optimizers import clip_norm, kl_divergence  # noqa: F401
from legacy_bn.utils.generic_utils import get_from_module
from . import backend as K


class Adam(_shared.Adam):
    """Kingma & Ba (arXiv:1412.6980v8), with beta_1 and beta_2 held in variables."""

    def __init__(self, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8, *args, **kwargs):
        super(Adam, self).__init__(lr=lr, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon,
                                   **kwargs)
        self.beta_1 = K.variable(beta_1)
        self.beta_2 = K.variable(beta_2)


class Adamax(Adam):
    """Adam with the infinity norm (Kingma & Ba, section 7): t = iterations + 1;
    m <- beta_1*m + (1-beta_1)*g; u <- max(beta_2*u, |g|);
    p <- p - lr/(1 - beta_1^t) * m_new/(u_new + epsilon)."""

    def __init__(self, lr=0.002, beta_1=0.9, beta_2=0.999, epsilon=1e-8, *args, **kwargs):
        super(Adamax, self).__init__(lr=lr, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon,
                                     **kwargs)

    def get_updates(self, params, constraints, loss):
        grads = self.get_gradients(loss, params)
        self.updates = [(self.iterations, self.iterations + 1.)]
        t = self.iterations + 1
        lr_t = self.lr / (1 - K.pow(self.beta_1, t))

        for p, g, c in zip(params, grads, constraints):
            shape = K.get_value(p).shape
            m = K.variable(np.zeros(shape))   # first moment
            u = K.variable(np.zeros(shape))   # exponentially weighted infinity norm
            m_t = (self.beta_1 * m) + (1 - self.beta_1) * g
            u_t = K.maximum(self.beta_2 * u, K.abs(g))
            p_t = p - lr_t * m_t / (u_t + self.epsilon)
            self.updates += [(m, m_t), (u, u_t), (p, c(p_t))]
        return self.updates


# the lower-case names accepted by compile(optimizer='adam')
adam = Adam
adamax = Adamax


def get(identifier, kwargs=None):
    return get_from_module(identifier, globals(), 'optimizer', instantiate=True, kwargs=kwargs)
