"""keras.layers.convolutional (Keras 0.2.0): 0.3.3's classes,
set_input_shape as 0.2.0's (numerics.sample_shaped).

Not available yet (0.3.3 dropped them): pool_output_length, UpSample1D, UpSample2D."""
from ...keras03.layers import convolutional as _03
from ...keras03.layers.convolutional import conv_output_length  # noqa: F401
from ..numerics import sample_shaped

Convolution1D = sample_shaped(_03.Convolution1D, __name__)
Convolution2D = sample_shaped(_03.Convolution2D, __name__)
MaxPooling1D = sample_shaped(_03.MaxPooling1D, __name__)
MaxPooling2D = sample_shaped(_03.MaxPooling2D, __name__)
ZeroPadding1D = sample_shaped(_03.ZeroPadding1D, __name__)
ZeroPadding2D = sample_shaped(_03.ZeroPadding2D, __name__)
