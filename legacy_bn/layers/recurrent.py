"""keras.layers.recurrent as of Keras 4e1ec93c2f: SimpleRNN, SimpleDeepRNN, GRU, LSTM,
JZS1, JZS2, JZS3, each a `theano.scan` over time; and LSTM_LN, an LSTM with layer
normalization inside (not in 2015 Keras).

Input (nb_samples, timesteps, input_dim) -> output (nb_samples, output_dim), or
(nb_samples, timesteps, output_dim) with return_sequences=True.

Masks work as in 2015: the input mask (from Embedding(mask_zero=True) or Masking,
else all ones) is shifted one step later in time with a 0 in front, and step t
multiplies the previous state by it. So a state is reset to zero after each
masked timestep (sequences are padded at the front), while the outputs at
masked timesteps are still computed; the first step always starts from zeros.
Weights are drawn in 2015's constructor order, so seeded runs draw the same
numbers (orthogonal's values also depend on the LAPACK build's SVD signs).
"""
import warnings

import numpy as np

from .. import activations, initializations, validation
from .. import theano
from ..theano import tensor as T
from ..utils.theano_utils import alloc_zeros_matrix, shared_ones, shared_zeros
from .core import SequenceLayer
from .normalization import layer_normalize


class Recurrent(SequenceLayer):
    """A scan over time of `_step(*sequences_t, mask_tm1, *states_tm1, *non_sequences)`.

    A subclass gives `_sequences(X)` (the input projections, time-major),
    `_non_sequences()` and `nb_states` (LSTM carries h and c; the first state is
    the output).
    """
    nb_states = 1

    def get_output_mask(self, train=None):
        if self.return_sequences:
            return super(Recurrent, self).get_output_mask(train)
        return None

    def get_padded_shuffled_mask(self, train, X, pad=0):
        """The input mask (1 where no mask is given) as (time, nb_samples, 1) int8,
        with `pad` zero timesteps in front."""
        mask = self.get_input_mask(train)
        if mask is None:
            mask = T.ones_like(X[:, :, 0])
        mask = T.shape_padright(mask).dimshuffle(1, 0, 2)
        if pad > 0:
            padding = alloc_zeros_matrix(pad, mask.shape[1], 1)
            mask = T.concatenate([padding, mask], axis=0)
        return mask.astype('int8')

    @property
    def output_shape(self):
        if self.return_sequences:
            return super(Recurrent, self).output_shape
        return (self.output_dim,)

    def set_weights(self, weights):
        """A shorter list sets the first weights and keeps the rest, as 2015 did (its own
        test_recurrent gives recurrent layers only W); other layers want every array."""
        weights = list(weights)
        current = self.get_weights()
        if 0 < len(weights) < len(current):
            warnings.warn('%s.set_weights: %d of %d arrays given; the others keep their values'
                          % (self.label(), len(weights), len(current)))
            weights += current[len(weights):]
        super(Recurrent, self).set_weights(weights)

    def _gate(self, bias_init=shared_zeros):
        """A gate's W (input_dim, output_dim), U (output_dim, output_dim) and b
        (zeros unless given), drawn in that order."""
        return (self.init((self.input_dim, self.output_dim)),
                self.inner_init((self.output_dim, self.output_dim)),
                # 2015 passed the int (self.output_dim), so every initialization that
                # unpacks its shape ('normal', 'orthogonal', ...) crashed; same draws as a tuple
                bias_init((self.output_dim,)))

    def get_output(self, train=False):
        X = self.get_input(train)
        # mask[t - 1] at step t: Theano's sequence tap -1 on the mask padded by one step
        mask_tm1 = self.get_padded_shuffled_mask(train, X, pad=1)[:-1]
        X = X.dimshuffle((1, 0, 2))
        initial = [alloc_zeros_matrix(X.shape[1], self.output_dim) for _ in range(self.nb_states)]
        outputs, updates = theano.scan(
            self._step,
            sequences=self._sequences(X) + [mask_tm1],
            outputs_info=initial,
            non_sequences=self._non_sequences(),
            truncate_gradient=self.truncate_gradient)
        return self._final(outputs)

    def _final(self, outputs):
        if isinstance(outputs, (list, tuple)):
            outputs = outputs[0]
        if self.return_sequences:
            return outputs.dimshuffle((1, 0, 2))
        return outputs[-1]

    def _config(self, *keys):
        config = {"name": self.__class__.__name__,
                  "input_dim": self.input_dim,
                  "output_dim": self.output_dim}
        for key in keys:
            value = getattr(self, key)
            config[key] = value.__name__ if callable(value) else value
        config["truncate_gradient"] = self.truncate_gradient
        config["return_sequences"] = self.return_sequences
        return config


def _common(layer, input_dim, output_dim, init, inner_init, activation, truncate_gradient,
            return_sequences, inner_activation=None):
    name = type(layer).__name__
    layer.input_dim = validation.layer_size(name, 'input_dim', input_dim)
    output_dim = validation.layer_size(name, 'output_dim', output_dim)
    layer.output_dim = output_dim
    layer.truncate_gradient = truncate_gradient
    layer.return_sequences = return_sequences
    layer.init = initializations.get(init)
    layer.inner_init = initializations.get(inner_init)
    layer.activation = activations.get(activation)
    if inner_activation is not None:
        layer.inner_activation = activations.get(inner_activation)
    layer.input = T.tensor3()


def _random_projection(input_dim, output_dim):
    """JZS1/JZS2's fixed-at-start projection P (trained like the rest in 2015): the
    identity when the sizes agree, else a random +-1/sqrt(input_dim) matrix."""
    if input_dim == output_dim:
        return theano.shared(np.identity(output_dim, dtype=theano.config.floatX))
    P = np.random.binomial(1, 0.5, size=(input_dim, output_dim)).astype(theano.config.floatX) * 2 - 1
    # numpy 1's value-based casting kept this float32; numpy 2 would promote it to float64
    return theano.shared(np.asarray(1 / np.sqrt(input_dim), dtype=P.dtype) * P)


class SimpleRNN(Recurrent):
    """h_t = activation(W x_t + b + U h_tm1): the output is fed back."""

    def __init__(self, input_dim, output_dim, init='glorot_uniform', inner_init='orthogonal',
                 activation='sigmoid', weights=None, truncate_gradient=-1, return_sequences=False):
        super(SimpleRNN, self).__init__()
        _common(self, input_dim, output_dim, init, inner_init, activation, truncate_gradient,
                return_sequences)
        self.W = self.init((self.input_dim, self.output_dim))
        self.U = self.inner_init((self.output_dim, self.output_dim))
        self.b = shared_zeros((self.output_dim))
        self.params = [self.W, self.U, self.b]
        if weights is not None:
            self.set_weights(weights)

    def _sequences(self, X):
        return [T.dot(X, self.W) + self.b]

    def _non_sequences(self):
        return [self.U]

    def _step(self, x_t, mask_tm1, h_tm1, u):
        return self.activation(x_t + mask_tm1 * T.dot(h_tm1, u))

    def get_config(self):
        return self._config("init", "inner_init", "activation")


class SimpleDeepRNN(Recurrent):
    """h_t = activation(W x_t + b + sum_{i=1..depth} inner_activation(U_i h_{t-i})):
    the outputs of the last `depth` steps are fed back."""

    def __init__(self, input_dim, output_dim, depth=3, init='glorot_uniform',
                 inner_init='orthogonal', activation='sigmoid', inner_activation='hard_sigmoid',
                 weights=None, truncate_gradient=-1, return_sequences=False):
        super(SimpleDeepRNN, self).__init__()
        _common(self, input_dim, output_dim, init, inner_init, activation, truncate_gradient,
                return_sequences, inner_activation)
        self.depth = validation.positive_int('SimpleDeepRNN', 'depth', depth)
        self.W = self.init((self.input_dim, self.output_dim))
        self.Us = [self.inner_init((self.output_dim, self.output_dim)) for _ in range(self.depth)]
        self.b = shared_zeros((self.output_dim))
        self.params = [self.W] + self.Us + [self.b]
        if weights is not None:
            self.set_weights(weights)

    def get_output(self, train=False):
        # 2015 scanned with taps -1..-depth on the output and 0..-(depth-1) on the mask
        # padded by depth steps. Here the state is the tuple (h_tm1, ..., h_tmdepth),
        # shifted by one each step, and mask_tmi = mask[t - i] (0 before the start).
        X = self.get_input(train)
        padded = self.get_padded_shuffled_mask(train, X, pad=self.depth)
        nb_steps = X.shape[1]
        masks = [padded[self.depth - i:self.depth - i + nb_steps] for i in range(1, self.depth + 1)]
        X = X.dimshuffle((1, 0, 2))
        initial = [alloc_zeros_matrix(X.shape[1], self.output_dim) for _ in range(self.depth)]
        outputs, updates = theano.scan(
            self._step,
            sequences=[T.dot(X, self.W) + self.b] + masks,
            outputs_info=initial,
            non_sequences=self.Us,
            truncate_gradient=self.truncate_gradient)
        return self._final(outputs)

    def _step(self, x_t, *args):
        masks = args[:self.depth]
        states = args[self.depth:2 * self.depth]
        Us = args[2 * self.depth:]
        o = x_t
        for mask_tmi, h_tmi, U_tmi in zip(masks, states, Us):
            o = o + mask_tmi * self.inner_activation(T.dot(h_tmi, U_tmi))
        h_t = self.activation(o)
        return [h_t] + list(states[:-1]) if self.depth > 1 else h_t

    def get_config(self):
        config = self._config("depth", "init", "inner_init", "activation", "inner_activation")
        return config


class ThreeGates(Recurrent):
    """The layers with three full gates z, r, h, each W x + U h + b (GRU, JZS3); they
    differ in their step only."""

    def __init__(self, input_dim, output_dim, init, inner_init, activation, inner_activation,
                 weights, truncate_gradient, return_sequences):
        super(ThreeGates, self).__init__()
        _common(self, input_dim, output_dim, init, inner_init, activation, truncate_gradient,
                return_sequences, inner_activation)
        self.W_z, self.U_z, self.b_z = self._gate()
        self.W_r, self.U_r, self.b_r = self._gate()
        self.W_h, self.U_h, self.b_h = self._gate()
        self.params = [self.W_z, self.U_z, self.b_z,
                       self.W_r, self.U_r, self.b_r,
                       self.W_h, self.U_h, self.b_h]
        if weights is not None:
            self.set_weights(weights)

    def _sequences(self, X):
        return [T.dot(X, self.W_z) + self.b_z, T.dot(X, self.W_r) + self.b_r,
                T.dot(X, self.W_h) + self.b_h]

    def _non_sequences(self):
        return [self.U_z, self.U_r, self.U_h]

    def get_config(self):
        return self._config("init", "inner_init", "activation", "inner_activation")


class GRU(ThreeGates):
    """Gated Recurrent Unit (Cho et al. 2014, Chung et al. arXiv:1412.3555):
    z = inner_act(W_z x + U_z h), r = inner_act(W_r x + U_r h),
    h_t = z * h_tm1 + (1 - z) * activation(W_h x + U_h (r * h_tm1))."""

    def __init__(self, input_dim, output_dim=128, init='glorot_uniform', inner_init='orthogonal',
                 activation='sigmoid', inner_activation='hard_sigmoid', weights=None,
                 truncate_gradient=-1, return_sequences=False):
        super(GRU, self).__init__(input_dim, output_dim, init, inner_init, activation,
                                  inner_activation, weights, truncate_gradient, return_sequences)

    def _step(self, xz_t, xr_t, xh_t, mask_tm1, h_tm1, u_z, u_r, u_h):
        h_mask_tm1 = mask_tm1 * h_tm1
        z = self.inner_activation(xz_t + T.dot(h_mask_tm1, u_z))
        r = self.inner_activation(xr_t + T.dot(h_mask_tm1, u_r))
        hh_t = self.activation(xh_t + T.dot(r * h_mask_tm1, u_h))
        return z * h_mask_tm1 + (1 - z) * hh_t


class LSTM(Recurrent):
    """Long short-term memory (Hochreiter & Schmidhuber 1997; Gers et al. 2000):
    i, f, o = inner_act(W x + U h_tm1 + b) per gate,
    c_t = f * c_tm1 + i * activation(W_c x + U_c h_tm1 + b_c), h_t = o * activation(c_t).
    The forget gate's bias starts at forget_bias_init ('one')."""
    nb_states = 2

    def __init__(self, input_dim, output_dim=128, init='glorot_uniform', inner_init='orthogonal',
                 forget_bias_init='one', activation='tanh', inner_activation='hard_sigmoid',
                 weights=None, truncate_gradient=-1, return_sequences=False):
        super(LSTM, self).__init__()
        _common(self, input_dim, output_dim, init, inner_init, activation, truncate_gradient,
                return_sequences, inner_activation)
        self.forget_bias_init = initializations.get(forget_bias_init)
        self.W_i, self.U_i, self.b_i = self._gate()
        self.W_f, self.U_f, self.b_f = self._gate(self.forget_bias_init)
        self.W_c, self.U_c, self.b_c = self._gate()
        self.W_o, self.U_o, self.b_o = self._gate()
        # 2015's order (i, c, f, o) differs from the drawing order (i, f, c, o)
        self.params = [self.W_i, self.U_i, self.b_i,
                       self.W_c, self.U_c, self.b_c,
                       self.W_f, self.U_f, self.b_f,
                       self.W_o, self.U_o, self.b_o]
        if weights is not None:
            self.set_weights(weights)

    def _sequences(self, X):
        return [T.dot(X, self.W_i) + self.b_i, T.dot(X, self.W_f) + self.b_f,
                T.dot(X, self.W_o) + self.b_o, T.dot(X, self.W_c) + self.b_c]

    def _non_sequences(self):
        return [self.U_i, self.U_f, self.U_o, self.U_c]

    def _step(self, xi_t, xf_t, xo_t, xc_t, mask_tm1, h_tm1, c_tm1, u_i, u_f, u_o, u_c):
        h_mask_tm1 = mask_tm1 * h_tm1
        c_mask_tm1 = mask_tm1 * c_tm1
        i_t = self.inner_activation(xi_t + T.dot(h_mask_tm1, u_i))
        f_t = self.inner_activation(xf_t + T.dot(h_mask_tm1, u_f))
        c_t = f_t * c_mask_tm1 + i_t * self.activation(xc_t + T.dot(h_mask_tm1, u_c))
        o_t = self.inner_activation(xo_t + T.dot(h_mask_tm1, u_o))
        h_t = o_t * self.activation(c_t)
        return h_t, c_t

    def get_config(self):
        return self._config("init", "inner_init", "forget_bias_init", "activation",
                            "inner_activation")


class JZS1(Recurrent):
    """MUT1 of Jozefowicz et al. 2015 (An Empirical Exploration of Recurrent Network
    Architectures): z = inner_act(W_z x), r = inner_act(W_r x + U_r h),
    h_t = activation(tanh(P x) + b_h + U_h (r * h)) * z + h * (1 - z)."""

    def __init__(self, input_dim, output_dim=128, init='glorot_uniform', inner_init='orthogonal',
                 activation='tanh', inner_activation='sigmoid', weights=None,
                 truncate_gradient=-1, return_sequences=False):
        super(JZS1, self).__init__()
        _common(self, input_dim, output_dim, init, inner_init, activation, truncate_gradient,
                return_sequences, inner_activation)
        self.W_z = self.init((self.input_dim, self.output_dim))
        self.b_z = shared_zeros((self.output_dim))
        self.W_r, self.U_r, self.b_r = self._gate()
        self.U_h = self.inner_init((self.output_dim, self.output_dim))
        self.b_h = shared_zeros((self.output_dim))
        self.Pmat = _random_projection(self.input_dim, self.output_dim)
        self.params = [self.W_z, self.b_z,
                       self.W_r, self.U_r, self.b_r,
                       self.U_h, self.b_h,
                       self.Pmat]
        if weights is not None:
            self.set_weights(weights)

    def _sequences(self, X):
        return [T.dot(X, self.W_z) + self.b_z, T.dot(X, self.W_r) + self.b_r,
                T.tanh(T.dot(X, self.Pmat)) + self.b_h]

    def _non_sequences(self):
        return [self.U_r, self.U_h]

    def _step(self, xz_t, xr_t, xh_t, mask_tm1, h_tm1, u_r, u_h):
        h_mask_tm1 = mask_tm1 * h_tm1
        z = self.inner_activation(xz_t)
        r = self.inner_activation(xr_t + T.dot(h_mask_tm1, u_r))
        hh_t = self.activation(xh_t + T.dot(r * h_mask_tm1, u_h))
        return hh_t * z + h_mask_tm1 * (1 - z)

    def get_config(self):
        return self._config("init", "inner_init", "activation", "inner_activation")


class JZS2(Recurrent):
    """MUT2 of Jozefowicz et al. 2015: z = inner_act(W_z x + U_z h),
    r = inner_act(P x + b_r + U_r h), h_t = activation(W_h x + U_h (r * h)) * z + h * (1 - z)."""

    def __init__(self, input_dim, output_dim=128, init='glorot_uniform', inner_init='orthogonal',
                 activation='tanh', inner_activation='sigmoid', weights=None,
                 truncate_gradient=-1, return_sequences=False):
        super(JZS2, self).__init__()
        _common(self, input_dim, output_dim, init, inner_init, activation, truncate_gradient,
                return_sequences, inner_activation)
        self.W_z, self.U_z, self.b_z = self._gate()
        self.U_r = self.inner_init((self.output_dim, self.output_dim))
        self.b_r = shared_zeros((self.output_dim))
        self.W_h, self.U_h, self.b_h = self._gate()
        self.Pmat = _random_projection(self.input_dim, self.output_dim)
        self.params = [self.W_z, self.U_z, self.b_z,
                       self.U_r, self.b_r,
                       self.W_h, self.U_h, self.b_h,
                       self.Pmat]
        if weights is not None:
            self.set_weights(weights)

    def _sequences(self, X):
        return [T.dot(X, self.W_z) + self.b_z, T.dot(X, self.Pmat) + self.b_r,
                T.dot(X, self.W_h) + self.b_h]

    def _non_sequences(self):
        return [self.U_z, self.U_r, self.U_h]

    def _step(self, xz_t, xr_t, xh_t, mask_tm1, h_tm1, u_z, u_r, u_h):
        h_mask_tm1 = mask_tm1 * h_tm1
        z = self.inner_activation(xz_t + T.dot(h_mask_tm1, u_z))
        r = self.inner_activation(xr_t + T.dot(h_mask_tm1, u_r))
        hh_t = self.activation(xh_t + T.dot(r * h_mask_tm1, u_h))
        return hh_t * z + h_mask_tm1 * (1 - z)

    def get_config(self):
        return self._config("init", "inner_init", "activation", "inner_activation")


class JZS3(ThreeGates):
    """MUT3 of Jozefowicz et al. 2015: z = inner_act(W_z x + U_z tanh(h)),
    r = inner_act(W_r x + U_r h), h_t = activation(W_h x + U_h (r * h)) * z + h * (1 - z)."""

    def __init__(self, input_dim, output_dim=128, init='glorot_uniform', inner_init='orthogonal',
                 activation='tanh', inner_activation='sigmoid', weights=None,
                 truncate_gradient=-1, return_sequences=False):
        super(JZS3, self).__init__(input_dim, output_dim, init, inner_init, activation,
                                   inner_activation, weights, truncate_gradient, return_sequences)

    def _step(self, xz_t, xr_t, xh_t, mask_tm1, h_tm1, u_z, u_r, u_h):
        h_mask_tm1 = mask_tm1 * h_tm1
        z = self.inner_activation(xz_t + T.dot(T.tanh(h_mask_tm1), u_z))
        r = self.inner_activation(xr_t + T.dot(h_mask_tm1, u_r))
        hh_t = self.activation(xh_t + T.dot(r * h_mask_tm1, u_h))
        return hh_t * z + h_mask_tm1 * (1 - z)


class LSTM_LN(LSTM):
    """An LSTM with layer normalization inside (Ba, Kiros & Hinton 2016, eqs. 20-22):

        gate = inner_act(LN(W x_t; gx, bx) + LN(U h_tm1; gh, bh) + b)   for i, f, o
        c_t = f * c_tm1 + i * activation(LN(W_c x_t) + LN(U_c h_tm1) + b_c)
        h_t = o * activation(LN(c_t; gc, bc))

    Each projection of each gate is normalized over its output_dim units on its own,
    with its own gain (starting at one) and bias (zero); the carried cell state c_t is
    not normalized, only what the output sees. The input projections do not depend on
    the recurrence, so they are normalized for all timesteps at once, outside the scan.
    Same constructor as LSTM plus `epsilon` (inside the square root; default 1e-2).

    Why 1e-2 rather than the usual 1e-5: normalization is scale-free, so its gradient at
    a vector x is about 1/sqrt(var(x) + epsilon). An LSTM starts from h = c = 0, and
    while its inputs are zero too (MNIST's blank top rows) U h and c stay exactly 0:
    every step multiplies the gradient by ~1/epsilon (two normalizations in a row).
    Over five blank rows that is ~1e25 at 1e-5, past float32's range even for gradient
    clipping; at 1e-2 it is ~1e12, which clipnorm brings back. Use clipnorm with this
    layer when sequences can start with all-zero inputs.
    Weights: LSTM's twelve (drawn in LSTM's order, so a seed gives the same W and U),
    then gx, bx, gh, bh for i, c, f, o (LSTM's weight order), then gc, bc.
    """

    def __init__(self, input_dim, output_dim=128, init='glorot_uniform', inner_init='orthogonal',
                 forget_bias_init='one', activation='tanh', inner_activation='hard_sigmoid',
                 weights=None, truncate_gradient=-1, return_sequences=False, epsilon=1e-2):
        super(LSTM_LN, self).__init__(input_dim, output_dim, init, inner_init, forget_bias_init,
                                      activation, inner_activation, None, truncate_gradient,
                                      return_sequences)
        self.epsilon = validation.non_negative('LSTM_LN', 'epsilon', epsilon)
        self.norms = {}                 # gate -> (gx, bx, gh, bh)
        for gate in 'icfo':
            self.norms[gate] = (shared_ones((output_dim,)), shared_zeros((output_dim,)),
                                shared_ones((output_dim,)), shared_zeros((output_dim,)))
            self.params += list(self.norms[gate])
        self.g_c, self.b_cell = shared_ones((output_dim,)), shared_zeros((output_dim,))
        self.params += [self.g_c, self.b_cell]
        if weights is not None:
            self.set_weights(weights)

    def _norm(self, X, gain, bias):
        return layer_normalize(X, self.epsilon) * gain + bias

    def _sequences(self, X):
        def projection(gate, W, b):
            gx, bx = self.norms[gate][:2]
            return self._norm(T.dot(X, W), gx, bx) + b
        return [projection('i', self.W_i, self.b_i), projection('f', self.W_f, self.b_f),
                projection('o', self.W_o, self.b_o), projection('c', self.W_c, self.b_c)]

    def _step(self, xi_t, xf_t, xo_t, xc_t, mask_tm1, h_tm1, c_tm1, u_i, u_f, u_o, u_c):
        h_mask_tm1 = mask_tm1 * h_tm1
        c_mask_tm1 = mask_tm1 * c_tm1

        def recurrent(gate, u):
            gh, bh = self.norms[gate][2:]
            return self._norm(T.dot(h_mask_tm1, u), gh, bh)
        i_t = self.inner_activation(xi_t + recurrent('i', u_i))
        f_t = self.inner_activation(xf_t + recurrent('f', u_f))
        c_t = f_t * c_mask_tm1 + i_t * self.activation(xc_t + recurrent('c', u_c))
        o_t = self.inner_activation(xo_t + recurrent('o', u_o))
        h_t = o_t * self.activation(self._norm(c_t, self.g_c, self.b_cell))
        return h_t, c_t

    def get_config(self):
        config = super(LSTM_LN, self).get_config()
        config["epsilon"] = self.epsilon
        return config
