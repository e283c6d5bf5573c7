"""Weight initializations of Keras 0.3.3: shape -> K.variable (floatx), drawn from np.random.

The np.random calls (function, arguments, order) are 0.3.3's, so a seeded script draws
bit-identical weights; the values are cast to floatx after drawing. 0.3 added the
`name` argument, convolution kernels' fans with `dim_ordering` ('th' or 'tf'), and
sqrt(prod(shape)) fans for shapes that are neither 2-d nor kernels.
"""
import numpy as np

from legacy_bn.utils.generic_utils import get_from_module
from . import backend as K


def get_fans(shape, dim_ordering='th'):
    """(fan_in, fan_out) of a weight of this shape."""
    if len(shape) == 2:
        return shape[0], shape[1]
    if len(shape) in (4, 5):          # 2-d or 3-d convolution kernels
        if dim_ordering == 'th':      # (depth, input_depth, ...)
            return np.prod(shape[1:]), shape[0]
        if dim_ordering == 'tf':      # (..., input_depth, depth)
            return np.prod(shape[:-1]), shape[-1]
        raise ValueError("get_fans: dim_ordering must be 'th' or 'tf', got %r" % (dim_ordering,))
    fan = np.sqrt(np.prod(shape))
    return fan, fan


def uniform(shape, scale=0.05, name=None):
    return K.variable(np.random.uniform(low=-scale, high=scale, size=shape), name=name)


def normal(shape, scale=0.05, name=None):
    return K.variable(np.random.normal(loc=0.0, scale=scale, size=shape), name=name)


def lecun_uniform(shape, name=None, dim_ordering='th'):
    """LeCun 98, Efficient Backprop: U(+-sqrt(3 / fan_in))."""
    fan_in, fan_out = get_fans(shape, dim_ordering=dim_ordering)
    return uniform(shape, np.sqrt(3. / fan_in), name=name)


def glorot_normal(shape, name=None, dim_ordering='th'):
    """Glorot & Bengio, AISTATS 2010: N(0, sqrt(2 / (fan_in + fan_out)))."""
    fan_in, fan_out = get_fans(shape, dim_ordering=dim_ordering)
    return normal(shape, np.sqrt(2. / (fan_in + fan_out)), name=name)


def glorot_uniform(shape, name=None, dim_ordering='th'):
    fan_in, fan_out = get_fans(shape, dim_ordering=dim_ordering)
    return uniform(shape, np.sqrt(6. / (fan_in + fan_out)), name=name)


def he_normal(shape, name=None, dim_ordering='th'):
    """He et al. 2015 (arXiv:1502.01852): N(0, sqrt(2 / fan_in))."""
    fan_in, fan_out = get_fans(shape, dim_ordering=dim_ordering)
    return normal(shape, np.sqrt(2. / fan_in), name=name)


def he_uniform(shape, name=None, dim_ordering='th'):
    fan_in, fan_out = get_fans(shape, dim_ordering=dim_ordering)
    return uniform(shape, np.sqrt(6. / fan_in), name=name)


def orthogonal(shape, scale=1.1, name=None):
    """Saxe et al. (arXiv:1312.6120), from Lasagne. The draw is exact; the values
    depend on the LAPACK build's SVD sign choices."""
    flat_shape = (shape[0], np.prod(shape[1:]))
    a = np.random.normal(0.0, 1.0, flat_shape)
    u, _, v = np.linalg.svd(a, full_matrices=False)
    q = (u if u.shape == flat_shape else v).reshape(shape)   # the factor of that shape
    return K.variable(scale * q[:shape[0], :shape[1]], name=name)


def identity(shape, scale=1, name=None):
    if len(shape) != 2 or shape[0] != shape[1]:
        raise ValueError('Identity matrix initialization can only be used for 2D square '
                         'matrices, got shape %s' % (tuple(shape),))
    return K.variable(scale * np.identity(shape[0]), name=name)


def zero(shape, name=None):
    return K.zeros(shape, name=name)


def one(shape, name=None):
    return K.ones(shape, name=name)


def get(identifier, **kwargs):
    return get_from_module(identifier, globals(), 'initialization', kwargs=kwargs)
