"""Let unmodified 2015 code import `keras` and `theano`: install_aliases().

After install_aliases(), `import keras.layers.core` and `import legacy_bn.layers.core` give the
SAME module object (each module is loaded once, under its legacy_bn name, and then also
registered under its 2015 name). Aliasing by hand (`sys.modules['keras'] = legacy_bn`) is not
enough: `keras.layers.core` would then be loaded a second time as a separate module, with its
own copies of every class, and mixing the two gives errors that name nothing useful.

A 2015 feature legacy_bn does not have yet fails with an error that names it:
`import keras.layers.recurrent` raises ModuleNotFoundError and `from keras.layers.core import
Merge` raises ImportError, both saying "... is not available yet in legacy_bn".

This module imports nothing heavy (no numpy): `python -m legacy_bn --threads N` calls it
before the BLAS thread settings have to be in place.
"""
import importlib
import importlib.abc
import importlib.util
import sys

from .keras2015 import MODULES as KERAS_2015

# 2015 top-level name -> the legacy_bn package that stands in for it
ALIASES = {
    'keras': 'legacy_bn',
    'theano': 'legacy_bn.theano',
    'keras_layer_normalization': 'legacy_bn.layers.normalization',
}


class NotAvailableYet(ModuleNotFoundError):
    """A 2015 Keras/Theano module that legacy_bn does not provide (yet)."""


def target_name(fullname):
    """The legacy_bn module that stands in for the 2015 module `fullname`, or None."""
    top, dot, rest = fullname.partition('.')
    if top not in ALIASES:
        return None
    return ALIASES[top] + dot + rest


def name_2015(legacy_name):
    """The 2015 name of a legacy_bn module: legacy_bn.theano.x -> theano.x, legacy_bn.x -> keras.x."""
    for new, old in (('legacy_bn.theano', 'theano'), ('legacy_bn', 'keras')):
        if legacy_name == new or legacy_name.startswith(new + '.'):
            return old + legacy_name[len(new):]
    return legacy_name


def missing_message(what):
    if what.startswith('theano'):
        return ('%s is not available yet in legacy_bn (its Theano covers what Keras 4e1ec93 '
                'uses; see docs/compat.md)' % what)
    return ('%s (Keras 4e1ec93) is not available yet in legacy_bn; see the status table in '
            'docs/compat.md' % what)


class AliasLoader(importlib.abc.Loader):
    """Hands the import system the already-loaded legacy_bn module (exec_module does nothing)."""

    def __init__(self, target):
        self.target = target

    def create_module(self, spec):
        module = importlib.import_module(self.target)
        explain_missing_names()
        return module

    def exec_module(self, module):
        pass


class AliasFinder(importlib.abc.MetaPathFinder):
    """On sys.meta_path: resolves keras.*, theano.* and keras_layer_normalization."""

    def find_spec(self, fullname, path=None, target=None):
        target_mod = target_name(fullname)
        if target_mod is None:
            return None
        try:
            found = importlib.util.find_spec(target_mod)
        except ModuleNotFoundError as error:
            # a missing parent package is reported below; a dependency that some legacy_bn
            # module lacks is reported as itself
            if not (error.name and (target_mod + '.').startswith(error.name + '.')):
                raise
            found = None
        if found is None:
            if fullname.startswith('theano.') or fullname in KERAS_2015:
                raise NotAvailableYet(missing_message(fullname), name=fullname)
            return None     # never existed in 2015 either: Python's usual error
        return importlib.util.spec_from_loader(fullname, AliasLoader(target_mod),
                                               is_package=found.submodule_search_locations is not None)


def module_getattr_for(module, previous):
    """A module-level __getattr__ that names a missing 2015 feature.

    `from keras.layers.core import Merge` needs an ImportError to carry a message (Python
    replaces an AttributeError there by its own "cannot import name"), while hasattr() and
    getattr(m, name, default) need an AttributeError: the caller's current instruction tells
    the two apart.
    """
    old_name = name_2015(module.__name__)
    is_theano = old_name.split('.')[0] == 'theano'
    known = set(KERAS_2015.get(old_name, ()))
    known.update(m.rsplit('.', 1)[1] for m in KERAS_2015 if m.rpartition('.')[0] == old_name)

    def __getattr__(name):
        if previous is not None:
            try:
                return previous(name)
            except AttributeError:
                pass
        if name.startswith('_') or not (is_theano or name in known):
            raise AttributeError('module %r has no attribute %r' % (module.__name__, name))
        message = missing_message('%s.%s' % (old_name, name))
        if _caller_is_from_import():
            raise ImportError(message, name=module.__name__)
        raise AttributeError(message)
    __getattr__.explains_missing_2015_names = True
    return __getattr__


def _caller_is_from_import():
    import dis
    frame = sys._getframe(2)
    code = frame.f_code.co_code
    return 0 <= frame.f_lasti < len(code) and dis.opname[code[frame.f_lasti]] == 'IMPORT_FROM'


def explain_missing_names():
    """Give every loaded legacy_bn module that stands in for a 2015 one a __getattr__ that names
    a missing 2015 feature (run at each aliased import, so modules loaded since are covered)."""
    for name, module in list(sys.modules.items()):
        if not (name == 'legacy_bn' or name.startswith('legacy_bn.')) or module is None:
            continue
        old_name = name_2015(name)
        if not (old_name in KERAS_2015 or old_name.split('.')[0] == 'theano'):
            continue
        previous = module.__dict__.get('__getattr__')
        if getattr(previous, 'explains_missing_2015_names', False):
            continue
        module.__getattr__ = module_getattr_for(module, previous)


_finder = AliasFinder()


def install_aliases():
    """Make `import keras[.x]`, `import theano[.x]` and `import keras_layer_normalization` load
    legacy_bn's modules (each once, the same object under both names). Idempotent.

    Raises RuntimeError when the real keras or theano is already imported in this process:
    two implementations in one process would silently mix.
    """
    for old, new in ALIASES.items():
        loaded = sys.modules.get(old)
        if loaded is not None and loaded is not sys.modules.get(new):
            raise RuntimeError('install_aliases(): %r is already imported from %s; call '
                               'install_aliases() before anything imports %s'
                               % (old, getattr(loaded, '__file__', '?'), old))
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)
