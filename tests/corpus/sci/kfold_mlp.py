# Kaggle-style: pandas + 5-fold KFold around a small Keras MLP (Keras 0.1, Sept 2015) (Python 2, as it was written)
import numpy as np
np.random.seed(1337)
import pandas as pd
from sklearn.cross_validation import KFold
from keras.models import Sequential
from keras.layers.core import Dense, Activation
from keras.utils import np_utils

train = pd.read_csv('train.csv')
X = train.ix[:, 1:5].as_matrix().astype(np.float)
y = train['label'].values
X = (X - X.mean(axis=0)) / X.std(axis=0)
Y = np_utils.to_categorical(y, 3)

kf = KFold(len(X), n_folds=5)
print 'folds', len(kf)
scores = []
for i, (tr, te) in enumerate(kf):
    model = Sequential()
    model.add(Dense(4, 16, init='uniform'))
    model.add(Activation('tanh'))
    model.add(Dense(16, 3, init='uniform'))
    model.add(Activation('softmax'))
    model.compile(loss='categorical_crossentropy', optimizer='adam')
    model.fit(X[tr], Y[tr], nb_epoch=10, batch_size=16, verbose=0)
    pred = model.predict_classes(X[te], verbose=0)
    acc = np.mean(pred == y[te])
    scores.append(acc)
    print 'fold %d test %d-%d acc %.4f' % (i, te[0], te[-1], acc)
print 'mean acc %.4f' % np.mean(scores)
