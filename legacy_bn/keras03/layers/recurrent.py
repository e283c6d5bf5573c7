"""keras.layers.recurrent of Keras 0.3.3: Recurrent, SimpleRNN, GRU and LSTM on K.rnn.

Input (nb_samples, timesteps, input_dim) -> the last output (nb_samples, output_dim), or
every output (nb_samples, timesteps, output_dim) with return_sequences=True.

How 0.3.3 computes, kept here:
- the input projections x.W + b of every gate are computed for all timesteps before the
  scan (`time_distributed_dense`), and the step adds h_tm1.U;
- masks (Embedding(mask_zero=True), Masking) are K.rnn's: at a masked timestep the
  output and the states are carried over unchanged (0.1 reset the state instead);
- go_backwards runs the scan from the last timestep (outputs in reverse time order);
- stateful=True keeps the last states of a batch in shared variables as the next
  batch's initial states (a fixed batch size from batch_input_shape);
  reset_states() zeroes them;
- dropout_W drops input units with one mask per gate (the same at every timestep),
  dropout_U recurrent units likewise (Gal & Ghahramani's recurrent dropout); the masks'
  seeds are drawn from np.random when the training graph is built: dropout_U's first,
  then dropout_W's, gate by gate, as in 0.3.3.
Weights are drawn from np.random in 0.3.3's order (gate by gate: W, U, b); LSTM lists its
weights in 0.3.3's order i, c, f, o although it draws them i, f, c, o.
0.3.3 has no JZS1-3 and no SimpleDeepRNN (they are 4e1ec93's, legacy_bn.layers.recurrent).
"""
import numpy as np

from .. import activations, backend as K, initializations, regularizers
from .core import MaskedLayer, extended_config, refuse_keras01_size


def time_distributed_dense(x, w, b=None, dropout=None, input_dim=None, output_dim=None,
                           timesteps=None):
    """x.w + b for every timestep of x (nb_samples, timesteps, input_dim), as one product
    over the samples and timesteps together; with `dropout`, input units are dropped by
    one mask for every timestep."""
    if not input_dim:
        input_dim = K.shape(x)[2]
    if not timesteps:
        timesteps = K.shape(x)[1]
    if not output_dim:
        output_dim = K.shape(w)[1]
    if dropout:
        ones = K.ones_like(K.reshape(x[:, 0, :], (-1, input_dim)))
        x = x * K.repeat(K.dropout(ones, dropout), timesteps)
    x = K.dot(K.reshape(x, (-1, input_dim)), w)
    if b is not None:
        x = x + b
    return K.reshape(x, (-1, timesteps, output_dim))


def _dropped(h, mask):
    """h * mask; h itself where 0.3.3 multiplied by 1. (the same numbers, a pass less)."""
    return h if mask is None else h * mask


class Recurrent(MaskedLayer):
    """The scan over time shared by the recurrent layers. A subclass gives `gates` (names,
    one W, U and b each), `nb_states`, `step(x, states)` and the dropout masks' count."""
    input_ndim = 3
    gates = ()
    nb_states = 1

    def __init__(self, weights=None, return_sequences=False, go_backwards=False,
                 stateful=False, input_dim=None, input_length=None, **kwargs):
        self.return_sequences = return_sequences
        self.initial_weights = weights
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.input_dim = input_dim
        self.input_length = input_length
        super(Recurrent, self).__init__(**self.shape_keywords(kwargs, input_length, input_dim))

    # -- shapes and masks -------------------------------------------------------------------
    def get_output_mask(self, train=False):
        if self.return_sequences:
            return super(Recurrent, self).get_output_mask(train)
        return None

    @property
    def output_shape(self):
        input_shape = self.input_shape
        if self.return_sequences:
            return (input_shape[0], input_shape[1], self.output_dim)
        return (input_shape[0], self.output_dim)

    # -- weights ------------------------------------------------------------------------------
    def _build_gates(self):
        """Draw W, U, b of each gate (in `gates` order) and attach the regularizers."""
        input_dim = self.input_dim = self.input_shape[2]
        for gate in self.gates:
            suffix = '_' + gate if gate else ''
            W = self.init((input_dim, self.output_dim), name='{}_W{}'.format(self.name, suffix))
            U = self.inner_init((self.output_dim, self.output_dim),
                                name='{}_U{}'.format(self.name, suffix))
            b = self._bias_init(gate)((self.output_dim,), name='{}_b{}'.format(self.name, suffix))
            setattr(self, 'W' + suffix, W)
            setattr(self, 'U' + suffix, U)
            setattr(self, 'b' + suffix, b)
        self.regularizers = []
        for kind in 'WUb':
            regularizer = getattr(self, kind + '_regularizer')
            if regularizer:
                regularizer.set_param(self._joined(kind))
                self.regularizers.append(regularizer)

    def _bias_init(self, gate):
        return K.zeros

    def _weights_of(self, kind):
        return [getattr(self, kind + ('_' + gate if gate else '')) for gate in self.gates]

    def _joined(self, kind):
        """The gates' `kind` weights side by side (what a regularizer of them sees)."""
        weights = self._weights_of(kind)
        return weights[0] if len(weights) == 1 else K.concatenate(weights)

    def _finish_build(self):
        # the states hold no random numbers: making them after the weights (0.3.3 made
        # SimpleRNN's and LSTM's before) draws the same
        if self.stateful:
            self.reset_states()
        else:
            self.states = [None] * self.nb_states
        if self.initial_weights is not None:
            self.set_weights(self.initial_weights)
            del self.initial_weights

    def reset_states(self):
        assert self.stateful, 'Layer must be stateful.'
        batch_size = self.input_shape[0]
        if not batch_size:
            raise Exception('If a RNN is stateful, a complete input_shape must be provided '
                            '(including batch size).')
        zeros = np.zeros((batch_size, self.output_dim))
        if hasattr(self, 'states') and all(s is not None for s in self.states):
            for state in self.states:
                K.set_value(state, zeros)
        else:
            self.states = [K.zeros((batch_size, self.output_dim))
                           for _ in range(self.nb_states)]

    # -- the scan -----------------------------------------------------------------------------
    def step(self, x, states):
        raise NotImplementedError

    def get_initial_states(self, x):
        # zeros of shape (samples, output_dim), built from x as 0.3.3 did
        initial_state = K.sum(K.zeros_like(x), axis=1)
        initial_state = K.dot(initial_state, K.zeros((self.input_dim, self.output_dim)))
        return [initial_state for _ in range(len(self.states))]

    def get_constants(self, x, train=False):
        """The recurrent dropout masks (one per gate), passed to every step after the
        states; none at test time or without dropout_U."""
        if train and 0 < self.dropout_U < 1:
            ones = K.ones_like(K.reshape(x[:, 0, 0], (-1, 1)))
            ones = K.concatenate([ones] * self.output_dim, 1)
            return [K.dropout(ones, self.dropout_U) for _ in self.gates]
        return []

    def preprocess_input(self, x, train=False):
        dropout = self.dropout_W if train and 0 < self.dropout_W < 1 else 0
        timesteps = self.input_shape[1]
        projections = [time_distributed_dense(x, W, b, dropout, self.input_dim,
                                              self.output_dim, timesteps)
                       for W, b in zip(self._weights_of('W'), self._weights_of('b'))]
        if len(projections) == 1:
            return projections[0]
        return K.concatenate(projections, axis=2)

    def _recurrent_dropout(self, states):
        """The step's recurrent dropout masks, one per gate (None without dropout_U)."""
        masks = list(states[self.nb_states:])
        return masks if masks else [None] * len(self.gates)

    def _split(self, x):
        """The per-gate slices of a step's preprocessed input."""
        n = self.output_dim
        return [x[:, i * n:(i + 1) * n] for i in range(len(self.gates))]

    def get_output(self, train=False):
        X = self.get_input(train)
        mask = self.get_input_mask(train)
        assert K.ndim(X) == 3
        if self.stateful:
            initial_states = self.states
        else:
            initial_states = self.get_initial_states(X)
        # the recurrent masks' seeds are drawn before the input masks', as in 0.3.3
        constants = self.get_constants(X, train)
        preprocessed_input = self.preprocess_input(X, train)
        last_output, outputs, states = K.rnn(self.step, preprocessed_input, initial_states,
                                             go_backwards=self.go_backwards, mask=mask,
                                             constants=constants)
        if self.stateful:
            self.updates = list(zip(self.states, states))
        return outputs if self.return_sequences else last_output

    # -- config -------------------------------------------------------------------------------
    def get_config(self):
        config = {'name': self.__class__.__name__,
                  'return_sequences': self.return_sequences,
                  'go_backwards': self.go_backwards,
                  'stateful': self.stateful}
        if self.stateful:
            config['batch_input_shape'] = self.input_shape
        else:
            config['input_dim'] = self.input_dim
            config['input_length'] = self.input_length
        return extended_config(self, Recurrent, config)

    def _cell_config(self, *names):
        config = {'output_dim': self.output_dim}
        for name in names:
            config[name] = getattr(self, name).__name__
        for kind in 'WUb':
            regularizer = getattr(self, kind + '_regularizer')
            config[kind + '_regularizer'] = regularizer.get_config() if regularizer else None
        config['dropout_W'] = self.dropout_W
        config['dropout_U'] = self.dropout_U
        base_config = Recurrent.get_config(self)
        base_config.update(config)
        return base_config


def _cell_arguments(layer, output_dim, init, inner_init, activation, W_regularizer,
                    U_regularizer, b_regularizer, dropout_W, dropout_U, inner_activation=None):
    cls = type(layer).__name__
    refuse_keras01_size(cls, 'init', init, '%s(input_dim, output_dim)' % cls,
                        '%s(output_dim, input_dim=...)' % cls)
    layer.output_dim = output_dim
    layer.init = initializations.get(init)
    layer.inner_init = initializations.get(inner_init)
    layer.activation = activations.get(activation)
    if inner_activation is not None:
        layer.inner_activation = activations.get(inner_activation)
    layer.W_regularizer = regularizers.get(W_regularizer)
    layer.U_regularizer = regularizers.get(U_regularizer)
    layer.b_regularizer = regularizers.get(b_regularizer)
    layer.dropout_W, layer.dropout_U = dropout_W, dropout_U


class SimpleRNN(Recurrent):
    """h_t = activation(x_t.W + b + h_tm1.U): the output is fed back."""
    gates = ('',)

    def __init__(self, output_dim, init='glorot_uniform', inner_init='orthogonal',
                 activation='tanh', W_regularizer=None, U_regularizer=None,
                 b_regularizer=None, dropout_W=0., dropout_U=0., **kwargs):
        _cell_arguments(self, output_dim, init, inner_init, activation, W_regularizer,
                        U_regularizer, b_regularizer, dropout_W, dropout_U)
        super(SimpleRNN, self).__init__(**kwargs)

    def build(self):
        self._build_gates()
        self.trainable_weights = [self.W, self.U, self.b]
        self._finish_build()

    def step(self, h, states):
        B_U = self._recurrent_dropout(states)[0]
        output = self.activation(h + K.dot(_dropped(states[0], B_U), self.U))
        return output, [output]

    def get_config(self):
        return self._cell_config('init', 'inner_init', 'activation')


class GRU(Recurrent):
    """Gated Recurrent Unit (Cho et al. 2014): update gate z, reset gate r,
    h_t = z * h_tm1 + (1 - z) * activation(x_t.W_h + b_h + (r * h_tm1).U_h)."""
    gates = ('z', 'r', 'h')

    def __init__(self, output_dim, init='glorot_uniform', inner_init='orthogonal',
                 activation='tanh', inner_activation='hard_sigmoid', W_regularizer=None,
                 U_regularizer=None, b_regularizer=None, dropout_W=0., dropout_U=0.,
                 **kwargs):
        _cell_arguments(self, output_dim, init, inner_init, activation, W_regularizer,
                        U_regularizer, b_regularizer, dropout_W, dropout_U, inner_activation)
        super(GRU, self).__init__(**kwargs)

    def build(self):
        self._build_gates()
        self.trainable_weights = [self.W_z, self.U_z, self.b_z,
                                  self.W_r, self.U_r, self.b_r,
                                  self.W_h, self.U_h, self.b_h]
        self._finish_build()

    def step(self, x, states):
        h_tm1 = states[0]
        B_U = self._recurrent_dropout(states)
        x_z, x_r, x_h = self._split(x)
        z = self.inner_activation(x_z + K.dot(_dropped(h_tm1, B_U[0]), self.U_z))
        r = self.inner_activation(x_r + K.dot(_dropped(h_tm1, B_U[1]), self.U_r))
        hh = self.activation(x_h + K.dot(_dropped(r * h_tm1, B_U[2]), self.U_h))
        h = z * h_tm1 + (1 - z) * hh
        return h, [h]

    def get_config(self):
        return self._cell_config('init', 'inner_init', 'activation', 'inner_activation')


class LSTM(Recurrent):
    """Long short-term memory (Hochreiter 1997, with a forget gate): gates i, f, o,
    cell c_t = f * c_tm1 + i * activation(x_t.W_c + b_c + h_tm1.U_c),
    h_t = o * activation(c_t). The forget gate's bias starts at forget_bias_init (ones)."""
    gates = ('i', 'f', 'c', 'o')
    nb_states = 2

    def __init__(self, output_dim, init='glorot_uniform', inner_init='orthogonal',
                 forget_bias_init='one', activation='tanh', inner_activation='hard_sigmoid',
                 W_regularizer=None, U_regularizer=None, b_regularizer=None,
                 dropout_W=0., dropout_U=0., **kwargs):
        _cell_arguments(self, output_dim, init, inner_init, activation, W_regularizer,
                        U_regularizer, b_regularizer, dropout_W, dropout_U, inner_activation)
        self.forget_bias_init = initializations.get(forget_bias_init)
        super(LSTM, self).__init__(**kwargs)

    def _bias_init(self, gate):
        return self.forget_bias_init if gate == 'f' else K.zeros

    def build(self):
        self._build_gates()
        # listed i, c, f, o (0.3.3's get_weights order), drawn i, f, c, o
        self.trainable_weights = [self.W_i, self.U_i, self.b_i,
                                  self.W_c, self.U_c, self.b_c,
                                  self.W_f, self.U_f, self.b_f,
                                  self.W_o, self.U_o, self.b_o]
        self._finish_build()

    def step(self, x, states):
        h_tm1, c_tm1 = states[0], states[1]
        B_U = self._recurrent_dropout(states)
        x_i, x_f, x_c, x_o = self._split(x)
        i = self.inner_activation(x_i + K.dot(_dropped(h_tm1, B_U[0]), self.U_i))
        f = self.inner_activation(x_f + K.dot(_dropped(h_tm1, B_U[1]), self.U_f))
        c = f * c_tm1 + i * self.activation(x_c + K.dot(_dropped(h_tm1, B_U[2]), self.U_c))
        o = self.inner_activation(x_o + K.dot(_dropped(h_tm1, B_U[3]), self.U_o))
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self):
        return self._cell_config('init', 'inner_init', 'forget_bias_init', 'activation',
                                 'inner_activation')
