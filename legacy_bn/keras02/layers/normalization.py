"""keras.layers.normalization (Keras 0.2.0): 0.3.3's classes,
set_input_shape as 0.2.0's (numerics.sample_shaped),
with 0.2.0's BatchNormalization from keras02.numerics.

Not available yet (0.3.3 dropped them): LRN2D."""
from ..numerics import BatchNormalization  # noqa: F401
