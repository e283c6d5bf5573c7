"""sys for Python 2 files: sys.maxint, and sys.setdefaultencoding as a no-op (Python 3's
strings are already unicode: the `reload(sys); sys.setdefaultencoding('utf8')` idiom has
nothing left to do)."""
import sys

from . import ForwardingModule


def setdefaultencoding(name):
    """Python 2's hidden sys.setdefaultencoding: nothing to do on Python 3."""


def exc_clear():
    """Python 2's sys.exc_clear: Python 3 clears the exception at the end of `except`."""


MODULE = ForwardingModule(sys, {'maxint': sys.maxsize, 'setdefaultencoding': setdefaultencoding,
                                'exc_clear': exc_clear})
