"""keras.layers.advanced_activations (Keras 0.2.0): 0.3.3's classes."""
from ...keras03.layers.advanced_activations import (  # noqa: F401
    LeakyReLU, ParametricSoftplus, PReLU, ThresholdedLinear, ThresholdedReLU)
