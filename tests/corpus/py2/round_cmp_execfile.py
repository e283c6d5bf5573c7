# Python 2's round (halves away from zero, a float), cmp, sorted(cmp=) and execfile of a
# settings file.
import numpy as np
np.random.seed(1337)
from keras.models import Sequential
from keras.layers.core import Dense, Activation
from keras.optimizers import SGD

execfile('settings_py2.py')
print 'rounded:', round(2.5), round(-0.5), round(0.125, 2), round(7)
print 'cmp:', cmp(1, 2), cmp('b', 'a'), cmp(3, 3)
scores = {'relu': 0.91, 'tanh': 0.87, 'sigmoid': 0.78}
ranking = sorted(scores.items(), cmp=lambda a, b: cmp(b[1], a[1]))
print 'ranking:', [name for name, _ in ranking]
model = Sequential()
model.add(Dense(5, nb_hidden))
model.add(Activation(ranking[0][0]))
model.add(Dense(nb_hidden, 1))
model.compile(loss='mse', optimizer=SGD(lr=learning_rate))
print 'hidden:', model.layers[0].W.get_value().shape
print 'epochs (int):', int(round(nb_hidden / 4.0))
