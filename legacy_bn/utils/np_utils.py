"""Numpy helpers from Keras 0.1 `keras.utils.np_utils` (labels, log losses, accuracy)."""
import numpy as np


def to_categorical(y, nb_classes=None):
    """Class vector (ints 0..nb_classes-1) -> binary class matrix (float64, one 1 per row)."""
    y = np.asarray(y, dtype='int32')
    if not nb_classes:
        nb_classes = np.max(y) + 1
    Y = np.zeros((len(y), nb_classes))
    for i in range(len(y)):
        Y[i, y[i]] = 1.
    return Y


def normalize(a, axis=-1, order=2):
    """`a` divided by its `order`-norm along `axis`; zero-norm slices are left unchanged."""
    l2 = np.atleast_1d(np.linalg.norm(a, order, axis))
    l2[l2 == 0] = 1
    return a / np.expand_dims(l2, axis)


def binary_logloss(p, y):
    """Mean binary cross-entropy of probabilities `p` for 0/1 labels `y`, p clipped to 1e-15."""
    epsilon = 1e-15
    p = np.maximum(epsilon, p)
    p = np.minimum(1 - epsilon, p)
    # builtin sum (left to right over the first axis), as Keras wrote it
    res = sum(y * np.log(p) + np.subtract(1, y) * np.log(np.subtract(1, p)))
    res *= -1.0 / len(y)
    return res


def multiclass_logloss(P, Y):
    """Mean negative log probability of the true class; Keras took `Y` as 1-based labels."""
    npreds = [P[i][Y[i] - 1] for i in range(len(Y))]
    return -(1. / len(Y)) * np.sum(np.log(npreds))


def accuracy(p, y):
    """Fraction of positions where the predicted and true labels are equal."""
    return np.mean([a == b for a, b in zip(p, y)])


def probas_to_classes(y_pred):
    """Argmax for several columns, else threshold at 0.5."""
    if len(y_pred.shape) > 1 and y_pred.shape[1] > 1:
        return categorical_probas_to_classes(y_pred)
    return np.array([1 if p > 0.5 else 0 for p in y_pred])


def categorical_probas_to_classes(p):
    return np.argmax(p, axis=1)
