# The silent wrong answer of the issue: a Python 3 textbook MLP with print('...', value) and
# accuracy = correct / total on integers (no f-string, no end=). Python 2 would print a
# tuple and 0 -- its author meant Python 3.
import numpy as np
np.random.seed(1337)
from keras.models import Sequential
from keras.layers.core import Dense, Activation
from keras.optimizers import RMSprop

X = np.random.randn(250, 6).astype('float32')
y = (X[:, :3].sum(axis=1) > 0).astype('int64')
model = Sequential()
model.add(Dense(6, 12))
model.add(Activation('relu'))
model.add(Dense(12, 2))
model.add(Activation('softmax'))
model.compile(loss='categorical_crossentropy', optimizer=RMSprop(lr=0.01))
model.fit(X, np.eye(2, dtype='float32')[y], nb_epoch=4, batch_size=25, verbose=0)
correct = int((model.predict_classes(X, verbose=0) == y).sum())
total = len(y)
print('Test accuracy:', round(100 * correct / total, 1), '%')
print('Half of the samples:', total / 2)
