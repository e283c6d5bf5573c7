"""Initializations draw from the global np.random exactly as Keras 4e1ec93 did.

Every case replays the expected np.random call by hand (same function, same
arguments, same seed) and requires bit-identical floatX values and the same
np.random state afterwards. The fan-in/fan-out scales are written out as
closed forms here, not taken from `get_fans`.
"""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import legacy_bn.theano as theano
from legacy_bn import initializations
from legacy_bn.utils import theano_utils

floatX = theano.config.floatX
SEED = 20150907


def rng_state():
    return np.random.get_state()[1].copy(), np.random.get_state()[2]


def assert_same_rng_state(a, b):
    assert np.array_equal(a[0], b[0]) and a[1] == b[1]


def run_init(name, shape, **kwargs):
    """Call the init under SEED; return (values, np.random state afterwards)."""
    np.random.seed(SEED)
    var = initializations.get(name)(shape, **kwargs)
    return var, rng_state()


def replay(draw):
    """Call `draw()` under SEED; return (values cast to floatX, np.random state)."""
    np.random.seed(SEED)
    values = np.asarray(draw(), dtype=floatX)
    return values, rng_state()


# (name, shape, np.random replay, fan rule it exercises)
M, C4 = (5, 3), (4, 3, 2, 2)      # a Dense matrix; a conv kernel (nb_filter, stack, rows, cols)
CASES = [
    ('uniform', M, lambda: np.random.uniform(low=-0.05, high=0.05, size=M)),
    ('normal', M, lambda: np.random.randn(5, 3) * 0.05),
    ('lecun_uniform', M, lambda: np.random.uniform(low=-np.sqrt(3. / 5), high=np.sqrt(3. / 5), size=M)),
    ('lecun_uniform', C4, lambda: np.random.uniform(low=-np.sqrt(3. / 12), high=np.sqrt(3. / 12), size=C4)),
    ('glorot_uniform', M, lambda: np.random.uniform(low=-np.sqrt(6. / 8), high=np.sqrt(6. / 8), size=M)),
    ('glorot_uniform', C4, lambda: np.random.uniform(low=-np.sqrt(6. / 16), high=np.sqrt(6. / 16), size=C4)),
    ('glorot_normal', M, lambda: np.random.randn(5, 3) * np.sqrt(2. / 8)),
    ('glorot_normal', C4, lambda: np.random.randn(4, 3, 2, 2) * np.sqrt(2. / 16)),
    ('he_uniform', M, lambda: np.random.uniform(low=-np.sqrt(6. / 5), high=np.sqrt(6. / 5), size=M)),
    ('he_uniform', C4, lambda: np.random.uniform(low=-np.sqrt(6. / 12), high=np.sqrt(6. / 12), size=C4)),
    ('he_normal', M, lambda: np.random.randn(5, 3) * np.sqrt(2. / 5)),
    ('he_normal', C4, lambda: np.random.randn(4, 3, 2, 2) * np.sqrt(2. / 12)),
]


@pytest.mark.parametrize('name,shape,draw', CASES, ids=['%s-%dd' % (c[0], len(c[1])) for c in CASES])
def test_random_inits_replay_np_random_bit_exactly(name, shape, draw):
    var, state = run_init(name, shape)
    expected, expected_state = replay(draw)
    got = var.get_value()
    assert got.dtype == np.dtype(floatX) and var.dtype == floatX
    assert got.shape == shape
    assert np.array_equal(got, expected)
    assert_same_rng_state(state, expected_state)


def test_explicit_scale_is_used():
    var, _ = run_init('uniform', (2, 7), scale=0.3)
    expected, _ = replay(lambda: np.random.uniform(low=-0.3, high=0.3, size=(2, 7)))
    assert np.array_equal(var.get_value(), expected)
    var, _ = run_init('normal', (7,), scale=2.0)
    expected, _ = replay(lambda: np.random.randn(7) * 2.0)
    assert np.array_equal(var.get_value(), expected)


def test_get_fans():
    assert initializations.get_fans((5, 3)) == (5, 3)
    assert initializations.get_fans((4, 3, 2, 2)) == (12, 4)
    assert initializations.get_fans((6, 2, 5)) == (10, 6)


def test_consecutive_inits_continue_one_stream():
    # Two layers built one after the other: the second draw continues the stream.
    np.random.seed(SEED)
    a = initializations.glorot_uniform((3, 4)).get_value()
    b = initializations.uniform((4,)).get_value()
    np.random.seed(SEED)
    ea = np.random.uniform(low=-np.sqrt(6. / 7), high=np.sqrt(6. / 7), size=(3, 4))
    eb = np.random.uniform(low=-0.05, high=0.05, size=(4,))
    assert np.array_equal(a, ea.astype(floatX)) and np.array_equal(b, eb.astype(floatX))


@pytest.mark.parametrize('shape', [(4, 6), (6, 4), (3, 2, 2)])
def test_orthogonal_draw_order_and_orthogonality(shape):
    var, state = run_init('orthogonal', shape)
    flat = (shape[0], int(np.prod(shape[1:])))
    a, expected_state = replay(lambda: np.random.normal(0.0, 1.0, flat))
    assert_same_rng_state(state, expected_state)
    q = var.get_value().reshape(flat).astype(np.float64) / 1.1
    # the factor of the SVD with the requested shape has orthonormal rows or columns
    gram = q @ q.T if flat[0] <= flat[1] else q.T @ q
    tol = 1e-12 if floatX == 'float64' else 1e-6
    assert np.allclose(gram, np.eye(min(flat)), atol=tol)
    # and it spans the drawn matrix's row (or column) space
    np.random.seed(SEED)
    drawn = np.random.normal(0.0, 1.0, flat)
    proj = drawn @ q.T @ q if flat[0] <= flat[1] else q @ q.T @ drawn
    assert np.allclose(proj, drawn, atol=1e-5)
    assert var.get_value().shape == shape


@pytest.mark.parametrize('name,shape,expected', [
    ('zero', (3, 2), np.zeros((3, 2))),
    ('one', (4,), np.ones(4)),
    ('identity', (3, 3), np.eye(3)),
])
def test_deterministic_inits_draw_nothing(name, shape, expected):
    np.random.seed(SEED)
    before = rng_state()
    var = initializations.get(name)(shape)
    assert_same_rng_state(rng_state(), before)
    assert var.dtype == floatX
    assert np.array_equal(var.get_value(), expected)


def test_identity_scale_and_shape_check():
    assert np.array_equal(initializations.identity((2, 2), scale=3).get_value(), 3 * np.eye(2))
    with pytest.raises(ValueError, match='2D square matrices, got shape \\(2, 3\\)'):
        initializations.identity((2, 3))


def test_get_by_name_and_passthrough():
    assert initializations.get('he_normal') is initializations.he_normal
    f = lambda shape: None  # noqa: E731
    assert initializations.get(f) is f
    with pytest.raises(ValueError, match=r'^Invalid initialization: glorot \(valid: .*glorot_uniform'):
        initializations.get('glorot')


# -- theano_utils ----------------------------------------------------------------

def test_shared_helpers_use_floatX():
    assert theano_utils.floatX([1, 2]).dtype == np.dtype(floatX)
    x = theano_utils.sharedX([[1, 2]], name='x')
    assert x.dtype == floatX and x.name == 'x' and np.array_equal(x.get_value(), [[1, 2]])
    assert np.array_equal(theano_utils.shared_zeros((2, 3)).get_value(), np.zeros((2, 3)))
    assert np.array_equal(theano_utils.shared_ones(4).get_value(), np.ones(4))
    s = theano_utils.shared_scalar(3)
    assert s.ndim == 0 and s.dtype == floatX and s.get_value() == 3
    assert theano_utils.sharedX([1], dtype='float64').dtype == 'float64'


def test_ndim_tensor_and_alloc_zeros_matrix():
    assert [theano_utils.ndim_tensor(n).ndim for n in (1, 2, 3, 4, 5)] == [1, 2, 3, 4, 2]
    assert theano_utils.ndim_tensor(3).dtype == floatX
    z = theano_utils.alloc_zeros_matrix(2, 5).eval()
    assert z.shape == (2, 5) and z.dtype == np.dtype(floatX) and not z.any()


# -- the other floatX, in a fresh process (THEANO_FLAGS is read at import) ----------

FLOATX_SCRIPT = textwrap.dedent('''
    import numpy as np
    import legacy_bn.theano as theano
    from legacy_bn import initializations
    assert theano.config.floatX == FLOATX, theano.config.floatX
    np.random.seed(3)
    w = initializations.glorot_uniform((6, 4)).get_value()
    n = initializations.he_normal((2, 3, 3)).get_value()
    z = initializations.zero((2,)).get_value()
    np.random.seed(3)
    ew = np.random.uniform(low=-np.sqrt(0.6), high=np.sqrt(0.6), size=(6, 4)).astype(FLOATX)
    en = (np.random.randn(2, 3, 3) * np.sqrt(2. / 9)).astype(FLOATX)
    assert w.dtype == n.dtype == z.dtype == np.dtype(FLOATX)
    assert np.array_equal(w, ew) and np.array_equal(n, en)
    print('ok')
''')


@pytest.mark.parametrize('fx', ['float64', 'float32'])
def test_inits_under_each_floatX(fx):
    env = dict(os.environ, THEANO_FLAGS='floatX=' + fx)
    res = subprocess.run([sys.executable, '-c', 'FLOATX = %r\n' % fx + FLOATX_SCRIPT],
                         env=env, capture_output=True, text=True)
    assert res.returncode == 0 and res.stdout.strip() == 'ok', res.stderr
