"""keras.layers.core (Keras 0.2.0): 0.3.3's classes,
with 0.2.0's Dropout and Masking from keras02.numerics."""
from ...keras03.layers.core import (  # noqa: F401
    Activation, ActivityRegularization, AutoEncoder, Dense, Flatten, Layer, MaskedLayer,
    MaxoutDense, Merge, Permute, RepeatVector, Reshape, TimeDistributedDense,
    TimeDistributedMerge)
from ..numerics import Dropout, Masking  # noqa: F401
