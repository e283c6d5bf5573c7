"""keras03.wrappers.scikit_learn (0.3.3's build_fn wrapper): which sk_params reach build_fn and
which reach the model's fit/predict/evaluate, label one-hot encoding, refused names. The model
is a stand-in with Sequential's 0.3.3 method signatures (the wrapper only calls those)."""
import numpy as np
import pytest

from legacy_bn.keras03.wrappers import scikit_learn


class FakeSequential(object):
    """Records the calls the wrapper makes, with 0.3.3 Sequential's signatures."""

    def __init__(self, loss='categorical_crossentropy'):
        self.loss, self.calls = loss, []

    def fit(self, X, y, batch_size=128, nb_epoch=100, verbose=1, callbacks=[],
            validation_split=0., validation_data=None, shuffle=True, show_accuracy=False,
            class_weight=None, sample_weight=None):
        self.calls.append(('fit', y.shape, batch_size, nb_epoch, verbose))
        return 'history'

    def predict(self, X, batch_size=128, verbose=0):
        return X.sum(axis=1)

    def predict_classes(self, X, batch_size=128, verbose=1):
        self.calls.append(('predict_classes', batch_size, verbose))
        return np.zeros(len(X), dtype=int)

    def predict_proba(self, X, batch_size=128, verbose=1):
        return np.full((len(X), 3), 1 / 3.)

    def evaluate(self, X, y, batch_size=128, show_accuracy=False, verbose=1, sample_weight=None):
        self.calls.append(('evaluate', batch_size, show_accuracy))
        return (0.5, 0.75) if show_accuracy else 0.5


@pytest.fixture(autouse=True)
def fake_models(monkeypatch):
    monkeypatch.setattr(scikit_learn, '_sequential', lambda: FakeSequential)


def test_params_go_where_they_are_taken():
    built = []

    def build_fn(hidden=8, loss='categorical_crossentropy'):
        built.append(hidden)
        return FakeSequential(loss)

    clf = scikit_learn.KerasClassifier(build_fn, hidden=16, nb_epoch=2, batch_size=4, verbose=0)
    X, y = np.ones((6, 2)), np.array([0, 1, 2, 0, 1, 2])
    assert clf.fit(X, y, nb_epoch=3) == 'history'
    assert built == [16]
    assert clf.model.calls == [('fit', (6, 3), 4, 3, 0)]      # labels one-hot, kwargs win
    assert clf.predict(X).tolist() == [0] * 6 and clf.model.calls[-1] == ('predict_classes', 4, 0)
    assert clf.score(X, y) == 0.75 and clf.model.calls[-1] == ('evaluate', 4, True)
    assert clf.predict_proba(X).shape == (6, 3)
    assert clf.get_params()['hidden'] == 16 and clf.get_params()['build_fn'] is build_fn
    assert clf.set_params(hidden=32) is clf and clf.sk_params['hidden'] == 32


def test_regressor_and_subclass_builder():
    class Net(scikit_learn.KerasRegressor):
        def __call__(self, width=3):
            return FakeSequential(loss='mse')

    reg = Net(width=5, nb_epoch=1)
    X = np.arange(6.).reshape(3, 2)
    reg.fit(X, np.ones(3))
    assert reg.model.calls == [('fit', (3,), 128, 1, 1)]       # mse: labels kept as they are
    assert reg.predict(X).tolist() == [1., 5., 9.]
    assert reg.score(X, np.ones(3)) == 0.5 and reg.model.calls[-1] == ('evaluate', 128, False)


def test_an_unknown_parameter_is_refused():
    with pytest.raises(AssertionError, match='KerasClassifier: nb_epochs is not a legal '
                                             'parameter'):
        scikit_learn.KerasClassifier(lambda hidden=8: None, nb_epochs=3)
