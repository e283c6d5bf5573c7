"""keras.datasets under Keras 0.2.0: the same loaders as 4e1ec93's, shared."""
