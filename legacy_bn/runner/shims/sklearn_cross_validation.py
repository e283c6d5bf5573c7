"""sklearn.cross_validation as scikit-learn 0.17 had it (removed in 0.20), on model_selection.

The 2015 splitters take the data size (or the labels) at construction and are iterables of
(train, test) index arrays with a len(); today's take it in split(). The folds are drawn
when the object is made, as 0.17 did: a shuffled KFold built with random_state=None gives
the same folds every time it is iterated. The integer/None cv of cross_val_score and
friends means 3 folds (today 5), stratified (0.17's way) for a classifier.
"""
import numbers

import numpy as np
from sklearn import model_selection
from sklearn.base import is_classifier
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import type_of_target


def _count(value, what):
    if not isinstance(value, numbers.Number) or abs(value - int(value)) >= 1e-7:
        raise ValueError('%s must be an integer, got %r' % (what, value))
    return int(value)


class _Splitter(object):
    """n samples split into folds; iterating gives (train indices, test indices), sorted."""

    def __init__(self, n):
        self.n = _count(n, 'n')

    def _masks(self):
        raise NotImplementedError

    def __iter__(self):
        everything = np.arange(self.n)
        for test in self._masks():
            yield everything[~test], everything[test]

    def _mask(self, indices):
        mask = np.zeros(self.n, dtype=bool)
        mask[indices] = True
        return mask

    def __repr__(self):
        shown = ', '.join('%s=%s' % (k, getattr(self, k)) for k in self._shown)
        return 'sklearn.cross_validation.%s(%s)' % (type(self).__name__, shown)


class LeaveOneOut(_Splitter):
    """LeaveOneOut(n): n splits, each leaving one sample out for the test."""
    _shown = ('n',)

    def _masks(self):
        for i in range(self.n):
            yield self._mask([i])

    def __len__(self):
        return self.n


class _KFoldBase(_Splitter):
    def __init__(self, n, n_folds, shuffle, random_state):
        super(_KFoldBase, self).__init__(n)
        self.n_folds = _count(n_folds, 'n_folds')
        if self.n_folds <= 1:
            raise ValueError('k-fold cross validation needs n_folds=2 or more, got n_folds=%d'
                             % self.n_folds)
        if self.n_folds > self.n:
            raise ValueError('n_folds=%d is greater than the number of samples: %d'
                             % (self.n_folds, self.n))
        if not isinstance(shuffle, bool):
            raise TypeError('shuffle must be True or False; got %r' % (shuffle,))
        self.shuffle, self.random_state = shuffle, random_state

    def __len__(self):
        return self.n_folds


class KFold(_KFoldBase):
    """KFold(n, n_folds=3, shuffle=False, random_state=None): contiguous folds of
    arange(n) (of its permutation, drawn now, when shuffle); the first n % n_folds folds
    have one sample more."""
    _shown = ('n', 'n_folds', 'shuffle', 'random_state')

    def __init__(self, n, n_folds=3, shuffle=False, random_state=None):
        super(KFold, self).__init__(n, n_folds, shuffle, random_state)
        today = model_selection.KFold(self.n_folds, shuffle=shuffle,
                                      random_state=random_state if shuffle else None)
        self.test_sets = [test for _, test in today.split(np.empty((self.n, 1)))]

    def _masks(self):
        for test in self.test_sets:
            yield self._mask(test)


class StratifiedKFold(_KFoldBase):
    """StratifiedKFold(y, n_folds=3, shuffle=False, random_state=None), with 0.17's fold
    assignment (which today's StratifiedKFold changed): each class's samples, in order of
    appearance, are dealt into the folds by a KFold of their own; shuffled KFolds share one
    random state, drawn class by class in sorted class order."""
    _shown = ('labels', 'n_folds', 'shuffle', 'random_state')

    def __init__(self, y, n_folds=3, shuffle=False, random_state=None):
        y = np.asarray(y)
        super(StratifiedKFold, self).__init__(len(y), n_folds, shuffle, random_state)
        classes, y_codes = np.unique(y, return_inverse=True)
        counts = np.bincount(y_codes.ravel())
        if np.all(self.n_folds > counts):
            raise ValueError('All the classes have fewer than n_folds=%d members'
                             % self.n_folds)
        if self.n_folds > counts.min():
            import warnings
            warnings.warn('The least populated class in y has only %d members, which is too '
                          'few for n_folds=%d.' % (counts.min(), self.n_folds), Warning)
        rng = check_random_state(random_state) if shuffle else random_state
        per_class = [KFold(max(c, self.n_folds), self.n_folds, shuffle, rng) for c in counts]
        self.test_folds = np.zeros(len(y), dtype=int)
        for fold, splits in enumerate(zip(*per_class)):
            for label, (_, test) in zip(classes, splits):
                members = np.flatnonzero(y == label)
                self.test_folds[members[test[test < len(members)]]] = fold
        self.y = self.labels = y

    def _masks(self):
        for fold in range(self.n_folds):
            yield self.test_folds == fold


class ShuffleSplit(object):
    """ShuffleSplit(n, n_iter=10, test_size=0.1, train_size=None, random_state=None):
    n_iter random (train, test) pairs, drawn at each iteration as 0.17 did."""

    def __init__(self, n, n_iter=10, test_size=0.1, train_size=None, random_state=None):
        self.n, self.n_iter = _count(n, 'n'), _count(n_iter, 'n_iter')
        self.test_size, self.train_size, self.random_state = test_size, train_size, random_state

    def _today(self):
        return model_selection.ShuffleSplit(self.n_iter, test_size=self.test_size,
                                            train_size=self.train_size,
                                            random_state=self.random_state)

    def __iter__(self):
        return self._today().split(np.empty((self.n, 1)))

    def __len__(self):
        return self.n_iter

    def __repr__(self):
        return ('sklearn.cross_validation.%s(%d, n_iter=%d, test_size=%s, random_state=%s)'
                % (type(self).__name__, self.n, self.n_iter, self.test_size,
                   self.random_state))


class StratifiedShuffleSplit(ShuffleSplit):
    """StratifiedShuffleSplit(y, n_iter=10, test_size=0.1, train_size=None,
    random_state=None), drawn as 0.18 drew it (today's model_selection)."""

    def __init__(self, y, n_iter=10, test_size=0.1, train_size=None, random_state=None):
        self.y = np.asarray(y)
        super(StratifiedShuffleSplit, self).__init__(len(self.y), n_iter, test_size,
                                                     train_size, random_state)

    def _today(self):
        return model_selection.StratifiedShuffleSplit(self.n_iter, test_size=self.test_size,
                                                      train_size=self.train_size,
                                                      random_state=self.random_state)

    def __iter__(self):
        return self._today().split(np.empty((self.n, 1)), self.y)


def check_cv(cv, X=None, y=None, classifier=False):
    """0.17's cv argument -> a splitter: None -> 3 folds; an int k -> StratifiedKFold(y, k)
    for a classifier with binary/multiclass y, else KFold(len(X), k); splitters pass."""
    if cv is None:
        cv = 3
    if isinstance(cv, numbers.Integral):
        if classifier and y is not None and type_of_target(y) in ('binary', 'multiclass'):
            return StratifiedKFold(y, cv)
        n = X.shape[0] if hasattr(X, 'shape') else len(X)
        return KFold(n, cv)
    return cv


def splits(cv, estimator, X, y):
    """The list of (train, test) pairs a 2015 cv argument means, for today's functions."""
    cv = check_cv(cv, X, y, classifier=is_classifier(estimator))
    if hasattr(cv, 'split'):         # a today's splitter given by a newer script
        return list(cv.split(X, y))
    return list(cv)


def train_test_split(*arrays, **options):
    """As 0.17: test_size 0.25 unless given, shuffled with random_state, arrays split alike."""
    return model_selection.train_test_split(*arrays, **options)


def cross_val_score(estimator, X, y=None, scoring=None, cv=None, n_jobs=1, verbose=0,
                    fit_params=None, pre_dispatch='2*n_jobs'):
    return model_selection.cross_val_score(
        estimator, X, y, scoring=scoring, cv=splits(cv, estimator, X, y), n_jobs=n_jobs,
        verbose=verbose, params=fit_params, pre_dispatch=pre_dispatch, error_score='raise')


def cross_val_predict(estimator, X, y=None, cv=None, n_jobs=1, verbose=0, fit_params=None,
                      pre_dispatch='2*n_jobs'):
    return model_selection.cross_val_predict(
        estimator, X, y, cv=splits(cv, estimator, X, y), n_jobs=n_jobs, verbose=verbose,
        params=fit_params, pre_dispatch=pre_dispatch)
