"""sklearn.learning_curve as scikit-learn 0.17 had it (removed in 0.20): today's
model_selection functions, with 0.17's cv (3 folds by default, stratified for classifiers)
and errors raised rather than scored as nan."""
import numpy as np
from sklearn import model_selection

from .sklearn_cross_validation import splits


def learning_curve(estimator, X, y, train_sizes=np.linspace(0.1, 1.0, 5), cv=None,
                   scoring=None, exploit_incremental_learning=False, n_jobs=1,
                   pre_dispatch='all', verbose=0):
    """-> (train_sizes_abs, train_scores, test_scores), scores of shape (sizes, folds)."""
    return model_selection.learning_curve(
        estimator, X, y, train_sizes=train_sizes, cv=splits(cv, estimator, X, y),
        scoring=scoring, exploit_incremental_learning=exploit_incremental_learning,
        n_jobs=n_jobs, pre_dispatch=pre_dispatch, verbose=verbose, error_score='raise')


def validation_curve(estimator, X, y, param_name, param_range, cv=None, scoring=None,
                     n_jobs=1, pre_dispatch='all', verbose=0):
    """-> (train_scores, test_scores), of shape (len(param_range), folds)."""
    return model_selection.validation_curve(
        estimator, X, y, param_name=param_name, param_range=param_range,
        cv=splits(cv, estimator, X, y), scoring=scoring, n_jobs=n_jobs,
        pre_dispatch=pre_dispatch, verbose=verbose, error_score='raise')
