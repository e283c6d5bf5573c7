"""keras.layers.core (Keras 0.2.0): 0.3.3's classes,
set_input_shape as 0.2.0's (numerics.sample_shaped), get_config as 0.2.0's (Config020),
with 0.2.0's Dropout and Masking from keras02.numerics, and 0.2.0's Activation (target,
beta) and Merge (no shape check at construction; modes sum, mul, concat, ave)."""
from ...keras03.layers import core as _03
from .. import numerics
from ..numerics import SampleInputShape


class Params(object):
    """0.2.0 named the trainable weights `params` (0.3.3: trainable_weights); its custom
    layers set `self.params = [...]` and user code read `layer.params` and `model.params`."""

    @property
    def params(self):
        return self.trainable_weights

    @params.setter
    def params(self, weights):
        self.trainable_weights = weights


class Config020(Params):
    """Mixed into every 0.2.0 layer (with Params: the weights are also `params`):
    get_config() as 0.2.0's, the layer's own arguments and `input_shape` (the shape of one
    sample) only: none of the keys 0.3.3 added to every layer
    (trainable, cache_enabled, custom_name, batch_input_shape), nor those a class lists in
    `config_0_3_3_only` (arguments 0.2.0's constructor did not have)."""
    config_0_3_3_only = ()

    def get_config(self):
        config = super(Config020, self).get_config()
        for key in ('trainable', 'cache_enabled', 'custom_name') + self.config_0_3_3_only:
            config.pop(key, None)
        if 'batch_input_shape' in config:
            config['input_shape'] = tuple(config.pop('batch_input_shape'))[1:]
        return config


def layer_0_2_0(cls, module, config_0_3_3_only=()):
    """0.3.3's layer class `cls` (or keras02.numerics' 0.2.0 one) as 0.2.0's: set_input_shape
    takes one sample's shape, get_config is 0.2.0's, the weights are also `params`."""
    bases = (Config020, cls) if issubclass(cls, SampleInputShape) else \
        (Config020, SampleInputShape, cls)
    return type(cls.__name__, bases, {'__module__': module, '__doc__': cls.__doc__,
                                      'config_0_3_3_only': tuple(config_0_3_3_only)})


ActivityRegularization = layer_0_2_0(_03.ActivityRegularization, __name__)
AutoEncoder = layer_0_2_0(_03.AutoEncoder, __name__)
Dense = layer_0_2_0(_03.Dense, __name__)
Dropout = layer_0_2_0(numerics.Dropout, __name__)
Flatten = layer_0_2_0(_03.Flatten, __name__)
Layer = layer_0_2_0(_03.Layer, __name__)
MaskedLayer = layer_0_2_0(_03.MaskedLayer, __name__)
Masking = layer_0_2_0(numerics.Masking, __name__)
MaxoutDense = layer_0_2_0(_03.MaxoutDense, __name__)
Permute = layer_0_2_0(_03.Permute, __name__)
RepeatVector = layer_0_2_0(_03.RepeatVector, __name__)
Reshape = layer_0_2_0(_03.Reshape, __name__)
TimeDistributedDense = layer_0_2_0(_03.TimeDistributedDense, __name__)
TimeDistributedMerge = layer_0_2_0(_03.TimeDistributedMerge, __name__)


class Activation(layer_0_2_0(_03.Activation, __name__)):
    """activation applied elementwise; 0.2.0 also took `target` and `beta` (kept in the
    config, unused by the output, as in 0.2.0)."""

    def __init__(self, activation, target=0, beta=0.1, **kwargs):
        super(Activation, self).__init__(activation, **kwargs)
        self.target = target
        self.beta = beta

    def get_config(self):
        config = super(Activation, self).get_config()
        config.update({'target': self.target, 'beta': self.beta})
        return config


MERGE_MODES_0_2_0 = ('sum', 'mul', 'concat', 'ave')


class Merge(layer_0_2_0(_03.Merge, __name__, config_0_3_3_only=('dot_axes',))):
    """The outputs of `layers` summed, multiplied, averaged or concatenated (on concat_axis).
    As in 0.2.0, the layers' shapes are not asked for here (they may not be connected yet):
    a mismatch shows when the merge's output is computed."""

    def __init__(self, layers, mode='sum', concat_axis=-1):
        if len(layers) < 2:
            raise ValueError('Merge: please specify two or more input layers (or containers) '
                             'to merge, got %d' % len(layers))
        if mode not in MERGE_MODES_0_2_0:
            raise ValueError('Merge: invalid merge mode %r; Keras 0.2.0 knew %s'
                             % (mode, ', '.join(MERGE_MODES_0_2_0)))
        self.mode = mode
        self.concat_axis = concat_axis
        self.dot_axes = -1
        self.layers = layers
        _03.gather_params(self, layers)
        # 0.3.3's Merge.__init__ checks the shapes: skip it, run the Layer's
        super(_03.Merge, self).__init__()
