"""preprocessing.text and preprocessing.image against numbers printed by the real Keras
4e1ec93 (Python 3.6, scipy 0.19.1), plus the 2015 bugs fixed (docs/compat.md)."""
import os
import random

import numpy as np
import pytest

from legacy_bn.preprocessing import image, text

TEXTS = ["The cat sat on the mat.", "The dog ate my homework!",
         "Don't panic:\tthe cat,\nthe dog.", "cat cat dog"]


# -- text ---------------------------------------------------------------------------------------
def test_text_to_word_sequence_defaults():
    assert text.text_to_word_sequence(TEXTS[2]) == ["don't", 'panic', 'the', 'cat', 'the', 'dog']
    assert text.text_to_word_sequence('A-b  C', lower=False) == ['A', 'b', 'C']
    assert text.base_filter() == '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


def test_one_hot_uses_python2s_deterministic_hash():
    # Python 2.7 (64-bit): hash('a') == 12416037344, hash('hello') == 840651671246116861
    assert text.python2_hash('a') == 12416037344
    assert text.python2_hash('hello') == 840651671246116861
    assert text.python2_hash('') == 0
    assert text.one_hot('Hello, a hello!', 100) == [840651671246116861 % 99 + 1,
                                                     12416037344 % 99 + 1,
                                                     840651671246116861 % 99 + 1]


def test_tokenizer_matches_2015():
    # Tokenizer(nb_words=6).fit_on_texts(TEXTS), printed by Keras 4e1ec93
    t = text.Tokenizer(nb_words=6)
    t.fit_on_texts(TEXTS)
    assert sorted(t.word_index.items(), key=lambda wi: wi[1]) == [tuple(p) for p in [['the', 1], ['cat', 2], ['dog', 3], ['sat', 4], ['on', 5], ['mat', 6], ['ate', 7], ['my', 8], ['homework', 9], ["don't", 10], ['panic', 11]]]
    assert t.texts_to_sequences(TEXTS) == [[1, 2, 4, 5, 1], [1, 3], [1, 2, 1, 3], [2, 2, 3]]
    assert sorted(t.index_docs.items()) == [tuple(p) for p in [[1, 3], [2, 3], [3, 3], [4, 1], [5, 1], [6, 1], [7, 1], [8, 1], [9, 1], [10, 1], [11, 1]]]
    assert t.texts_to_matrix(TEXTS, mode='binary').tolist() == [[0.0, 1.0, 1.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0, 0.0, 0.0], [0.0, 1.0, 1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 1.0, 0.0, 0.0]]
    assert t.texts_to_matrix(TEXTS, mode='count').tolist() == [[0.0, 2.0, 1.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0, 0.0, 0.0], [0.0, 2.0, 1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 2.0, 1.0, 0.0, 0.0]]
    np.testing.assert_allclose(t.texts_to_matrix(TEXTS, mode='freq'), [[0.0, 0.4, 0.2, 0.0, 0.2, 0.2], [0.0, 0.5, 0.0, 0.5, 0.0, 0.0], [0.0, 0.5, 0.25, 0.25, 0.0, 0.0], [0.0, 0.0, 0.6666666666666666, 0.3333333333333333, 0.0, 0.0]], rtol=1e-15)
    np.testing.assert_allclose(t.texts_to_matrix(TEXTS, mode='tfidf'), [[0.0, -0.6233254895733198, -1.09485301968942, 0.0, -1.361252277932187, -1.361252277932187], [0.0, -0.4715275301161002, 0.0, -0.4715275301161002, 0.0, 0.0], [0.0, -0.4715275301161002, -0.9430550602322004, -0.9430550602322004, 0.0, 0.0], [0.0, 0.0, -0.27582592317558435, -0.7473534532916846, 0.0, 0.0]], rtol=1e-15)


def test_tokenizer_matrix_edge_cases():
    t = text.Tokenizer(nb_words=4)
    t.fit_on_sequences([[1, 2], [2, 3]])
    # an index >= nb_words is left out (2015 meant to, but crashed with an IndexError)
    assert t.sequences_to_matrix([[1, 7, 1], []], mode='count').tolist() == [[0, 2, 0, 0], [0] * 4]
    with pytest.raises(ValueError, match="unknown vectorization mode 'bm25'"):
        t.sequences_to_matrix([[1]], mode='bm25')
    with pytest.raises(ValueError, match='give nb_words, or fit on some text data first'):
        text.Tokenizer().sequences_to_matrix([[1]])
    with pytest.raises(ValueError, match='call fit_on_texts first'):
        text.Tokenizer().texts_to_sequences(['a b'])


# -- image --------------------------------------------------------------------------------------
SMALL = (np.arange(12, dtype='float32').reshape(1, 3, 4) ** 1.5) / 10
# scipy 0.19's ndimage.rotate(SMALL, 30, axes=(1, 2), reshape=False, mode='nearest'), etc.
ROT30_NEAREST = [[[0.057605206966400146, 0.1859622597694397, 0.6283773183822632, 1.5896356105804443], [0.052876200526952744, 0.7049508094787598, 2.005201816558838, 3.44578218460083], [1.008365511894226, 2.1170670986175537, 2.8972160816192627, 3.3516998291015625]]]
ROT_MINUS50_CONSTANT = [[[-1.0, 0.48480987548828125, -1.0, -1.0], [-1.0, 1.999827265739441, 0.7066144347190857, -1.0], [-1.0, -1.0, 2.3794875144958496, -1.0]]]
ZOOM_07_08 = [[[8.673617379884035e-18, 0.17432478070259094, 0.5196152329444885], [2.2627415657043457, 2.9250450134277344, 3.648287296295166]]]
# random.seed(3); g = ImageDataGenerator(rotation_range=20, width_shift_range=0.5,
#     height_shift_range=0.5, horizontal_flip=True, vertical_flip=True); g.fit(X);
#     list(g.flow(X, np.arange(5), batch_size=3, shuffle=True, seed=5)),
# X = RandomState(0).uniform(0, 1, size=(5, 1, 3, 3)).astype('float32')
FIT_MEAN = [[[0.6534353494644165, 0.7031417489051819, 0.6937373280525208], [0.5716924667358398, 0.5888944864273071, 0.4781283438205719], [0.3818112015724182, 0.32618552446365356, 0.6448075771331787]]]
FIT_STD = [[[0.19283348321914673, 0.12339932471513748, 0.22671343386173248], [0.1782885640859604, 0.22085104882717133, 0.23978644609451294], [0.24247486889362335, 0.3680114150047302, 0.2791483700275421]]]
FLOW_BATCH0 = [[[[-1.5242552757263184, -0.2766950726509094, -0.1091226190328598], [0.5532006621360779, 0.07639074325561523, 0.5322949886322021], [1.189857840538025, 0.7597045302391052, -0.13986152410507202]]], [[[-0.3118661046028137, -0.07096903771162033, -0.44467976689338684], [1.029719352722168, -0.7481951713562012, 0.33057352900505066], [2.4459564685821533, 1.1002166271209717, -0.656924843788147]]], [[[-0.457461953163147, -5.525332450866699, -0.3566591739654541], [-1.6198080778121948, 0.8392046093940735, -0.056991275399923325], [2.311514139175415, 0.4793054461479187, -0.8246980905532837]]]]
FLOW_BATCH1 = [[[[-2.65455961227417, -6.054442405700684, 0.2394847422838211], [0.03176867216825485, 1.5245667695999146, -1.2228795289993286], [0.21036893129348755, 1.2256672382354736, -0.6637186408042908]]], [[[0.7545642256736755, 1.1192673444747925, 1.2231391668319702], [1.2746086120605469, 1.1426891088485718, 2.0556252002716064], [1.1758809089660645, 0.3676348924636841, 0.8420606255531311]]]]
FLOW_Y = [4, 0, 3, 1, 2]
RANDOM_AFTER, NP_RANDINT_AFTER = [0.20477951453379284, 215]
CLOSE = dict(rtol=1e-6, atol=1e-6)


class Fixed:
    """Stands in for the `random` module: uniform() returns the given values in turn."""

    def __init__(self, *values):
        self.values = list(values)

    def uniform(self, low, high):
        return self.values.pop(0)


@pytest.fixture
def scipy_present():
    pytest.importorskip('scipy.ndimage')


def test_resampling_is_2015s(scipy_present, monkeypatch):
    monkeypatch.setattr(image, 'random', Fixed(30.0, -50.0, 0.7, 0.8))
    np.testing.assert_allclose(image.random_rotation(SMALL, 40), ROT30_NEAREST, **CLOSE)
    out = image.random_rotation(SMALL, 60, fill_mode='constant', cval=-1.0)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, ROT_MINUS50_CONSTANT, **CLOSE)
    np.testing.assert_allclose(image.random_zoom(SMALL, 0.5), ZOOM_07_08, **CLOSE)


def test_random_shift_moves_down_and_right_by_whole_pixels(scipy_present, monkeypatch):
    # crop 0.5 split 0.7 of 3 rows -> int(1.05) = 1; crop 1.0 split 0.6 of 4 cols -> 2
    monkeypatch.setattr(image, 'random', Fixed(0.5, 0.7, 1.0, 0.6))
    out = image.random_shift(SMALL, 0.5, 1.0)
    expected = SMALL[:, [0, 0, 1]][:, :, [0, 0, 0, 1]]  # 'nearest' repeats the edge
    np.testing.assert_allclose(out, expected, **CLOSE)
    with pytest.raises(ValueError, match="fill_mode must be one of 'nearest', 'constant'"):
        image.random_shift(SMALL, 0.5, 0.5, fill_mode='wrap')  # checked before drawing


def test_flips_in_place():
    x = SMALL.copy()
    assert image.horizontal_flip(x) is x
    np.testing.assert_array_equal(x, SMALL[:, :, ::-1])
    np.testing.assert_array_equal(image.vertical_flip(SMALL.copy()), SMALL[:, ::-1, :])


def test_image_data_generator_matches_2015(scipy_present):
    X = np.random.RandomState(0).uniform(0, 1, size=(5, 1, 3, 3)).astype('float32')
    random.seed(3)
    g = image.ImageDataGenerator(rotation_range=20, width_shift_range=0.5, height_shift_range=0.5,
                                 horizontal_flip=True, vertical_flip=True)
    g.fit(X)
    np.testing.assert_allclose(g.mean, FIT_MEAN, **CLOSE)
    np.testing.assert_allclose(g.std, FIT_STD, **CLOSE)
    batches = list(g.flow(X, np.arange(5), batch_size=3, shuffle=True, seed=5))
    assert [len(b[0]) for b in batches] == [3, 2]
    np.testing.assert_allclose(batches[0][0], FLOW_BATCH0, **CLOSE)
    np.testing.assert_allclose(batches[1][0], FLOW_BATCH1, **CLOSE)
    assert list(batches[0][1]) + list(batches[1][1]) == FLOW_Y
    assert random.random() == RANDOM_AFTER and np.random.randint(1000) == NP_RANDINT_AFTER


def test_zca_whitening_decorrelates(scipy_present):
    X = np.random.RandomState(1).normal(size=(400, 1, 2, 2))
    X[:, 0, 0, 1] += 2 * X[:, 0, 0, 0]
    g = image.ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=False,
                                 zca_whitening=True)
    g.fit(X)
    white = next(g.flow(X.copy(), np.zeros(400), batch_size=400))[0].reshape(400, 4)
    # 2015 divided X^T X by the number of features, not of samples: that is what comes out white
    np.testing.assert_allclose(white.T.dot(white) / 4, np.eye(4), atol=1e-5)


def test_generator_errors():
    g = image.ImageDataGenerator()
    with pytest.raises(ValueError, match=r'featurewise_center and featurewise_std_normalization '
                                         r'need statistics of the data: call fit\(X\) first'):
        next(g.flow(np.zeros((2, 1, 3, 3)), np.zeros(2)))
    with pytest.raises(ValueError, match=r'X must be \(nb_samples, channels, rows, cols\)'):
        g.fit(np.zeros((2, 3, 3)))
    g.fit(np.random.RandomState(0).uniform(size=(2, 1, 2, 2)))
    with pytest.raises(ValueError, match='X has 2 samples but y has 3'):
        next(g.flow(np.zeros((2, 1, 2, 2)), np.zeros(3)))


def test_fit_on_integer_images_and_augmented_rounds(scipy_present):
    X = np.arange(2 * 1 * 3 * 3, dtype='uint8').reshape(2, 1, 3, 3)
    g = image.ImageDataGenerator(horizontal_flip=True)
    g.fit(X)  # 2015 failed subtracting a float mean from uint8 in place
    np.testing.assert_allclose(g.mean, X.mean(axis=0))
    random.seed(0)
    g.fit(X, augment=True, rounds=3)  # 2015 pushed PIL images through array transforms
    # each of the 6 augmented images is an original, flipped left-right or not
    assert g.mean.sum() == pytest.approx(X.mean(axis=0).sum())
    np.testing.assert_allclose(g.mean.sum(axis=2), X.mean(axis=0).sum(axis=2))
    assert not np.allclose(g.mean, X.mean(axis=0))


def test_array_to_img_leaves_the_array_alone(tmp_path):
    pytest.importorskip('PIL')
    x = np.random.RandomState(0).uniform(-1, 1, size=(3, 4, 5)).astype('float32')
    before = x.copy()
    img = image.array_to_img(x)
    np.testing.assert_array_equal(x, before)  # 2015 rescaled it in place
    assert img.mode == 'RGB' and img.size == (5, 4)
    back = image.img_to_array(img)
    assert back.shape == (3, 4, 5) and back.dtype == np.float32
    assert back.min() == 0 and back.max() == 255
    path = str(tmp_path / 'pic_1.png')
    img.save(path)
    (tmp_path / 'notes.txt').write_text('x')
    assert image.list_pictures(str(tmp_path)) == [path]
    gray = image.load_img(path, grayscale=True)
    assert gray.mode == 'L' and image.img_to_array(gray).shape == (1, 4, 5)
    np.testing.assert_array_equal(image.img_to_array(image.load_img(path)), back)


def test_flow_save_to_dir_yields_the_standardized_batch(tmp_path):
    pytest.importorskip('PIL')
    X = np.random.RandomState(2).uniform(0, 1, size=(2, 3, 4, 4)).astype('float32')
    g = image.ImageDataGenerator()
    g.fit(X)
    plain = next(g.flow(X.copy(), np.arange(2), batch_size=2))[0]
    saved = next(g.flow(X.copy(), np.arange(2), batch_size=2, save_to_dir=str(tmp_path),
                        save_prefix='aug', save_format='png'))[0]
    np.testing.assert_array_equal(saved, plain)  # 2015 yielded it rescaled to 0..255
    assert sorted(os.listdir(str(tmp_path))) == ['aug_0.png', 'aug_1.png']


def test_missing_scipy_says_what_to_install(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, 'scipy', None)
    monkeypatch.setitem(sys.modules, 'scipy.ndimage', None)
    with pytest.raises(ImportError, match=r'pip install "legacy_bn\[image\]"'):
        image.random_rotation(SMALL, 10)
