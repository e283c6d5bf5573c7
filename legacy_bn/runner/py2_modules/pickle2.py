"""cPickle/pickle for Python 2 files: Python 2 pickles load (their byte strings as latin-1, as
numpy's own advice for Python 2 pickles says), and pickle files opened in text mode work (Python
2 on Linux read and wrote text-mode files byte for byte)."""
import io
import pickle
import types

from . import ForwardingModule


def _binary(f):
    return f.buffer if isinstance(f, io.TextIOBase) and hasattr(f, 'buffer') else f


def _flushed_binary(f):
    if isinstance(f, io.TextIOBase) and hasattr(f, 'buffer'):
        f.flush()
        return f.buffer
    return f


def load(f, encoding='latin1', errors='strict', **options):
    return pickle.load(_binary(f), encoding=encoding, errors=errors, **options)


def loads(data, encoding='latin1', errors='strict', **options):
    if isinstance(data, str):            # a Python 2 str read from a text-mode file
        data = data.encode('latin-1')
    return pickle.loads(data, encoding=encoding, errors=errors, **options)


def dump(obj, f, protocol=None, **options):
    pickle.dump(obj, _flushed_binary(f), protocol, **options)


def Unpickler(f, encoding='latin1', errors='strict', **options):
    return pickle.Unpickler(_binary(f), encoding=encoding, errors=errors, **options)


def Pickler(f, protocol=None, **options):
    return pickle.Pickler(_flushed_binary(f), protocol, **options)


MODULE = ForwardingModule(pickle, {'load': load, 'loads': loads, 'dump': dump,
                                   'Unpickler': Unpickler, 'Pickler': Pickler}, name='cPickle')
