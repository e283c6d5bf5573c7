"""keras.layers.advanced_activations (Keras 0.2.0): 0.3.3's classes,
set_input_shape as 0.2.0's (numerics.sample_shaped)."""
from ...keras03.layers import advanced_activations as _03
from ..numerics import sample_shaped

LeakyReLU = sample_shaped(_03.LeakyReLU, __name__)
ParametricSoftplus = sample_shaped(_03.ParametricSoftplus, __name__)
PReLU = sample_shaped(_03.PReLU, __name__)
ThresholdedLinear = sample_shaped(_03.ThresholdedLinear, __name__)
ThresholdedReLU = sample_shaped(_03.ThresholdedReLU, __name__)
