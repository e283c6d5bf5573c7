# 0.17 cross-validation iterators: fold sizes and class balance, printed per fold
from __future__ import print_function
import numpy as np
import pandas as pd
from sklearn.cross_validation import StratifiedKFold, ShuffleSplit, LeaveOneOut

df = pd.read_csv('train.csv')
y = df.label.values[:40]
skf = StratifiedKFold(y, n_folds=4, shuffle=True, random_state=7)
print('len', len(skf))
for train_idx, test_idx in skf:
    print('test', len(test_idx), np.bincount(y[test_idx], minlength=3).tolist(), test_idx[:4].tolist())
for train_idx, test_idx in ShuffleSplit(len(y), n_iter=2, test_size=0.25, random_state=0):
    print('shuffle', sorted(test_idx.tolist()))
print('loo', sum(1 for _ in LeaveOneOut(len(y))))
