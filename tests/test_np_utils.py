"""utils.np_utils, utils.test_utils and utils.generic_utils."""
import re

import numpy as np
import pytest

from legacy_bn.utils import np_utils, generic_utils
from legacy_bn.utils.test_utils import get_test_data


def test_to_categorical():
    Y = np_utils.to_categorical([2, 0, 1, 2])
    assert Y.dtype == np.float64
    assert np.array_equal(Y, [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
    assert np_utils.to_categorical(np.array([1, 0]), nb_classes=4).shape == (2, 4)
    # a column vector (as get_test_data returns) works too
    assert np.array_equal(np_utils.to_categorical(np.array([[1], [0]])), [[0, 1], [1, 0]])


def test_normalize_leaves_zero_rows():
    a = np.array([[3.0, 4.0], [0.0, 0.0]])
    assert np.array_equal(np_utils.normalize(a), [[0.6, 0.8], [0.0, 0.0]])
    np.testing.assert_allclose(np_utils.normalize(a, axis=0, order=1), [[1.0, 1.0], [0.0, 0.0]])


def test_binary_logloss():
    p = np.array([0.9, 0.2, 0.0, 1.0])
    y = np.array([1, 0, 0, 1])
    pc = np.clip(p, 1e-15, 1 - 1e-15)
    expected = -np.mean(y * np.log(pc) + (1 - y) * np.log(1 - pc))
    assert np_utils.binary_logloss(p, y) == pytest.approx(expected, rel=1e-12)
    assert np.isfinite(np_utils.binary_logloss(np.array([0.0]), np.array([1])))


def test_multiclass_logloss_takes_one_based_labels():
    P = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    Y = np.array([1, 3])      # first and third class
    assert np_utils.multiclass_logloss(P, Y) == pytest.approx(-(np.log(0.7) + np.log(0.8)) / 2)


def test_accuracy_and_probas_to_classes():
    assert np_utils.accuracy([1, 2, 3, 4], [1, 0, 3, 0]) == 0.5
    P = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    assert np.array_equal(np_utils.probas_to_classes(P), [1, 0, 1])
    assert np.array_equal(np_utils.categorical_probas_to_classes(P), [1, 0, 1])
    assert np.array_equal(np_utils.probas_to_classes(np.array([0.2, 0.5, 0.51])), [0, 0, 1])
    assert np.array_equal(np_utils.probas_to_classes(np.array([[0.7], [0.1]])), [1, 0])


# -- test_utils ----------------------------------------------------------------------

def test_get_test_data_classification_draw_order():
    np.random.seed(9)
    (X, y), (Xt, yt) = get_test_data(nb_train=5, nb_test=3, input_shape=(4,), nb_class=3)
    after = np.random.randint(0, 2 ** 30)
    assert X.shape == (5, 4) and y.shape == (5, 1) and Xt.shape == (3, 4) and yt.shape == (3, 1)
    np.random.seed(9)
    ey = np.random.randint(0, 3, size=(8, 1))
    eX = np.array([np.random.normal(loc=ey[i], scale=1.0, size=(4,)) for i in range(8)])
    assert np.array_equal(np.vstack([y, yt]), ey) and np.array_equal(np.vstack([X, Xt]), eX)
    assert after == np.random.randint(0, 2 ** 30)


def test_get_test_data_regression_draw_order():
    np.random.seed(10)
    (X, y), (Xt, yt) = get_test_data(nb_train=2, nb_test=2, input_shape=(3,), output_shape=(2,),
                                     classification=False)
    np.random.seed(10)
    loc = np.random.random((4,))
    eX, ey = [], []
    for i in range(4):
        eX.append(np.random.normal(loc=loc[i], scale=1.0, size=(3,)))
        ey.append(np.random.normal(loc=loc[i], scale=1.0, size=(2,)))
    assert np.array_equal(np.vstack([X, Xt]), eX) and np.array_equal(np.vstack([y, yt]), ey)


# -- generic_utils --------------------------------------------------------------------

def test_get_from_module():
    table = {'a': dict, 'b': list}
    assert generic_utils.get_from_module('a', table, 'thing') is dict
    assert generic_utils.get_from_module('a', table, 'thing', instantiate=True) == {}
    assert generic_utils.get_from_module('a', table, 'thing', instantiate=True,
                                         kwargs={'k': 1}) == {'k': 1}
    obj = object()
    assert generic_utils.get_from_module(obj, table, 'thing') is obj
    with pytest.raises(ValueError, match=r'^Invalid thing: c \(valid: a, b\)$'):
        generic_utils.get_from_module('c', table, 'thing')


def test_make_tuple():
    assert generic_utils.make_tuple(1, 'a') == (1, 'a')


def test_progbar_verbose1_shows_weighted_running_means(capsys):
    bar = generic_utils.Progbar(target=10)
    bar.update(4, [('loss', 1.0)])
    bar.update(10, [('loss', 0.5)])     # (4*1.0 + 6*0.5) / 10 = 0.7
    out = capsys.readouterr().out
    last = out.split('\r')[-1]
    assert re.match(r'10/10 \[=+\] - \d+s - loss: 0\.7000\s*\n$', last), repr(last)
    assert ' 4/10 [' in out and 'ETA' in out


def test_progbar_verbose2_prints_only_at_the_end(capsys):
    bar = generic_utils.Progbar(target=3, verbose=2)
    bar.add(1, [('acc', 1.0)])
    assert capsys.readouterr().out == ''
    bar.add(2, [('acc', 0.25)])
    assert re.fullmatch(r'\d+s - acc: 0\.5000\n', capsys.readouterr().out)
