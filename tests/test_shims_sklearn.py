"""sklearn.cross_validation / grid_search / learning_curve shims against scikit-learn 0.18.2.

Every number here was recorded with the oracle (Python 3.6, numpy 1.12) running the same
calls on scikit-learn 0.18.2's sklearn.cross_validation, sklearn.grid_search and
sklearn.learning_curve (the deprecated 0.17 modules, still shipped in 0.18; no 0.17 wheel
exists for Python 3.6).
"""
import numpy as np
import pytest

pytest.importorskip('sklearn')
from sklearn.linear_model import Ridge  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402

from legacy_bn.runner.shims import sklearn_cross_validation as cv  # noqa: E402
from legacy_bn.runner.shims import sklearn_grid_search as gs  # noqa: E402
from legacy_bn.runner.shims import sklearn_learning_curve as lc  # noqa: E402
from legacy_bn.runner.shims.sklearn_preprocessing import Imputer  # noqa: E402

Y = [2, 1, 1, 0, 2, 0, 1, 0, 0, 1, 1, 1, 2, 0, 1, 2, 0]


def folds(splitter):
    return [(np.asarray(a).tolist(), np.asarray(b).tolist()) for a, b in splitter]


def test_kfold_folds_len_and_repr():
    k = cv.KFold(7, n_folds=3)
    assert folds(k) == [([3, 4, 5, 6], [0, 1, 2]), ([0, 1, 2, 5, 6], [3, 4]),
                        ([0, 1, 2, 3, 4], [5, 6])]
    assert len(k) == 3
    assert repr(k) == ('sklearn.cross_validation.KFold(n=7, n_folds=3, shuffle=False, '
                       'random_state=None)')
    assert folds(cv.KFold(10, n_folds=3, shuffle=True, random_state=0)) == [
        ([0, 1, 3, 5, 6, 7], [2, 4, 8, 9]), ([0, 2, 3, 4, 5, 8, 9], [1, 6, 7]),
        ([1, 2, 4, 6, 7, 8, 9], [0, 3, 5])]


def test_shuffled_kfold_draws_once_at_construction_from_the_global_state():
    np.random.seed(5)
    k = cv.KFold(6, n_folds=2, shuffle=True)
    expected = [([0, 1, 3], [2, 4, 5]), ([2, 4, 5], [0, 1, 3])]
    assert folds(k) == expected and folds(k) == expected    # same folds on each pass


def test_stratified_kfold_keeps_0_17s_assignment():
    assert folds(cv.StratifiedKFold(Y, n_folds=3)) == [
        ([7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [0, 1, 2, 3, 4, 5, 6]),
        ([0, 1, 2, 3, 4, 5, 6, 11, 13, 14, 15, 16], [7, 8, 9, 10, 12]),
        ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12], [11, 13, 14, 15, 16])]
    assert folds(cv.StratifiedKFold(Y, n_folds=3, shuffle=True, random_state=3)) == [
        ([1, 3, 4, 5, 6, 7, 9, 11, 12, 13], [0, 2, 8, 10, 14, 15, 16]),
        ([0, 1, 2, 3, 7, 8, 10, 11, 12, 14, 15, 16], [4, 5, 6, 9, 13]),
        ([0, 2, 4, 5, 6, 8, 9, 10, 13, 14, 15, 16], [1, 3, 7, 11, 12])]
    assert len(cv.StratifiedKFold(Y, n_folds=4)) == 4


def test_shuffle_splits_and_leave_one_out():
    assert folds(cv.ShuffleSplit(10, n_iter=2, test_size=0.3, random_state=1)) == [
        ([4, 0, 3, 1, 7, 8, 5], [2, 9, 6]), ([0, 8, 4, 2, 1, 6, 7], [9, 5, 3])]
    assert folds(cv.StratifiedShuffleSplit(Y, n_iter=2, test_size=0.3, random_state=1)) == [
        ([5, 10, 3, 7, 12, 11, 4, 6, 13, 0, 14], [9, 15, 16, 8, 1, 2]),
        ([10, 8, 7, 6, 16, 9, 13, 11, 15, 12, 4], [0, 2, 1, 5, 14, 3])]
    assert folds(cv.LeaveOneOut(3)) == [([1, 2], [0]), ([0, 2], [1]), ([0, 1], [2])]
    assert len(cv.ShuffleSplit(10, n_iter=4)) == 4 and len(cv.LeaveOneOut(5)) == 5


def test_train_test_split_defaults_to_a_quarter():
    a, b, c, d = cv.train_test_split(np.arange(10), np.arange(10) * 2, random_state=42)
    assert (a.tolist(), b.tolist()) == ([0, 7, 2, 9, 4, 3, 6], [8, 1, 5])
    assert (c.tolist(), d.tolist()) == ([0, 14, 4, 18, 8, 6, 12], [16, 2, 10])


def test_bad_fold_counts_name_the_argument():
    with pytest.raises(ValueError, match='n_folds=2 or more, got n_folds=1'):
        cv.KFold(5, n_folds=1)
    with pytest.raises(ValueError, match='n_folds=6 is greater than the number of samples: 5'):
        cv.KFold(5, n_folds=6)
    with pytest.raises(TypeError, match='shuffle must be True or False'):
        cv.KFold(5, shuffle=1)


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.randn(40, 3)
    y = (X[:, 0] + 0.5 * rng.randn(40) > 0).astype(int)
    y[:3] = 2
    return X, y


def test_cross_val_score_and_predict_use_3_stratified_folds(data):
    X, y = data
    np.testing.assert_allclose(cv.cross_val_score(KNeighborsClassifier(3), X, y),
                               [0.7142857143, 0.4615384615, 0.5384615385], rtol=1e-8)
    assert cv.cross_val_predict(KNeighborsClassifier(3), X, y, cv=4).tolist() == [
        1, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1,
        1, 1, 2, 1, 1, 0, 1, 1, 1, 1, 1]
    np.testing.assert_allclose(cv.cross_val_score(Ridge(), X, X[:, 1]),
                               [0.9985544855, 0.9980683676, 0.9977106134], rtol=1e-8)


def test_grid_search_grid_scores_and_best(data):
    X, y = data
    g = gs.GridSearchCV(KNeighborsClassifier(), {'n_neighbors': [1, 3, 5, 7]}).fit(X, y)
    assert g.best_params_ == {'n_neighbors': 5} and g.best_score_ == pytest.approx(0.6)
    assert repr(g.grid_scores_) == (
        "[mean: 0.55000, std: 0.11581, params: {'n_neighbors': 1}, "
        "mean: 0.57500, std: 0.10578, params: {'n_neighbors': 3}, "
        "mean: 0.60000, std: 0.08288, params: {'n_neighbors': 5}, "
        "mean: 0.60000, std: 0.10399, params: {'n_neighbors': 7}]")
    assert g.best_estimator_.n_neighbors == 5 and g.predict(X[:2]).shape == (2,)
    g = gs.GridSearchCV(KNeighborsClassifier(), {'n_neighbors': [1, 3, 5, 7]}, iid=False,
                        cv=cv.KFold(40, 3, shuffle=True, random_state=1)).fit(X, y)
    assert g.best_params_ == {'n_neighbors': 3}
    np.testing.assert_allclose([s.mean_validation_score for s in g.grid_scores_],
                               [0.6227106227, 0.6263736264, 0.5750915751, 0.5494505495],
                               rtol=1e-8)
    assert list(gs.ParameterGrid({'b': [1, 2], 'a': ['x', 'y']})) == [
        {'a': 'x', 'b': 1}, {'a': 'x', 'b': 2}, {'a': 'y', 'b': 1}, {'a': 'y', 'b': 2}]


def test_randomized_search_runs_n_iter_candidates(data):
    X, y = data
    r = gs.RandomizedSearchCV(KNeighborsClassifier(), {'n_neighbors': [1, 3, 5, 7, 9]},
                              n_iter=3, random_state=0).fit(X, y)
    assert len(r.grid_scores_) == 3 and r.best_params_ in [s.parameters for s in r.grid_scores_]


def test_learning_and_validation_curves(data):
    X, y = data
    sizes, train, test = lc.learning_curve(KNeighborsClassifier(3), X, y, train_sizes=[0.5, 1.0])
    assert sizes.tolist() == [13, 26]
    np.testing.assert_allclose(train, [[0.8461538462, 0.6153846154, 0.6923076923],
                                       [0.7307692308, 0.8461538462, 0.8846153846]], rtol=1e-8)
    np.testing.assert_allclose(test, [[0.7857142857, 0.7692307692, 0.4615384615],
                                      [0.7142857143, 0.4615384615, 0.5384615385]], rtol=1e-8)
    train, test = lc.validation_curve(KNeighborsClassifier(), X, y, 'n_neighbors', [1, 5],
                                      cv=cv.KFold(40, 4))
    np.testing.assert_allclose(train, [[1.0, 1.0, 1.0, 1.0],
                                       [0.8333333333, 0.7, 0.6666666667, 0.8333333333]],
                               rtol=1e-8)
    np.testing.assert_allclose(test, [[0.2, 0.8, 1.0, 0.4], [0.4, 0.6, 0.8, 0.5]], rtol=1e-8)


def test_imputer_fills_columns_and_drops_empty_ones():
    nan = np.nan
    X = np.array([[1.0, nan, 3.0, nan], [4.0, 2.0, nan, nan], [nan, 2.0, 9.0, nan],
                  [7.0, 5.0, 3.0, nan]])
    expected = {   # 0.18.2's sklearn.preprocessing.Imputer on the oracle
        'mean': ([4.0, 3.0, 5.0, nan], [[1, 3, 3], [4, 2, 5], [4, 2, 9], [7, 5, 3]]),
        'median': ([4.0, 2.0, 3.0, nan], [[1, 2, 3], [4, 2, 3], [4, 2, 9], [7, 5, 3]]),
        'most_frequent': ([1.0, 2.0, 3.0, nan], [[1, 2, 3], [4, 2, 3], [1, 2, 9], [7, 5, 3]])}
    for strategy, (statistics, filled) in expected.items():
        imputer = Imputer(strategy=strategy).fit(X)
        np.testing.assert_array_equal(imputer.statistics_, statistics)
        np.testing.assert_array_equal(imputer.transform(X), filled)
    zeros = Imputer(missing_values=0).fit(np.array([[0, 2.0], [4.0, 0], [2.0, 6.0]]))
    assert zeros.transform([[0, 0]]).tolist() == [[3.0, 4.0]]
    with pytest.raises(NotImplementedError, match='axis=1'):
        Imputer(axis=1).fit(X)
