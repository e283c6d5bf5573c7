"""keras.wrappers under Keras 0.2.0: the same scikit-learn wrapper as 4e1ec93's, shared."""
