"""Theano 0.8.2's pool_2d: every mode, border and padding case, values and gradients
(recorded under the oracle into pool_modes_float64.npz; replayed by tests/test_theano_pool.py)."""
import sys

import numpy as np
import theano
import theano.tensor as T
from theano.tensor.signal import pool

x = T.tensor4('x')
values = np.random.RandomState(0).uniform(-2, 2, size=(2, 1, 5, 6))
out = {}
cases = []
for mode in ('max', 'sum', 'average_inc_pad', 'average_exc_pad'):
    for ds, st, ib, pad in [((2, 2), None, True, (0, 0)), ((2, 2), None, False, (0, 0)),
                            ((3, 2), (1, 2), False, (0, 0)), ((3, 3), (2, 2), True, (1, 1)),
                            ((2, 3), (1, 1), True, (1, 2))]:
        cases.append((mode, ds, st, ib, pad))
for k, (mode, ds, st, ib, pad) in enumerate(cases):
    y = pool.pool_2d(x, ds, ignore_border=ib, st=st, padding=pad, mode=mode)
    w = np.random.RandomState(k).uniform(0.5, 1.5, size=theano.function([x], y)(values).shape)
    out['%d_value' % k] = theano.function([x], y)(values)
    try:
        out['%d_grad' % k] = theano.function([x], T.grad((y * w).sum(), x))(values)
    except NotImplementedError:      # Theano 0.8.2 had no gradient for this case
        pass
    print(k, mode, ds, st, ib, pad, out['%d_value' % k].shape)
out['input'] = values
np.savez(sys.argv[1], **out)
