"""sklearn.grid_search as scikit-learn 0.17 had it (removed in 0.20), on model_selection.

The searches take 0.17's arguments (fit_params, iid, cv as 0.17 read it) and answer
grid_scores_ as well as best_params_/best_score_/best_estimator_. With iid=True (0.17's
default) a candidate's score is the mean of its fold scores weighted by the fold sizes, and
the best candidate is the first with the highest such score.
"""
from collections import namedtuple

import numpy as np
from sklearn import model_selection
from sklearn.base import BaseEstimator, clone
from sklearn.metrics import check_scoring
from sklearn.model_selection import ParameterGrid, ParameterSampler  # noqa: F401 (2015 names)

from .sklearn_cross_validation import splits


class _CVScoreTuple(namedtuple('_CVScoreTuple',
                               ('parameters', 'mean_validation_score',
                                'cv_validation_scores'))):
    """One row of grid_scores_, printed as 0.17 printed it."""
    __slots__ = ()

    def __repr__(self):
        return 'mean: {0:.5f}, std: {1:.5f}, params: {2}'.format(
            self.mean_validation_score, np.std(self.cv_validation_scores), self.parameters)


class _Search(BaseEstimator):
    def _today(self, cv):
        raise NotImplementedError

    def fit(self, X, y=None):
        folds = splits(self.cv, self.estimator, X, y)
        search = self._today(folds)
        search.fit(X, y, **(self.fit_params or {}))
        results = search.cv_results_
        scores = np.array([results['split%d_test_score' % i] for i in range(len(folds))]).T
        sizes = np.array([len(test) for _, test in folds], dtype=float)
        means = scores.dot(sizes) / sizes.sum() if self.iid else scores.mean(axis=1)
        self.grid_scores_ = [_CVScoreTuple(p, float(m), s)
                             for p, m, s in zip(results['params'], means, scores)]
        best = int(np.argmax(means))
        self.best_params_ = results['params'][best]
        self.best_score_ = float(means[best])
        self.scorer_ = check_scoring(self.estimator, scoring=self.scoring)
        if self.refit:
            estimator = clone(self.estimator).set_params(**self.best_params_)
            fit_args = (X,) if y is None else (X, y)
            self.best_estimator_ = estimator.fit(*fit_args, **(self.fit_params or {}))
        return self

    def score(self, X, y=None):
        return self.scorer_(self._fitted(), X, y)

    def _fitted(self):
        if not hasattr(self, 'best_estimator_'):
            raise AttributeError('%s: call fit with refit=True before predicting'
                                 % type(self).__name__)
        return self.best_estimator_

    def predict(self, X):
        return self._fitted().predict(X)

    def predict_proba(self, X):
        return self._fitted().predict_proba(X)

    def decision_function(self, X):
        return self._fitted().decision_function(X)

    def transform(self, X):
        return self._fitted().transform(X)


class GridSearchCV(_Search):
    def __init__(self, estimator, param_grid, scoring=None, fit_params=None, n_jobs=1,
                 iid=True, refit=True, cv=None, verbose=0, pre_dispatch='2*n_jobs',
                 error_score='raise'):
        self.estimator, self.param_grid, self.scoring = estimator, param_grid, scoring
        self.fit_params, self.n_jobs, self.iid, self.refit = fit_params, n_jobs, iid, refit
        self.cv, self.verbose, self.pre_dispatch = cv, verbose, pre_dispatch
        self.error_score = error_score

    def _today(self, cv):
        return model_selection.GridSearchCV(
            self.estimator, self.param_grid, scoring=self.scoring, n_jobs=self.n_jobs,
            refit=False, cv=cv, verbose=self.verbose, pre_dispatch=self.pre_dispatch,
            error_score=self.error_score)


class RandomizedSearchCV(_Search):
    """Candidates drawn by today's ParameterSampler (0.17 drew scipy.stats distributions
    from the global random state, so those draws differ from 2015's)."""

    def __init__(self, estimator, param_distributions, n_iter=10, scoring=None,
                 fit_params=None, n_jobs=1, iid=True, refit=True, cv=None, verbose=0,
                 pre_dispatch='2*n_jobs', random_state=None, error_score='raise'):
        self.estimator, self.param_distributions = estimator, param_distributions
        self.n_iter, self.scoring, self.fit_params = n_iter, scoring, fit_params
        self.n_jobs = n_jobs
        self.iid, self.refit, self.cv, self.verbose = iid, refit, cv, verbose
        self.pre_dispatch, self.random_state = pre_dispatch, random_state
        self.error_score = error_score

    def _today(self, cv):
        return model_selection.RandomizedSearchCV(
            self.estimator, self.param_distributions, n_iter=self.n_iter,
            scoring=self.scoring, n_jobs=self.n_jobs, refit=False, cv=cv,
            verbose=self.verbose, pre_dispatch=self.pre_dispatch,
            random_state=self.random_state, error_score=self.error_score)
