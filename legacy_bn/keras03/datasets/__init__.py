"""keras.datasets under Keras 0.3.3: the shared loaders (the same files, shuffling and splits as
4e1ec93's); 0.3.3 moved get_file to keras.utils.data_utils."""
