# Recorded with /work/oracle/run-blas.sh (run.sh plus a theanorc whose blas.ldflags link the
# OpenBLAS bundled in numpy 1.12.1's wheel, numpy/.libs/libopenblasp-r0-39a31c03.2.18.so, and
# its own compile caches): Theano 0.8.2's AbstractConv2d, which 0.3.3's Convolution2D uses,
# has no implementation without a BLAS (conv_gemm) or cuDNN.
# Keras 0.3.3 convolutional layers: each layer alone on fixed weights (forward, and
# gradients of a random projection w.r.t. input and weights), in every border mode,
# subsample and dim_ordering; then a small CNN (Conv 'same' + relu, Conv valid,
# MaxPooling, Dropout, Flatten, Dense softmax) with its seeded initial weights, its
# predictions, and one SGD training step.
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


run('conv2d_valid', C.Convolution2D(3, 3, 2, input_shape=(2, 6, 5)), (2, 2, 6, 5))
run('conv2d_same_odd', C.Convolution2D(3, 3, 3, border_mode='same', activation='tanh',
                                       input_shape=(2, 5, 6)), (2, 2, 5, 6))
run('conv2d_same_even', C.Convolution2D(2, 2, 4, border_mode='same', input_shape=(1, 5, 6)),
    (2, 1, 5, 6))
run('conv2d_sub2', C.Convolution2D(2, 3, 3, subsample=(2, 2), input_shape=(2, 7, 8)),
    (2, 2, 7, 8))
run('conv2d_same_sub2', C.Convolution2D(2, 3, 3, border_mode='same', subsample=(2, 2),
                                        input_shape=(1, 7, 8)), (2, 1, 7, 8))
run('conv2d_tf', C.Convolution2D(3, 2, 3, dim_ordering='tf', input_shape=(6, 5, 2)),
    (2, 6, 5, 2))
run('conv1d_valid', C.Convolution1D(3, 3, input_dim=4, input_length=7), (2, 7, 4))
run('conv1d_same_sub2', C.Convolution1D(3, 3, border_mode='same', subsample_length=2,
                                        activation='relu', input_shape=(7, 4)), (2, 7, 4))
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

# a small CNN trained one step
from keras.models import Sequential
from keras.layers.core import Dense, Flatten, Activation, Dropout
from keras.optimizers import SGD

np.random.seed(2016)
model = Sequential()
model.add(C.Convolution2D(4, 3, 3, border_mode='same', input_shape=(1, 8, 8)))
model.add(Activation('relu'))
model.add(C.Convolution2D(3, 2, 2))
model.add(Activation('relu'))
model.add(C.MaxPooling2D(pool_size=(2, 2)))
model.add(Dropout(0.25))
model.add(Flatten())
model.add(Dense(3))
model.add(Activation('softmax'))
for i, w in enumerate(model.get_weights()):
    out['cnn_init%d_uniform' % i] = w
model.compile(loss='categorical_crossentropy', optimizer=SGD(lr=0.1, momentum=0.9))
Xc = rng.uniform(size=(6, 1, 8, 8)).astype(fx)
yc = np.eye(3)[[0, 1, 2, 0, 1, 2]].astype(fx)
out['cnn_X'] = Xc
out['cnn_predict0'] = model.predict(Xc, batch_size=6, verbose=0)
out['cnn_loss_step0'] = np.asarray(model.train_on_batch(Xc, yc))
out['cnn_loss_step1'] = np.asarray(model.train_on_batch(Xc, yc))
for i, w in enumerate(model.get_weights()):
    out['cnn_after%d' % i] = w
out['cnn_predict2'] = model.predict(Xc, batch_size=6, verbose=0)
out['cnn_test_loss'] = np.asarray(model.test_on_batch(Xc, yc))

emit(**out)
