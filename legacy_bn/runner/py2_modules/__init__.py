"""Python 2's standard modules for the runner's Python 2 files, and the `__import__` that gives
them out.

A Python 2 file (and only such a file: the runner gives it its own builtins, with
py2_import as `__import__`) that says `import cPickle`, `from cStringIO import StringIO`,
`import urllib2`, `import Queue` ... gets the stand-in here; `import sys`, `import string`,
`import itertools`, `import urllib` and `import pickle` get the real module seen through a
ForwardingModule that adds what Python 2 had (sys.maxint, string.letters, itertools.izip ...).
Nothing is registered under the Python 2 names in sys.modules, so installed packages that
probe `try: import cPickle` still see Python 3.
"""
import builtins
import importlib
import types

# Python 2 name -> module of this package that stands in for it
STANDINS = {'cPickle': 'pickle2', 'pickle': 'pickle2', 'cStringIO': 'stringio2',
            'StringIO': 'stringio2', 'urllib2': 'urllib2', 'sys': 'sys2', 'string': 'string2',
            'itertools': 'itertools2', 'urllib': 'urllib1', '__builtin__': 'builtin2'}
# Python 2 name -> the Python 3 module that is the same thing under a new name
RENAMED = {'Queue': 'queue', 'ConfigParser': 'configparser', 'urlparse': 'urllib.parse',
           'httplib': 'http.client', 'HTMLParser': 'html.parser', 'cookielib': 'http.cookiejar',
           'Tkinter': 'tkinter', 'tkMessageBox': 'tkinter.messagebox', 'copy_reg': 'copyreg',
           'commands': 'subprocess', 'htmlentitydefs': 'html.entities', 'SocketServer':
           'socketserver', 'anydbm': 'dbm', 'thread': '_thread', 'repr': 'reprlib',
           'UserDict': 'collections', 'UserList': 'collections'}


class ForwardingModule(types.ModuleType):
    """A module that shows a real module plus a few names of its own; attributes set on it
    are set on the real module (`sys.stdout = log` must reach the real sys)."""

    def __init__(self, real, extras, name=None):
        super().__init__(name or real.__name__, real.__doc__)
        object.__setattr__(self, '_real', real)
        self.__dict__.update(extras)

    def __getattr__(self, name):
        return getattr(object.__getattribute__(self, '_real'), name)

    def __setattr__(self, name, value):
        if name in self.__dict__:
            self.__dict__[name] = value
        else:
            setattr(self._real, name, value)

    def __dir__(self):
        return sorted(set(dir(self._real)) | set(self.__dict__))


def standin(name):
    """The module a Python 2 file gets for `import name`, or None when it is Python 3's."""
    if name in STANDINS:
        module = importlib.import_module(__name__ + '.' + STANDINS[name])
        return getattr(module, 'MODULE', module)
    if name in RENAMED:
        return importlib.import_module(RENAMED[name])
    return None


def py2_import(name, globals=None, locals=None, fromlist=(), level=0):
    """`__import__` for Python 2 files: Python 2's module names give their stand-ins."""
    if level == 0:
        top = name.partition('.')[0]
        if top in STANDINS or top in RENAMED:
            if name == top:
                return standin(top)
            builtins.__import__(name, globals, locals, fromlist, level)
            return standin(top) if not fromlist else importlib.import_module(name)
    return builtins.__import__(name, globals, locals, fromlist, level)
