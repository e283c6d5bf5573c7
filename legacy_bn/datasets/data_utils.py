"""keras.datasets.data_utils: the dataset cache, as Keras 4e1ec93 laid it out.

get_file(fname, origin, untar=False) returns `<cache>/<fname>`; with untar, the
directory `<cache>/<fname>` extracted from `<cache>/<fname>.tar.gz`. The cache is
`$LEGACY_BN_DATA_DIR` if set, else `~/.keras/datasets` (2015's), with 2015's file
names, so files fetched by 2015 Keras are found where they are.

Network policy. A file that is not in the cache is downloaded from `origin` only with
bounded waits: the host name must resolve within RESOLVE_SECONDS and every connect or
read must progress within SOCKET_TIMEOUT_SECONDS, so an offline machine fails within
seconds, never hangs. `LEGACY_BN_OFFLINE=1` skips the attempt altogether. When the
file cannot be had, DatasetNotAvailableError says which file to put where. Downloads
and extractions are written beside their target and renamed into place only when
complete: an interrupted one leaves nothing behind.
"""
import gzip
import io
import os
import pickle
import shutil
import socket
import tarfile
import threading
import urllib.parse
import urllib.request

import numpy as np

from ..utils.generic_utils import Progbar
from ..utils.io_utils import atomic_file, temp_path

DATA_DIR_ENV = 'LEGACY_BN_DATA_DIR'
DEFAULT_DATA_DIR = os.path.join('~', '.keras', 'datasets')
OFFLINE_ENV = 'LEGACY_BN_OFFLINE'
RESOLVE_SECONDS = 5
SOCKET_TIMEOUT_SECONDS = 15


class DatasetNotAvailableError(OSError):
    """A dataset file is not in the cache and could not be downloaded.

    An OSError, as 2015's failed download was, so old `except IOError` handlers still
    catch it. `path` is where the file belongs, `origin` where it comes from."""

    def __init__(self, path, origin, reason, extracted=None):
        self.path, self.origin, self.reason = path, origin, reason
        name = os.path.basename(urllib.parse.urlsplit(origin).path)
        if name and name != os.path.basename(path):
            where = 'put it (%s) at %s or, under that name, in %s' % (
                name, path, os.path.dirname(path))
        else:
            where = 'put it at %s' % path
        if extracted:
            where += ' (or its extracted directory at %s)' % extracted
        super().__init__(
            'dataset not available offline: %s is not in %s and could not be downloaded '
            'from %s (%s).\nTo use it, download that file on a machine with network access '
            'and %s; set %s to use another cache directory.'
            % (os.path.basename(path), os.path.dirname(path), origin, reason, where,
               DATA_DIR_ENV))


def offline():
    """LEGACY_BN_OFFLINE=1 (anything but empty or 0): no network attempt, by any loader."""
    return os.environ.get(OFFLINE_ENV, '') not in ('', '0')


def data_dir():
    """The cache directory: `$LEGACY_BN_DATA_DIR`, else `~/.keras/datasets`."""
    return os.path.expanduser(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)


def get_file(fname, origin, untar=False):
    """The cached path of `fname`, downloading it from `origin` if needed (see the module
    docstring); with untar, the directory extracted from `<fname>.tar.gz`, 2015's name for
    the downloaded archive. A file saved in the cache under the name origin gives it (as a
    browser would) is used too."""
    datadir = data_dir()
    os.makedirs(datadir, exist_ok=True)
    fpath = os.path.join(datadir, fname)
    if untar:
        untar_fpath, fpath = fpath, fpath + '.tar.gz'
        if os.path.isdir(untar_fpath):  # 2015 also wanted the tarball, and re-downloaded it
            return untar_fpath
    published = os.path.join(datadir, os.path.basename(urllib.parse.urlsplit(origin).path))
    if not os.path.exists(fpath) and os.path.isfile(published):
        fpath = published  # put in the cache by hand, under the name it is published as
    if not os.path.exists(fpath):
        _check_inside(datadir, fpath, fname, untar)
        try:
            download(origin, fpath)
        except Exception as e:
            reason = str(e) if isinstance(e, _Offline) else '%s: %s' % (type(e).__name__, e)
            raise DatasetNotAvailableError(fpath, origin, reason,
                                           untar_fpath if untar else None) from e
    if untar:
        print('Untaring file...')
        extract(fpath, untar_fpath)
        return untar_fpath
    return fpath


def _check_inside(datadir, fpath, fname, untar):
    """A download (and an extraction) goes into the cache directory and nowhere else. An
    existing file at a path outside it is still read, as 2015 read `path=` arguments."""
    real_dir = os.path.realpath(datadir)
    targets = [fpath] + ([fpath[:-len('.tar.gz')]] if untar else [])
    for target in targets:
        if os.path.dirname(os.path.realpath(target)) != real_dir:
            raise ValueError('get_file: fname %r would be written to %s, outside the dataset '
                             'cache %s; give a plain file name (or the path of a file that '
                             'exists)' % (fname, os.path.realpath(target), real_dir))


class _Offline(OSError):
    """Downloads are switched off."""


def download(origin, fpath):
    """Fetch `origin` into `fpath` (atomically), with 2015's progress bar; fails when
    offline or when the server does not answer within the bounds."""
    if offline():
        raise _Offline('downloads are off: %s is set' % OFFLINE_ENV)
    _check_resolvable(origin)
    print('Downloading data from', origin)
    bar = []

    def progress(count, block_size, total_size):
        if total_size > 0:
            if not bar:
                bar.append(Progbar(total_size))
            bar[0].update(min(count * block_size, total_size))
    _copy_url(origin, fpath, progress)


def _copy_url(url, filename, reporthook=None, block_size=1 << 16):
    """The bytes at `url` into `filename`, atomically; reporthook(count, block_size,
    total_size) after each block, as urlretrieve called it (total_size -1 if unknown)."""
    with atomic_file(filename) as tmp:
        with urllib.request.urlopen(url, timeout=SOCKET_TIMEOUT_SECONDS) as response, \
                open(tmp, 'wb') as out:
            total = int(response.headers.get('Content-Length') or -1)
            count = done = 0
            while True:
                block = response.read(block_size)
                if not block:
                    break
                out.write(block)
                count, done = count + 1, done + len(block)
                if reporthook:
                    reporthook(count, block_size, total)
            if total >= 0 and done != total:
                raise OSError('the download stopped after %d of %d bytes' % (done, total))


def _check_resolvable(origin):
    """Resolve origin's host within RESOLVE_SECONDS (socket timeouts do not cover DNS)."""
    host = urllib.parse.urlsplit(origin).hostname
    if not host:
        return
    outcome = {}

    def resolve():
        try:
            socket.getaddrinfo(host, None)
            outcome['ok'] = True
        except OSError as e:
            outcome['error'] = e

    worker = threading.Thread(target=resolve, daemon=True)
    worker.start()
    worker.join(RESOLVE_SECONDS)
    if 'ok' not in outcome:
        reason = outcome.get('error') or 'no answer within %g s' % RESOLVE_SECONDS
        raise OSError('cannot resolve %s: %s' % (host, reason))


def extract(tar_path, untar_fpath):
    """Extract the archive's `<name>/` directory into the cache as `untar_fpath`, if it is not
    there yet. 2015 extracted every member into the cache; the others are left out, since
    they could plant files that another loader reads. Members are unpacked into a temporary
    directory and moved into place once all are out, so a failed extraction leaves nothing
    behind, and a concurrent extraction of the same archive is not an error."""
    if os.path.exists(untar_fpath):
        return
    name = os.path.basename(untar_fpath)
    staging = temp_path(untar_fpath)
    os.makedirs(staging)
    try:
        try:
            with tarfile.open(tar_path, 'r:gz') as tar:
                wanted = [m for m in tar.getmembers()
                          if m.name == name or m.name.startswith(name + '/')]
                if not wanted:
                    tops = sorted({m.name.split('/')[0] for m in tar.getmembers()})
                    raise ValueError('%s does not contain %s/ (it holds %s)'
                                     % (tar_path, name, ', '.join(tops)))
                tar.extractall(staging, members=wanted, filter='data')  # nothing outside
        except (tarfile.TarError, EOFError, OSError) as e:
            raise ValueError('%s is not a complete .tar.gz archive (%s: %s); delete it and '
                             'fetch it again' % (tar_path, type(e).__name__, e)) from e
        try:
            os.replace(os.path.join(staging, name), untar_fpath)
        except OSError:
            if not os.path.isdir(untar_fpath):   # not merely another process finishing first
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


class ParanoidURLopener(object):
    """2015's downloader class (a FancyURLopener that raised on HTTP errors), kept for code
    that used it: `retrieve(url, filename, reporthook)`, atomic and with bounded waits."""

    def retrieve(self, url, filename, reporthook=None):
        _copy_url(url, filename, reporthook)
        return filename, None


# -- reading the pickles the 2015 datasets ship as -------------------------------------------
class _ArrayUnpickler(pickle.Unpickler):
    """Unpickles plain data and numpy arrays, nothing else: a cached file cannot run code."""
    _allowed = {
        ('numpy', 'ndarray'): np.ndarray,
        ('numpy', 'dtype'): np.dtype,
        ('numpy.core.multiarray', '_reconstruct'): np.ndarray((0,)).__reduce__()[0],
        ('numpy._core.multiarray', '_reconstruct'): np.ndarray((0,)).__reduce__()[0],
        ('numpy.core.multiarray', 'scalar'): np.float64(0).__reduce__()[0],
        ('numpy._core.multiarray', 'scalar'): np.float64(0).__reduce__()[0],
        ('_codecs', 'encode'): __import__('codecs').encode,
    }

    def find_class(self, module, name):
        try:
            return self._allowed[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError('%s.%s is not allowed in a dataset pickle'
                                         % (module, name)) from None


def unpickle(raw, encoding='latin1'):
    """The data in a pickle's bytes. Python 2 pickles (all the 2015 files) hold byte
    strings: latin1 maps them 1:1 to str, 'bytes' keeps them bytes."""
    return _ArrayUnpickler(io.BytesIO(raw), encoding=encoding).load()


def read_pickle(path, encoding='latin1'):
    """unpickle() of a file, gzip-compressed or not; a damaged file is a ValueError naming it."""
    with open(path, 'rb') as f:
        raw = f.read()
    try:
        return unpickle(gzip.decompress(raw) if raw[:2] == b'\x1f\x8b' else raw, encoding)
    except (pickle.UnpicklingError, EOFError, OSError, ValueError, TypeError, KeyError,
            IndexError, AttributeError) as e:
        raise ValueError('%s cannot be read as a dataset pickle (%s: %s); delete it and fetch '
                         'it again' % (path, type(e).__name__, e)) from e


# -- the word-index datasets (imdb, reuters): 2015's shuffling, offsets and splitting --------
def load_word_sequences(path):
    """(X, labels) from a 2015 imdb.pkl / reuters.pkl: lists of word-index lists and labels."""
    data = read_pickle(path)
    if not (isinstance(data, (tuple, list)) and len(data) == 2 and len(data[0]) == len(data[1])):
        raise ValueError('%s is not a (sequences, labels) pickle of equal lengths' % path)
    return list(data[0]), list(data[1])


def split_word_sequences(X, labels, nb_words=None, skip_top=0, maxlen=None, test_split=0.2,
                         seed=113, start_char=1, oov_char=2, index_from=3):
    """((X_train, y_train), (X_test, y_test)) as 2015's imdb and reuters loaders made them.

    X and labels are shuffled alike (np.random re-seeded with `seed` before each, which
    also leaves the global np.random where 2015 left it); indices are shifted by
    index_from and prefixed with start_char; sequences of maxlen words or more are
    dropped; words with index >= nb_words (default: the largest index, as 2015 counted
    it) or < skip_top become oov_char, or are removed when oov_char is None. The last
    test_split of the samples is the test set."""
    np.random.seed(seed)
    np.random.shuffle(X)
    np.random.seed(seed)
    np.random.shuffle(labels)
    if start_char is not None:
        X = [[start_char] + [w + index_from for w in x] for x in X]
    elif index_from:
        X = [[w + index_from for w in x] for x in X]
    if maxlen:
        kept = [(x, y) for x, y in zip(X, labels) if len(x) < maxlen]
        X, labels = [x for x, _ in kept], [y for _, y in kept]
    if not nb_words:
        nb_words = max([max(x) for x in X if x])
    if oov_char is not None:
        X = [[oov_char if (w >= nb_words or w < skip_top) else w for w in x] for x in X]
    else:  # 2015 kept exactly the words it should have removed
        X = [[w for w in x if skip_top <= w < nb_words] for x in X]
    split = int(len(X) * (1 - test_split))
    return (X[:split], labels[:split]), (X[split:], labels[split:])
