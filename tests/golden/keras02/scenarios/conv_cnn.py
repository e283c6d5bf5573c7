# Keras 0.2.0 convolutional layers (theano.tensor.nnet.conv.conv2d and max_pool_2d): each
# layer alone on fixed weights (forward, and gradients of a random projection w.r.t. input
# and weights) in the valid/full/same border modes, with subsample, MaxPooling with strides
# and ignore_border False; then a small CNN (Conv 'same' + relu, Conv valid, MaxPooling2D,
# Dropout, Flatten, Dense softmax) with its seeded initial weights fitted 2 epochs.
import numpy as np
np.random.seed(1337)

import theano
import theano.tensor as T
from keras.layers import convolutional as C

fx = theano.config.floatX
rng = np.random.RandomState(7)
out = {}


def run(tag, layer, in_shape):
    if layer.get_weights():
        layer.set_weights([rng.normal(size=w.shape) * 0.5 for w in layer.get_weights()])
    X = rng.normal(size=in_shape).astype(fx)
    y = layer.get_output(train=False)
    Y = theano.function([layer.input], y)(X)
    R = theano.shared(rng.normal(size=Y.shape).astype(fx))
    # the weights by attribute name (layer.params too is 0.2.0's, see pending/layer_params.py)
    wrt = [layer.input] + [getattr(layer, n) for n in ('W', 'b') if hasattr(layer, n)]
    g = theano.function([layer.input], T.grad(T.sum(y * R), wrt))(X)
    out[tag + '_X'] = X
    out[tag + '_out'] = Y
    for i, gi in enumerate(g):
        out['%s_grad%d' % (tag, i)] = gi


run('conv2d_valid', C.Convolution2D(3, 3, 2, input_shape=(2, 6, 5)), (2, 2, 6, 5))
run('conv2d_full', C.Convolution2D(2, 2, 3, border_mode='full', input_shape=(2, 5, 4)),
    (2, 2, 5, 4))
run('conv2d_same_odd', C.Convolution2D(3, 3, 3, border_mode='same', activation='tanh',
                                       input_shape=(2, 5, 6)), (2, 2, 5, 6))
run('conv2d_same_even', C.Convolution2D(2, 2, 4, border_mode='same', input_shape=(1, 5, 6)),
    (2, 1, 5, 6))
run('conv2d_sub2', C.Convolution2D(2, 3, 3, subsample=(2, 2), input_shape=(2, 7, 8)),
    (2, 2, 7, 8))
run('conv1d_valid', C.Convolution1D(3, 3, input_dim=4, input_length=7), (2, 7, 4))
run('conv1d_same', C.Convolution1D(3, 3, border_mode='same', activation='relu',
                                   input_dim=4), (2, 7, 4))
run('maxpool2d', C.MaxPooling2D(input_shape=(2, 5, 6)), (2, 2, 5, 6))
run('maxpool2d_stride', C.MaxPooling2D(pool_size=(3, 2), stride=(1, 2),
                                       input_shape=(2, 5, 6)), (2, 2, 5, 6))
run('maxpool2d_keepborder', C.MaxPooling2D(pool_size=(2, 2), ignore_border=False,
                                           input_shape=(2, 5, 7)), (2, 2, 5, 7))
run('maxpool1d', C.MaxPooling1D(pool_length=2, input_shape=(7, 3)), (2, 7, 3))
run('upsample2d', C.UpSample2D(size=(2, 3), input_shape=(2, 3, 4)), (2, 2, 3, 4))
run('zeropadding2d', C.ZeroPadding2D(padding=(1, 2), input_shape=(2, 3, 4)), (2, 2, 3, 4))

# a small CNN fitted 2 epochs
from keras.models import Sequential
from keras.layers.core import Dense, Flatten, Activation, Dropout
from keras.optimizers import SGD

np.random.seed(2015)
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
Xc = rng.uniform(size=(12, 1, 8, 8)).astype(fx)
yc = np.eye(3)[[0, 1, 2, 0, 1, 2] * 2]
out['cnn_X'] = Xc
out['cnn_predict0'] = model.predict(Xc, batch_size=6, verbose=0)
hist = model.fit(Xc, yc, batch_size=4, nb_epoch=2, verbose=0, show_accuracy=True)
out['cnn_hist_loss'] = np.asarray(hist.history['loss'])
out['cnn_hist_acc'] = np.asarray(hist.history['acc'])
for i, w in enumerate(model.get_weights()):
    out['cnn_after%d' % i] = w
out['cnn_predict2'] = model.predict(Xc, batch_size=6, verbose=0)
out['cnn_test_loss'] = np.asarray(model.test_on_batch(Xc, yc))
emit(**out)
