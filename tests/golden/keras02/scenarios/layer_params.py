# PENDING (in pending/, so test_golden_keras02 does not run it): 0.2.0's layers named their
# trainable weights `params` (user code used layer.params for gradients, regularization,
# counting); legacy_bn.keras02's layers, taken from 0.3.3, only have trainable_weights
# (k02-finish gave the models a `params`, not the layers). Every other array of
# conv_cnn/rnn_masks matches when trainable_weights stands in for params. Fix in
# legacy_bn/keras02/layers.
import numpy as np
np.random.seed(31)

from keras.models import Sequential
from keras.layers.core import Dense
from keras.layers.convolutional import Convolution2D
from keras.layers.embeddings import Embedding
from keras.layers.recurrent import SimpleRNN
from keras.layers.normalization import BatchNormalization

out = {}
layers = [('dense', Dense(3, input_dim=4)),
          ('conv', Convolution2D(2, 3, 3, input_shape=(1, 5, 5))),
          ('emb', Embedding(6, 3)),
          ('rnn', SimpleRNN(3, inner_init='glorot_uniform', input_dim=2)),
          ('bn', BatchNormalization(input_shape=(4,)))]
for tag, layer in layers:
    out['n_%s_params' % tag] = np.int64(len(layer.params))
    for i, p in enumerate(layer.params):
        out['%s_param%d_init_uniform' % (tag, i)] = p.get_value()
model = Sequential()
model.add(Dense(3, input_dim=4))
model.add(BatchNormalization())
out['n_model_params'] = np.int64(len(model.params))
emit(**out)
