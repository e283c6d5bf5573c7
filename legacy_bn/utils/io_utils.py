"""Files replaced atomically: written to a temporary file beside the target, then renamed
over it, so a reader never sees half a file and a killed writer never truncates one.

A writer killed midway leaves its temporary file behind; the next write of the same target
removes such leftovers (see remove_stale_temps), so they do not pile up.
"""
import contextlib
import os
import re
import time

import numpy as np

STALE_SECONDS = 60

# after the prefix '.<target name>.': 'tmp-<pid>-<hex>' (this module), and the names used
# before it: 'tmp-<hex>' (save_weights) and '<hex>.part' (the MNIST cache)
_TEMP_NAME = re.compile(r'tmp-(?:(?P<pid>\d+)-)?[0-9a-f]+|[0-9a-f]+\.part')


def temp_path(target):
    """A fresh temporary path in target's directory that names the writing process."""
    directory, name = os.path.split(os.path.abspath(target))
    return os.path.join(directory, '.%s.tmp-%d-%s' % (name, os.getpid(), os.urandom(8).hex()))


def remove_stale_temps(target, stale_seconds=STALE_SECONDS):
    """Delete the temporary files of `target` whose writer is gone: those naming a process
    that no longer runs, and those nobody has written to for `stale_seconds`. Returns the
    paths removed."""
    directory, name = os.path.split(os.path.abspath(target))
    prefix = '.%s.' % name
    try:
        entries = os.listdir(directory)
    except OSError:
        return []
    removed = []
    now = time.time()
    for entry in entries:
        match = entry.startswith(prefix) and _TEMP_NAME.fullmatch(entry[len(prefix):])
        if not match:
            continue
        path = os.path.join(directory, entry)
        try:
            pid = match.group('pid')
            if (pid is not None and not _running(int(pid))) or \
                    now - os.stat(path).st_mtime > stale_seconds:
                os.remove(path)
                removed.append(path)
        except OSError:         # gone meanwhile, or not ours to remove
            continue
    return removed


def _running(pid):
    if pid == os.getpid():
        return True
    if os.name != 'posix':
        return True             # unknown: only the age rule applies
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:             # exists, owned by someone else
        return True
    return True


@contextlib.contextmanager
def atomic_file(target):
    """`with atomic_file(target) as tmp:` write `tmp`; on success it replaces `target`, on
    any failure it is removed. Stale temporary files of `target` are removed first."""
    remove_stale_temps(target)
    tmp = temp_path(target)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


# -- Keras 4e1ec93's keras.utils.io_utils: HDF5Matrix, save_array, load_array (h5py optional) --
def _h5py():
    try:
        import h5py
    except ImportError:
        raise ImportError('HDF5Matrix, save_array and load_array need h5py: '
                          'pip install "legacy_bn[hdf5]" (or pip install h5py)') from None
    return h5py


class HDF5Matrix(object):
    """Rows start..end-1 of an HDF5 dataset, indexed like an array (what fit slices with).

    Files are opened read-only once per path and shared (`refs`). Index arrays may come
    in any order (fit's shuffled batches): they are read in increasing order, as HDF5
    requires, and returned in the order asked. `normalizer` is applied to what is read.
    """
    refs = {}

    def __init__(self, datapath, dataset, start, end, normalizer=None):
        if datapath not in self.refs:
            self.refs[datapath] = _h5py().File(datapath, 'r')  # 2015: mode 'a' created files
        self.data = self.refs[datapath][dataset]
        if not 0 <= start <= end <= len(self.data):
            raise IndexError('HDF5Matrix: rows %d..%d are not within the %d rows of %s in %s'
                             % (start, end, len(self.data), dataset, datapath))
        self.start = start
        self.end = end
        self.normalizer = normalizer

    def __len__(self):
        return self.end - self.start

    def __getitem__(self, key):
        n = len(self)
        if isinstance(key, slice):
            first, stop, step = key.indices(n)
            if step != 1:
                return self._read(np.arange(first, stop, step))
            values = self.data[self.start + first:self.start + max(first, stop)]
        elif isinstance(key, (int, np.integer)):
            if not -n <= key < n:
                raise IndexError('HDF5Matrix: index %d is out of range for %d rows' % (key, n))
            values = self.data[self.start + key % n]
        else:
            return self._read(np.asarray(key))
        return self.normalizer(values) if self.normalizer is not None else values

    def _read(self, rows):
        n = len(self)
        if rows.dtype.kind not in 'iu' or rows.ndim != 1:
            raise IndexError('HDF5Matrix: index with ints, a slice or a 1-D integer array, '
                             'got %s of shape %s' % (rows.dtype, rows.shape))
        if rows.size and not (-n <= rows.min() and rows.max() < n):
            raise IndexError('HDF5Matrix: indices must be within -%d..%d' % (n, n - 1))
        if not rows.size:
            values = np.empty((0,) + tuple(self.data.shape[1:]), dtype=self.data.dtype)
            return self.normalizer(values) if self.normalizer is not None else values
        unique, where = np.unique(rows % n, return_inverse=True)
        values = self.data[(self.start + unique).tolist()][where]
        return self.normalizer(values) if self.normalizer is not None else values

    @property
    def shape(self):
        return (self.end - self.start,) + tuple(self.data.shape[1:])

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def dtype(self):
        return self.data.dtype


def save_array(array, name):
    """`array` as dataset 'data' of the HDF5 file `name` (2015 wrote it with PyTables; the
    attributes below let PyTables read this one too). Written atomically."""
    h5py = _h5py()
    array = np.asarray(array)
    with atomic_file(name) as tmp:
        with h5py.File(tmp, 'w') as f:
            ds = f.create_dataset('data', data=array)
            for key, value in (('CLASS', b'CARRAY'), ('VERSION', b'1.1'), ('TITLE', b'')):
                ds.attrs[key] = np.bytes_(value)


def load_array(name):
    """The array save_array wrote (or 2015's PyTables save_array)."""
    with _h5py().File(name, 'r') as f:
        if 'data' not in f:
            raise ValueError('load_array(%s): no dataset "data" in this HDF5 file' % name)
        return f['data'][()]
