# Python 2 literals and operators: backticks, <>, 0644 octal, 10L, ur'' strings,
# exec statements, raise X, msg and except (A, B), e.
import os, tempfile
import numpy as np
np.random.seed(1337)
from keras.models import Sequential
from keras.layers.core import Dense

path = tempfile.mktemp(suffix='.txt')
open(path, 'w').write('x')
os.chmod(path, 0640)
print 'mode:', oct(os.stat(path).st_mode & 0777)
os.remove(path)
n = 10L
print 'long:', n * 3, type(n).__name__
print 'repr:', `n` + `[1, 2]`
if n <> 11:
    print 'not eleven'
pattern = ur'\d+\s'
print 'raw unicode:', len(pattern)
exec "hidden = 128"
exec "nb_units = hidden / 3"
print 'units:', nb_units
model = Sequential()
model.add(Dense(4, nb_units))
model.compile(loss='mse', optimizer='sgd')
print 'output:', model.predict(np.ones((2, 4), dtype='float32'), verbose=0).shape
try:
    raise KeyError, 'missing'
except (KeyError, ValueError), e:
    print 'caught:', type(e).__name__, e, e.message
