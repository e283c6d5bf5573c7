# Keras 0.3.3 BatchNormalization: mode 0 (batch statistics in training, running
# statistics at test, updated by momentum) and mode 1 (per sample), on 2-D, 3-D
# and 4-D input (axis=1 over channels), 3 training calls each on batches of
# different sizes; the running statistics after every call; the gradient of a
# random projection of the training output w.r.t. the input, gamma and beta;
# default initial weights (gamma ones, beta zeros).
import numpy as np
np.random.seed(5)

from keras import backend as K
from keras.layers.normalization import BatchNormalization

fx = K.floatx()
rng = np.random.RandomState(1234)
out = {}

cases = [
    # tag, input_shape, kwargs, random running statistics in the weights?
    ('m0_s6', (6,), {}, False),
    ('m0_s6_mom05_eps1e-2', (6,), {'momentum': 0.5, 'epsilon': 1e-2}, True),
    ('m0_s3x4_axis-1', (3, 4), {}, True),
    ('m0_s3x4x5_axis1', (3, 4, 5), {'axis': 1}, True),
    ('m0_s3x4_axis1_mom0', (3, 4), {'axis': 1, 'momentum': 0.0}, True),
    ('m1_s6', (6,), {'mode': 1}, False),
    ('m1_s6_eps1e-1', (6,), {'mode': 1, 'epsilon': 0.1}, False),
]
for tag, shape, kwargs, random_stats in cases:
    layer = BatchNormalization(input_shape=shape, **kwargs)
    defaults = layer.get_weights()
    out[tag + '_default_gamma'] = defaults[0]
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
    layer.set_weights([gamma.astype(fx), beta.astype(fx),
                       running_mean.astype(fx), running_std.astype(fx)])
    y_train = layer.get_output(train=True)
    updates = getattr(layer, 'updates', [])  # mode 1 never sets it
    out[tag + '_n_updates'] = len(updates)
    f = K.function([layer.input], [y_train], updates=updates)
    y_test = layer.get_output(train=False)
    f_test = K.function([layer.input], [y_test])
    R = K.placeholder(ndim=len(shape) + 1)
    grads = K.gradients(K.sum(y_train * R), [layer.input, layer.gamma, layer.beta])
    f_grad = K.function([layer.input, R], grads)
    for i, n in enumerate([5, 8, 3]):
        X = rng.normal(2.0 + i, 1.5 + i, size=(n,) + shape).astype(fx)
        Rv = rng.normal(size=(n,) + shape).astype(fx)
        out['%s_X%d' % (tag, i)] = X
        out['%s_test_before%d' % (tag, i)] = f_test([X])[0]
        g = f_grad([X, Rv])
        out['%s_grad_X%d' % (tag, i)] = g[0]
        out['%s_grad_gamma%d' % (tag, i)] = g[1]
        out['%s_grad_beta%d' % (tag, i)] = g[2]
        out['%s_out%d' % (tag, i)] = f([X])[0]
        out['%s_running_mean%d' % (tag, i)] = K.get_value(layer.running_mean)
        out['%s_running_std%d' % (tag, i)] = K.get_value(layer.running_std)
        out['%s_test_after%d' % (tag, i)] = f_test([X])[0]

emit(**out)
