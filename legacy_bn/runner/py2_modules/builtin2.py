"""__builtin__ for Python 2 files: builtins plus the Python 2 names the runner provides."""
import builtins

from . import ForwardingModule
from ... import py2compat

MODULE = ForwardingModule(builtins, dict(py2compat.PY2_BUILTINS), name='__builtin__')
