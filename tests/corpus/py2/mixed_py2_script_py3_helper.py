# The script is Python 2 (print statements, keys().sort(), file(), a trailing-comma print);
# its newer helper module is Python 3 and keeps true division.
import os
import string
import tempfile
import numpy as np
np.random.seed(1337)
from keras.models import Sequential
from keras.layers.core import Dense, Activation
from py3_scaler import scale_counts, describe

counts = {'cat': 3, 'dog': 5, 'emu': 2}
keys = counts.keys()
keys.sort()
print 'keys:', string.join(keys, ',')
fractions = scale_counts([counts[k] for k in keys], total=10)
print 'fractions:', fractions, describe('dog', fractions[1])
print 'in the script:', 3 / 10,
print 'and', 3 / 10.0
path = os.path.join(tempfile.gettempdir(), 'legacy_bn_corpus_%d.txt' % os.getpid())
f = file(path, 'w')
f.write('%d\n' % counts['dog'])
f.close()
nb_hidden = int(open(path).read()) * 2
os.remove(path)
model = Sequential()
model.add(Dense(3, nb_hidden))
model.add(Activation('relu'))
model.add(Dense(nb_hidden, 1))
model.compile(loss='mse', optimizer='sgd')
X = np.array([fractions] * 4, dtype='float32')
print 'prediction shape:', model.predict(X, verbose=0).shape
print 'cwd is text:', isinstance(os.getcwdu(), unicode)
