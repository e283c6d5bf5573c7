"""keras.layers.convolutional (Keras 0.2.0): 0.3.3's classes.

Not available yet (0.3.3 dropped them): pool_output_length, UpSample1D, UpSample2D."""
from ...keras03.layers.convolutional import (  # noqa: F401
    conv_output_length, Convolution1D, Convolution2D, MaxPooling1D, MaxPooling2D,
    ZeroPadding1D, ZeroPadding2D)
