"""utils.io_utils's 2015 HDF5 helpers: HDF5Matrix (also as fit's data) and save/load_array."""
import sys

import numpy as np
import pytest

from legacy_bn.layers.core import Dense
from legacy_bn.models import Sequential
from legacy_bn.utils import io_utils

h5py = pytest.importorskip('h5py')


@pytest.fixture
def h5file(tmp_path):
    path = str(tmp_path / 'data.h5')
    with h5py.File(path, 'w') as f:
        f['X'] = np.arange(40, dtype='float32').reshape(10, 4)
        f['y'] = np.arange(10, dtype='float32').reshape(10, 1)
    yield path
    for f in io_utils.HDF5Matrix.refs.values():
        f.close()
    io_utils.HDF5Matrix.refs.clear()


def test_rows_start_to_end_indexed_like_an_array(h5file):
    full = np.arange(40, dtype='float32').reshape(10, 4)
    m = io_utils.HDF5Matrix(h5file, 'X', 2, 8, normalizer=lambda x: x / 2)
    assert len(m) == 6 and m.shape == (6, 4) and m.ndim == 2
    np.testing.assert_array_equal(m[0], full[2] / 2)
    np.testing.assert_array_equal(m[-1], full[7] / 2)        # from the end, as a sequence
    np.testing.assert_array_equal(m[np.int64(1)], full[3] / 2)
    np.testing.assert_array_equal(m[:3], full[2:5] / 2)      # 2015: None + int TypeError
    np.testing.assert_array_equal(m[4:100], full[6:8] / 2)
    np.testing.assert_array_equal(m[::2], full[2:8:2] / 2)
    np.testing.assert_array_equal(m[np.array([5, 0, 3, 0])], full[[7, 2, 5, 2]] / 2)
    np.testing.assert_array_equal(m[[1, 2]], full[[3, 4]] / 2)
    assert m[np.array([], dtype=int)].shape == (0, 4)
    with pytest.raises(IndexError, match='index 6 is out of range for 6 rows'):
        m[6]
    with pytest.raises(IndexError, match=r'indices must be within -6\.\.5'):
        m[np.array([0, 6])]
    with pytest.raises(IndexError, match='rows 5..11 are not within the 10 rows of X'):
        io_utils.HDF5Matrix(h5file, 'X', 5, 11)


def test_fit_takes_hdf5_matrices(h5file):
    X = io_utils.HDF5Matrix(h5file, 'X', 0, 8, normalizer=lambda x: x / 40)
    y = io_utils.HDF5Matrix(h5file, 'y', 0, 8)
    np.random.seed(0)
    model = Sequential()
    model.add(Dense(4, 1))
    model.compile(loss='mse', optimizer='sgd')
    history = model.fit(X, y, batch_size=3, nb_epoch=2, verbose=0, shuffle=True)
    assert len(history.history['loss']) == 2


def test_save_and_load_array(tmp_path):
    a = np.random.RandomState(0).normal(size=(3, 2)).astype('float32')
    path = str(tmp_path / 'a.h5')
    io_utils.save_array(a, path)
    b = io_utils.load_array(path)
    assert b.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    with h5py.File(path, 'r') as f:
        assert f['data'].attrs['CLASS'] == b'CARRAY'   # what PyTables looks for
    assert [p.name for p in tmp_path.iterdir()] == ['a.h5']
    with h5py.File(str(tmp_path / 'other.h5'), 'w') as f:
        f['x'] = 1
    with pytest.raises(ValueError, match='no dataset "data"'):
        io_utils.load_array(str(tmp_path / 'other.h5'))


def test_missing_h5py_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, 'h5py', None)
    with pytest.raises(ImportError, match=r'pip install "legacy_bn\[hdf5\]"'):
        io_utils.save_array(np.zeros(2), str(tmp_path / 'a.h5'))
