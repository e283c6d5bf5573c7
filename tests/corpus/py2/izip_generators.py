# A hand-written data generator: a Python 2 iterator class (def next), it.next(),
# itertools.izip/imap, and map()/filter()/zip() results used as lists.
import itertools
from itertools import izip
import numpy as np
np.random.seed(1337)
from keras.models import Sequential
from keras.layers.core import Dense, Activation


class BatchIterator(object):
    def __init__(self, X, y, size):
        self.X, self.y, self.size, self.i = X, y, size, 0

    def __iter__(self):
        return self

    def next(self):
        if self.i + self.size > len(self.X):
            raise StopIteration
        batch = slice(self.i, self.i + self.size)
        self.i += self.size
        return self.X[batch], self.y[batch]


X = np.random.randn(160, 5).astype('float32')
y = (X[:, 0] > 0).astype('float32').reshape(-1, 1)
model = Sequential()
model.add(Dense(5, 1))
model.add(Activation('sigmoid'))
model.compile(loss='binary_crossentropy', optimizer='adam')
it = BatchIterator(X, y, 32)
first_X, first_y = it.next()
print 'first batch:', first_X.shape
losses = [model.train_on_batch(bx, by) for bx, by in it]
print 'batches after the first:', len(losses)
pairs = list(izip(range(3), itertools.imap(lambda v: v * 10, range(3))))
print 'pairs:', pairs
squares = map(lambda v: v * v, range(5))
print 'squares[-1]:', squares[-1], 'odd:', len(filter(lambda v: v % 2, squares))
arr = np.array(map(float, squares))
print 'array from map:', arr.shape, arr.dtype
print 'zip indexed:', zip('abc', range(3))[1]
