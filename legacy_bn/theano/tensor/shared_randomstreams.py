"""theano.tensor.shared_randomstreams.RandomStreams: Theano's numpy-backed random streams.

As in Theano 0.8, every draw (`uniform`, `normal`, `binomial`, `random_integers`,
`permutation`) gets its own generator: a shared variable holding a
numpy.random.RandomState seeded with `gen_seedgen.randint(2 ** 30)`, where gen_seedgen
is a RandomState of the streams' seed; `seed(s)` reseeds every generator made so far in
the order they were made. A draw evaluates numpy's own method on a copy of that
generator, so the numbers are Theano's bit for bit (numpy's RandomState is frozen). The
advanced copy is the generator variable's `default_update`, which function() commits
with the other updates: a call that fails draws nothing, and `no_default_updates=True`
gives the same numbers at every call. Inside a scan step, the generator is threaded
through the steps and scan returns its update.
"""
import copy
import numbers

import numpy as np

from ..configparser import config
from ..graph import SharedVariable, Variable, apply, as_variable, autocast_float, vector_length
from ..ops import OPS, Op
from . import basic as T


class RandomStateSharedVariable(SharedVariable):
    """A shared variable whose value is a numpy.random.RandomState."""

    __slots__ = ()

    def __init__(self, state, name=None):
        Variable.__init__(self, 'shared', dtype=object, ndim=0, name=name)
        self._value = state
        self.default_update = None

    def get_value(self, borrow=False, return_internal_type=False):
        return self._value if borrow else copy.deepcopy(self._value)

    def set_value(self, value, borrow=False):
        if not isinstance(value, np.random.RandomState):
            raise TypeError('%s: set_value needs a numpy.random.RandomState, got %r'
                            % (self.describe(), type(value).__name__))
        self._value = value if borrow else copy.deepcopy(value)


class RandomVariable(Variable):
    """A draw: `rng` is its generator variable, `update` the (generator, next state) pair."""

    __slots__ = ('rng', 'update')


# -- how each method draws, given numpy's generator (Theano's helpers' loops kept) -------
def _random_integers(rng, size, low, high):
    """One rng.random_integers(low, high) per element, in C order (Theano's helper)."""
    shape = np.broadcast_shapes(np.shape(low), np.shape(high)) if size is None else size
    low, high = np.broadcast_to(low, shape), np.broadcast_to(high, shape)
    out = np.empty(shape, dtype=np.int64)
    for i in np.ndindex(*shape):
        out[i] = rng.randint(int(low[i]), int(high[i]) + 1)   # random_integers' own steps
    return out


def _permutation(rng, size, n):
    shape = () if size is None else size
    out = np.empty(tuple(shape) + (int(n),), dtype=np.int64)
    for i in np.ndindex(*shape):
        out[i] = rng.permutation(int(n))
    return out


DRAWS = {
    'uniform': lambda rng, size, low, high: rng.uniform(low, high, size),
    'normal': lambda rng, size, avg, std: rng.normal(avg, std, size),
    'binomial': lambda rng, size, n, p: rng.binomial(n, p, size),
    'random_integers': _random_integers,
    'permutation': _permutation,
}


def _draw(state, size, *params, method, dtype, ndim):
    """(the advanced generator, the sample): numpy's method on a copy of `state`."""
    size = tuple(int(s) for s in np.asarray(size).reshape(-1))
    if any(s < 0 for s in size):
        raise ValueError('RandomStreams.%s: size %s has a negative dimension' % (method, size))
    rng = copy.deepcopy(state)
    sample = np.asarray(DRAWS[method](rng, size or None, *params), dtype=dtype)
    if not size and sample.ndim == 0 and ndim > 0:
        sample = sample.reshape((1,) * ndim)
    return rng, sample


OPS['rs_draw'] = Op(_draw, None, differentiable=False)
OPS['rs_sample'] = Op(lambda pair: pair[1], None, differentiable=False)
OPS['rs_state'] = Op(lambda pair: pair[0], None, differentiable=False)


def _theano_constant(value):
    """A Python float as Theano made it a constant (float32 when exact or floatX=float32)."""
    if type(value) is float:
        return as_variable(np.asarray(value, autocast_float(value)))
    return as_variable(value)


class RandomStreams:
    """theano.tensor.shared_randomstreams.RandomStreams(seed)."""

    def __init__(self, seed=None):
        self.state_updates = []
        self.default_instance_seed = seed
        self.gen_seedgen = np.random.RandomState(seed)

    def seed(self, seed=None):
        """Reseed the generator of every draw made so far, in order, from a fresh
        RandomState(seed) (gen_seedgen, which seeds later draws, is not reseeded)."""
        if seed is None:
            seed = self.default_instance_seed
        seedgen = np.random.RandomState(seed)
        for rng, _ in self.state_updates:
            rng.set_value(np.random.RandomState(int(seedgen.randint(2 ** 30))), borrow=True)

    def updates(self):
        return list(self.state_updates)

    def __getitem__(self, item):
        return item.get_value(borrow=True)

    def __setitem__(self, item, val):
        item.set_value(val, borrow=True)

    # -- the draws ----------------------------------------------------------------------
    def uniform(self, size=None, low=0.0, high=1.0, ndim=None, dtype=None):
        low, high, dtype = self._float_params('uniform', low, high, dtype)
        return self._gen('uniform', size, ndim, dtype, [low, high])

    def normal(self, size=None, avg=0.0, std=1.0, ndim=None, dtype=None):
        avg, std, dtype = self._float_params('normal', avg, std, dtype)
        return self._gen('normal', size, ndim, dtype, [avg, std])

    def binomial(self, size=None, n=1, p=0.5, ndim=None, dtype='int64', prob=None):
        if prob is not None:
            p = prob
        return self._gen('binomial', size, ndim, dtype, [_theano_constant(n), _theano_constant(p)])

    def random_integers(self, size=None, low=0, high=1, ndim=None, dtype='int64'):
        return self._gen('random_integers', size, ndim, dtype,
                         [as_variable(low), as_variable(high)])

    def permutation(self, size=None, n=1, ndim=None, dtype='int64'):
        """Rows of random permutations of 0..n-1: shape size + (n,)."""
        size = () if size is None else size
        return self._gen('permutation', size, ndim, dtype, [as_variable(n)], extra_ndim=1)

    def _unsupported(name):
        def method(self, *args, **kwargs):
            raise NotImplementedError('RandomStreams.%s is not provided by legacy_bn; draw '
                                      'uniforms with RandomStreams.uniform and transform them'
                                      % name)
        return method
    choice = _unsupported('choice')
    multinomial = _unsupported('multinomial')
    poisson = _unsupported('poisson')
    shuffle_row_elements = _unsupported('shuffle_row_elements')
    del _unsupported

    @staticmethod
    def _float_params(method, a, b, dtype):
        a, b = _theano_constant(a), _theano_constant(b)
        if dtype is None:               # Theano: upcast(floatX, the parameters' dtypes)
            dtype = np.result_type(config.floatX, a.dtype, b.dtype)
        dtype = config.floatX if dtype == 'floatX' else str(np.dtype(dtype))
        return T.cast(a, dtype), T.cast(b, dtype), dtype

    def _gen(self, method, size, ndim, dtype, params, extra_ndim=0):
        dtype = config.floatX if dtype == 'floatX' else str(np.dtype(dtype))
        size_var, ndim = _size(method, size, ndim, params)
        rng = RandomStateSharedVariable(np.random.RandomState(int(self.gen_seedgen.randint(2 ** 30))))
        ndim += extra_ndim
        pair = apply('rs_draw', rng, size_var, *params, method=method, dtype=dtype, ndim=ndim,
                     out_type=(object, 0))
        sample = RandomVariable('rs_sample', (pair,), {}, dtype, ndim)
        new_state = Variable('rs_state', (pair,), {}, object, 0)
        sample.rng, sample.update = rng, (rng, new_state)
        rng.default_update = new_state
        self.state_updates.append(sample.update)
        return sample


def _size(method, size, ndim, params):
    """(int64 size vector, ndim of the draw), checked as the draw is built."""
    what = 'RandomStreams.%s' % method
    if size is None or (not isinstance(size, Variable) and tuple(size) == ()):
        if method == 'permutation':
            return as_variable(np.zeros(0, np.int64)), 0
        if ndim is None:
            ndim = max([p.ndim for p in params] + [0])
        return as_variable(np.zeros(0, np.int64)), ndim
    if isinstance(size, Variable):
        if size.ndim != 1 or np.dtype(size.dtype).kind not in 'iu':
            raise TypeError('%s: size must be a vector of ints (or a tuple), got %s'
                            % (what, size.describe()))
        n = vector_length(size)
        if n is None and ndim is None:
            raise ValueError('%s: give ndim= for the symbolic size %s' % (what, size.describe()))
        return size, n if n is not None else ndim
    size = tuple(size)
    for s in size:
        if isinstance(s, Variable):
            if s.ndim != 0 or np.dtype(s.dtype).kind not in 'iu':
                raise TypeError('%s: size entries must be integer scalars, got %s'
                                % (what, s.describe()))
        elif not isinstance(s, (numbers.Integral, np.integer)) or s < 0:
            raise ValueError('%s: size must be non-negative ints, got %r' % (what, size))
    if ndim is not None and ndim != len(size):
        raise ValueError('%s: ndim=%d does not match size %r' % (what, ndim, size))
    return T._shape_vector(size), len(size)
