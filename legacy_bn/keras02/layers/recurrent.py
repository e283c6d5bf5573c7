"""keras.layers.recurrent (Keras 0.2.0).

SimpleRNN, GRU, LSTM: 0.3.3's classes, set_input_shape as 0.2.0's (numerics.sample_shaped).

JZS1, JZS2, JZS3 and SimpleDeepRNN (0.3.3 dropped them): 0.2.0's constructors
(output_dim first; input_dim, input_length or input_shape; the weights drawn in build(),
once the input shape is known) around 4e1ec93's scan and step arithmetic, imported from
legacy_bn.layers.recurrent: 2015's masks (the state is reset after a masked timestep),
the same draws from np.random in the same order, and JZS1/JZS2's projection Pmat (the
identity when input_dim == output_dim, else random +-1/sqrt(input_dim); trained like the
other weights, as in 0.2.0).
"""
from ... import activations, initializations
from ...layers import recurrent as _4e1ec93
from ...utils.theano_utils import shared_zeros
from ...keras03.layers import recurrent as _03
from ...keras03.layers.core import MaskedLayer
from ..numerics import SampleInputShape, sample_shaped

GRU = sample_shaped(_03.GRU, __name__)
LSTM = sample_shaped(_03.LSTM, __name__)
Recurrent = sample_shaped(_03.Recurrent, __name__)
SimpleRNN = sample_shaped(_03.SimpleRNN, __name__)


def steps_of(layer_4e1ec93):
    """A class decorator: the 4e1ec93 layer's input projections, recurrent weights and step."""
    def take(cls):
        for name in ('_sequences', '_non_sequences', '_step'):
            setattr(cls, name, getattr(layer_4e1ec93, name))
        return cls
    return take


class ScannedRecurrent(SampleInputShape, MaskedLayer):
    """0.2.0's recurrent layer around a 4e1ec93 scan: a subclass gives `_draw(input_dim)`
    (the weights, in 0.2.0's drawing order, returned in 0.2.0's get_weights order) and
    4e1ec93's `_sequences`, `_non_sequences` and `_step` (or its own get_output)."""
    input_ndim = 3
    nb_states = 1
    config_keys = ('init', 'inner_init', 'activation', 'inner_activation')

    def __init__(self, output_dim, init, inner_init, activation, inner_activation, weights,
                 truncate_gradient, return_sequences, input_dim, input_length, **kwargs):
        self.output_dim = output_dim
        self.init = initializations.get(init)
        self.inner_init = initializations.get(inner_init)
        self.activation = activations.get(activation)
        self.inner_activation = activations.get(inner_activation)
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

    get_padded_shuffled_mask = _4e1ec93.Recurrent.get_padded_shuffled_mask
    get_output = _4e1ec93.Recurrent.get_output
    _final = _4e1ec93.Recurrent._final

    def get_output_mask(self, train=False):
        return self.get_input_mask(train) if self.return_sequences else None

    output_shape = _03.Recurrent.output_shape

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


class JZS(ScannedRecurrent):
    """The constructor JZS1, JZS2 and JZS3 share (0.2.0's defaults)."""

    def __init__(self, output_dim, init='glorot_uniform', inner_init='orthogonal',
                 activation='tanh', inner_activation='sigmoid', weights=None,
                 truncate_gradient=-1, return_sequences=False, input_dim=None,
                 input_length=None, **kwargs):
        super(JZS, self).__init__(output_dim, init, inner_init, activation, inner_activation,
                                  weights, truncate_gradient, return_sequences, input_dim,
                                  input_length, **kwargs)


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

    def _draw(self, input_dim):
        self.W_z, self.U_z, self.b_z = self._gate(input_dim)
        self.W_r, self.U_r, self.b_r = self._gate(input_dim)
        self.W_h, self.U_h, self.b_h = self._gate(input_dim)
        return [self.W_z, self.U_z, self.b_z, self.W_r, self.U_r, self.b_r,
                self.W_h, self.U_h, self.b_h]
