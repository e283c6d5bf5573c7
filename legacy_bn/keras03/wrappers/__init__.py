"""keras.wrappers under Keras 0.3.3 (its scikit_learn wrapper takes a build_fn; not available
yet in legacy_bn)."""
