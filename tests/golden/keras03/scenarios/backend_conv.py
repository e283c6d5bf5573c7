# Keras 0.3.3's keras.backend convolutions and pooling: conv2d ('valid', strides) and
# pool2d ('valid' and 'same', max and avg), th and tf orderings, gradients; conv3d and pool3d.
import numpy as np
np.random.seed(1337)

from keras import backend as K

fx = K.floatx()
out = {}


def run(inputs, outputs, values):
    return K.function(inputs, outputs, on_unused_input='ignore')(values)


# -- convolution and pooling ----------------------------------------------------
img_val = np.random.randn(2, 3, 7, 6).astype(fx)
img = K.placeholder(ndim=4)
for i, ks in enumerate([(2, 3, 3, 3), (2, 3, 2, 2)]):
    kern = K.variable(np.random.randn(*ks).astype(fx) * 0.3)
    kern_tf = K.variable(np.transpose(K.get_value(kern), (2, 3, 1, 0)))
    img_tf = K.permute_dimensions(img, (0, 2, 3, 1))
    # (border_mode='same' is Theano's 'half' mode, which Theano 0.8.2 can only run with a
    # BLAS library or cuDNN; the oracle machine has neither, so only 'valid' is recorded)
    for j, (mode, st) in enumerate([('valid', (1, 1)), ('valid', (2, 2)), ('valid', (2, 1))]):
        c = K.conv2d(img, kern, strides=st, border_mode=mode)
        c_tf = K.conv2d(img_tf, kern_tf, strides=st, border_mode=mode, dim_ordering='tf')
        res = run([img], [c, c_tf] + K.gradients(K.sum(K.tanh(c)), [kern, img]), [img_val])
        for key, r in zip(['th', 'tf', 'dkernel', 'dimg'], res):
            out['conv%d_%d_%s' % (i, j, key)] = r
for j, (size, st, mode, pm) in enumerate([((2, 2), (2, 2), 'valid', 'max'),
                                          ((3, 3), (1, 1), 'valid', 'avg'),
                                          ((3, 3), (2, 2), 'same', 'max'),
                                          ((2, 2), (1, 1), 'same', 'avg'),
                                          ((3, 2), (1, 2), 'same', 'max'),
                                          ((3, 3), (2, 2), 'same', 'avg')]):
    p = K.pool2d(img, size, strides=st, border_mode=mode, pool_mode=pm)
    p_tf = K.pool2d(K.permute_dimensions(img, (0, 2, 3, 1)), size, strides=st, border_mode=mode,
                    pool_mode=pm, dim_ordering='tf')
    # (Theano 0.8.2 has no gradient for average pooling with padding: not asked for)
    grads = [] if (mode, pm) == ('same', 'avg') else K.gradients(K.sum(p * p), [img])
    res = run([img], [p, p_tf] + grads, [img_val])
    for key, r in zip(['th', 'tf', 'dimg'], res):
        out['pool_%d_%s' % (j, key)] = r

vol_val = np.random.randn(2, 3, 5, 4, 6).astype(fx)
vol = K.placeholder(ndim=5)
kern3 = K.variable(np.random.randn(2, 3, 3, 2, 2).astype(fx) * 0.3)
kern3_tf = K.variable(np.transpose(K.get_value(kern3), (2, 3, 4, 1, 0)))
vol_tf = K.permute_dimensions(vol, (0, 2, 3, 4, 1))
for j, (mode, st) in enumerate([('valid', (1, 1, 1)), ('same', (1, 1, 1)), ('valid', (2, 1, 2))]):
    c = K.conv3d(vol, kern3, strides=st, border_mode=mode)
    c_tf = K.conv3d(vol_tf, kern3_tf, strides=st, border_mode=mode, dim_ordering='tf')
    res = run([vol], [c, c_tf] + K.gradients(K.sum(K.tanh(c)), [kern3, vol]), [vol_val])
    for key, r in zip(['th', 'tf', 'dkernel', 'dvol'], res):
        out['conv3d_%d_%s' % (j, key)] = r
for pm in ['max', 'avg']:
    p = K.pool3d(vol, (2, 2, 3), strides=(1, 2, 2), pool_mode=pm)
    p_tf = K.pool3d(vol_tf, (2, 2, 3), strides=(1, 2, 2), pool_mode=pm, dim_ordering='tf')
    res = run([vol], [p, p_tf] + K.gradients(K.sum(p * p), [vol]), [vol_val])
    for key, r in zip(['th', 'tf', 'dvol'], res):
        out['pool3d_%s_%s' % (pm, key)] = r

emit(**out)
