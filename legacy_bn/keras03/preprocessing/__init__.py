"""keras.preprocessing under Keras 0.3.3: the shared modules, with 0.3.3's changes in the
module that has them."""
