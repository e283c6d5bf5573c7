"""The shims as the runner switches them on: only the script's imports trigger them, only the
script's code sees the 2015 names, missing libraries name their pip command, and the
registry (ADAPTERS) is the docs table."""
import os
import re
import subprocess
import sys
import textwrap

from legacy_bn.runner import shims

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIBRARIES = ('sklearn', 'pandas', 'scipy', 'PIL', 'six', 'joblib')


def run_script(tmp_path, source, python_options=(), runner_options=()):
    (tmp_path / 'old.py').write_text(textwrap.dedent(source))
    env = dict(os.environ, PYTHONPATH=ROOT, OMP_NUM_THREADS='1', OPENBLAS_NUM_THREADS='1')
    out = subprocess.run([sys.executable] + list(python_options) + ['-m', 'legacy_bn']
                         + list(runner_options) + ['old.py'], cwd=str(tmp_path), env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


def test_a_script_that_imports_nothing_loads_no_library(tmp_path):
    out = run_script(tmp_path, """
        import sys
        print(sorted(m for m in sys.modules if m.split('.')[0] in %r))
        print(type(sys.meta_path[0]).__name__, type(sys.meta_path[-1]).__name__)
        """ % (LIBRARIES,))
    assert out == ['[]', 'ShimFinder MissingLibraryFinder']


def test_numpy_2015_names_for_the_script_only(tmp_path):
    out = run_script(tmp_path, """
        import os, sysconfig
        import numpy as np
        from numpy import float_, NaN
        print(np.int is int, np.float(3) == 3.0, np.zeros(2, dtype=np.int).dtype,
              float_ is np.float64, np.isnan(NaN), np.Inf, np.NINF, np.unicode is str)
        print(np.mat([[1, 2]]).shape, np.asscalar(np.array([7])), np.rank(np.ones((2, 3))),
              np.alen([[1], [2], [3]]), np.product([2, 3]), np.in1d([[1, 5]], [5]).tolist())
        library = os.path.join(sysconfig.get_paths()['purelib'], 'some_library.py')
        print(eval(compile("[hasattr(np, n) for n in ('float', 'int', 'float_', 'NaN')]",
                           library, 'eval')))
        """)
    assert out == ['True True int64 True True inf -inf True',
                   '(1, 2) 7 2 3 6 [False, True]',
                   '[False, False, False, False]']
    import numpy
    assert not hasattr(numpy, 'float_') and not hasattr(numpy, 'NaN')   # no runner here


def test_ragged_lists_become_object_arrays_for_the_script_only(tmp_path):
    # what numpy 1.12 printed for the same lines (the oracle's stack): an object array of
    # lists, and max/min comparing the lists themselves (lexicographically)
    out = run_script(tmp_path, """
        import os, sysconfig
        import numpy as np
        x = np.array([[1, 2], [3]])
        print(x.dtype, x.shape, np.asarray([[4], [5, 6]]).shape)
        print(np.max([[1, 5], [3]]), np.min([[1, 5], [3]]), np.max(np.max([[1, 9], [3, 4, 5]])))
        print(np.array([[1, 2], [3, 4]]).dtype, np.max([[1, 2], [3, 4]]))
        try:
            np.array([[1, 2], [3]], dtype=float)
        except ValueError:
            print('dtype refused')
        library = os.path.join(sysconfig.get_paths()['purelib'], 'some_library.py')
        try:
            eval(compile("np.array([[1, 2], [3]])", library, 'eval'))
        except ValueError:
            print('library refused')
        """)
    assert out == ['object (2,) (2,)', '[3] [1, 5] 5', 'int64 4', 'dtype refused',
                   'library refused']


def test_missing_libraries_name_their_pip_command(tmp_path):
    # -S: no site-packages, so scikit-learn, pandas, Pillow and six are all "not installed"
    out = run_script(tmp_path, """
        for name in ('sklearn.cross_validation', 'pandas', 'PIL.Image', 'six'):
            try:
                __import__(name)
            except ImportError as error:
                print(type(error).__name__, error)
        """, python_options=['-S'], runner_options=['--py3'])
    assert out == [
        "ModuleNotFoundError No module named 'sklearn'; install it with: pip install scikit-learn",
        "ModuleNotFoundError No module named 'pandas'; install it with: pip install pandas",
        "ModuleNotFoundError No module named 'PIL'; install it with: pip install Pillow",
        "ModuleNotFoundError No module named 'six'; install it with: pip install six"]


def test_every_name_in_the_registry_resolves_for_a_script(tmp_path):
    """...and sklearn.externals.joblib/six are joblib and six, submodules included."""
    names = [n for _, _, rows in shims.ADAPTERS.values() for group, _ in rows for n in group]
    out = run_script(tmp_path, """
        import importlib
        def resolve(name):
            name = name.split('(')[0]
            if name.split('.')[0] in ('DataFrame', 'Series'):
                import pandas
                obj = pandas
            else:
                obj = importlib.import_module(name.split('.')[0])
            for i, part in enumerate(name.split('.')):
                if i == 0 and obj.__name__ == name.split('.')[0]:
                    continue
                try:
                    obj = getattr(obj, part)
                except AttributeError:
                    obj = importlib.import_module(obj.__name__ + '.' + part)
            return obj
        import os, sysconfig
        library = os.path.join(sysconfig.get_paths()['purelib'], 'some_library.py')
        try:       # an installed library asking for a 2015 module gets today's answer
            exec(compile('import sklearn.learning_curve', library, 'exec'))
        except ImportError as error:
            print('library:', error)
        for name in %r:
            resolve(name)
        print('resolved', len(%r))

        from sklearn.externals import joblib
        from sklearn.externals.joblib import Parallel, delayed
        import sklearn.externals.six as six
        import joblib as real_joblib, six as real_six
        print(joblib is real_joblib, six is real_six, joblib.__name__, six.__name__)
        print(Parallel(n_jobs=1)(delayed(pow)(i, 2) for i in range(4)))
        import sklearn.externals.joblib.numpy_pickle as numpy_pickle   # named in 2015 pickles
        import joblib.numpy_pickle
        print(numpy_pickle is joblib.numpy_pickle)
        """ % (names, names))
    assert out == ["library: No module named 'sklearn.learning_curve'",
                   'resolved %d' % len(names), 'True True joblib six', '[0, 1, 4, 9]', 'True']


def test_docs_table_is_the_registry():
    with open(os.path.join(ROOT, 'docs', 'porting.md')) as f:
        page = f.read()
    marker = re.search(r'<!-- adapters[^>]*-->\n', page)
    assert marker, 'docs/porting.md lost its adapters marker'
    section = page[marker.end():]
    assert shims.render_table() in section, \
        'docs/porting.md is out of date: python -m legacy_bn.runner.shims.docs'


def _as_library(source, namespace):
    """Evaluate source as code from an installed package would."""
    import sysconfig
    library = os.path.join(sysconfig.get_paths()['purelib'], 'some_library.py')
    return eval(compile(source, library, 'eval'), namespace)


def test_script_only_attributes_and_module_names():
    import types

    class Base(object):
        def kept(self):
            return 'today'

    class Frame(Base):
        pass
    shims.add_class_attributes(Frame, {'kept': lambda self: '2015', 'old': lambda self: 42,
                                       'make': classmethod(lambda cls: cls.__name__)})
    frame = Frame()
    assert frame.kept() == 'today'           # a base class's method is never hidden
    assert frame.old() == 42 and Frame.make() == 'Frame'
    assert _as_library("[hasattr(frame, 'old'), hasattr(Frame, 'make'), frame.kept()]",
                       {'frame': frame, 'Frame': Frame}) == [False, False, 'today']

    module = types.ModuleType('lib')
    module.__getattr__ = lambda name: 'lazy ' + name if name == 'sub' else \
        (_ for _ in ()).throw(AttributeError(name))
    shims.add_module_names(module, {'NaN': 'nan'})
    shims.add_module_names(module, {'Inf': 'inf'})            # a second call adds
    assert (module.NaN, module.Inf, module.sub) == ('nan', 'inf', 'lazy sub')
    assert _as_library("[hasattr(m, 'NaN'), hasattr(m, 'Inf'), m.sub]", {'m': module}) == \
        [False, False, 'lazy sub']
