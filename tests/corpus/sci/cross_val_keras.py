# cross_val_score over a KerasClassifier with a shuffled 0.17 StratifiedKFold of the labels
from __future__ import print_function
import numpy as np
np.random.seed(5)
import pandas as pd
from sklearn.cross_validation import cross_val_score, StratifiedKFold
from keras.models import Sequential
from keras.layers.core import Dense, Activation
from keras.wrappers.scikit_learn import KerasClassifier
from keras.utils.np_utils import to_categorical

df = pd.read_csv('train.csv')
X = df.ix[:, 'f1':'f3'].as_matrix()
y = df.label.as_matrix()
model = Sequential()
model.add(Dense(3, 12))
model.add(Activation('tanh'))
model.add(Dense(12, 3))
model.add(Activation('softmax'))
clf = KerasClassifier(model, optimizer='adagrad', nb_epoch=4, train_batch_size=8, verbose=0)
scores = cross_val_score(clf, X, to_categorical(y, 3), cv=StratifiedKFold(y, n_folds=3, shuffle=True,
                                                       random_state=0))
print('scores', ' '.join('%.4f' % s for s in scores))
print('mean %.4f' % scores.mean())
