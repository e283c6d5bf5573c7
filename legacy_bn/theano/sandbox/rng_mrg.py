"""theano.sandbox.rng_mrg.MRG_RandomStreams: Keras's Dropout masks, bit for bit.

The generator arithmetic is in `mrg31k3p`; this module makes it symbolic.
As in Theano, each `uniform`/`binomial` call made while building a graph
takes its own stream set (and jumps the object's state past it); the stream
set belongs to that node and advances each time a compiled function evaluates
it. The advance is committed together with the function's updates, so a call
that fails draws nothing.
"""
import numbers

import numpy as np

from ..configparser import config
from ..compile import STATEFUL_OPS
from ..graph import Variable, apply, as_variable
from ..ops import OPS, Op
from ..tensor import basic as T
from . import mrg31k3p


class StreamSetState:
    """The current (n_streams, 6) state of one node's stream set."""

    def __init__(self, state):
        self.state = state


def _draw_uniform(size, holder, dtype):
    shape = tuple(int(s) for s in np.asarray(size).reshape(-1))
    ints, new_state = mrg31k3p.draw_ints(holder.state, int(np.prod(shape)))
    values = mrg31k3p.uniform_from_ints(ints, dtype).reshape(shape)
    return values, (holder, new_state)


OPS['mrg_uniform'] = Op(_draw_uniform, None, differentiable=False)
STATEFUL_OPS.add('mrg_uniform')


class MRG_RandomStreams:
    def __init__(self, seed=12345, use_cuda=None):
        self.seed(seed)

    def seed(self, seed):
        if not isinstance(seed, (numbers.Integral, np.integer)):
            raise TypeError('MRG_RandomStreams: seed must be an int, got %r' % (seed,))
        self.rstate = mrg31k3p.check_seed(int(seed))

    @staticmethod
    def _size(size, ndim):
        """(size node, size known for choosing the stream count or None, ndim)
        from a tuple of ints and/or symbolic scalars, or a symbolic shape vector."""
        if isinstance(size, Variable):
            if size.ndim != 1:
                raise ValueError('MRG_RandomStreams: size must be a vector, got %s' % size.describe())
            return size, None, ndim or _length(size)
        size = tuple(size)
        if any(isinstance(s, (numbers.Integral, np.integer)) and s <= 0 for s in size):
            raise ValueError('MRG_RandomStreams: the size %s contains a dimension <= 0' % (size,))
        if all(isinstance(s, (numbers.Integral, np.integer)) for s in size):
            # Theano counted a size as known only when every entry is a Python int
            known = size if all(type(s) is int for s in size) else None
            return as_variable(np.array(size, dtype=np.int64)), known, len(size)
        return T._shape_vector(size), None, len(size)

    def uniform(self, size, low=0.0, high=1.0, ndim=None, dtype=None, nstreams=None):
        dtype = config.floatX if dtype is None or dtype == 'floatX' else str(np.dtype(dtype))
        size_var, known, ndim = self._size(size, ndim)
        n = nstreams or mrg31k3p.n_streams_for(known)
        holder = StreamSetState(mrg31k3p.substream_states(self.rstate, n))
        self.rstate = mrg31k3p.next_object_state(self.rstate)
        u = apply('mrg_uniform', size_var, holder=holder, dtype=dtype, out_type=(dtype, ndim))
        if low == 0.0 and high == 1.0:
            return u
        return u * (high - low) + low

    def binomial(self, size=None, n=1, p=0.5, ndim=None, dtype='int64', nstreams=None):
        if n != 1:
            raise NotImplementedError('MRG_RandomStreams.binomial: only n=1')
        u = self.uniform(size, ndim=ndim, nstreams=nstreams)
        return T.cast(T.lt(u, p), dtype)


def _length(size_var):
    """The length of a symbolic shape vector, where the graph tells it."""
    if size_var.op == 'shape':
        return size_var.inputs[0].ndim
    if size_var.op == 'make_vector':
        return len(size_var.inputs)
    raise ValueError('MRG_RandomStreams: give ndim= for a symbolic size %s' % size_var.describe())
