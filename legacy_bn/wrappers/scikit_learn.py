"""scikit-learn's estimator interface for an uncompiled Sequential (keras.wrappers.scikit_learn).

Nothing here imports scikit-learn: the estimators only follow its conventions
(get_params/set_params, fit/predict/score), so `sklearn.base.clone`,
`cross_val_score` and pipelines accept them when scikit-learn is installed.
`fit` compiles and trains a deep copy of the model, leaving the given one untouched.
"""
import copy

import numpy as np

from ..utils.np_utils import to_categorical


SETTINGS = ('train_batch_size', 'test_batch_size', 'nb_epoch', 'shuffle', 'show_accuracy',
            'validation_split', 'validation_data', 'callbacks', 'verbose')


class BaseWrapper(object):
    """Shared by KerasClassifier and KerasRegressor; use those."""

    def __init__(self, model, optimizer, loss, train_batch_size=128, test_batch_size=128,
                 nb_epoch=100, shuffle=True, show_accuracy=False, validation_split=0,
                 validation_data=None, callbacks=None, verbose=0):
        self.model = model
        self.optimizer = optimizer
        self.loss = loss
        self.compiled_model_ = None
        self.classes_ = []
        self.config_ = []
        self.weights_ = []
        self.train_batch_size = train_batch_size
        self.test_batch_size = test_batch_size
        self.nb_epoch = nb_epoch
        self.shuffle = shuffle
        self.show_accuracy = show_accuracy
        self.validation_split = validation_split
        self.validation_data = validation_data
        self.callbacks = [] if callbacks is None else callbacks
        self.verbose = verbose

    def get_params(self, deep=True):
        # as 2015: only the three constructor arguments every subclass names
        return {'model': self.model, 'optimizer': self.optimizer, 'loss': self.loss}

    def set_params(self, **params):
        for parameter, value in params.items():
            setattr(self, parameter, value)
        return self

    def __sklearn_clone__(self):
        """An unfitted copy with the same settings (scikit-learn's clone protocol).

        scikit-learn's default clone would call the model's get_params, which is
        Keras's (params, regularizers, constraints, updates): 2015 crashed there."""
        settings = {k: getattr(self, k) for k in SETTINGS}
        return type(self)(copy.deepcopy(self.model), self.optimizer, self.loss, **settings)

    def fit(self, X, y):
        """Compile a copy of the model and train it on X, y; returns the History.

        A 1-D y holds class labels: with categorical_crossentropy they become one-hot
        columns (to_categorical, so labels must be 0..n-1)."""
        y = np.asarray(y)
        if len(y.shape) == 1:
            self.classes_ = list(np.unique(y))
            if self.loss == 'categorical_crossentropy':
                y = to_categorical(y)
        else:
            self.classes_ = np.arange(0, y.shape[1])

        self.compiled_model_ = copy.deepcopy(self.model)
        self.compiled_model_.compile(optimizer=self.optimizer, loss=self.loss)
        history = self.compiled_model_.fit(
            X, y, batch_size=self.train_batch_size, nb_epoch=self.nb_epoch, verbose=self.verbose,
            shuffle=self.shuffle, show_accuracy=self.show_accuracy,
            validation_split=self.validation_split, validation_data=self.validation_data,
            callbacks=self.callbacks)
        # 2015 read these from the untrained original, so weights_ were the initial ones
        self.config_ = self.compiled_model_.get_config()
        self.weights_ = self.compiled_model_.get_weights()
        return history

    def __sklearn_tags__(self):
        # only scikit-learn (>= 1.6) asks for tags, so it is importable here; the tags
        # are those of its own classifiers or regressors
        import sklearn.base

        class Probe(getattr(sklearn.base, self._sklearn_mixin), sklearn.base.BaseEstimator):
            pass
        return Probe().__sklearn_tags__()

    def _fitted(self, what):
        if self.compiled_model_ is None:
            raise RuntimeError('%s.%s: call fit first' % (type(self).__name__, what))
        return self.compiled_model_


class KerasClassifier(BaseWrapper):
    _estimator_type = 'classifier'  # how scikit-learn < 1.6 tells classifiers apart
    _sklearn_mixin = 'ClassifierMixin'

    def __init__(self, model, optimizer='adam', loss='categorical_crossentropy', **kwargs):
        super(KerasClassifier, self).__init__(model, optimizer, loss, **kwargs)

    def predict(self, X):
        """Class indices (the argmax of the outputs; 0/1 for a single output)."""
        return self._fitted('predict').predict_classes(
            X, batch_size=self.test_batch_size, verbose=self.verbose)

    def predict_proba(self, X):
        return self._fitted('predict_proba').predict_proba(
            X, batch_size=self.test_batch_size, verbose=self.verbose)

    def score(self, X, y):
        """Mean accuracy on X, y."""
        loss, accuracy = self._fitted('score').evaluate(
            X, y, batch_size=self.test_batch_size, show_accuracy=True, verbose=self.verbose)
        return accuracy


class KerasRegressor(BaseWrapper):
    _estimator_type = 'regressor'
    _sklearn_mixin = 'RegressorMixin'

    def __init__(self, model, optimizer='adam', loss='mean_squared_error', **kwargs):
        super(KerasRegressor, self).__init__(model, optimizer, loss, **kwargs)

    def predict(self, X):
        """Predictions, flattened to one value per sample as 2015 did (ravel)."""
        return self._fitted('predict').predict(
            X, batch_size=self.test_batch_size, verbose=self.verbose).ravel()

    def score(self, X, y):
        """The loss on X, y (lower is better, unlike scikit-learn's scores; as 2015)."""
        return self._fitted('score').evaluate(
            X, y, batch_size=self.test_batch_size, show_accuracy=False, verbose=self.verbose)
