"""Weights files and downloads (issue 17, files): bytes paths, a directory as target, NaN in
a loaded file, two saves racing with overwrite=False, one progress line per file in a log."""
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

from legacy_bn.layers.core import Dense
from legacy_bn.models import Sequential
from legacy_bn.utils import io_utils

h5py = pytest.importorskip('h5py')


def model():
    m = Sequential()
    m.add(Dense(3, 2))
    return m


def test_a_bytes_path_saves_and_loads(tmp_path):
    m = model()
    path = os.fsencode(str(tmp_path / 'w.h5'))
    m.save_weights(path)
    again = model()
    again.load_weights(path)
    assert all(np.array_equal(a, b) for a, b in zip(m.get_weights(), again.get_weights()))


def test_saving_onto_a_directory_names_the_users_path(tmp_path):
    with pytest.raises(IsADirectoryError) as e:
        model().save_weights(str(tmp_path), overwrite=True)
    assert str(e.value) == "save_weights(%r): that is a directory; give a file name in it" \
        % str(tmp_path)
    assert os.listdir(str(tmp_path)) == []


def test_nan_in_a_loaded_weights_file_is_said(tmp_path):
    path = str(tmp_path / 'w.h5')
    model().save_weights(path)
    with h5py.File(path, 'a') as f:
        f['layer_0/param_0'][1, 0] = np.nan
    with pytest.warns(RuntimeWarning, match=r"load_weights\('.*w.h5'\): layer_0/param_0 holds "
                                            r"NaN or inf \(first at index \(1, 0\)\)"):
        model().load_weights(path)


def test_overwrite_false_never_replaces_a_file_that_appeared_meanwhile(tmp_path, monkeypatch):
    path = str(tmp_path / 'w.h5')
    real_link = os.link

    def another_process_saves_first(src, dst):
        with open(dst, 'wb') as f:
            f.write(b'the other save')
        return real_link(src, dst)
    monkeypatch.setattr(os, 'link', another_process_saves_first)
    with pytest.raises(FileExistsError):
        model().save_weights(path)
    assert open(path, 'rb').read() == b'the other save'
    assert os.listdir(str(tmp_path)) == ['w.h5']          # no temporary file left


def test_a_live_writers_temp_file_is_kept_however_old_it_is(tmp_path):
    target = str(tmp_path / 'w.h5')
    live = io_utils.temp_path(target)
    open(live, 'wb').close()
    os.utime(live, (0, 0))                                 # 1970
    model().save_weights(target)
    assert os.path.exists(live)


def test_download_outside_a_terminal_prints_one_line_per_file(tmp_path):
    source = tmp_path / 'data.bin'
    source.write_bytes(os.urandom(1 << 18))
    code = ('import os; from legacy_bn.datasets import data_utils as d; '
            'd._check_resolvable = lambda origin: None; '
            'd.download(%r, %r)' % (source.as_uri(), str(tmp_path / 'copy.bin')))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    env.pop('LEGACY_BN_OFFLINE', None)
    out = subprocess.run([sys.executable, '-c', code], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env, universal_newlines=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ['Downloading data from ' + source.as_uri(),
                                       'Downloaded copy.bin (262144 bytes)']


def test_fit_on_an_hdf5_matrix_reads_it_a_batch_at_a_time(tmp_path, monkeypatch):
    X = np.random.RandomState(0).rand(64, 3)
    bad = X.copy()
    bad[37, 1] = np.nan
    for name, values in (('good.h5', X), ('bad.h5', bad)):
        with h5py.File(str(tmp_path / name), 'w') as f:
            f['X'] = values
    reads = []
    real_getitem = io_utils.HDF5Matrix.__getitem__

    def counted(self, key):
        out = real_getitem(self, key)
        reads.append(len(out))
        return out
    monkeypatch.setattr(io_utils.HDF5Matrix, '__getitem__', counted)
    m = model()
    m.compile('sgd', 'mse')
    m.fit(io_utils.HDF5Matrix(str(tmp_path / 'good.h5'), 'X', 0, 64), np.ones((64, 2)),
          batch_size=8, nb_epoch=1, verbose=0, shuffle='batch')
    # one block for the NaN check (up to 2**20 values a block), then one read per batch
    assert reads == [64] + [8] * 8
    with pytest.raises(ValueError, match=r'fit: X contains nan at index \(37, 1\)'):
        m.fit(io_utils.HDF5Matrix(str(tmp_path / 'bad.h5'), 'X', 0, 64), np.ones((64, 2)),
              batch_size=8, nb_epoch=1, verbose=0)


def test_the_nan_check_of_an_on_disk_array_counts_rows_across_blocks():
    from legacy_bn import validation

    class OnDisk(object):                      # what check_finite asks of an HDF5Matrix
        def __init__(self, values):
            self.values, self.shape = values, values.shape

        def __len__(self):
            return len(self.values)

        def __getitem__(self, key):
            return self.values[key]
    values = np.zeros((10, 4))
    values[7, 3] = np.inf
    with pytest.raises(ValueError, match=r'^fit: X contains inf at index \(7, 3\)'):
        validation.check_finite('fit', [('X', OnDisk(values), None)], chunk=8)  # 2 rows a block


@pytest.mark.parametrize('position', [(0, 0), (1, 3), (4, 1), (9, 3)])
def test_the_nan_check_of_an_in_memory_array_finds_a_bad_value_in_any_block(position):
    """Blocks of 8 values over 40: the first, a middle one, the last; a finite array passes."""
    from legacy_bn import validation
    values = np.arange(40, dtype='float32').reshape(10, 4)
    validation.check_finite('fit', [('X', values, None)], chunk=8)
    values[position] = np.nan
    with pytest.raises(ValueError, match=r'^fit: X contains nan at index \(%d, %d\)' % position):
        validation.check_finite('fit', [('X', values, None)], chunk=8)
    with pytest.raises(ValueError, match=r'^fit: X contains nan at index \(%d, %d\)' % position):
        validation.check_finite('fit', [('X', values, None)])
