"""keras.layers.recurrent (Keras 0.2.0).

0.2.0's recurrent layers were 4e1ec93's with 0.3's constructors: output_dim first;
input_dim, input_length or input_shape; the weights drawn in build(), once the input shape
is known. So here every one of them -- SimpleRNN, GRU, LSTM, and JZS1, JZS2, JZS3 and
SimpleDeepRNN (0.3.3 dropped these) -- is 0.2.0's constructor around 4e1ec93's scan and
step arithmetic, imported from legacy_bn.layers.recurrent:

- 2015's mask rule: where a timestep is masked, the state fed to the next step is zeroed
  (h_mask_tm1 = mask_tm1 * h_tm1), so the sequence restarts from zeros after a masked step
  (0.3.3 carries the last unmasked state over instead) and the masked output is what the
  step computed from that reset state;
- 0.2.0's defaults (SimpleRNN and GRU: activation='sigmoid'; truncate_gradient=-1) and its
  get_config (no stateful, go_backwards, regularizers or dropout_W/U: 0.2.0 had none);
- the same draws from np.random in the same order; LSTM's get_weights order i, c, f, o;
  JZS1/JZS2's projection Pmat (the identity when input_dim == output_dim, else random
  +-1/sqrt(input_dim); trained like the other weights, as in 0.2.0).
"""
from ... import activations, initializations
from ...layers import recurrent as _4e1ec93
from ...utils.theano_utils import shared_zeros
from ...keras03.layers import recurrent as _03
from ...keras03.layers.core import MaskedLayer
from ..numerics import SampleInputShape
from .core import Config020


def steps_of(layer_4e1ec93):
    """A class decorator: the 4e1ec93 layer's input projections, recurrent weights and step."""
    def take(cls):
        for name in ('_sequences', '_non_sequences', '_step'):
            setattr(cls, name, getattr(layer_4e1ec93, name))
        return cls
    return take


class Recurrent(Config020, SampleInputShape, MaskedLayer):
    """0.2.0's base of the recurrent layers: 3D input (samples, timesteps, input_dim), the
    input mask passed on with return_sequences, 4e1ec93's mask padding."""
    input_ndim = 3
    get_padded_shuffled_mask = _4e1ec93.Recurrent.get_padded_shuffled_mask

    def get_output_mask(self, train=False):
        return self.get_input_mask(train) if self.return_sequences else None

    output_shape = _03.Recurrent.output_shape


class ScannedRecurrent(Recurrent):
    """0.2.0's recurrent layer around a 4e1ec93 scan: a subclass gives `_draw(input_dim)`
    (the weights, in 0.2.0's drawing order, returned in 0.2.0's get_weights order) and
    4e1ec93's `_sequences`, `_non_sequences` and `_step` (or its own get_output)."""
    nb_states = 1
    config_keys = ('init', 'inner_init', 'activation', 'inner_activation')

    def __init__(self, output_dim, init, inner_init, activation, inner_activation, weights,
                 truncate_gradient, return_sequences, input_dim, input_length, **kwargs):
        self.output_dim = output_dim
        self.init = initializations.get(init)
        self.inner_init = initializations.get(inner_init)
        self.activation = activations.get(activation)
        self.inner_activation = inner_activation and activations.get(inner_activation)
        self.truncate_gradient = truncate_gradient
        self.return_sequences = return_sequences
        self.initial_weights = weights
        self.input_dim = input_dim
        self.input_length = input_length
        if input_dim:
            kwargs['input_shape'] = (input_length, input_dim)
        super(ScannedRecurrent, self).__init__(**kwargs)

    def build(self):
        self.trainable_weights = self._draw(self.input_shape[2])
        if self.initial_weights is not None:
            self.set_weights(self.initial_weights)
            del self.initial_weights

    def _gate(self, input_dim):
        """W (input_dim, output_dim), U (output_dim, output_dim), b (zeros), drawn so."""
        return (self.init((input_dim, self.output_dim)),
                self.inner_init((self.output_dim, self.output_dim)),
                shared_zeros((self.output_dim,)))

    get_output = _4e1ec93.Recurrent.get_output
    _final = _4e1ec93.Recurrent._final

    def get_config(self):
        config = super(ScannedRecurrent, self).get_config()
        config.update({'output_dim': self.output_dim,
                       'truncate_gradient': self.truncate_gradient,
                       'return_sequences': self.return_sequences,
                       'input_dim': self.input_dim,
                       'input_length': self.input_length})
        for key in self.config_keys:
            value = getattr(self, key)
            config[key] = value.__name__ if callable(value) else value
        return config


@steps_of(_4e1ec93.SimpleRNN)
class SimpleRNN(ScannedRecurrent):
    """h_t = activation(x_t.W + b + h_tm1.U)."""
    config_keys = ('init', 'inner_init', 'activation')

    def __init__(self, output_dim, init='glorot_uniform', inner_init='orthogonal',
                 activation='sigmoid', weights=None, truncate_gradient=-1,
                 return_sequences=False, input_dim=None, input_length=None, **kwargs):
        super(SimpleRNN, self).__init__(output_dim, init, inner_init, activation, None,
                                        weights, truncate_gradient, return_sequences,
                                        input_dim, input_length, **kwargs)

    def _draw(self, input_dim):
        self.W, self.U, self.b = self._gate(input_dim)
        return [self.W, self.U, self.b]


def gated(activation, inner_activation):
    """A ScannedRecurrent base whose constructor has 0.2.0's signature of a gated layer, with
    these default activations (GRU: sigmoid, hard_sigmoid; JZS1-3: tanh, sigmoid)."""
    class Gated(ScannedRecurrent):
        def __init__(self, output_dim, init='glorot_uniform', inner_init='orthogonal',
                     activation=activation, inner_activation=inner_activation, weights=None,
                     truncate_gradient=-1, return_sequences=False, input_dim=None,
                     input_length=None, **kwargs):
            super(Gated, self).__init__(output_dim, init, inner_init, activation,
                                        inner_activation, weights, truncate_gradient,
                                        return_sequences, input_dim, input_length, **kwargs)
    return Gated


def three_gates(layer, input_dim):
    """z, r and h gates, each W, U, b, drawn in that order (GRU's and JZS3's _draw)."""
    layer.W_z, layer.U_z, layer.b_z = layer._gate(input_dim)
    layer.W_r, layer.U_r, layer.b_r = layer._gate(input_dim)
    layer.W_h, layer.U_h, layer.b_h = layer._gate(input_dim)
    return [layer.W_z, layer.U_z, layer.b_z, layer.W_r, layer.U_r, layer.b_r,
            layer.W_h, layer.U_h, layer.b_h]


@steps_of(_4e1ec93.GRU)
class GRU(gated('sigmoid', 'hard_sigmoid')):
    """z = inner_act(x.W_z + h.U_z + b_z), r = inner_act(x.W_r + h.U_r + b_r),
    h_t = z * h_tm1 + (1 - z) * activation(x.W_h + (r * h_tm1).U_h + b_h)."""
    _draw = three_gates


@steps_of(_4e1ec93.LSTM)
class LSTM(ScannedRecurrent):
    """i, f, o = inner_act(x.W + h_tm1.U + b) per gate (f's bias from forget_bias_init),
    c_t = f * c_tm1 + i * activation(x.W_c + h_tm1.U_c + b_c), h_t = o * activation(c_t)."""
    nb_states = 2
    config_keys = ('init', 'inner_init', 'forget_bias_init', 'activation',
                   'inner_activation')

    def __init__(self, output_dim, init='glorot_uniform', inner_init='orthogonal',
                 forget_bias_init='one', activation='tanh', inner_activation='hard_sigmoid',
                 weights=None, truncate_gradient=-1, return_sequences=False, input_dim=None,
                 input_length=None, **kwargs):
        self.forget_bias_init = initializations.get(forget_bias_init)
        super(LSTM, self).__init__(output_dim, init, inner_init, activation, inner_activation,
                                   weights, truncate_gradient, return_sequences, input_dim,
                                   input_length, **kwargs)

    def _draw(self, input_dim):
        self.W_i, self.U_i, self.b_i = self._gate(input_dim)
        self.W_f = self.init((input_dim, self.output_dim))
        self.U_f = self.inner_init((self.output_dim, self.output_dim))
        self.b_f = self.forget_bias_init((self.output_dim,))
        self.W_c, self.U_c, self.b_c = self._gate(input_dim)
        self.W_o, self.U_o, self.b_o = self._gate(input_dim)
        # 0.2.0's weights order (i, c, f, o) differs from its drawing order (i, f, c, o)
        return [self.W_i, self.U_i, self.b_i, self.W_c, self.U_c, self.b_c,
                self.W_f, self.U_f, self.b_f, self.W_o, self.U_o, self.b_o]


class SimpleDeepRNN(ScannedRecurrent):
    """h_t = activation(x_t.W + b + sum over i = 1..depth of inner_activation(h_tmi.U_i))."""
    config_keys = ('depth',) + ScannedRecurrent.config_keys

    def __init__(self, output_dim, depth=3, init='glorot_uniform', inner_init='orthogonal',
                 activation='sigmoid', inner_activation='hard_sigmoid', weights=None,
                 truncate_gradient=-1, return_sequences=False, input_dim=None,
                 input_length=None, **kwargs):
        self.depth = depth
        super(SimpleDeepRNN, self).__init__(output_dim, init, inner_init, activation,
                                            inner_activation, weights, truncate_gradient,
                                            return_sequences, input_dim, input_length, **kwargs)

    def _draw(self, input_dim):
        self.W = self.init((input_dim, self.output_dim))
        self.Us = [self.inner_init((self.output_dim, self.output_dim))
                   for _ in range(self.depth)]
        self.b = shared_zeros((self.output_dim,))
        return [self.W] + self.Us + [self.b]

    get_output = _4e1ec93.SimpleDeepRNN.get_output
    _step = _4e1ec93.SimpleDeepRNN._step


class JZS(gated('tanh', 'sigmoid')):
    """The constructor JZS1, JZS2 and JZS3 share (0.2.0's defaults)."""


@steps_of(_4e1ec93.JZS1)
class JZS1(JZS):
    """MUT1 of Jozefowicz et al. 2015: z = inner_act(x.W_z + b_z),
    r = inner_act(x.W_r + b_r + h.U_r), h_t = activation(tanh(x.P) + b_h + (r * h).U_h) * z
    + h * (1 - z)."""

    def _draw(self, input_dim):
        self.W_z = self.init((input_dim, self.output_dim))
        self.b_z = shared_zeros((self.output_dim,))
        self.W_r, self.U_r, self.b_r = self._gate(input_dim)
        self.U_h = self.inner_init((self.output_dim, self.output_dim))
        self.b_h = shared_zeros((self.output_dim,))
        self.Pmat = _4e1ec93._random_projection(input_dim, self.output_dim)
        return [self.W_z, self.b_z, self.W_r, self.U_r, self.b_r, self.U_h, self.b_h,
                self.Pmat]


@steps_of(_4e1ec93.JZS2)
class JZS2(JZS):
    """MUT2 of Jozefowicz et al. 2015: z = inner_act(x.W_z + b_z + h.U_z),
    r = inner_act(x.P + b_r + h.U_r), h_t = activation(x.W_h + b_h + (r * h).U_h) * z
    + h * (1 - z)."""

    def _draw(self, input_dim):
        self.W_z, self.U_z, self.b_z = self._gate(input_dim)
        self.U_r = self.inner_init((self.output_dim, self.output_dim))
        self.b_r = shared_zeros((self.output_dim,))
        self.W_h, self.U_h, self.b_h = self._gate(input_dim)
        self.Pmat = _4e1ec93._random_projection(input_dim, self.output_dim)
        return [self.W_z, self.U_z, self.b_z, self.U_r, self.b_r, self.W_h, self.U_h,
                self.b_h, self.Pmat]


@steps_of(_4e1ec93.JZS3)
class JZS3(JZS):
    """MUT3 of Jozefowicz et al. 2015: z = inner_act(x.W_z + b_z + tanh(h).U_z),
    r = inner_act(x.W_r + b_r + h.U_r), h_t = activation(x.W_h + b_h + (r * h).U_h) * z
    + h * (1 - z)."""

    _draw = three_gates
