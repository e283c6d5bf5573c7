"""Files replaced atomically: written to a temporary file beside the target, then renamed
over it, so a reader never sees half a file and a killed writer never truncates one.

A writer killed midway leaves its temporary file behind; the next write of the same target
removes such leftovers (see remove_stale_temps), so they do not pile up.
"""
import contextlib
import os
import re
import time

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
