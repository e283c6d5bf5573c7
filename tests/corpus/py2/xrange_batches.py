# 2015 style: hand-written batch loop with xrange and integer division for the batch count.
from __future__ import print_function
import numpy as np
np.random.seed(1337)
from keras.models import Sequential
from keras.layers.core import Dense, Activation

X = np.random.uniform(-1, 1, size=(256, 4)).astype('float32')
y = (X[:, 0] * X[:, 1] > 0).astype('float32').reshape(-1, 1)

model = Sequential()
model.add(Dense(4, 8))
model.add(Activation('relu'))
model.add(Dense(8, 1))
model.add(Activation('sigmoid'))
model.compile(loss='binary_crossentropy', optimizer='adam')

batch_size = 50
nb_batches = len(X) / batch_size          # 5 under Python 2 (5.12 under Python 3)
losses = []
for i in xrange(nb_batches):
    batch = slice(i * batch_size, (i + 1) * batch_size)
    losses.append(float(model.train_on_batch(X[batch], y[batch])))
print('batches:', nb_batches, 'seen:', nb_batches * batch_size)
print('losses finite:', all(np.isfinite(losses)), len(losses))
