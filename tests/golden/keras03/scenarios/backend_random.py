# Keras 0.3.3's keras.backend random tensors: K.random_normal/uniform/binomial and
# K.dropout, with a seed and with the seed drawn from np.random (np.random.randint(10e6)
# at each call), and the np.random state after them. Keys with '_uniform', '_binomial',
# 'mask' or starting 'seed' are compared bit for bit.
import numpy as np
np.random.seed(1337)

from keras import backend as K

fx = K.floatx()
out = {}
x = K.placeholder(ndim=2)

# -- random ---------------------------------------------------------------------------
out['rand_normal_seeded'] = K.eval(K.random_normal((3, 5), mean=1., std=2., seed=42))
out['rand_seeded_uniform'] = K.eval(K.random_uniform((4, 5), low=-1., high=2., seed=7))
out['rand_seeded_binomial'] = K.eval(K.random_binomial((6, 5), p=0.3, seed=11))
out['rand_normal_np'] = K.eval(K.random_normal((2, 3)))
out['rand_np_uniform'] = K.eval(K.random_uniform((3, 3)))
out['rand_np_binomial'] = K.eval(K.random_binomial((4, 4), p=0.6))
ones = np.ones((5, 8), dtype=fx)
for tag, seed in [('seeded', 123), ('np', None)]:
    d = K.dropout(x, 0.3, seed=seed)
    fd = K.function([x], [d])
    for k in range(2):
        r = fd([ones])[0]
        out['dropout_%s_mask%d' % (tag, k)] = (r != 0).astype('int8')
        out['dropout_%s_out%d' % (tag, k)] = r
out['seed_np_after'] = np.random.randint(10e6, size=3)

emit(**out)
