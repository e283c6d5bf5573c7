"""theano.scalar: the scalar types and `upcast`, as 2015 code reached them
(`theano.scalar.upcast(x.dtype, 'float32')`, `theano.scalar.float32`)."""
import numpy as np

from ..configparser import config


def upcast(dtype, *dtypes):
    """The dtype numpy gives a sum of 0-d arrays of these dtypes (Theano's definition);
    'floatX' stands for config.floatX."""
    names = [config.floatX if d == 'floatX' else d for d in (dtype,) + dtypes]
    return str(np.result_type(*[np.dtype(d) for d in names]))


class Scalar:
    """A scalar type: `theano.scalar.float32('x')` makes a 0-d input of that dtype."""

    def __init__(self, dtype):
        self.dtype = str(np.dtype(dtype))
        self.ndim = 0

    def __call__(self, name=None):
        from ..tensor.basic import tensor
        return tensor(self.dtype, ndim=0, name=name)

    def __eq__(self, other):
        return isinstance(other, Scalar) and other.dtype == self.dtype

    def __hash__(self):
        return hash(('Scalar', self.dtype))

    def __repr__(self):
        return self.dtype


int8, int16, int32, int64 = (Scalar(d) for d in ('int8', 'int16', 'int32', 'int64'))
uint8, uint16, uint32, uint64 = (Scalar(d) for d in ('uint8', 'uint16', 'uint32', 'uint64'))
float32, float64 = Scalar('float32'), Scalar('float64')
bool_ = Scalar('bool')
int_types = (int8, int16, int32, int64)
uint_types = (uint8, uint16, uint32, uint64)
float_types = (float32, float64)
discrete_types = int_types + uint_types
continuous_types = float_types
all_types = discrete_types + continuous_types
