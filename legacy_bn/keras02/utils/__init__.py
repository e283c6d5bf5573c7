"""keras.utils under Keras 0.2.0: the same modules as 4e1ec93's, shared (theano_utils adds
on_gpu)."""
