"""MRG31k3p arithmetic (L'Ecuyer & Touzin), bit-exact with Theano 0.8.2's rng_mrg.

Pure numpy on int64 arrays; `rng_mrg.MRG_RandomStreams` builds the symbolic
streams on top of it. A state is six integers (x11, x12, x13, x21, x22, x23),
newest first in each triple; the first triple lives mod M1, the second mod M2.
Theano stores states as int32; all values here are < 2**31 so int64 holds the
same numbers, and every product is reduced mod m before it is summed: a
product of two values < 2**31 is < 2**62, but three of them summed could
overflow int64.
"""
import functools
import operator

import numpy as np

M1 = 2**31 - 1
M2 = 2**31 - 21069
# Theano's guess for "enough streams to fill a GPU" (60 * 256), used when the
# sample size is not known at graph-construction time.
MAX_STREAMS = 15360

# One step of each component recurrence, acting on a triple (newest first).
_A1 = np.array([[0, 2**22, 129], [1, 0, 0], [0, 1, 0]], dtype=np.int64)
_A2 = np.array([[2**15, 0, 2**15 + 1], [1, 0, 0], [0, 1, 0]], dtype=np.int64)

# float32 scale used by Theano's C code: the largest float32 with
# float32(M1) * scale < 1, so a float32 uniform never rounds up to 1.0.
_NORM32 = np.float32(4.6566126e-10)
_NORM64 = 2.0**-31


def check_seed(seed):
    """State array([seed]*6) for an int seed; ValueError unless 0 < seed < M2."""
    seed = operator.index(seed)
    # Theano 0.8.2 only rejects 0 and >= M2 (a negative seed slips through and
    # yields a meaningless state); SPEC requires 0 < seed < M2.
    if not 0 < seed < M2:
        raise ValueError('MRG_RandomStreams: seed must satisfy 0 < seed < %d, got %d'
                         % (M2, seed))
    return np.full(6, seed, dtype=np.int64)


def _matmul_mod(a, b, m):
    """(a @ b) mod m for 3x3 int64 matrices with entries < m, without overflow."""
    return ((a[:, :, None] * b[None, :, :]) % m).sum(axis=1) % m


@functools.lru_cache(maxsize=None)
def _jump_matrices(e):
    """(A1^(2^e) mod M1, A2^(2^e) mod M2), read-only; built by squaring e times."""
    if e == 0:
        a1, a2 = _A1.copy(), _A2.copy()
    else:
        p1, p2 = _jump_matrices(e - 1)
        a1, a2 = _matmul_mod(p1, p1, M1), _matmul_mod(p2, p2, M2)
    a1.flags.writeable = False  # shared through the cache
    a2.flags.writeable = False
    return a1, a2


def _apply_mod(mat, triples, m):
    """Each row of `triples` (k, 3) multiplied by `mat` mod m."""
    return ((triples[:, None, :] * mat[None, :, :]) % m).sum(axis=2) % m


def jump(state, e):
    """`state` (6,) or (n, 6) advanced 2**e steps; a new int64 array."""
    if e < 0:
        raise ValueError('jump: e must be >= 0, got %r' % (e,))
    a1, a2 = _jump_matrices(operator.index(e))
    rows = np.asarray(state, dtype=np.int64).reshape(-1, 6)
    out = np.concatenate([_apply_mod(a1, rows[:, :3], M1),
                          _apply_mod(a2, rows[:, 3:], M2)], axis=1)
    return out.reshape(np.shape(state))


def n_streams_for(size):
    """Number of streams Theano gives a sample of `size` (None = symbolic)."""
    # Like Theano's guess_n_streams, only a tuple of *Python* ints counts as a
    # known size: numpy integers (and symbolic entries) fall back to the
    # maximum, exactly as Theano 0.8.2 does on Python 3.
    if not (isinstance(size, (tuple, list)) and all(isinstance(s, int) for s in size)):
        return MAX_STREAMS
    r = 1
    for s in size:
        r *= s
    if r > 6:
        r //= 6  # Theano's benchmark-tuned choice
    return min(r, MAX_STREAMS)


def substream_states(state, n):
    """(n, 6) int64 states: row 0 = `state`, row i = row i-1 jumped 2**72."""
    if n < 1:
        raise ValueError('substream_states: n must be >= 1, got %r' % (n,))
    rows = np.empty((n, 6), dtype=np.int64)
    rows[0] = state
    # Row k + i is row i jumped k * 2**72 steps; doubling k fills the table in
    # log2(n) vectorised jumps instead of n sequential ones. Exact modular
    # arithmetic makes this identical to Theano's one-by-one loop.
    k, e = 1, 72
    while k < n:
        take = min(k, n - k)
        rows[k:k + take] = jump(rows[:take], e)
        k, e = 2 * k, e + 1
    return rows


def next_object_state(state):
    """`state` jumped 2**134 steps: the object's state after handing out a stream set."""
    return jump(state, 134)


def _step(cols):
    """Advance every stream in `cols` (6, k) by one step in place; return its outputs k."""
    x12, x13, x21, x23 = cols[1], cols[2], cols[3], cols[5]
    n1 = ((x12 * 2**22) % M1 + (x13 * 129) % M1) % M1
    n2 = ((x21 * 2**15) % M2 + (x23 * (2**15 + 1)) % M2) % M2
    cols[1:3] = cols[0:2].copy()  # shift each triple: newest first
    cols[0] = n1
    cols[4:6] = cols[3:5].copy()
    cols[3] = n2
    # Theano: k = n1 - n2 + M1 when n1 <= n2, so 1 <= k <= M1 (never 0).
    diff = n1 - n2
    return np.where(diff > 0, diff, diff + M1)


def draw_ints(states, count):
    """(`count` ints in 1..M1, new (n, 6) states); value i comes from stream i % n."""
    if np.ndim(states) != 2 or np.shape(states)[1] != 6:
        raise ValueError('draw_ints: states must have shape (n, 6), got %s'
                         % (np.shape(states),))
    # Work on a transposed int64 copy: the caller's array is never mutated, and
    # each state component is a contiguous row.
    cols = np.array(states, dtype=np.int64).T.copy()
    n = cols.shape[1]
    ints = np.empty(count, dtype=np.int64)
    # Row-major order: round r uses streams 0..n-1 for values r*n .. r*n+n-1;
    # the last round may use only the first few streams (a view, stepped in place).
    for start in range(0, count, n):
        used = min(n, count - start)
        ints[start:start + used] = _step(cols[:, :used])
    return ints, cols.T.copy()


def uniform_from_ints(ints, dtype):
    """Theano's uniform from MRG ints: float64 k * 2**-31, float32 float32(k) * 4.6566126e-10f."""
    dtype = np.dtype(dtype)
    ints = np.asarray(ints)
    if dtype == np.float64:
        return ints * _NORM64  # exact: k < 2**31 and the scale is a power of two
    if dtype == np.float32:
        # Theano's C code converts k to float, then multiplies in float32.
        return ints.astype(np.float32) * _NORM32
    raise ValueError('uniform_from_ints: dtype must be float32 or float64, got %s' % dtype)


def binomial_from_uniform(u, p, dtype, floatX):
    """Theano's n=1 binomial: (u < p) cast to `dtype`, p a floatX constant."""
    # A Python-float p becomes a floatX constant in Theano, so with floatX
    # float32 the comparison is against float32(p) (0.7 -> 0.699999988...).
    # `u` is Theano's uniform draw, which is floatX whatever `dtype` is.
    p = np.float32(p) if floatX == 'float32' else np.float64(p)
    return (np.asarray(u) < p).astype(dtype)
