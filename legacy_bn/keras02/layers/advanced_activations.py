"""keras.layers.advanced_activations (Keras 0.2.0): 0.3.3's classes,
set_input_shape and get_config as 0.2.0's (core.layer_0_2_0)."""
from ...keras03.layers import advanced_activations as _03
from .core import layer_0_2_0

LeakyReLU = layer_0_2_0(_03.LeakyReLU, __name__)
ParametricSoftplus = layer_0_2_0(_03.ParametricSoftplus, __name__)
PReLU = layer_0_2_0(_03.PReLU, __name__)
ThresholdedLinear = layer_0_2_0(_03.ThresholdedLinear, __name__)
ThresholdedReLU = layer_0_2_0(_03.ThresholdedReLU, __name__)
