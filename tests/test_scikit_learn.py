"""wrappers.scikit_learn: the estimator interface, with and without scikit-learn."""
import numpy as np
import pytest

from legacy_bn.layers.core import Activation, Dense
from legacy_bn.models import Sequential
from legacy_bn.wrappers.scikit_learn import KerasClassifier, KerasRegressor


def classifier_model():
    np.random.seed(0)
    model = Sequential()
    model.add(Dense(4, 3))
    model.add(Activation('softmax'))
    return model


def data(rng, n=48):
    X = rng.normal(size=(n, 4))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0)
    return X, y


def test_classifier_trains_a_copy_and_keeps_the_original(rng):
    model = classifier_model()
    initial = model.get_weights()
    X, y = data(rng)
    clf = KerasClassifier(model, optimizer='sgd', nb_epoch=3, train_batch_size=16)
    history = clf.fit(X, y)                      # 1-D labels become one-hot columns
    assert len(history.history['loss']) == 3
    assert clf.classes_ == [0, 1, 2]
    for before, after in zip(initial, model.get_weights()):
        np.testing.assert_array_equal(before, after)      # the given model is untouched
    trained = clf.compiled_model_.get_weights()
    assert any(np.any(a != b) for a, b in zip(initial, trained))
    # 2015 took weights_ from the untrained original (docs/compat.md)
    for w, t in zip(clf.weights_, trained):
        np.testing.assert_array_equal(w, t)
    assert clf.config_['optimizer']['name'] == 'SGD'
    predictions = clf.predict(X)
    assert predictions.shape == (48,) and set(predictions) <= {0, 1, 2}
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    np.testing.assert_array_equal(predictions, proba.argmax(axis=1))
    assert clf.score(X, np.eye(3)[y]) == pytest.approx(np.mean(predictions == y))


def test_regressor_predicts_flat_and_scores_the_loss(rng):
    np.random.seed(1)
    model = Sequential()
    model.add(Dense(4, 1))
    X = rng.normal(size=(32, 4))
    y = X.dot([1., -1., 0.5, 0.])
    reg = KerasRegressor(model, optimizer='sgd', nb_epoch=2)
    reg.fit(X, y)
    predictions = reg.predict(X)
    assert predictions.shape == (32,)
    assert reg.score(X, y) == pytest.approx(np.mean((predictions - y) ** 2), rel=1e-5)


def test_params_and_unfitted_errors():
    clf = KerasClassifier(classifier_model())
    assert sorted(clf.get_params()) == ['loss', 'model', 'optimizer']
    assert clf.get_params()['loss'] == 'categorical_crossentropy'
    assert clf.set_params(optimizer='sgd', nb_epoch=2) is clf and clf.nb_epoch == 2
    with pytest.raises(RuntimeError, match='KerasClassifier.predict: call fit first'):
        clf.predict(np.zeros((2, 4)))


def test_scikit_learn_clone_and_cross_validation(rng):
    base = pytest.importorskip('sklearn.base')
    model_selection = pytest.importorskip('sklearn.model_selection')
    clf = KerasClassifier(classifier_model(), optimizer='sgd', nb_epoch=2, train_batch_size=8)
    copy = base.clone(clf)
    assert copy.nb_epoch == 2 and copy.train_batch_size == 8 and copy.model is not clf.model
    assert base.is_classifier(clf) and base.is_regressor(KerasRegressor(classifier_model()))
    X, y = data(rng)
    scores = model_selection.cross_val_score(clf, X, y, cv=2, scoring='accuracy')
    assert scores.shape == (2,) and np.all((0 <= scores) & (scores <= 1))
