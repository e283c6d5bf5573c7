"""MRG_RandomStreams draws inside a scan step (recorded under Theano 0.8.2 into
mrg_scan_float64.npz / float32; replayed by tests/test_theano_random_streams.py)."""
import sys

import numpy as np
import theano
import theano.tensor as T
from theano.sandbox.rng_mrg import MRG_RandomStreams

srng = MRG_RandomStreams(seed=42)
h0 = T.vector('h0')


def step(h):
    u = srng.uniform((3,))
    m = srng.binomial(size=(3,), p=0.6, dtype=theano.config.floatX)
    z = srng.normal((2,))
    return [u, m, z, h * 2]
(us, ms, zs, hs), upd = theano.scan(step, outputs_info=[None, None, None, h0], n_steps=4)
f = theano.function([h0], [us, ms, zs], updates=upd)
out = {}
for call in range(2):
    for k, v in zip(['uniform', 'binomial', 'normal'], f(np.ones(3, theano.config.floatX))):
        out['%s_%d' % (k, call)] = v
np.savez(sys.argv[1], **out)
print({k: v.shape for k, v in out.items()})
