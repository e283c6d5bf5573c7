"""Optimizers of Keras 4e1ec93 (SPEC §3).

`get_updates(params, constraints, loss)` returns a list of (shared variable,
symbolic new value) pairs for `theano.function(..., updates=...)`. Every new
value is written in terms of the pre-step values, and the function assigns them
all at once, so the updates are simultaneous. Each parameter's constraint is
applied to its new value. Hyper-parameters that a schedule may change (`lr`,
...) live in floatX shared scalars, as in Keras.
"""
import inspect
import math
import numbers

import numpy as np

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from .utils.theano_utils import shared_zeros, shared_scalar
from .utils.generic_utils import get_from_module


def clip_norm(g, c, n):
    """Scale gradient `g` by c/n when the global gradient norm `n` is at least `c` (> 0)."""
    if c > 0:
        g = T.switch(T.ge(n, c), g * c / n, g)
    return g


def kl_divergence(p, p_hat):
    return p_hat - p + p * T.log(p / p_hat)


class Optimizer(object):
    """Base class. Keyword arguments become attributes; `clipnorm` and `clipvalue`
    (if > 0) clip the gradients in `get_gradients`."""

    # 2015 set any keyword as an attribute, so a typo (`SGD(momentun=0.9)`) was silently
    # ignored; the base class reads only these two
    extra_keywords = ('clipnorm', 'clipvalue')
    # the values each hyperparameter can meaningfully take (2015 took any number)
    ranges = {'lr': (0, math.inf), 'decay': (0, math.inf), 'epsilon': (0, math.inf),
              'momentum': (0, 1), 'rho': (0, 1), 'beta_1': (0, 1), 'beta_2': (0, 1),
              'clipnorm': (0, math.inf), 'clipvalue': (0, math.inf)}

    def __init__(self, **kwargs):
        unknown = sorted(set(kwargs) - set(self.extra_keywords))
        if unknown:
            raise TypeError('%s: unknown keyword argument %r (known: %s)'
                            % (type(self).__name__, unknown[0], ', '.join(self.known_keywords())))
        self.check_hyperparameters(**kwargs)
        self.__dict__.update(kwargs)
        self.updates = []

    def known_keywords(self):
        names = inspect.signature(type(self).__init__).parameters
        return [n for n in names if n not in ('self', 'args', 'kwargs')] + list(self.extra_keywords)

    def check_hyperparameters(self, **values):
        """A number outside its range (or NaN) is a ValueError naming it; a symbolic value
        (a shared variable given by 2015 code) is taken as it is."""
        for name, value in values.items():
            low, high = self.ranges[name]
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                if isinstance(value, (str, bytes)):
                    raise TypeError('%s: %s must be a number, got %r'
                                    % (type(self).__name__, name, value))
                continue
            if not low <= value <= high:
                raise ValueError('%s: %s must be in [%g, %g], got %r'
                                 % (type(self).__name__, name, low, high, value))

    def get_state(self):
        """Current values of every updated shared variable (after `get_updates`)."""
        return [u[0].get_value() for u in self.updates]

    def set_state(self, value_list):
        """Set every updated shared variable from `value_list` (as get_state returns it).

        All counts, shapes and dtypes are checked before anything is set: 2015 assigned
        one by one, so a bad array at position k left positions 0..k-1 changed, and an
        array that merely broadcast to the right shape was accepted.
        """
        where = '%s.set_state' % self.__class__.__name__
        value_list = list(value_list)
        if len(self.updates) != len(value_list):
            raise ValueError('%s: expected %d arrays, got %d'
                             % (where, len(self.updates), len(value_list)))
        checked = []
        for k, ((variable, _), value) in enumerate(zip(self.updates, value_list)):
            value = np.asarray(value)
            name = variable.name or 'state'
            want = variable.get_value(borrow=True).shape
            if value.dtype.kind not in 'biuf':
                raise TypeError('%s: array %d (%s) has dtype %s, expected numbers (%s)'
                                % (where, k, name, value.dtype, variable.dtype))
            if value.shape != want:
                raise ValueError('%s: array %d (%s) has shape %s, expected %s'
                                 % (where, k, name, value.shape, want))
            checked.append(value.astype(variable.dtype))   # floatX, as 2015 cast
        for (variable, _), value in zip(self.updates, checked):
            variable.set_value(value)

    def get_updates(self, params, constraints, loss):
        raise NotImplementedError

    def get_gradients(self, loss, params):
        grads = T.grad(loss, params)

        if hasattr(self, 'clipnorm') and self.clipnorm > 0:
            norm = T.sqrt(sum([T.sum(g ** 2) for g in grads]))
            grads = [clip_norm(g, self.clipnorm, norm) for g in grads]

        if hasattr(self, 'clipvalue') and self.clipvalue > 0:
            grads = [T.clip(g, -self.clipvalue, self.clipvalue) for g in grads]

        return grads

    config_keys = ()        # the constructor arguments get_config reports

    def get_config(self):
        """{"name": class name, and the current value of each of config_keys}."""
        config = {"name": self.__class__.__name__}
        for key in self.config_keys:
            value = getattr(self, key)
            config[key] = float(value.get_value()) if isinstance(value, theano.SharedVariable) \
                else value
        return config


class SGD(Optimizer):
    """lr_t = lr/(1 + decay*iterations); v = momentum*m - lr_t*g; m <- v;
    p <- p + momentum*v - lr_t*g (nesterov) or p + v."""
    # Keras 4e1ec93's SGD.get_config raised (get_value on a plain float), which broke
    # to_json for every SGD model; SPEC §4 asks for the config.
    config_keys = ('lr', 'momentum', 'decay', 'nesterov')

    def __init__(self, lr=0.01, momentum=0., decay=0., nesterov=False, *args, **kwargs):
        super(SGD, self).__init__(**kwargs)
        self.check_hyperparameters(lr=lr, momentum=momentum, decay=decay)
        self.iterations = shared_scalar(0)
        self.lr = shared_scalar(lr)
        self.momentum = shared_scalar(momentum)
        self.decay = shared_scalar(decay)
        self.nesterov = nesterov

    def get_updates(self, params, constraints, loss):
        grads = self.get_gradients(loss, params)
        lr = self.lr * (1.0 / (1.0 + self.decay * self.iterations))
        self.updates = [(self.iterations, self.iterations + 1.)]

        for p, g, c in zip(params, grads, constraints):
            m = shared_zeros(p.get_value().shape)  # momentum
            v = self.momentum * m - lr * g         # velocity
            self.updates.append((m, v))

            if self.nesterov:
                new_p = p + self.momentum * v - lr * g
            else:
                new_p = p + v

            self.updates.append((p, c(new_p)))
        return self.updates


class RMSprop(Optimizer):
    """a <- rho*a + (1-rho)*g^2; p <- p - lr*g/sqrt(a_new + epsilon)."""
    config_keys = ('lr', 'rho', 'epsilon')

    def __init__(self, lr=0.001, rho=0.9, epsilon=1e-6, *args, **kwargs):
        super(RMSprop, self).__init__(**kwargs)
        self.check_hyperparameters(lr=lr, rho=rho, epsilon=epsilon)
        self.lr = shared_scalar(lr)
        self.rho = shared_scalar(rho)
        self.epsilon = epsilon

    def get_updates(self, params, constraints, loss):
        grads = self.get_gradients(loss, params)
        accumulators = [shared_zeros(p.get_value().shape) for p in params]
        self.updates = []

        for p, g, a, c in zip(params, grads, accumulators, constraints):
            new_a = self.rho * a + (1 - self.rho) * g ** 2
            self.updates.append((a, new_a))

            new_p = p - self.lr * g / T.sqrt(new_a + self.epsilon)
            self.updates.append((p, c(new_p)))
        return self.updates


class Adagrad(Optimizer):
    """a <- a + g^2; p <- p - lr*g/sqrt(a_new + epsilon)."""
    config_keys = ('lr', 'epsilon')

    def __init__(self, lr=0.01, epsilon=1e-6, *args, **kwargs):
        super(Adagrad, self).__init__(**kwargs)
        self.check_hyperparameters(lr=lr, epsilon=epsilon)
        self.lr = shared_scalar(lr)
        self.epsilon = epsilon

    def get_updates(self, params, constraints, loss):
        grads = self.get_gradients(loss, params)
        accumulators = [shared_zeros(p.get_value().shape) for p in params]
        self.updates = []

        for p, g, a, c in zip(params, grads, accumulators, constraints):
            new_a = a + g ** 2
            self.updates.append((a, new_a))
            new_p = p - self.lr * g / T.sqrt(new_a + self.epsilon)
            self.updates.append((p, c(new_p)))
        return self.updates


class Adadelta(Optimizer):
    """Zeiler 2012 (arXiv:1212.5701): a <- rho*a + (1-rho)*g^2;
    u = g*sqrt(d + epsilon)/sqrt(a_new + epsilon) with the old d; p <- p - lr*u;
    d <- rho*d + (1-rho)*u^2."""
    config_keys = ('lr', 'rho', 'epsilon')

    def __init__(self, lr=1.0, rho=0.95, epsilon=1e-6, *args, **kwargs):
        super(Adadelta, self).__init__(**kwargs)
        self.check_hyperparameters(lr=lr, rho=rho, epsilon=epsilon)
        self.lr = shared_scalar(lr)
        self.rho = rho
        self.epsilon = epsilon

    def get_updates(self, params, constraints, loss):
        grads = self.get_gradients(loss, params)
        accumulators = [shared_zeros(p.get_value().shape) for p in params]
        delta_accumulators = [shared_zeros(p.get_value().shape) for p in params]
        self.updates = []

        for p, g, a, d_a, c in zip(params, grads, accumulators, delta_accumulators, constraints):
            new_a = self.rho * a + (1 - self.rho) * g ** 2
            self.updates.append((a, new_a))

            # the new accumulator but the *old* delta accumulator
            update = g * T.sqrt(d_a + self.epsilon) / T.sqrt(new_a + self.epsilon)

            new_p = p - self.lr * update
            self.updates.append((p, c(new_p)))

            new_d_a = self.rho * d_a + (1 - self.rho) * update ** 2
            self.updates.append((d_a, new_d_a))
        return self.updates


class Adam(Optimizer):
    """Kingma & Ba (arXiv:1412.6980v8): t = iterations + 1;
    lr_t = lr*sqrt(1 - beta_2^t)/(1 - beta_1^t); m <- beta_1*m + (1-beta_1)*g;
    v <- beta_2*v + (1-beta_2)*g^2; p <- p - lr_t*m_new/(sqrt(v_new) + epsilon)."""
    config_keys = ('lr', 'beta_1', 'beta_2', 'epsilon')

    def __init__(self, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8, *args, **kwargs):
        super(Adam, self).__init__(**kwargs)
        self.check_hyperparameters(lr=lr, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
        self.iterations = shared_scalar(0)
        self.lr = shared_scalar(lr)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def get_updates(self, params, constraints, loss):
        grads = self.get_gradients(loss, params)
        self.updates = [(self.iterations, self.iterations + 1.)]

        t = self.iterations + 1
        lr_t = self.lr * T.sqrt(1 - self.beta_2 ** t) / (1 - self.beta_1 ** t)

        for p, g, c in zip(params, grads, constraints):
            m = theano.shared(p.get_value() * 0.)  # first moment
            v = theano.shared(p.get_value() * 0.)  # second moment

            m_t = (self.beta_1 * m) + (1 - self.beta_1) * g
            v_t = (self.beta_2 * v) + (1 - self.beta_2) * (g ** 2)
            p_t = p - lr_t * m_t / (T.sqrt(v_t) + self.epsilon)

            self.updates.append((m, m_t))
            self.updates.append((v, v_t))
            self.updates.append((p, c(p_t)))
        return self.updates



# the lower-case names accepted by compile(optimizer='sgd')
sgd = SGD
rmsprop = RMSprop
adagrad = Adagrad
adadelta = Adadelta
adam = Adam


def get(identifier, kwargs=None):
    return get_from_module(identifier, globals(), 'optimizer', instantiate=True, kwargs=kwargs)
