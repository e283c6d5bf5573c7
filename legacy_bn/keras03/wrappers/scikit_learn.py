"""keras.wrappers.scikit_learn (Keras 0.3.3): scikit-learn's estimator interface around a
`build_fn` that builds and compiles a model (0.3.3 replaced 4e1ec93's wrapper, which took an
uncompiled model, by this one).

`sk_params` mixes build_fn's arguments and those of Sequential.fit/predict/predict_classes/
evaluate (nb_epoch, batch_size, ...); each call passes every function the ones it takes. A name
that none of them takes is refused at construction (0.3.3 asserted "... is not a legal
parameter"; here an AssertionError-compatible ValueError naming the estimator). Nothing here
imports scikit-learn: `clone`, grid search and pipelines accept these estimators when it is
installed.
"""
import copy
import inspect

from ..utils.np_utils import to_categorical


def _sequential():
    from ..models import Sequential     # at call time: the 0.3.3 models module is big
    return Sequential


def _arguments(fn):
    return [name for name, p in inspect.signature(fn).parameters.items()
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


class IllegalParameter(ValueError, AssertionError):
    """An sk_params name that neither build_fn nor the model's methods take."""


class BaseWrapper(object):
    """Shared by KerasClassifier and KerasRegressor; use those.

    build_fn: a function or a callable object returning a compiled model, or None for a
    subclass whose own __call__ builds it."""

    def __init__(self, build_fn=None, **sk_params):
        self.build_fn = build_fn
        self.sk_params = sk_params
        self.check_params(sk_params)

    def _builder(self):
        if self.build_fn is None:
            return self.__call__
        if inspect.isfunction(self.build_fn):
            return self.build_fn
        return self.build_fn.__call__

    def check_params(self, params):
        Sequential = _sequential()
        legal = set(_arguments(self._builder()))
        for fn in (Sequential.fit, Sequential.predict, Sequential.predict_classes,
                   Sequential.evaluate):
            legal.update(_arguments(fn))
        for name in params:
            if name not in legal:
                raise IllegalParameter('%s: %s is not a legal parameter (neither the build_fn '
                                       'nor Sequential.fit/predict/predict_classes/evaluate '
                                       'takes it)' % (type(self).__name__, name))

    def get_params(self, deep=True):
        params = copy.deepcopy(self.sk_params)
        params['build_fn'] = self.build_fn
        return params

    def set_params(self, **params):
        self.check_params(params)
        self.sk_params.update(params)
        return self

    def filter_sk_params(self, fn, override={}):
        """The sk_params that fn takes, updated with `override`."""
        taken = _arguments(fn)
        chosen = {name: value for name, value in self.sk_params.items() if name in taken}
        chosen.update(override)
        return chosen

    def fit(self, X, y, **kwargs):
        """Build a new model with build_fn and train it; integer labels become one-hot when
        its loss is categorical_crossentropy. Returns fit's History."""
        build = self.__call__ if self.build_fn is None else self.build_fn
        self.model = build(**self.filter_sk_params(self._builder()))
        if getattr(self.model.loss, '__name__', self.model.loss) == 'categorical_crossentropy' \
                and len(y.shape) != 2:
            y = to_categorical(y)
        fit_args = copy.deepcopy(self.filter_sk_params(_sequential().fit))
        fit_args.update(kwargs)
        return self.model.fit(X, y, **fit_args)


class KerasClassifier(BaseWrapper):
    """The scikit-learn classifier API: predict gives classes, score the accuracy."""

    def predict(self, X, **kwargs):
        kwargs = self.filter_sk_params(_sequential().predict_classes, kwargs)
        return self.model.predict_classes(X, **kwargs)

    def predict_proba(self, X, **kwargs):
        kwargs = self.filter_sk_params(_sequential().predict_proba, kwargs)
        return self.model.predict_proba(X, **kwargs)

    def score(self, X, y, **kwargs):
        kwargs = self.filter_sk_params(_sequential().evaluate, kwargs)
        kwargs['show_accuracy'] = True
        loss, accuracy = self.model.evaluate(X, y, **kwargs)
        return accuracy


class KerasRegressor(BaseWrapper):
    """The scikit-learn regressor API: predict gives the outputs, score the loss (as 0.3.3:
    lower is better, unlike scikit-learn's convention)."""

    def predict(self, X, **kwargs):
        kwargs = self.filter_sk_params(_sequential().predict, kwargs)
        return self.model.predict(X, **kwargs)

    def score(self, X, y, **kwargs):
        kwargs = self.filter_sk_params(_sequential().evaluate, kwargs)
        kwargs['show_accuracy'] = False
        return self.model.evaluate(X, y, **kwargs)
