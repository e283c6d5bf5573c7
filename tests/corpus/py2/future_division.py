# A Python 2 script that asked for true division; its helper module did not.
from __future__ import division
import numpy as np
np.random.seed(1337)
from keras.models import Sequential
from keras.layers.core import Dense
import classic_helper

print 'true division here:', 7 / 2, 'floor:', 7 // 2
print 'classic in the helper:', classic_helper.half(7), classic_helper.mean_int([1, 2, 4])
model = Sequential()
model.add(Dense(3, classic_helper.half(9)))
model.compile(loss='mse', optimizer='sgd')
print 'outputs:', model.predict(np.zeros((1, 3), dtype='float32'), verbose=0).shape[1]
