# Keras 0.2.0's convolutional forms that 0.3.3 dropped, as plain 0.2.0 user code: 'full'
# convolutions, pooling with stride/ignore_border, UpSample1D/2D. Run with
# `python -m legacy_bn --keras 0.2` by tests/keras02/test_convolutional_0_2_0.py, which checks
# what it prints against numpy loops and the real 0.2.0's shapes.
import json
import numpy as np
import theano
from keras.layers.convolutional import (Convolution1D, Convolution2D, MaxPooling1D,
                                        MaxPooling2D, UpSample1D, UpSample2D)

rng = np.random.RandomState(0)
out = {}

x2 = rng.randn(2, 3, 4, 5)
w2 = rng.randn(2, 3, 2, 3)
b2 = rng.randn(2)
conv = Convolution2D(2, 2, 3, border_mode='full', subsample=(2, 1), weights=[w2, b2],
                     input_shape=(3, 4, 5))
conv.input = theano.shared(x2)
out['conv2d'] = {'x': x2.tolist(), 'w': w2.tolist(), 'b': b2.tolist(),
                 'shape': list(conv.output_shape),
                 'y': conv.get_output().eval().tolist(),
                 'border_mode': conv.get_config()['border_mode']}

x1 = rng.randn(2, 5, 3)
w1 = rng.randn(4, 3, 3, 1)
b1 = rng.randn(4)
conv = Convolution1D(4, 3, border_mode='full', weights=[w1, b1], input_dim=3)
conv.input = theano.shared(x1)
out['conv1d'] = {'x': x1.tolist(), 'w': w1.tolist(), 'b': b1.tolist(),
                 'shape': list(conv.output_shape), 'y': conv.get_output().eval().tolist()}

# (ignore_border, stride, pool, size) -> rows of the output and of output_shape
pools = []
for ib in (True, False):
    for st in (1, 2, 3):
        for ps in (1, 2, 3, 4):
            for n in range(ps, 8):
                layer = MaxPooling2D(pool_size=(ps, ps), stride=(st, st), ignore_border=ib)
                layer.set_input_shape((1, n, n))
                layer.input = theano.shared(rng.randn(1, 1, n, n))
                got = layer.get_output().eval().shape[2:]
                pools.append([ib, st, ps, n, got[0], got[1], layer.output_shape[2]])
out['pools'] = pools

x = rng.randn(2, 7, 3)
pool = MaxPooling1D(pool_length=3, stride=2, ignore_border=False)
pool.input = theano.shared(x)
out['pool1d'] = {'x': x.tolist(), 'y': pool.get_output().eval().tolist(),
                 'config': pool.get_config()}
import warnings
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter('always')
    too_big = MaxPooling2D(pool_size=(4, 4), input_shape=(1, 3, 3))
    too_big.input = theano.shared(np.ones((2, 1, 3, 3)))
    out['too_big'] = {'shape': too_big.output_shape, 'y': too_big.get_output().eval().shape,
                      'warnings': [str(w.message) for w in caught
                                   if w.category is RuntimeWarning]}

up1, up2 = UpSample1D(length=3), UpSample2D(size=(2, 3))
up1.input = theano.shared(np.arange(4.).reshape(1, 2, 2))
up2.input = theano.shared(np.arange(4.).reshape(1, 1, 2, 2))
out['up1'] = up1.get_output().eval().tolist()
out['up2'] = up2.get_output().eval().tolist()
out['up_names'] = [up1.get_config()['name'], up2.get_config()['name']]
print(json.dumps(out))
