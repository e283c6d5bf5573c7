"""Let unmodified 2015 code import `keras` and `theano`: install_aliases().

After install_aliases(), `import keras.layers.core` and `import legacy_bn.layers.core` give the
SAME module object (each module is loaded once, under its legacy_bn name, and then also
registered under its 2015 name). Aliasing by hand (`sys.modules['keras'] = legacy_bn`) is not
enough: `keras.layers.core` would then be loaded a second time as a separate module, with its
own copies of every class, and mixing the two gives errors that name nothing useful.

Which Keras release `keras` stands for is chosen once per process: install_aliases(keras='0.3')
(or LEGACY_BN_KERAS=0.3 in the environment, or the runner's --keras option and detection,
runner/release_choice.py). The default, and every 0.1 name, is the 4e1ec93 surface at
legacy_bn's top level; 0.3.x is legacy_bn.keras03, 0.2.x legacy_bn.keras02
(docs/architecture.md).

A feature of the chosen release that legacy_bn does not have yet fails with an error that
names it: `import keras.layers.recurrent` raises ModuleNotFoundError and `from
keras.layers.core import Merge` raises ImportError, both saying "... (Keras 4e1ec93) is not
available yet in legacy_bn". What legacy_bn will never provide (pydot's visualize_util, the
TensorFlow backend) says why instead (keras2015.NOT_PROVIDED).

This module imports nothing heavy (no numpy): `python -m legacy_bn --threads N` calls it
before the BLAS thread settings have to be in place.
"""
import importlib
import importlib.abc
import importlib.util
import os
import sys

from .keras2015 import MODULES as KERAS_2015, MODULES_0_2_0, MODULES_0_3_3, NOT_PROVIDED

# release -> (the legacy_bn package that stands in for `keras`, its surface table)
RELEASES = {
    '4e1ec93': ('legacy_bn', KERAS_2015),
    '0.2.0': ('legacy_bn.keras02', MODULES_0_2_0),
    '0.3.3': ('legacy_bn.keras03', MODULES_0_3_3),
}
DEFAULT_RELEASE = '4e1ec93'
# what a user may write -> the release that serves it (0.1.x scripts run on 4e1ec93, the last
# 0.1 commit; 0.3.0-0.3.2 scripts on 0.3.3)
RELEASE_NAMES = dict(
    [(name, '4e1ec93') for name in ('4e1ec93', '0.1', '0.1.0', '0.1.1', '0.1.2', '0.1.3')]
    + [(name, '0.2.0') for name in ('0.2', '0.2.0')]
    + [(name, '0.3.3') for name in ('0.3', '0.3.0', '0.3.1', '0.3.2', '0.3.3')])
ENVIRONMENT_VARIABLE = 'LEGACY_BN_KERAS'

# 2015 top-level name -> the legacy_bn package that stands in for it (`keras` follows the
# release chosen by install_aliases)
ALIASES = {
    'keras': 'legacy_bn',
    'theano': 'legacy_bn.theano',
    'keras_layer_normalization': 'legacy_bn.layers.normalization',
}
_chosen = {'release': None}     # set by install_aliases


def release_of(name):
    """'0.3' -> '0.3.3', '0.1.3' -> '4e1ec93' ...; ValueError listing the valid names."""
    try:
        return RELEASE_NAMES[str(name).strip()]
    except KeyError:
        raise ValueError('unknown Keras release %r; legacy_bn serves %s (0.1.x scripts run on '
                         '4e1ec93, 0.3.0-0.3.2 on 0.3.3)'
                         % (name, ', '.join(sorted(RELEASE_NAMES)))) from None


def chosen_release():
    """The release `keras` stands for in this process (None before install_aliases)."""
    return _chosen['release']


def release_label(release):
    return 'Keras %s' % release


class NotAvailableYet(ModuleNotFoundError):
    """A 2015 Keras/Theano module that legacy_bn does not provide (yet)."""


def target_name(fullname):
    """The legacy_bn module that stands in for the 2015 module `fullname`, or None."""
    top, dot, rest = fullname.partition('.')
    if top not in ALIASES:
        return None
    return ALIASES[top] + dot + rest


def release_and_name_2015(legacy_name):
    """(release, 2015 name) of a legacy_bn module: legacy_bn.keras03.x -> ('0.3.3', 'keras.x'),
    legacy_bn.theano.x -> (None, 'theano.x'), legacy_bn.x -> ('4e1ec93', 'keras.x')."""
    prefixes = [('legacy_bn.theano', None, 'theano')]
    prefixes += [(package, release, 'keras') for release, (package, _) in RELEASES.items()
                 if package != 'legacy_bn']
    prefixes.append(('legacy_bn', DEFAULT_RELEASE, 'keras'))
    for new, release, old in prefixes:
        if legacy_name == new or legacy_name.startswith(new + '.'):
            return release, old + legacy_name[len(new):]
    return None, legacy_name


def name_2015(legacy_name):
    """The 2015 name of a legacy_bn module: legacy_bn.theano.x -> theano.x, legacy_bn.x -> keras.x,
    legacy_bn.keras03.x -> keras.x."""
    return release_and_name_2015(legacy_name)[1]


def missing_message(what, release=DEFAULT_RELEASE):
    if what.startswith('theano'):
        return ('%s is not available yet in legacy_bn (its Theano covers what Keras 4e1ec93 '
                'uses; see docs/compat.md)' % what)
    if what in NOT_PROVIDED:
        return '%s (%s) is not provided by legacy_bn: %s' % (what, release_label(release),
                                                            NOT_PROVIDED[what])
    return ('%s (%s) is not available yet in legacy_bn; see the status table in '
            'docs/compat.md' % (what, release_label(release)))


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
        release = _chosen['release'] or DEFAULT_RELEASE
        surface = RELEASES[release][1]
        if fullname in NOT_PROVIDED and fullname in surface:
            raise NotAvailableYet(missing_message(fullname, release), name=fullname)
        try:
            found = importlib.util.find_spec(target_mod)
        except ModuleNotFoundError as error:
            # a missing parent package is reported below; a dependency that some legacy_bn
            # module lacks is reported as itself
            if not (error.name and (target_mod + '.').startswith(error.name + '.')):
                raise
            found = None
        if found is None:
            if fullname.startswith('theano.') or fullname in surface:
                raise NotAvailableYet(missing_message(fullname, release), name=fullname)
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
    release, old_name = release_and_name_2015(module.__name__)
    is_theano = old_name.split('.')[0] == 'theano'
    surface = RELEASES[release or DEFAULT_RELEASE][1]
    known = set(surface.get(old_name, ()))
    known.update(m.rsplit('.', 1)[1] for m in surface if m.rpartition('.')[0] == old_name)

    def __getattr__(name):
        if previous is not None:
            try:
                return previous(name)
            except AttributeError:
                pass
        if name.startswith('_') or not (is_theano or name in known):
            raise AttributeError('module %r has no attribute %r' % (module.__name__, name))
        message = missing_message('%s.%s' % (old_name, name), release)
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
        release, old_name = release_and_name_2015(name)
        if not (old_name.split('.')[0] == 'theano' or old_name in RELEASES[release][1]):
            continue
        previous = module.__dict__.get('__getattr__')
        if getattr(previous, 'explains_missing_2015_names', False):
            continue
        module.__getattr__ = module_getattr_for(module, previous)


_finder = AliasFinder()


def install_aliases(keras=None):
    """Make `import keras[.x]`, `import theano[.x]` and `import keras_layer_normalization` load
    legacy_bn's modules (each once, the same object under both names). Idempotent.

    keras: the Keras release `keras` stands for ('0.3', '0.3.3', '0.2', '0.1', '4e1ec93', ...;
    see RELEASE_NAMES); None keeps the release already chosen, else takes $LEGACY_BN_KERAS,
    else 4e1ec93 (legacy_bn's own top level). An unknown release raises ValueError.

    Raises RuntimeError when the real keras or theano, or another release's surface, is
    already imported in this process: two implementations in one process would silently mix.
    """
    if keras is None:
        keras = _chosen['release'] or os.environ.get(ENVIRONMENT_VARIABLE) or DEFAULT_RELEASE
    release = release_of(keras)
    targets = dict(ALIASES, keras=RELEASES[release][0])
    for old, new in targets.items():
        loaded = sys.modules.get(old)
        if loaded is not None and loaded is not sys.modules.get(new):
            if old == 'keras' and _chosen['release'] not in (None, release):
                raise RuntimeError('install_aliases(keras=%r): keras is already imported as '
                                   '%s\'s surface in this process; choose the release before '
                                   'anything imports keras' % (keras, release_label(
                                       _chosen['release'])))
            raise RuntimeError('install_aliases(): %r is already imported from %s; call '
                               'install_aliases() before anything imports %s'
                               % (old, getattr(loaded, '__file__', '?'), old))
    _chosen['release'] = release
    ALIASES.update(targets)
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)
