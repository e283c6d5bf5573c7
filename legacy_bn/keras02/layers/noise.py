"""keras.layers.noise (Keras 0.2.0): 0.3.3's classes,
set_input_shape as 0.2.0's (numerics.sample_shaped),
with 0.2.0's GaussianDropout and GaussianNoise from keras02.numerics."""
from ..numerics import GaussianDropout, GaussianNoise  # noqa: F401
