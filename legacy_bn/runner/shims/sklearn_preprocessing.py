"""sklearn.preprocessing.Imputer (scikit-learn 0.17, removed in 0.22) on sklearn.impute."""
import warnings

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin


class Imputer(BaseEstimator, TransformerMixin):
    """Imputer(missing_values='NaN', strategy='mean', axis=0, verbose=0, copy=True):
    fills each column's missing values with its mean, median or most frequent value
    (the smallest of ties); columns with no value at all are dropped, as 0.17 did."""

    def __init__(self, missing_values='NaN', strategy='mean', axis=0, verbose=0, copy=True):
        self.missing_values, self.strategy, self.axis = missing_values, strategy, axis
        self.verbose, self.copy = verbose, copy

    def _today(self):
        from sklearn.impute import SimpleImputer
        if self.axis != 0:
            raise NotImplementedError('Imputer: axis=%r (statistics along rows) is not adapted; '
                                      'only axis=0 (per column) is' % (self.axis,))
        missing = self.missing_values
        if isinstance(missing, str) and missing.lower() == 'nan':
            missing = np.nan
        return SimpleImputer(missing_values=missing, strategy=self.strategy, copy=self.copy)

    def fit(self, X, y=None):
        with warnings.catch_warnings():
            warnings.filterwarnings('ignore', 'Skipping features without any observed values')
            self.imputer_ = self._today().fit(X)
        self.statistics_ = self.imputer_.statistics_
        return self

    def transform(self, X):
        if not hasattr(self, 'imputer_'):
            raise AttributeError('Imputer.transform: call fit first')
        with warnings.catch_warnings():      # 0.17 dropped empty columns without a word
            warnings.filterwarnings('ignore', 'Skipping features without any observed values')
            return self.imputer_.transform(X)


def adapt(preprocessing):
    from . import add_module_names
    add_module_names(preprocessing, {'Imputer': Imputer})
