"""Shared-variable and symbolic-tensor helpers, as in Keras 0.1 `keras.utils.theano_utils`.

Keras bound `dtype=theano.config.floatX` as a default argument at import time;
here `dtype=None` means "floatX, read when called". With THEANO_FLAGS read once at
import the two are the same, and tests can still switch floatX for one call.
"""
import numpy as np

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T


def _dtype(dtype):
    return theano.config.floatX if dtype is None else dtype


def floatX(X):
    """`X` as an array of floatX."""
    return np.asarray(X, dtype=theano.config.floatX)


def sharedX(X, dtype=None, name=None):
    """A shared variable holding `X` cast to floatX (the cast happens after any drawing)."""
    return theano.shared(np.asarray(X, dtype=_dtype(dtype)), name=name)


def shared_zeros(shape, dtype=None, name=None):
    return sharedX(np.zeros(shape), dtype=dtype, name=name)


def shared_ones(shape, dtype=None, name=None):
    return sharedX(np.ones(shape), dtype=dtype, name=name)


def shared_scalar(val=0., dtype=None, name=None):
    """A 0-d shared variable (optimizers keep `lr` and `iterations` in these)."""
    return theano.shared(np.asarray(val, dtype=_dtype(dtype)), name=name)


def alloc_zeros_matrix(*dims):
    """A symbolic floatX zero tensor of shape `dims` (ints or symbolic scalars)."""
    return T.alloc(np.asarray(0., dtype=theano.config.floatX), *dims)


def ndim_tensor(ndim):
    """A fresh symbolic input of `ndim` dimensions; like Keras, unknown ranks get a matrix."""
    if ndim == 1:
        return T.vector()
    elif ndim == 2:
        return T.matrix()
    elif ndim == 3:
        return T.tensor3()
    elif ndim == 4:
        return T.tensor4()
    return T.matrix()
