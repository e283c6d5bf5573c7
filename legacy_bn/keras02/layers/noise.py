"""keras.layers.noise (Keras 0.2.0): 0.3.3's classes,
with 0.2.0's GaussianDropout and GaussianNoise from keras02.numerics."""
from ..numerics import GaussianDropout, GaussianNoise  # noqa: F401
