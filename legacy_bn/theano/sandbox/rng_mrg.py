"""theano.sandbox.rng_mrg.MRG_RandomStreams: Keras's Dropout masks and noise, bit for bit.

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
from ..graph import SharedVariable, Variable, apply, as_variable
from ..ops import OPS, Op
from ..tensor import basic as T
from . import mrg31k3p


class StreamSetState:
    """The current (n_streams, 6) state of one node's stream set."""

    def __init__(self, state):
        self.state = state


class StreamSetVariable(SharedVariable):
    """A stream set's state seen as a shared variable (its value IS the holder's state):
    what a scan step's draws thread through the loop, and what scan's updates assign."""

    __slots__ = ('holder',)

    def __init__(self, holder):
        Variable.__init__(self, 'shared', dtype=np.int64, ndim=2, name='mrg_stream_state')
        self.holder = holder
        self.default_update = None

    _value = property(lambda self: self.holder.state,
                      lambda self, state: setattr(self.holder, 'state', state))


def stream_set_variable(holder):
    """The one StreamSetVariable of a holder."""
    if getattr(holder, 'variable', None) is None:
        holder.variable = StreamSetVariable(holder)
    return holder.variable


def _uniform_from_state(size, state, dtype):
    shape = tuple(int(s) for s in np.asarray(size).reshape(-1))
    ints, new_state = mrg31k3p.draw_ints(state, int(np.prod(shape)))
    return mrg31k3p.uniform_from_ints(ints, dtype).reshape(shape), new_state


def _draw_uniform(size, holder, dtype):
    values, new_state = _uniform_from_state(size, holder.state, dtype)
    return values, (holder, new_state)


def _rounded(fn, x):
    """fn(x) evaluated in float64 and rounded to x's dtype.

    Theano's C code called logf/cosf/sinf for float32, which glibc rounds
    correctly (nearly always); numpy's own float32 versions can be 1 ulp off.
    """
    return fn(x.astype(np.float64)).astype(x.dtype)


def _draw_normal(size, holder, dtype):
    """Standard normals laid out as Theano 0.8.2's MRG_RandomStreams.normal.

    One uniform draw of n rounded up to even; its first half is U1, its second
    half U2; the result is sqrt(-2 log U1) * cos(2 pi U2) followed by
    sqrt(-2 log U1) * sin(2 pi U2), cut to n and reshaped. All in `dtype`
    (2 pi is rounded to it first), as Theano's elementwise graph computed it.
    """
    values, new_state = _normal_from_state(size, holder.state, dtype)
    return values, (holder, new_state)


def _normal_from_state(size, state, dtype):
    shape = tuple(int(s) for s in np.asarray(size).reshape(-1))
    n = int(np.prod(shape))
    u, advanced = _uniform_from_state((n + n % 2,), state, dtype)
    u1, u2 = u[:len(u) // 2], u[len(u) // 2:]
    radius = np.sqrt(np.asarray(-2.0, dtype) * _rounded(np.log, u1))
    angle = np.asarray(2.0 * np.pi, dtype=dtype) * u2
    values = np.concatenate([radius * _rounded(np.cos, angle), radius * _rounded(np.sin, angle)])
    return values[:n].reshape(shape), advanced


OPS['mrg_uniform'] = Op(_draw_uniform, None, differentiable=False)
OPS['mrg_normal'] = Op(_draw_normal, None, differentiable=False)
STATEFUL_OPS.update(('mrg_uniform', 'mrg_normal'))
# inside a scan step the state is a value of the loop: (draws, next state)
OPS['mrg_uniform_from'] = Op(_uniform_from_state, None, differentiable=False)
OPS['mrg_normal_from'] = Op(_normal_from_state, None, differentiable=False)


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

    def normal(self, size, avg=0.0, std=1.0, ndim=None, dtype=None, nstreams=None):
        """avg + std * N(0, 1) draws of shape `size` (Box-Muller, see _draw_normal).

        Without `dtype`, floatX unless `avg` or `std` is a wider tensor or numpy
        number (Python floats count as floatX, as Theano's autocast made them).
        Theano asks for its uniforms with a size whose length is a numpy integer,
        so unless `nstreams` is given the stream count is the maximum, whatever
        the size.
        """
        if dtype is None or dtype == 'floatX':
            widths = [np.dtype(v.dtype) for v in (avg, std)
                      if isinstance(v, (Variable, np.ndarray, np.generic))]
            dtype = str(np.result_type(config.floatX, *widths))
        else:
            dtype = str(np.dtype(dtype))
        size_var, _, ndim = self._size(size, ndim)
        holder = StreamSetState(mrg31k3p.substream_states(
            self.rstate, nstreams or mrg31k3p.MAX_STREAMS))
        self.rstate = mrg31k3p.next_object_state(self.rstate)
        z = apply('mrg_normal', size_var, holder=holder, dtype=dtype, out_type=(dtype, ndim))
        return T.cast(avg, dtype) + T.cast(std, dtype) * z

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
