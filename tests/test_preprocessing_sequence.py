"""preprocessing.sequence against numbers from the real Keras 4e1ec93 (Python 3.6 oracle):
skipgrams draws from Python's `random` in 2015's order, so a seed fixes its output."""
import random

import numpy as np
import pytest

from legacy_bn.preprocessing.sequence import make_sampling_table, pad_sequences, skipgrams


def test_pad_sequences_defaults_pad_and_truncate_in_front():
    x = pad_sequences([[1, 2, 3], [4], [5, 6, 7, 8, 9]])
    assert x.dtype == np.int32
    np.testing.assert_array_equal(x, [[0, 0, 1, 2, 3], [0, 0, 0, 0, 4], [5, 6, 7, 8, 9]])
    np.testing.assert_array_equal(pad_sequences([[1, 2, 3], [5, 6, 7, 8, 9]], maxlen=2),
                                  [[2, 3], [8, 9]])


def test_pad_sequences_post_with_value():
    x = pad_sequences([[1, 2, 3], [4], [5, 6, 7, 8, 9]], maxlen=4, padding='post',
                      truncating='post', value=-1)
    np.testing.assert_array_equal(x, [[1, 2, 3, -1], [4, -1, -1, -1], [5, 6, 7, 8]])


def test_pad_sequences_empty_sequence_is_all_padding():
    # 2015 raised a numpy broadcasting error here (docs/compat.md)
    np.testing.assert_array_equal(pad_sequences([[], [1, 2]], maxlen=3), [[0, 0, 0], [0, 1, 2]])


@pytest.mark.parametrize('kw, word', [({'padding': 'middle'}, 'Padding'),
                                      ({'truncating': 'middle'}, 'Truncating')])
def test_pad_sequences_unknown_mode(kw, word):
    with pytest.raises(ValueError, match="^%s type 'middle' not understood$" % word):
        pad_sequences([[1]], **kw)


def test_make_sampling_table_closed_form():
    table = make_sampling_table(6)
    np.testing.assert_allclose(table, [0.0031522478751942504, 0.0031522478751942504,
                                       0.0054759726939176976, 0.007415564097374219,
                                       0.009128167456366161, 0.010684345040995184], rtol=1e-15)


def test_skipgrams_matches_2015_draws():
    random.seed(3)
    couples, labels = skipgrams([1, 2, 0, 3, 4, 5], 7, window_size=2)
    assert couples == [[2, 4], [3, 4], [3, 2], [4, 4], [4, 3], [5, 5], [5, 4], [1, 2], [2, 3],
                       [5, 3], [5, 2], [3, 5], [4, 5], [2, 1], [3, 4], [3, 6], [2, 5], [4, 5],
                       [3, 3], [1, 2]]
    assert labels == [0, 0, 1, 0, 1, 0, 1, 1, 1, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 0]


def test_skipgrams_categorical_sampling_table_and_random_state_after():
    random.seed(4)
    couples, labels = skipgrams([1, 2, 3, 4, 0, 2], 9, window_size=1, negative_samples=0.5,
                                categorical=True,
                                sampling_table=np.array([0, .9, .1, .5, 1, 1, 1, 1, 1.]))
    assert couples == [[1, 1], [3, 4], [3, 2], [4, 3], [3, 4], [1, 2]]
    assert labels == [[1, 0], [1, 0], [0, 1], [0, 1], [0, 1], [0, 1]]
    assert random.random() == 0.8512788455354866      # 2015 re-seeded `random` with a draw


def test_skipgrams_without_shuffle_or_negatives_is_the_window():
    couples, labels = skipgrams([1, 2, 3], 4, window_size=1, negative_samples=0, shuffle=False)
    assert couples == [[1, 2], [2, 1], [2, 3], [3, 2]]
    assert labels == [1, 1, 1, 1]
