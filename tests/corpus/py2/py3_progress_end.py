# A Python 3 script (2017): print(..., end=''), true division of integer counts, and a
# Python 3 helper module (keyword-only arguments) next to it.
import numpy as np
from keras.models import Sequential
from keras.layers.core import Dense, Activation
from keras.optimizers import Adam
from py3_metrics import accuracy

np.random.seed(1337)
X = np.random.randn(200, 3).astype('float32')
y = (X[:, 0] - X[:, 2] > 0).astype('int64')
model = Sequential()
model.add(Dense(3, 2))
model.add(Activation('softmax'))
model.compile(loss='categorical_crossentropy', optimizer=Adam(lr=0.05))
Y = np.eye(2, dtype='float32')[y]
for epoch in range(3):
    model.fit(X, Y, nb_epoch=1, batch_size=25, verbose=0)
    print('.', end='')
print()
n_batches = len(X) / 25 + 0.5
print('batches as a float:', n_batches)
print('accuracy: %.3f' % accuracy(model.predict(X, verbose=0).argmax(1), y, percent=False))
print('steps of 7 in 50:', 50 // 7, 50 / 8)
