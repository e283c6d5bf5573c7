"""keras03's utils/datasets/preprocessing: the shared top-level modules where 0.3.3's are the
same, and 0.3.3's changes (numbers recorded from the real Keras 0.3.3 on Theano 0.8.2)."""
import os
import warnings

import numpy as np
import pytest

import legacy_bn.datasets.mnist
import legacy_bn.utils.np_utils
from legacy_bn.keras03.datasets import mnist
from legacy_bn.keras03.preprocessing import image
from legacy_bn.keras03.preprocessing.sequence import pad_sequences
from legacy_bn.keras03.preprocessing.text import Tokenizer
from legacy_bn.keras03.utils import data_utils, np_utils
from legacy_bn.keras03.utils.test_utils import get_test_data


def test_what_is_the_same_is_shared_not_copied():
    assert np_utils.to_categorical is legacy_bn.utils.np_utils.to_categorical
    assert mnist.load_data is legacy_bn.datasets.mnist.load_data
    assert data_utils.get_file is legacy_bn.datasets.data_utils.get_file


def test_datasets_data_utils_warns_that_it_moved():
    import importlib
    import sys
    sys.modules.pop('legacy_bn.keras03.datasets.data_utils', None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        module = importlib.import_module('legacy_bn.keras03.datasets.data_utils')
    assert module.get_file is data_utils.get_file
    assert [str(w.message) for w in caught] == ['data_utils has been moved to '
                                                'keras.utils.data_utils.']


def test_get_test_data_draws_as_0_3_3():
    np.random.seed(3)
    (X, y), (_, y_test) = get_test_data(nb_train=3, nb_test=2, input_shape=(2,), nb_class=3)
    np.testing.assert_allclose(X, [[2.6863877092036184, 2.0189133292561667],
                                   [-0.3220294844638785, -0.04054458841604897],
                                   [2.45430189597898, 0.5790812666676093]], rtol=1e-12)
    assert y.tolist() == [2, 0, 1] and y_test.tolist() == [0, 0]
    (X, y), (_, y_test) = get_test_data(nb_train=2, nb_test=1, input_shape=(2,),
                                        output_shape=(1,), classification=False)
    np.testing.assert_allclose(X, [[1.246511291971594, -0.2118932530871509],
                                   [0.11529751731168666, 1.2995562954596784]], rtol=1e-12)
    np.testing.assert_allclose(np.concatenate([y, y_test]).ravel(),
                               [-0.270678480923239, 0.42495383396630404, 0.8527726733240502],
                               rtol=1e-12)


def test_pad_sequences_of_arrays():
    x = pad_sequences([[[1, 2], [3, 4]], [], [[5, 6], [7, 8], [9, 10]]], maxlen=2,
                      padding='post', value=-1)
    assert x.tolist() == [[[1, 2], [3, 4]], [[-1, -1], [-1, -1]], [[7, 8], [9, 10]]]
    assert pad_sequences([[1], [2, 3, 4]], maxlen=2, truncating='post').tolist() == [[0, 1],
                                                                                     [2, 3]]
    with pytest.raises(ValueError, match=r'sequence 1 has items of shape \(3,\), the first '
                                         r'non-empty one \(2,\)'):
        pad_sequences([[[1, 2]], [[1, 2, 3]]])
    with pytest.raises(ValueError, match='Truncating type "middle" not understood'):
        pad_sequences([[1, 2]], truncating='middle')


def test_char_level_tokenizer():
    t = Tokenizer(char_level=True)
    t.fit_on_texts(['abca', 'cb'])
    assert sorted(t.word_index.items()) == [('a', 1), ('b', 2), ('c', 3)]
    assert t.texts_to_sequences(['cab']) == [[3, 1, 2]]
    words = Tokenizer()
    words.fit_on_texts(['b a b'])
    assert words.texts_to_sequences(['a b c']) == [[2, 1]]


GOLDEN_IMAGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'image_0_3_3.npz')


def test_image_transforms_and_generator_as_0_3_3():
    """Recorded from the real 0.3.3 (scipy 0.19): tests/keras03/image_0_3_3.npz."""
    golden = np.load(GOLDEN_IMAGE)
    rng = np.random.RandomState(0)
    x = rng.rand(2, 5, 6)
    np.random.seed(1)
    got = dict(r=image.random_rotation(x.copy(), 30), s=image.random_shift(x.copy(), 0.3, 0.4),
               h=image.random_shear(x.copy(), 0.5),
               c=image.random_shear(x.copy(), 0.5, fill_mode='constant', cval=-1))
    for key, value in got.items():
        np.testing.assert_allclose(value, golden[key], rtol=1e-8, atol=1e-12, err_msg=key)
    X = rng.rand(40, 1, 3, 3).astype('float32')
    generator = image.ImageDataGenerator(
        samplewise_center=True, samplewise_std_normalization=True, zca_whitening=True,
        width_shift_range=0.2, horizontal_flip=True, shear_range=0.3)
    generator.fit(X)
    np.testing.assert_allclose(generator.mean, golden['mean'], rtol=2e-4)
    np.testing.assert_allclose(generator.std, golden['std'], rtol=2e-4)
    batches = generator.flow(X, np.arange(40), batch_size=16, shuffle=True, seed=7)
    assert iter(batches) is batches
    for k in range(4):      # 16, 16, the short 8, then round again
        bX, by = next(batches)
        assert by.tolist() == golden['by%d' % k].tolist()
        np.testing.assert_allclose(bX, golden['bx%d' % k], rtol=2e-4, atol=2e-5)


def test_graph_image_generator_and_unfitted_statistics():
    X = np.random.RandomState(2).rand(3, 1, 2, 2)
    batch = next(image.GraphImageDataGenerator(featurewise_center=False,
                                               featurewise_std_normalization=False)
                 .flow(X, np.arange(3), batch_size=2))
    assert sorted(batch) == ['input', 'output'] and batch['output'].tolist() == [0, 1]
    with pytest.raises(ValueError, match='featurewise_center needs statistics of the data: '
                                         r'call fit\(X\) first'):
        next(image.ImageDataGenerator().flow(X, np.arange(3)))
