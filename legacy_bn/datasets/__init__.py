"""Data sets, loaded as 2015 Keras's `keras.datasets` returned them (see `mnist`)."""
