"""string for Python 2 files: the constants and functions Python 3 dropped from it."""
import string

from . import ForwardingModule


def maketrans(frm, to):
    return str.maketrans(frm, to)


def join(words, sep=' '):
    return sep.join(words)


def split(s, sep=None, maxsplit=-1):
    return s.split(sep, maxsplit)


def atoi(s, base=10):
    return int(s, base)


def atof(s):
    return float(s)


MODULE = ForwardingModule(string, {
    'letters': string.ascii_letters, 'lowercase': string.ascii_lowercase,
    'uppercase': string.ascii_uppercase, 'maketrans': maketrans, 'join': join,
    'split': split, 'atoi': atoi, 'atof': atof, 'lower': str.lower, 'upper': str.upper,
    'strip': str.strip, 'replace': str.replace, 'find': str.find, 'zfill': str.zfill})
