# Keras 0.2.0 BatchNormalization: mode 0 normalizes with the running statistics in training
# too (the batch statistics only move them, by momentum), mode 1 per sample; on 2-D and 3-D
# input, 3 training calls each on batches of different sizes, the running statistics after
# every call, gradients of a random projection w.r.t. the input, gamma and beta; gamma's
# initial values drawn from the seeded np.random ('uniform').
import numpy as np
np.random.seed(5)

import theano
import theano.tensor as T
from keras.layers.normalization import BatchNormalization

fx = theano.config.floatX
rng = np.random.RandomState(1234)
out = {}

cases = [
    # tag, input_shape, kwargs, random running statistics in the weights?
    ('m0_s6', (6,), {}, False),
    ('m0_s6_mom05_eps1e-2', (6,), {'momentum': 0.5, 'epsilon': 1e-2}, True),
    ('m0_s3x4', (3, 4), {}, True),
    ('m1_s6', (6,), {'mode': 1}, False),
    ('m1_s6_eps1e-1', (6,), {'mode': 1, 'epsilon': 0.1}, False),
]
for tag, shape, kwargs, random_stats in cases:
    layer = BatchNormalization(input_shape=shape, **kwargs)
    defaults = layer.get_weights()
    out[tag + '_init_gamma_uniform'] = defaults[0]
    out[tag + '_default_beta'] = defaults[1]
    out[tag + '_default_running_mean'] = defaults[2]
    out[tag + '_default_running_std'] = defaults[3]
    wshape = defaults[0].shape
    gamma = rng.uniform(0.5, 1.5, size=wshape)
    beta = rng.normal(0.0, 0.5, size=wshape)
    if random_stats:
        running_mean = rng.normal(0.0, 1.0, size=wshape)
        running_std = rng.uniform(0.5, 2.0, size=wshape)
    else:
        running_mean = np.zeros(wshape)
        running_std = np.ones(wshape)
    layer.set_weights([gamma, beta, running_mean, running_std])
    y_train = layer.get_output(train=True)
    f = theano.function([layer.input], y_train, updates=layer.updates,
                        allow_input_downcast=True)
    f_test = theano.function([layer.input], layer.get_output(train=False),
                             allow_input_downcast=True)
    R = T.TensorType(fx, (False,) * (len(shape) + 1))()
    grads = T.grad(T.sum(y_train * R), [layer.input, layer.gamma, layer.beta])
    f_grad = theano.function([layer.input, R], grads, allow_input_downcast=True)
    for i, n in enumerate([5, 8, 3]):
        X = rng.normal(2.0 + i, 1.5 + i, size=(n,) + shape).astype(fx)
        Rv = rng.normal(size=(n,) + shape).astype(fx)
        out['%s_X%d' % (tag, i)] = X
        out['%s_test_before%d' % (tag, i)] = f_test(X)
        g = f_grad(X, Rv)
        out['%s_grad_X%d' % (tag, i)] = g[0]
        out['%s_grad_gamma%d' % (tag, i)] = g[1]
        out['%s_grad_beta%d' % (tag, i)] = g[2]
        out['%s_out%d' % (tag, i)] = f(X)
        out['%s_running_mean%d' % (tag, i)] = layer.running_mean.get_value()
        out['%s_running_std%d' % (tag, i)] = layer.running_std.get_value()
        out['%s_test_after%d' % (tag, i)] = f_test(X)

emit(**out)
