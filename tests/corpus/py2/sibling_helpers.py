# The script is plain; its helper modules are Python 2 (tabs mixed with spaces; except X, e;
# raise X, msg; xrange): the runner must translate the siblings, not only the script.
import numpy as np
np.random.seed(1337)
from keras.models import Sequential
from keras.layers.core import Dense, Activation
from keras.utils import np_utils
from keras.optimizers import SGD

from tabs_helper import make_blobs, batches
import util_except

settings = util_except.load_settings('no_such_settings.txt')
X, y = make_blobs(200, 6)
Y = np_utils.to_categorical(y, 2)
model = Sequential()
model.add(Dense(6, 2))
model.add(Activation('softmax'))
model.compile(loss='categorical_crossentropy', optimizer=SGD(lr=settings['lr']))
nb = 0
for epoch in range(int(settings['epochs'])):
    for batch in batches(len(X), 64):
        model.train_on_batch(X[batch], Y[batch])
        nb += 1
print('batches trained: %d' % nb)
predicted = model.predict_classes(X, verbose=0)
print('accuracy: %.2f' % np.mean(predicted == y))
try:
    util_except.check(-1, 'lr')
except ValueError as error:
    print('refused: %s' % error)
