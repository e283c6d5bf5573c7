# 2015: the data set was pickled by Python 2 -- pickle.dump into a file opened in text mode,
# and cPickle with the highest protocol; loaded the same way here.
import cPickle
import os, tempfile
import pickle
import numpy as np
np.random.seed(1337)
from keras.models import Sequential
from keras.layers.core import Dense, Activation
from keras.optimizers import Adam

X, y = pickle.load(open('data/blobs_text.pkl', 'r'))     # text mode, as in Python 2
extra = cPickle.load(open('data/blobs_meta.pkl', 'rb'))
names, meta = extra['names'], extra['meta']
print 'samples:', len(X), 'positives:', sum(y), 'shape:', meta['shape']
print 'version:', meta['version'], type(meta['version']).__name__
print 'label names:', names[0], names[1]

X = np.asarray(X, dtype='float32')
y = np.asarray(y, dtype='int32')
model = Sequential()
model.add(Dense(8, 8))
model.add(Activation('tanh'))
model.add(Dense(8, 1))
model.add(Activation('sigmoid'))
model.compile(loss='binary_crossentropy', optimizer=Adam(lr=0.05))
model.fit(X, y.reshape(-1, 1), nb_epoch=5, batch_size=24, verbose=0)
accuracy = ((model.predict(X, verbose=0)[:, 0] > 0.5) == y).mean()
print 'train accuracy: %.2f' % accuracy

# and a round trip the 2015 way: cPickle.dump into a text-mode file
path = tempfile.mktemp(suffix='.pkl')
cPickle.dump({'accuracy': accuracy}, open(path, 'w'))
print 'reloaded:', round(cPickle.load(open(path))['accuracy'], 2) == round(accuracy, 2)
os.remove(path)
