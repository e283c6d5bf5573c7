# sklearn.learning_curve + cross_val_score with 0.17's default cv (3 stratified folds)
from __future__ import print_function
import numpy as np
import pandas as pd
from sklearn.learning_curve import learning_curve, validation_curve
from sklearn.cross_validation import cross_val_score, cross_val_predict
from sklearn.neighbors import KNeighborsClassifier

df = pd.read_csv('train.csv')
X, y = df[['f1', 'f2', 'f3']].values, df.label.values
sizes, train_scores, test_scores = learning_curve(KNeighborsClassifier(5), X, y,
                                                  train_sizes=[0.3, 0.6, 1.0])
print('sizes', sizes.tolist())
print('test', ' '.join('%.4f' % s for s in test_scores.mean(axis=1)))
tr, te = validation_curve(KNeighborsClassifier(), X, y, 'n_neighbors', [1, 9])
print('valid', ' '.join('%.4f' % s for s in te.mean(axis=1)))
print('cvs', ' '.join('%.4f' % s for s in cross_val_score(KNeighborsClassifier(3), X, y)))
print('cvp', np.bincount(cross_val_predict(KNeighborsClassifier(3), X, y, cv=4)).tolist())
