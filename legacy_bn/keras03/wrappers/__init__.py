"""keras.wrappers under Keras 0.3.3: scikit_learn, whose estimators take a build_fn."""
