"""Adapters that give a 2015 script the numpy, scipy, scikit-learn and pandas APIs of its day.

install() is called by the runner only. From then on:

* a library module the script imports that still exists today (numpy, pandas, scipy.misc) is
  patched right after it loads: the 2015 names are added, visible to the script's own code
  only (a module `__getattr__` or a class attribute that answers only when the code asking
  is not in the standard library, site-packages or legacy_bn), so installed libraries that
  probe `hasattr(np, 'float_')` or `hasattr(df, 'ix')` still see today's library;
* a 2015 module that is gone (sklearn.cross_validation, sklearn.grid_search, ...) is served
  by its adapter here when the script imports it;
* a library that is not installed gives an ImportError naming the `pip install` command.

Nothing is imported ahead of time: a shim never imports a library the script does not use.
ADAPTERS below is the one table of what is adapted; docs/porting.md's table is rendered
from it (render_table, checked by tests/test_shims_registry.py).
"""
import functools
import importlib
import importlib.abc
import importlib.machinery
import os
import site
import sys
import sysconfig

# The one table. Key: the module a 2015 script imports. Value: (adapter module in this
# package, how it applies, rows of (2015 names, what they run today)).
#   'patch'  - the module exists today; the adapter's adapt(module) runs once it has loaded
#   'module' - the module is gone; the adapter module (or its target() module) stands for it
ADAPTERS = {
    'numpy': ('numpy_2015', 'patch', [
        (('numpy.int', 'numpy.float', 'numpy.complex', 'numpy.object', 'numpy.str',
          'numpy.unicode'), 'the Python builtins int, float, complex, object, str, str'),
        (('numpy.float_', 'numpy.complex_', 'numpy.string_', 'numpy.unicode_', 'numpy.int0',
          'numpy.uint0', 'numpy.bool8', 'numpy.object0', 'numpy.longfloat', 'numpy.cfloat',
          'numpy.clongfloat', 'numpy.longcomplex', 'numpy.singlecomplex'),
         'numpy.float64, complex128, bytes_, str_, intp, uintp, bool_, object_, longdouble, '
         'complex128, clongdouble, clongdouble, complex64'),
        (('numpy.NaN', 'numpy.NAN', 'numpy.Inf', 'numpy.Infinity', 'numpy.infty',
          'numpy.PINF', 'numpy.NINF', 'numpy.PZERO', 'numpy.NZERO'),
         'numpy.nan, inf, -inf, 0.0, -0.0'),
        (('numpy.mat',), 'numpy.asmatrix'),
        (('numpy.product', 'numpy.cumproduct', 'numpy.sometrue', 'numpy.alltrue',
          'numpy.round_', 'numpy.trapz', 'numpy.in1d', 'numpy.row_stack'),
         'numpy.prod, cumprod, any, all, round, trapezoid, isin (ravelled), vstack'),
        (('numpy.asscalar', 'numpy.rank', 'numpy.alen', 'numpy.msort', 'numpy.asfarray',
          'numpy.loads'),
         'a.item(), numpy.ndim, len(numpy.array(a)), numpy.sort(a, axis=0), '
         'numpy.asarray as a float type, pickle.loads'),
        (('numpy.array', 'numpy.asarray', 'numpy.max', 'numpy.min', 'numpy.amax', 'numpy.amin'),
         'the same; of a ragged nested list, the object array of lists numpy < 1.24 made '
         '(today a ValueError)'),
    ]),
    'scipy.misc': ('scipy_misc', 'patch', [
        (('scipy.misc.imread', 'scipy.misc.imsave', 'scipy.misc.imresize',
          'scipy.misc.toimage', 'scipy.misc.fromimage', 'scipy.misc.bytescale',
          'scipy.misc.imrotate'),
         'the same functions on Pillow (scipy 0.19\'s behaviour: uint8 byte-scaling, '
         'bilinear resize by default)'),
        (('scipy.misc.logsumexp', 'scipy.misc.comb', 'scipy.misc.factorial'),
         'scipy.special.logsumexp, comb, factorial'),
    ]),
    'scipy.ndimage': ('scipy_ndimage', 'patch', [
        (('scipy.ndimage.imread',), 'scipy.misc.imread above'),
    ]),
    'sklearn.cross_validation': ('sklearn_cross_validation', 'module', [
        (('sklearn.cross_validation.KFold', 'sklearn.cross_validation.StratifiedKFold',
          'sklearn.cross_validation.ShuffleSplit',
          'sklearn.cross_validation.StratifiedShuffleSplit',
          'sklearn.cross_validation.LeaveOneOut'),
         'iterables of (train, test) index arrays with 0.17\'s signatures and fold '
         'assignment (shuffled once, at construction)'),
        (('sklearn.cross_validation.train_test_split',),
         'sklearn.model_selection.train_test_split'),
        (('sklearn.cross_validation.cross_val_score',
          'sklearn.cross_validation.cross_val_predict',
          'sklearn.cross_validation.check_cv'),
         'sklearn.model_selection\'s, with 0.17\'s cv (default 3 folds, stratified for '
         'classifiers)'),
    ]),
    'sklearn.grid_search': ('sklearn_grid_search', 'module', [
        (('sklearn.grid_search.GridSearchCV', 'sklearn.grid_search.RandomizedSearchCV'),
         'sklearn.model_selection\'s searches with 0.17\'s cv, iid-weighted scores and '
         'grid_scores_'),
        (('sklearn.grid_search.ParameterGrid', 'sklearn.grid_search.ParameterSampler'),
         'sklearn.model_selection.ParameterGrid, ParameterSampler'),
    ]),
    'sklearn.learning_curve': ('sklearn_learning_curve', 'module', [
        (('sklearn.learning_curve.learning_curve', 'sklearn.learning_curve.validation_curve'),
         'sklearn.model_selection\'s, with 0.17\'s cv'),
    ]),
    'sklearn.externals.joblib': ('joblib', 'module', [
        (('sklearn.externals.joblib',), 'joblib (dump, load, Parallel, delayed, ...)'),
    ]),
    'sklearn.externals.six': ('six_2015', 'module', [
        (('sklearn.externals.six',), 'six'),
    ]),
    'pandas': ('pandas_2015', 'patch', [
        (('DataFrame.ix', 'Series.ix'),
         '.loc for labels, .iloc where the labels are not integers (see below)'),
        (('DataFrame.as_matrix', 'Series.as_matrix'), '.to_numpy() (of the given columns)'),
        (('DataFrame.sort', 'DataFrame.sort_index(by=...)'), 'DataFrame.sort_values / '
         'sort_index'),
        (('Series.order', 'Series.sort'), 'Series.sort_values (sort: in place)'),
        (('pandas.rolling_mean', 'pandas.rolling_sum', 'pandas.rolling_std',
          'pandas.rolling_var', 'pandas.rolling_min', 'pandas.rolling_max',
          'pandas.rolling_median'), 'Series/DataFrame.rolling(window, min_periods).<stat>()'),
        (('pandas.ewma',), 'Series/DataFrame.ewm(com, span, halflife, ...).mean()'),
        (('DataFrame.append', 'Series.append'), 'pandas.concat (rows; unaligned columns sorted '
         'as 0.17 did)'),
        (('DataFrame.iteritems', 'Series.iteritems'), '.items()'),
        (('DataFrame.get_value', 'DataFrame.set_value', 'Series.get_value',
          'Series.set_value'), '.at / .iat (set_value returns the object)'),
        (('Series.valid',), 'Series.dropna'),
        (('DataFrame.from_csv',), 'pandas.read_csv(index_col=0, parse_dates=True)'),
        (('pandas.value_counts',), 'Series(values).value_counts(), named as 0.17 named it'),
        (('pandas.np', 'pandas.datetime'), 'numpy, datetime.datetime'),
    ]),
    'sklearn.preprocessing': ('sklearn_preprocessing', 'patch', [
        (('sklearn.preprocessing.Imputer',), 'sklearn.impute.SimpleImputer (axis=0; '
         "missing_values='NaN' is numpy.nan)"),
    ]),
}

# What to pip install when the script imports a library that is not there.
PIP_NAMES = {
    'sklearn': 'scikit-learn', 'pandas': 'pandas', 'scipy': 'scipy', 'PIL': 'Pillow',
    'six': 'six', 'joblib': 'joblib', 'h5py': 'h5py', 'yaml': 'PyYAML',
    'matplotlib': 'matplotlib', 'skimage': 'scikit-image', 'cv2': 'opencv-python',
}


def missing(package, needed_by=None):
    """The ImportError for a library that is not installed, with its pip command."""
    why = ' (%s needs it)' % needed_by if needed_by else ''
    return ModuleNotFoundError('No module named %r%s; install it with: pip install %s'
                               % (package, why, PIP_NAMES.get(package, package)), name=package)


def _library_roots():
    roots = {os.path.dirname(os.path.dirname(os.path.abspath(__file__)))}   # legacy_bn
    paths = sysconfig.get_paths()
    for key in ('stdlib', 'platstdlib', 'purelib', 'platlib'):
        if key in paths:
            roots.add(paths[key])
    try:
        roots.update(site.getsitepackages())
        roots.add(site.getusersitepackages())
    except AttributeError:       # some virtualenvs' site module lacks them
        pass
    return tuple(os.path.normcase(os.path.abspath(r)) + os.sep for r in roots if r)


@functools.lru_cache(maxsize=None)
def is_script_file(filename):
    """Is this code file the script's own (not stdlib, site-packages or legacy_bn)?"""
    if filename.startswith('<'):
        return filename in ('<string>', '<stdin>')      # -c code is the script's
    return not os.path.normcase(os.path.abspath(filename)).startswith(_library_roots())


def called_from_script(depth=2):
    """Is the code `depth` frames up (1 = the caller of the function calling this) the
    script's own?"""
    return is_script_file(sys._getframe(depth).f_code.co_filename)


# Frames an import passes through between the importing code and a finder: the import
# system and the runner's own machinery (its Python 2 __import__, for one).
_IMPORT_MACHINERY = (os.path.dirname(importlib.__file__) + os.sep,
                     os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep)


def _importer_is_script():
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if not (name.startswith('<frozen') or name.startswith(_IMPORT_MACHINERY)):
            return is_script_file(name)
        frame = frame.f_back
    return False


def add_module_names(module, names):
    """Make module.NAME answer names[NAME] for the script's code only.

    Through the module's __getattr__, which Python consults only for names the module does
    not have, so nothing the library defines is shadowed."""
    current = module.__dict__.get('__getattr__')
    if getattr(current, 'script_names', None) is not None:
        current.script_names.update(names)
        return
    library_getattr = current

    def __getattr__(name):
        if name in names and called_from_script():
            return names[name]
        if library_getattr is not None:
            return library_getattr(name)
        raise AttributeError('module %r has no attribute %r' % (module.__name__, name))
    __getattr__.script_names = names = dict(names)
    module.__getattr__ = __getattr__


class ScriptOnly(object):
    """A class attribute (method or property) that exists for the script's code only:
    elsewhere it raises AttributeError, as today's library would."""

    def __init__(self, value, name):
        self.value, self.name = value, name

    def __get__(self, obj, cls):
        if not called_from_script():
            raise AttributeError('%r object has no attribute %r' % (cls.__name__, self.name))
        return self.value.__get__(obj, cls)      # a function, property or classmethod


def add_class_attributes(cls, attributes):
    for name, value in attributes.items():
        # never hide what today's library defines, on the class or a base class
        if not any(name in klass.__dict__ for klass in cls.__mro__):
            setattr(cls, name, ScriptOnly(value, name))


def _adapter(module_name):
    return importlib.import_module('%s.%s' % (__name__, module_name))


class _PatchingLoader(importlib.abc.Loader):
    """Loads a library module as its own loader would, then applies the adapter."""

    def __init__(self, loader, adapter):
        self.loader, self.adapter = loader, adapter

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        module.__spec__.loader = module.__loader__ = self.loader
        self.loader.exec_module(module)
        _adapter(self.adapter).adapt(module)

    def __getattr__(self, name):
        return getattr(self.loader, name)


class _StandInLoader(importlib.abc.Loader):
    """Gives a gone 2015 module: its adapter module, or another module it stands for
    (the adapter's target(), or `real` for a submodule of such a stand-in)."""

    def __init__(self, finder, adapter=None, real=None):
        self.finder, self.adapter, self.real = finder, adapter, real

    def create_module(self, spec):
        if self.real is not None:
            module = importlib.import_module(self.real)
        else:
            adapter = _adapter(self.adapter)
            module = adapter.target() if hasattr(adapter, 'target') else adapter
        if module.__name__ != spec.name:
            self.finder.stand_ins[spec.name] = module.__name__
        self.own_spec = module.__spec__
        return module

    def exec_module(self, module):
        module.__spec__ = self.own_spec     # the import system set ours; keep the module's


class ShimFinder(importlib.abc.MetaPathFinder):
    """First on sys.meta_path: applies ADAPTERS as the script's imports happen."""

    def __init__(self):
        self.busy = set()
        self.stand_ins = {}     # 2015 module name -> the module it is today

    def find_spec(self, fullname, path, target=None):
        entry = ADAPTERS.get(fullname)
        parent, _, child = fullname.rpartition('.')
        if entry is None and parent in self.stand_ins:
            # e.g. sklearn.externals.joblib.numpy_pickle (named in 2015 pickles)
            real = '%s.%s' % (self.stand_ins[parent], child)
            return importlib.machinery.ModuleSpec(fullname, _StandInLoader(self, real=real))
        if entry is None or fullname in self.busy:
            return None
        adapter, how = entry[0], entry[1]
        self.busy.add(fullname)      # the real finders below may recurse into us
        try:
            real = self._real_spec(fullname, path, target)
        finally:
            self.busy.discard(fullname)
        if how == 'patch':
            if real is None or real.loader is None:
                return None
            real.loader = _PatchingLoader(real.loader, adapter)
            return real
        if real is not None or not _importer_is_script():
            return None      # a real (old) module wins; libraries get today's ImportError
        return importlib.machinery.ModuleSpec(fullname, _StandInLoader(self, adapter))

    def _real_spec(self, fullname, path, target):
        for finder in sys.meta_path:
            if finder is self or isinstance(finder, MissingLibraryFinder):
                continue
            find = getattr(finder, 'find_spec', None)
            spec = find(fullname, path, target) if find is not None else None
            if spec is not None:
                return spec
        return None


class MissingLibraryFinder(importlib.abc.MetaPathFinder):
    """Last on sys.meta_path: a library nobody found gets an error with its pip command."""

    def find_spec(self, fullname, path, target=None):
        if path is None and fullname in PIP_NAMES and _importer_is_script():
            raise missing(fullname)
        return None


_installed = []


def install():
    """Switch the adapters on for this process (runner mode only). Idempotent."""
    if _installed:
        return
    _installed.append(True)
    sys.meta_path.insert(0, ShimFinder())
    sys.meta_path.append(MissingLibraryFinder())
    for name, (adapter, how, _) in ADAPTERS.items():
        if how == 'patch' and name in sys.modules:     # loaded before the runner started
            _adapter(adapter).adapt(sys.modules[name])


def render_table():
    """docs/porting.md's adapters table, from ADAPTERS (one row per group of names)."""
    lines = ['| 2015 name | what it runs today |', '|---|---|']
    for _, _, rows in ADAPTERS.values():
        for names, today in rows:
            lines.append('| %s | %s |' % (', '.join('`%s`' % n for n in names), today))
    return '\n'.join(lines) + '\n'
