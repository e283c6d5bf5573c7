"""keras.utils under Keras 0.3.3: the shared top-level modules where 0.3.3's are the same as
4e1ec93's, with 0.3.3's additions and changes in the module that has them."""
