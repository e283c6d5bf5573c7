# Keras 0.3.3 convolutions with border_mode 'valid' (the oracle's Theano 0.8.2 has no CPU
# implementation of 'same' without a BLAS to link: pending/conv_cnn.py): each layer alone on
# fixed weights (forward, gradients w.r.t. input and weights), subsample, 'tf' ordering,
# Convolution1D; then a small CNN (Conv + relu, Conv, MaxPooling, Dropout, Flatten, Dense
# softmax) with its seeded initial weights, predictions and two SGD steps.
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
run('conv2d_sub2', C.Convolution2D(2, 3, 3, subsample=(2, 2), input_shape=(2, 7, 8)),
    (2, 2, 7, 8))
run('conv2d_tf', C.Convolution2D(3, 2, 3, dim_ordering='tf', input_shape=(6, 5, 2)),
    (2, 6, 5, 2))
run('conv1d_valid', C.Convolution1D(3, 3, input_dim=4, input_length=7), (2, 7, 4))
run('conv1d_sub2_relu', C.Convolution1D(3, 3, subsample_length=2, activation='relu',
                                        input_shape=(7, 4)), (2, 7, 4))

# a small CNN trained one step
from keras.models import Sequential
from keras.layers.core import Dense, Flatten, Activation, Dropout
from keras.optimizers import SGD

np.random.seed(2016)
model = Sequential()
model.add(C.Convolution2D(4, 3, 3, input_shape=(1, 8, 8)))
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
