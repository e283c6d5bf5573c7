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

# Temporary names of earlier legacy_bn versions carry no start time, or no writer at all: such
# a file is removed when its writer is gone or, without a writer's name, after a day.
LEGACY_STALE_SECONDS = 24 * 3600

# after the prefix '.<target name>.': 'tmp-<pid>s<start>-<hex>' (this module: the writer's
# pid and start time, so a reused pid is not taken for the writer), and the names used before
# it: 'tmp-<pid>-<hex>', 'tmp-<hex>' (save_weights) and '<hex>.part' (the MNIST cache)
_TEMP_NAME = re.compile(r'tmp-(?:(?P<pid>\d+)(?:s(?P<start>\d+))?-)?[0-9a-f]+|[0-9a-f]+\.part')


def temp_path(target):
    """A fresh temporary path in target's directory that names the writing process."""
    directory, name = os.path.split(os.path.abspath(target))
    start = _start_time(os.getpid())
    return os.path.join(directory, '.%s.tmp-%d%s-%s' % (
        name, os.getpid(), '' if start is None else 's%d' % start, os.urandom(8).hex()))


def remove_stale_temps(target, legacy_stale_seconds=LEGACY_STALE_SECONDS):
    """Delete the temporary files of `target` whose writer is gone: the process the name
    gives (pid and start time) no longer runs. Age alone never removes a file a live writer
    may still be writing; only names without a writer are removed by age (a day). Returns
    the paths removed."""
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
            pid, start = match.group('pid'), match.group('start')
            if pid is not None:
                gone = not _writer_running(int(pid), None if start is None else int(start))
            else:
                gone = now - os.stat(path).st_mtime > legacy_stale_seconds
            if gone:
                os.remove(path)
                removed.append(path)
        except OSError:         # gone meanwhile, or not ours to remove
            continue
    return removed


def _start_time(pid):
    """The process's start time in clock ticks since boot (Linux /proc), or None."""
    try:
        with open('/proc/%d/stat' % pid, 'rb') as f:
            fields = f.read().rsplit(b')', 1)[1].split()
        return int(fields[19])      # field 22 of stat(5); fields[0] is field 3
    except (OSError, IndexError, ValueError):
        return None


def _writer_running(pid, start):
    """Whether the process that wrote a temp file still runs: its pid exists and, where the
    name records one, with the same start time (not a later process that reused the pid)."""
    if os.name != 'posix':
        return True             # unknown: keep it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:             # exists, owned by someone else
        pass
    if start is None:
        return True
    now_start = _start_time(pid)
    return now_start is None or now_start == start


@contextlib.contextmanager
def atomic_file(target, exclusive=False):
    """`with atomic_file(target) as tmp:` write `tmp`; on success it replaces `target`, on
    any failure it is removed. Stale temporary files of `target` are removed first.
    exclusive: the target must not exist when the write completes (FileExistsError
    otherwise): it is linked into place, which fails atomically when another writer got
    there first, where check-then-rename let both "win"."""
    remove_stale_temps(target)
    tmp = temp_path(target)
    try:
        yield tmp
        if exclusive:
            _link_exclusive(tmp, target)
        else:
            os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


def _link_exclusive(tmp, target):
    try:
        os.link(tmp, target)        # FileExistsError if a file is there
    except FileExistsError:
        raise
    except OSError:                 # no hard links on this file system: the best we can do
        fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        os.close(fd)
        os.replace(tmp, target)
        return
    os.remove(tmp)


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
