"""Synthetic data for tests, as Keras 0.1 `keras.utils.test_utils.get_test_data`."""
import numpy as np


def get_test_data(nb_train=1000, nb_test=500, input_shape=(10,), output_shape=(2,),
                  classification=True, nb_class=2):
    """((X_train, y_train), (X_test, y_test)) drawn from the global np.random.

    classification=True: y is an int column in [0, nb_class) and each X row is
    N(y, 1) (output_shape is ignored). Otherwise y has shape output_shape and
    X and y rows are both N(loc, 1) around a shared uniform loc per sample.
    The np.random call order is Keras's, so seeded data matches 2015.
    """
    nb_sample = nb_train + nb_test
    if classification:
        y = np.random.randint(0, nb_class, size=(nb_sample, 1))
        X = np.zeros((nb_sample,) + input_shape)
        for i in range(nb_sample):
            X[i] = np.random.normal(loc=y[i], scale=1.0, size=input_shape)
    else:
        y_loc = np.random.random((nb_sample,))
        X = np.zeros((nb_sample,) + input_shape)
        y = np.zeros((nb_sample,) + output_shape)
        for i in range(nb_sample):
            X[i] = np.random.normal(loc=y_loc[i], scale=1.0, size=input_shape)
            y[i] = np.random.normal(loc=y_loc[i], scale=1.0, size=output_shape)
    return (X[:nb_train], y[:nb_train]), (X[nb_train:], y[nb_train:])
