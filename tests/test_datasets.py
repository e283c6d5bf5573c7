"""datasets: get_file's cache, untar and network policy, and the 2015 loaders on small files in
2015's formats that the tests write (the real files cannot be downloaded here)."""
import gzip
import io
import os
import pickle
import pickletools
import struct
import tarfile
import time

import numpy as np
import pytest

from legacy_bn.datasets import cifar10, cifar100, data_utils, imdb, reuters
from legacy_bn.datasets.data_utils import DatasetNotAvailableError


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache directory, downloads off (a test that downloads turns them on)."""
    monkeypatch.setenv(data_utils.DATA_DIR_ENV, str(tmp_path))
    monkeypatch.setenv(data_utils.OFFLINE_ENV, '1')
    return tmp_path


def py2_pickle(obj):
    """`obj` pickled as Python 2 did (protocol 2), its str as Python 2 byte strings."""
    out, raw = io.BytesIO(), pickle.dumps(obj, protocol=2)
    last = 0
    for op, arg, pos in pickletools.genops(raw):
        if op.name == 'BINUNICODE':
            data = arg.encode('latin1')
            out.write(raw[last:pos] + b'T' + struct.pack('<I', len(data)) + data)
            last = pos + 5 + len(arg.encode('utf-8'))
    out.write(raw[last:])
    return out.getvalue()


def test_py2_pickle_helper_writes_byte_strings():
    raw = py2_pickle({'data': 1, 'caf\xe9': [2]})
    assert data_utils.unpickle(raw) == {'data': 1, 'caf\xe9': [2]}
    assert data_utils.unpickle(raw, encoding='bytes') == {b'data': 1, b'caf\xe9': [2]}


# -- get_file -----------------------------------------------------------------------------------
def test_missing_file_offline_fails_fast_and_says_where_to_put_it(cache):
    start = time.time()
    with pytest.raises(DatasetNotAvailableError) as info:
        imdb.load_data()
    assert time.time() - start < 2
    message = str(info.value)
    assert message.startswith('dataset not available offline: imdb.pkl is not in %s' % cache)
    assert 'https://s3.amazonaws.com/text-datasets/imdb.pkl' in message
    assert 'put it at %s' % (cache / 'imdb.pkl') in message
    assert isinstance(info.value, OSError) and os.listdir(str(cache)) == []
    with pytest.raises(DatasetNotAvailableError) as info:
        cifar10.load_data()
    assert ('put it (cifar-10-python.tar.gz) at %s or, under that name, in %s (or its '
            'extracted directory at %s)' % (cache / 'cifar-10-batches-py.tar.gz', cache,
                                            cache / 'cifar-10-batches-py')) in str(info.value)


def test_unresolvable_or_hanging_host_fails_within_the_bound(cache, monkeypatch):
    monkeypatch.delenv(data_utils.OFFLINE_ENV)

    def no_dns(*args):
        raise OSError('Name or service not known')
    monkeypatch.setattr(data_utils.socket, 'getaddrinfo', no_dns)
    with pytest.raises(DatasetNotAvailableError,
                       match='cannot resolve s3.amazonaws.com: Name or service not known'):
        reuters.get_word_index()
    monkeypatch.setattr(data_utils.socket, 'getaddrinfo', lambda *args: time.sleep(3))
    monkeypatch.setattr(data_utils, 'RESOLVE_SECONDS', 0.2)
    start = time.time()
    with pytest.raises(DatasetNotAvailableError, match='no answer within 0.2 s'):
        reuters.load_data()
    assert time.time() - start < 2 and os.listdir(str(cache)) == []


def test_download_is_atomic(cache, monkeypatch, tmp_path_factory, capsys):
    monkeypatch.delenv(data_utils.OFFLINE_ENV)
    source = tmp_path_factory.mktemp('server') / 'blob.bin'
    source.write_bytes(os.urandom(200000))
    path = data_utils.get_file('blob.bin', origin=source.as_uri())
    assert path == str(cache / 'blob.bin')
    assert (cache / 'blob.bin').read_bytes() == source.read_bytes()
    assert 'Downloading data from ' + source.as_uri() in capsys.readouterr().out
    assert data_utils.get_file('blob.bin', origin='http://never.used/') == path  # cached
    # a file put in the cache under the name its origin gives it (babi_rnn.py's case)
    (cache / 'tasks_1-20_v1-2.tar.gz').write_bytes(b'x')
    assert data_utils.get_file('babi-tasks-v1-2.tar.gz', origin='http://host/tasks_1-20_v1-2.tar.gz') \
        == str(cache / 'tasks_1-20_v1-2.tar.gz')

    class Broken:
        headers = {'Content-Length': '100000'}

        def __init__(self):
            self.calls = 0

        def read(self, n):
            self.calls += 1
            if self.calls > 1:
                raise ConnectionResetError('connection reset')
            return b'x' * n

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False
    monkeypatch.setattr(data_utils.urllib.request, 'urlopen', lambda url, timeout: Broken())
    with pytest.raises(DatasetNotAvailableError, match='ConnectionResetError: connection reset'):
        data_utils.get_file('other.bin', origin='file:///nowhere')
    assert sorted(os.listdir(str(cache))) == ['blob.bin', 'tasks_1-20_v1-2.tar.gz']  # no partial


def test_paranoid_url_opener_retrieves_with_2015s_hook(tmp_path):
    source = tmp_path / 'src.bin'
    source.write_bytes(b'y' * 20000)
    calls = []
    target = str(tmp_path / 'copy.bin')
    data_utils.ParanoidURLopener().retrieve(source.as_uri(), target,
                                            lambda *args: calls.append(args))
    assert open(target, 'rb').read() == source.read_bytes()
    assert calls[-1][2] == 20000 and calls[-1][0] * calls[-1][1] >= 20000


# -- CIFAR ----------------------------------------------------------------------------------------
def cifar_batch(rng, n, label_keys):
    d = {'batch_label': 'testing batch', 'data': rng.randint(0, 256, size=(n, 3072)).astype('uint8'),
         'filenames': ['img_%d.png' % i for i in range(n)]}
    for key, classes in label_keys.items():
        d[key] = [int(v) for v in rng.randint(0, classes, size=n)]
    return d


def write_tarball(path, dirname, members):
    with tarfile.open(str(path), 'w:gz') as tar:
        for name, obj in members.items():
            raw = py2_pickle(obj)
            info = tarfile.TarInfo('%s/%s' % (dirname, name))
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))


@pytest.mark.parametrize('tarball', ['cifar-10-batches-py.tar.gz',  # 2015's name for it
                                     'cifar-10-python.tar.gz'])     # its published name
def test_cifar10_from_its_tarball(cache, rng, capsys, tarball):
    batches = {'data_batch_%d' % i: cifar_batch(rng, 3, {'labels': 10}) for i in range(1, 6)}
    batches['test_batch'] = cifar_batch(rng, 2, {'labels': 10})
    write_tarball(cache / tarball, 'cifar-10-batches-py', batches)
    (X_train, y_train), (X_test, y_test) = cifar10.load_data()
    assert 'Untaring file...' in capsys.readouterr().out
    assert X_train.shape == (15, 3, 32, 32) and X_train.dtype == np.uint8
    np.testing.assert_array_equal(X_train[3], batches['data_batch_2']['data'][0].reshape(3, 32, 32))
    assert y_train.shape == (15, 1) and y_train.dtype == np.uint8   # 2015's dtypes
    assert y_test.shape == (2, 1) and y_test.dtype == np.int64
    assert y_train[:, 0].tolist() == sum((batches['data_batch_%d' % i]['labels']
                                          for i in range(1, 6)), [])
    np.testing.assert_array_equal(X_test.reshape(2, -1), batches['test_batch']['data'])
    # the extracted directory is enough from now on (2015 wanted the tarball too)
    os.remove(str(cache / tarball))
    np.testing.assert_array_equal(cifar10.load_data()[0][0], X_train)


def test_cifar100_fine_and_coarse(cache, rng):
    keys = {'fine_labels': 100, 'coarse_labels': 20}
    parts = {'train': cifar_batch(rng, 4, keys), 'test': cifar_batch(rng, 2, keys), 'meta': {}}
    write_tarball(cache / 'cifar-100-python.tar.gz', 'cifar-100-python', parts)  # 2015's name
    for mode in ('fine', 'coarse'):
        (X_train, y_train), (X_test, y_test) = cifar100.load_data(mode)
        assert X_train.shape == (4, 3, 32, 32) and y_test.shape == (2, 1)
        assert y_train[:, 0].tolist() == parts['train'][mode + '_labels']
    with pytest.raises(ValueError, match='label_mode must be "fine" or "coarse", got .medium.'):
        cifar100.load_data('medium')


def test_damaged_tarball_leaves_nothing_extracted(cache):
    (cache / 'cifar-10-batches-py.tar.gz').write_bytes(b'\x1f\x8b not really gzip')
    with pytest.raises(ValueError, match='cifar-10-batches-py.tar.gz is not a complete .tar.gz '
                                         'archive'):
        cifar10.load_data()
    assert os.listdir(str(cache)) == ['cifar-10-batches-py.tar.gz']
    write_tarball(cache / 'cifar-10-batches-py.tar.gz', 'something-else', {'x': {}})
    with pytest.raises(ValueError, match=r'does not contain cifar-10-batches-py/ \(it holds '
                                         r'something-else\)'):
        cifar10.load_data()
    assert os.listdir(str(cache)) == ['cifar-10-batches-py.tar.gz']


def test_cifar_batch_of_the_wrong_shape(cache, rng):
    batch = cifar_batch(rng, 2, {'labels': 10})
    batch['data'] = batch['data'][:, :100]
    write_tarball(cache / 'cifar-10-batches-py.tar.gz', 'cifar-10-batches-py',
                  {'data_batch_%d' % i: batch for i in range(1, 6)})
    with pytest.raises(ValueError, match=r'data_batch_1: expected data \(N, 3072\) with N labels, '
                                         r'got data \(2, 100\) and 2 labels'):
        cifar10.load_data()


# -- imdb and reuters -----------------------------------------------------------------------------
def word_data():
    rs = np.random.RandomState(0)
    X = [[int(w) for w in rs.randint(1, 30, size=rs.randint(1, 12))] for _ in range(23)]
    labels = [int(v) for v in rs.randint(0, 2, size=23)]
    topics = [int(v) for v in rs.randint(0, 5, size=23)]
    return X, labels, topics


# Printed by Keras 4e1ec93's imdb.load_data(...) / reuters.load_data(...) on word_data()'s
# pickles; then np.random.randint(10**6) (the loaders re-seed the global generator).
IMDB_DEFAULT = [[[[1, 20, 21, 9, 13, 7, 4], [1, 16, 29, 14, 24, 15, 8], [1, 18, 28, 21, 9, 29, 17, 12, 13], [1, 29, 4, 14, 24, 27, 7, 15, 22, 27, 2], [1, 13, 14, 30, 28, 5], [1, 7, 10, 27, 15, 18, 22, 31, 4, 18, 7], [1, 25, 22, 8, 27], [1, 28, 21, 23, 23], [1, 4, 4, 8], [1, 22, 18, 7, 24], [1, 23, 20, 23, 9, 19], [1, 18, 11, 4, 5], [1, 25, 13, 4, 14, 22, 15, 30, 27], [1, 6, 14, 17, 20], [1, 4, 21, 22, 8, 6, 20], [1, 8, 19, 24, 7, 16, 8, 24], [1, 4, 7, 31, 7, 11, 13], [1, 18, 19, 24, 7, 30, 27, 19, 17, 25]], [0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0]], [[[1, 29, 6, 7], [1, 11, 13], [1, 9, 10, 12, 24, 21, 19], [1, 28, 28, 16, 30, 5, 10, 11], [1, 22]], [0, 1, 1, 1, 0]]]
IMDB_OPTIONS = dict(nb_words=20, skip_top=2, maxlen=9, test_split=0.3, seed=5)
IMDB_WITH_OPTIONS = [[[[2, 6, 14, 17, 2], [2, 2, 2, 16, 2, 5, 10, 11], [2, 4, 2, 2, 8, 6, 2], [2, 2, 2, 9, 13, 7, 4], [2, 2, 18, 7, 2], [2, 9, 10, 12, 2, 2, 19], [2, 2], [2, 2, 2, 8, 2], [2, 2, 6, 7], [2, 11, 13], [2, 4, 7, 2, 7, 11, 13], [2, 13, 14, 2, 2, 5]], [0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0]], [[[2, 18, 11, 4, 5], [2, 2, 2, 2, 9, 19], [2, 4, 4, 8], [2, 2, 2, 2, 2], [2, 8, 19, 2, 7, 16, 8, 2], [2, 16, 2, 14, 2, 15, 8]], [0, 1, 0, 1, 0, 1]]]
IMDB_OOV7 = [[[[7, 7, 6, 10, 4, 1], [13, 7, 11, 7, 12, 5], [7, 7, 7, 6, 7, 14, 9, 10], [7, 1, 11, 7, 7, 4, 12, 7, 7, 7], [10, 11, 7, 7, 2], [4, 7, 7, 12, 7, 7, 7, 1, 7, 4], [7, 7, 5, 7], [7, 7, 7, 7], [1, 1, 5], [7, 7, 4, 7], [7, 7, 7, 6, 7], [7, 8, 1, 2], [7, 10, 1, 11, 7, 12, 7, 7], [3, 11, 14, 7], [1, 7, 7, 5, 3, 7], [5, 7, 7, 4, 13, 5, 7], [1, 4, 7, 4, 8, 10], [7, 7, 7, 4, 7, 7, 7, 14, 7]], [0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0]], [[[7, 3, 4], [8, 10], [6, 7, 9, 7, 7, 7], [7, 7, 13, 7, 2, 7, 8], [7]], [0, 1, 1, 1, 0]]]
NP_RANDINT_AFTER = {'default': 306478, 'options': 261662}
REUTERS_NB25 = [[[[1, 20, 21, 9, 13, 7, 4], [1, 16, 2, 14, 24, 15, 8], [1, 18, 2, 21, 9, 2, 17, 12, 13], [1, 2, 4, 14, 24, 2, 7, 15, 22, 2, 2], [1, 13, 14, 2, 2, 5], [1, 7, 10, 2, 15, 18, 22, 2, 4, 18, 7], [1, 2, 22, 8, 2], [1, 2, 21, 23, 23], [1, 4, 4, 8], [1, 22, 18, 7, 24], [1, 23, 20, 23, 9, 19], [1, 18, 11, 4, 5], [1, 2, 13, 4, 14, 22, 15, 2, 2], [1, 6, 14, 17, 20], [1, 4, 21, 22, 8, 6, 20], [1, 8, 19, 24, 7, 16, 8, 24], [1, 4, 7, 2, 7, 11, 13], [1, 18, 19, 24, 7, 2, 2, 19, 17, 2]], [4, 2, 0, 3, 0, 0, 0, 3, 0, 3, 0, 2, 0, 4, 3, 2, 3, 0]], [[[1, 2, 6, 7], [1, 11, 13], [1, 9, 10, 12, 24, 21, 19], [1, 2, 2, 16, 2, 5, 10, 11], [1, 22]], [4, 3, 0, 4, 2]]]


def json_like(x):
    return [json_like(v) for v in x] if isinstance(x, (list, tuple)) else x


def test_imdb_as_2015(cache):
    X, labels, _ = word_data()
    (cache / 'imdb.pkl').write_bytes(py2_pickle((X, labels)))
    assert json_like(imdb.load_data()) == IMDB_DEFAULT
    assert np.random.randint(10 ** 6) == NP_RANDINT_AFTER['default']
    assert json_like(imdb.load_data(**IMDB_OPTIONS)) == IMDB_WITH_OPTIONS
    assert np.random.randint(10 ** 6) == NP_RANDINT_AFTER['options']
    assert json_like(imdb.load_data(start_char=None, index_from=0, oov_char=7,
                                    nb_words=15)) == IMDB_OOV7


def test_imdb_gzipped_and_removing_out_of_range_words(cache):
    X, labels, _ = word_data()
    (cache / 'imdb.pkl.gz').write_bytes(gzip.compress(py2_pickle((X, labels))))
    (X_train, _), (X_test, _) = imdb.load_data('imdb.pkl.gz', nb_words=10, skip_top=3,
                                               oov_char=None)
    words = [w for x in X_train + X_test for w in x]
    # 2015 kept exactly the words outside [skip_top, nb_words) here
    assert words and all(3 <= w < 10 for w in words)
    with_oov = imdb.load_data('imdb.pkl.gz', nb_words=10, skip_top=3)
    assert [[w for w in x if w != 2] for x in with_oov[0][0]] == X_train


def test_reuters_and_word_index(cache):
    X, _, topics = word_data()
    (cache / 'reuters.pkl').write_bytes(py2_pickle((X, topics)))
    assert json_like(reuters.load_data(nb_words=25)) == REUTERS_NB25
    (cache / 'reuters_word_index.pkl').write_bytes(py2_pickle({'oil': 3, 'caf\xc3\xa9': 9}))
    assert reuters.get_word_index() == {'oil': 3, 'caf\xe9': 9}  # Python 2's UTF-8 bytes


def test_make_reuters_dataset(tmp_path, monkeypatch, capsys):
    sgm = tmp_path / 'sgm'
    sgm.mkdir()
    wire = '<TOPICS><D>%s</D></TOPICS><TEXT><BODY>%s</BODY></TEXT>'
    wires = [wire % ('oil', 'Oil prices rose'), wire % ('oil', 'oil fell'),
             wire % ('grain', 'Grain is grain'), '<TOPICS><D>a</D><D>b</D></TOPICS>']
    (sgm / 'reut2-000.sgm').write_text(''.join(wires), encoding='latin-1')
    monkeypatch.chdir(tmp_path)
    X, labels = reuters.make_reuters_dataset(str(sgm), min_samples_per_topic=2)
    assert labels == [0, 0] and X == [[1, 2, 3], [1, 4]]  # "oil" is the most frequent word
    assert 'Kept topics: 1' in capsys.readouterr().out
    with open(str(tmp_path / 'datasets' / 'data' / 'reuters.pkl'), 'rb') as f:
        assert pickle.load(f) == (X, labels)


def test_bad_pickles_are_named_and_never_run(cache):
    (cache / 'imdb.pkl').write_bytes(b"cos\nsystem\n(S'echo pwned'\ntR.")
    with pytest.raises(ValueError, match=r'imdb.pkl cannot be read as a dataset pickle '
                                         r'\(UnpicklingError: os.system is not allowed'):
        imdb.load_data()
    (cache / 'reuters.pkl').write_bytes(py2_pickle(([[1]], [0, 1])))
    with pytest.raises(ValueError, match=r'reuters.pkl is not a \(sequences, labels\) pickle'):
        reuters.load_data()
