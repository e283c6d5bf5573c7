"""keras.layers.wrappers as of Keras 0.3.3: TimeDistributed."""
from .. import backend as K
from .core import MaskedLayer, ShapeError, describe


class TimeDistributed(MaskedLayer):
    """Apply `layer` to every temporal slice (axis 1) of an input of 3 or more dimensions.
    With a known batch size the slices go through K.rnn one step at a time (0.3.3's choice);
    without one, the samples and timesteps are folded into one axis for a single call."""

    def __init__(self, layer, **kwargs):
        self.layer = layer
        super(TimeDistributed, self).__init__(**kwargs)

    def build(self):
        input_shape = self.input_shape
        if len(input_shape) < 3:
            raise ShapeError('%s(%s) needs input of 3 or more dimensions (samples, timesteps, '
                             '...), got input shape %s'
                             % (describe(self), describe(self.layer), input_shape))
        self.layer.set_input_shape((input_shape[0],) + tuple(input_shape[2:]))
        self.layer.build()
        params, regularizers, constraints, updates = self.layer.get_params()
        self.trainable_weights = params
        self.non_trainable_weights = self.layer.non_trainable_weights
        self.regularizers = regularizers
        self.constraints = constraints
        self.updates = updates

    @property
    def output_shape(self):
        child_shape = self.layer.output_shape
        return (child_shape[0], self.input_shape[1]) + tuple(child_shape[1:])

    def get_output(self, train=False):
        X = self.get_input(train)
        mask = self.get_input_mask(train)
        input_shape = self.input_shape
        if input_shape[0]:
            def step(x, states):
                return self.layer(x, train=train), []
            return K.rnn(step, X, initial_states=[], mask=mask)[1]
        # as in 0.3.3, the folded call is made with train=False
        folded = self.layer(K.reshape(X, (-1,) + tuple(input_shape[2:])), train=False)
        timesteps = input_shape[1] or K.shape(X)[1]
        return K.reshape(folded, (-1, timesteps) + tuple(self.layer.output_shape[1:]))

    def get_weights(self):
        return self.layer.get_weights()

    def set_weights(self, weights):
        self.layer.set_weights(weights)

    def get_config(self):
        config = super(TimeDistributed, self).get_config()
        config.update({'name': type(self).__name__, 'layer': self.layer.get_config()})
        return config
