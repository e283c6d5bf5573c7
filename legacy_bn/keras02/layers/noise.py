"""keras.layers.noise (Keras 0.2.0): 0.2.0's GaussianDropout and GaussianNoise from
keras02.numerics, with 0.2.0's get_config (core.layer_0_2_0)."""
from .. import numerics
from .core import layer_0_2_0

GaussianDropout = layer_0_2_0(numerics.GaussianDropout, __name__)
GaussianNoise = layer_0_2_0(numerics.GaussianNoise, __name__)
