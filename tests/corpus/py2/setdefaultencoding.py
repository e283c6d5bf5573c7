# -*- coding: utf-8 -*-
# The 2015 idiom against UnicodeDecodeError, sys.maxint as "infinity", unicode literals.
import sys
reload(sys)
sys.setdefaultencoding('utf8')
import numpy as np
np.random.seed(1337)
from keras.models import Sequential
from keras.layers.core import Dense, Activation

label = u'caf\xe9'
print 'encoding idiom survived;', label.encode('utf-8') == 'café'.encode('utf-8'), isinstance(label, unicode)
X = np.random.rand(120, 4).astype('float32')
y = X.sum(axis=1, keepdims=True)
model = Sequential()
model.add(Dense(4, 1))
model.compile(loss='mse', optimizer='rmsprop')
best, best_epoch = sys.maxint, -1
for epoch in xrange(6):
    loss = model.train_on_batch(X, y)
    if loss < best:
        best, best_epoch = loss, epoch
print 'maxint is big:', sys.maxint > 2 ** 31, 'best epoch:', best_epoch
print 'best loss below start:', best < sys.maxint
