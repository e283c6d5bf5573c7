"""theano.tensor.signal.pool.pool_2d: every mode with and without borders and padding,
values and gradients against Theano 0.8.2's (recorded by
tests/theano_programs/oracle/pool_modes.py), and finite differences where Theano had no
gradient (average_exc_pad with padding)."""
import os
import warnings

import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn.theano.tensor.signal import pool
from test_tensor_grad import check_grad

RECORDED = np.load(os.path.join(os.path.dirname(__file__), 'theano_programs', 'oracle',
                                'pool_modes_float64.npz'))
CASES = [(mode, ds, st, ib, pad)
         for mode in ('max', 'sum', 'average_inc_pad', 'average_exc_pad')
         for ds, st, ib, pad in [((2, 2), None, True, (0, 0)), ((2, 2), None, False, (0, 0)),
                                 ((3, 2), (1, 2), False, (0, 0)), ((3, 3), (2, 2), True, (1, 1)),
                                 ((2, 3), (1, 1), True, (1, 2))]]


@pytest.mark.parametrize('k', range(len(CASES)), ids=['-'.join(map(str, c)) for c in CASES])
def test_pool_2d_matches_theano(k):
    mode, ds, st, ib, pad = CASES[k]
    x = T.tensor4('x')
    y = pool.pool_2d(x, ds, ignore_border=ib, st=st, padding=pad, mode=mode)
    values = RECORDED['input']
    got = theano.function([x], y)(values)
    np.testing.assert_allclose(got, RECORDED['%d_value' % k], rtol=1e-12)
    w = np.random.RandomState(k).uniform(0.5, 1.5, size=got.shape)
    grad = theano.function([x], T.grad((y * w).sum(), x))(values)
    if '%d_grad' % k in RECORDED:
        np.testing.assert_allclose(grad, RECORDED['%d_grad' % k], rtol=1e-12)
    else:   # Theano 0.8.2 raised NotImplementedError here
        check_grad(lambda t: pool.pool_2d(t, ds, ignore_border=ib, st=st, padding=pad,
                                          mode=mode), values[:1])


def test_pool_2d_arguments_checked_as_theano():
    x = T.tensor4('x')
    with pytest.raises(NotImplementedError, match='ignore_border=True'):
        pool.pool_2d(x, (2, 2), ignore_border=False, padding=(1, 1))
    with pytest.raises(NotImplementedError, match='smaller than ds'):
        pool.pool_2d(x, (2, 2), ignore_border=True, padding=(2, 0))
    with pytest.raises(ValueError, match="mode must be one of"):
        pool.pool_2d(x, (2, 2), ignore_border=True, mode='average')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        pool.pool_2d(x, (2, 2))
    assert any('ignore_border' in str(w.message) for w in caught)
