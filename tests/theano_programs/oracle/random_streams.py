import sys
import numpy as np
import theano
import theano.tensor as T
from theano.tensor.shared_randomstreams import RandomStreams
out = {}
srng = RandomStreams(seed=234)
u = srng.uniform((2, 3))
n = srng.normal((2, 2), avg=1.0, std=2.0)
b = srng.binomial(size=(4, 5), n=1, p=0.7, dtype=theano.config.floatX)
ri = srng.random_integers((5,), low=0, high=9)
pm = srng.permutation(size=(2,), n=5)
pm1 = srng.permutation(n=4)
f = theano.function([], [u, n, b, ri, pm, pm1])
for call in range(2):
    for k, v in zip(['u', 'n', 'b', 'ri', 'pm', 'pm1'], f()):
        out['%s_%d' % (k, call)] = v
g = theano.function([], u, no_default_updates=True)
out['u_nodefault_a'] = g(); out['u_nodefault_b'] = g()
srng.seed(5)
out['after_seed'] = f()[0]
# symbolic size and tensor p
x = T.matrix('x')
bx = srng.binomial(size=x.shape, n=1, p=1 - 0.3, dtype=theano.config.floatX) * x
out['corrupt'] = theano.function([x], bx)(np.arange(12.).reshape(3, 4).astype(theano.config.floatX))
# draws inside scan
h0 = T.vector('h0')
W = theano.shared(np.linspace(-1, 1, 12).reshape(3, 4).astype(theano.config.floatX))
srng2 = RandomStreams(seed=99)
def gibbs(v):
    ph = T.nnet.sigmoid(T.dot(v, W))
    hs = srng2.binomial(size=ph.shape, n=1, p=ph, dtype=theano.config.floatX)
    pv = T.nnet.sigmoid(T.dot(hs, W.T))
    vs = srng2.binomial(size=pv.shape, n=1, p=pv, dtype=theano.config.floatX)
    nz = srng2.uniform(size=(2,))
    return [ph, vs, nz]
(phs, vss, nzs), upd = theano.scan(gibbs, outputs_info=[None, h0, None], n_steps=3)
fs = theano.function([h0], [phs, vss, nzs], updates=upd)
v0 = np.array([1, 0, 1], dtype=theano.config.floatX)
for call in range(2):
    for k, v in zip(['scan_ph', 'scan_vs', 'scan_nz'], fs(v0)):
        out['%s_%d' % (k, call)] = v
print(len(upd), [type(k).__name__ for k in upd])
np.savez(sys.argv[1], **out)
print({k: (v.dtype, v.shape) for k, v in out.items()})
