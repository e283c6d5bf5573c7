"""keras.utils.test_utils (Keras 0.3.3): get_test_data as 0.3.3 changed it -- labels are a flat
(nb_sample,) vector and every normal draw has scale 0.7 (4e1ec93: a column and scale 1). The
np.random calls come in 0.3.3's order, so seeded data is 0.3.3's."""
import numpy as np


def get_test_data(nb_train=1000, nb_test=500, input_shape=(10,), output_shape=(2,),
                  classification=True, nb_class=2):
    """((X_train, y_train), (X_test, y_test)) from the global np.random."""
    nb_sample = nb_train + nb_test
    X = np.zeros((nb_sample,) + tuple(input_shape))
    if classification:
        y = np.random.randint(0, nb_class, size=(nb_sample,))
        centers = y
    else:
        centers = np.random.random((nb_sample,))
        y = np.zeros((nb_sample,) + tuple(output_shape))
    for i in range(nb_sample):
        X[i] = np.random.normal(loc=centers[i], scale=0.7, size=input_shape)
        if not classification:
            y[i] = np.random.normal(loc=centers[i], scale=0.7, size=output_shape)
    return (X[:nb_train], y[:nb_train]), (X[nb_train:], y[nb_train:])
