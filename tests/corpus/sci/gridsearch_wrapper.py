# GridSearchCV (sklearn.grid_search) over a Keras model through keras.wrappers.scikit_learn
from __future__ import print_function
import numpy as np
np.random.seed(3)
import pandas as pd
from sklearn.grid_search import GridSearchCV
from keras.models import Sequential
from keras.layers.core import Dense, Activation
from keras.wrappers.scikit_learn import KerasClassifier
from keras.utils.np_utils import to_categorical

df = pd.read_csv('train.csv')
X = df.as_matrix(columns=['f1', 'f2', 'f3', 'f4'])
X = (X - X.mean(0)) / X.std(0)
y = to_categorical(df['label'].values, 3)   # 2015's score() needed one-hot targets

model = Sequential()
model.add(Dense(4, 8))
model.add(Activation('relu'))
model.add(Dense(8, 3))
model.add(Activation('softmax'))
clf = KerasClassifier(model, optimizer='adam', loss='categorical_crossentropy',
                      train_batch_size=20, verbose=0)
search = GridSearchCV(clf, {'nb_epoch': [1, 6]}, cv=3)
search.fit(X, y)
for row in search.grid_scores_:
    print(row)
print('best', search.best_params_, '%.4f' % search.best_score_)
