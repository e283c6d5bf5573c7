# Keras 0.3.3's pooling, up-sampling and zero-padding layers (keras.layers.convolutional)
# alone: forward, and the gradient of a random projection w.r.t. the input, both
# dim_orderings. (Its convolutions need Theano's AbstractConv2d, which has no CPU
# implementation on the oracle here: tests/golden/keras03/pending/conv_cnn.py.)
import numpy as np
np.random.seed(1337)

from keras import backend as K
from keras.layers import convolutional as C

fx = K.floatx()
rng = np.random.RandomState(7)
out = {}


def run(tag, layer, in_shape):
    if layer.get_weights():
        layer.set_weights([(rng.normal(size=w.shape) * 0.5).astype(fx)
                           for w in layer.get_weights()])
    X = rng.normal(size=in_shape).astype(fx)
    y = layer.get_output(train=False)
    Y = K.function([layer.input], [y])([X])[0]
    R = K.variable(rng.normal(size=Y.shape).astype(fx))
    wrt = [layer.input] + layer.trainable_weights
    g = K.function([layer.input], K.gradients(K.sum(y * R), wrt))([X])
    out[tag + '_X'] = X
    out[tag + '_out'] = Y
    for i, gi in enumerate(g):
        out['%s_grad%d' % (tag, i)] = gi


run('maxpool2d', C.MaxPooling2D(input_shape=(2, 5, 6)), (2, 2, 5, 6))
run('maxpool2d_strides', C.MaxPooling2D(pool_size=(3, 2), strides=(1, 2),
                                        input_shape=(2, 5, 6)), (2, 2, 5, 6))
run('avgpool2d', C.AveragePooling2D(pool_size=(2, 3), input_shape=(2, 5, 7)), (2, 2, 5, 7))
run('maxpool2d_tf', C.MaxPooling2D(dim_ordering='tf', input_shape=(5, 6, 2)), (2, 5, 6, 2))
run('maxpool1d', C.MaxPooling1D(pool_length=2, input_shape=(7, 3)), (2, 7, 3))
run('maxpool1d_stride1', C.MaxPooling1D(pool_length=3, stride=1, input_shape=(7, 3)), (2, 7, 3))
run('avgpool1d', C.AveragePooling1D(pool_length=3, input_shape=(7, 3)), (2, 7, 3))
run('upsampling1d', C.UpSampling1D(length=3, input_shape=(4, 3)), (2, 4, 3))
run('upsampling2d', C.UpSampling2D(size=(2, 3), input_shape=(2, 3, 4)), (2, 2, 3, 4))
run('upsampling2d_tf', C.UpSampling2D(size=(3, 2), dim_ordering='tf', input_shape=(3, 4, 2)),
    (2, 3, 4, 2))
run('zeropadding1d', C.ZeroPadding1D(padding=2, input_shape=(4, 3)), (2, 4, 3))
run('zeropadding2d', C.ZeroPadding2D(padding=(1, 2), input_shape=(2, 3, 4)), (2, 2, 3, 4))
run('zeropadding2d_tf', C.ZeroPadding2D(padding=(2, 1), dim_ordering='tf',
                                        input_shape=(3, 4, 2)), (2, 3, 4, 2))

emit(**out)
