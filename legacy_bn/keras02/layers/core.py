"""keras.layers.core (Keras 0.2.0): 0.3.3's classes,
set_input_shape as 0.2.0's (numerics.sample_shaped),
with 0.2.0's Dropout and Masking from keras02.numerics."""
from ...keras03.layers import core as _03
from ..numerics import sample_shaped
from ..numerics import Dropout, Masking  # noqa: F401

Activation = sample_shaped(_03.Activation, __name__)
ActivityRegularization = sample_shaped(_03.ActivityRegularization, __name__)
AutoEncoder = sample_shaped(_03.AutoEncoder, __name__)
Dense = sample_shaped(_03.Dense, __name__)
Flatten = sample_shaped(_03.Flatten, __name__)
Layer = sample_shaped(_03.Layer, __name__)
MaskedLayer = sample_shaped(_03.MaskedLayer, __name__)
MaxoutDense = sample_shaped(_03.MaxoutDense, __name__)
Merge = sample_shaped(_03.Merge, __name__)
Permute = sample_shaped(_03.Permute, __name__)
RepeatVector = sample_shaped(_03.RepeatVector, __name__)
Reshape = sample_shaped(_03.Reshape, __name__)
TimeDistributedDense = sample_shaped(_03.TimeDistributedDense, __name__)
TimeDistributedMerge = sample_shaped(_03.TimeDistributedMerge, __name__)
