"""python -m legacy_bn (the runner) and install_aliases(), run in subprocesses on tiny scripts."""
import os
import subprocess
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(args, cwd, env=None):
    environ = dict(os.environ)
    environ['PYTHONPATH'] = ROOT + os.pathsep + environ.get('PYTHONPATH', '')
    environ.update(env or {})
    return subprocess.run([sys.executable] + args, cwd=str(cwd), env=environ,
                          capture_output=True, text=True, timeout=120)


def script(tmp_path, name, source):
    path = tmp_path / name
    path.write_text(textwrap.dedent(source))
    return path


def runner(tmp_path, source, *args, options=()):
    script(tmp_path, 'old.py', source)
    return run(['-m', 'legacy_bn'] + list(options) + ['old.py'] + list(args), tmp_path)


def test_script_sees_one_module_per_name_and_python_conventions(tmp_path):
    out = runner(tmp_path, """
        import os, sys
        import numpy as np
        import theano
        import theano.tensor as T
        import keras
        from keras.models import Sequential
        from keras.layers.core import Dense, Activation
        import legacy_bn, legacy_bn.models, legacy_bn.layers.core, legacy_bn.theano.tensor
        assert keras is legacy_bn and theano is legacy_bn.theano and T is legacy_bn.theano.tensor
        assert sys.modules['keras.layers.core'] is legacy_bn.layers.core
        assert Sequential is legacy_bn.models.Sequential
        model = Sequential()
        model.add(Dense(3, 2))
        model.add(Activation('softmax'))
        model.compile(loss='categorical_crossentropy', optimizer='sgd')
        x = theano.shared(np.ones(2))
        print(model.predict(np.ones((4, 3)), verbose=0).shape, theano.function([], T.sum(x))())
        print(__name__, sys.argv, __file__ == os.path.abspath('old.py'),
              sys.path[0] == os.path.dirname(__file__))
        """, 'a', '--b')
    assert out.returncode == 0, out.stderr
    assert out.stdout.split('\n')[:2] == ['(4, 2) 2.0', "__main__ ['old.py', 'a', '--b'] True True"]


def test_exit_code_and_the_scripts_own_traceback(tmp_path):
    assert runner(tmp_path, "import sys\nsys.exit(3)\n").returncode == 3
    out = runner(tmp_path, """
        import keras
        def train():
            raise ValueError('no data here')
        train()
        """)
    assert out.returncode == 1
    lines = out.stderr.strip().split('\n')
    assert lines[0] == 'Traceback (most recent call last):'
    assert lines[1].startswith('  File "%s", line 5, in <module>' % (tmp_path / 'old.py'))
    assert lines[-1] == 'ValueError: no data here'
    assert 'legacy_bn' not in out.stderr and 'runpy' not in out.stderr


def test_a_syntax_error_is_reported_as_python_does(tmp_path):
    # neither Python reads line 3: Python 2's reading of the file says where
    out = runner(tmp_path, "import keras\nprint 'hello'\nif x = 1:\n    pass\n")
    assert out.returncode == 1 and 'Traceback' not in out.stderr, out.stderr
    assert out.stderr.startswith('  File "%s", line 3\n    if x = 1:\n' % (tmp_path / 'old.py'))
    assert out.stderr.rstrip().endswith('SyntaxError: invalid syntax')
    # a Python 3 file: Python 3's own message
    out = runner(tmp_path, "import keras\nprint(f'{1}')\nprint('a' 'b' x)\n")
    assert out.returncode == 1 and 'Traceback' not in out.stderr, out.stderr
    assert out.stderr.startswith('  File "%s", line 3\n' % (tmp_path / 'old.py'))
    assert 'SyntaxError: invalid syntax' in out.stderr


def test_missing_script_and_bad_options(tmp_path):
    out = run(['-m', 'legacy_bn', 'nowhere.py'], tmp_path)
    assert (out.returncode, out.stderr) == (
        2, "legacy_bn: can't open file %r: [Errno 2] No such file or directory\n"
        % str(tmp_path / 'nowhere.py'))
    out = run(['-m', 'legacy_bn', '-m', 'no_such_module_here'], tmp_path)
    assert (out.returncode, out.stderr) == (1, 'legacy_bn: No module named no_such_module_here\n')
    out = run(['-m', 'legacy_bn', '--threads', '0', 'x.py'], tmp_path)
    assert out.returncode == 2
    assert out.stderr == "legacy_bn: --threads must be a positive integer, got '0'\n"
    out = run(['-m', 'legacy_bn'], tmp_path)
    assert out.returncode == 2 and out.stderr.startswith('legacy_bn: no script given\nusage:')


def test_module_and_code(tmp_path):
    script(tmp_path, 'oldmod.py', """
        import sys, keras.layers.core
        if __name__ == '__main__':
            print(sys.argv[1:], keras.layers.core.Dense.__module__)
            raise KeyError('k')
        """)
    out = run(['-m', 'legacy_bn', '-m', 'oldmod', 'x'], tmp_path)
    assert out.returncode == 1
    assert out.stdout == "['x'] legacy_bn.layers.core\n"
    assert out.stderr.strip().split('\n')[1].startswith('  File "%s"' % (tmp_path / 'oldmod.py'))
    assert out.stderr.strip().endswith("KeyError: 'k'")
    out = run(['-m', 'legacy_bn', '-c', 'import sys, theano; print(sys.argv, theano.__name__)',
               'y'], tmp_path)
    assert (out.returncode, out.stdout) == (0, "['-c', 'y'] legacy_bn.theano\n")


def test_old_test_suite_runs_under_pytest(tmp_path):
    script(tmp_path, 'test_old.py', """
        import unittest
        import numpy as np
        from keras.models import Sequential
        from keras.layers.core import Dense

        class TestOld(unittest.TestCase):
            def test_builds(self):
                model = Sequential()
                model.add(Dense(2, 1))
                model.compile(loss='mse', optimizer='sgd')
                assert model.predict(np.zeros((3, 2)), verbose=0).shape == (3, 1)

            def test_fails(self):
                assert False, 'as intended'
        """)
    out = run(['-m', 'legacy_bn', '-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'test_old.py'],
              tmp_path)
    assert out.returncode == 1, out.stdout + out.stderr
    assert '1 failed, 1 passed' in out.stdout


def test_missing_2015_features_are_named(tmp_path):
    # Fake 2015 features that legacy_bn will never have, so that this test does not depend on
    # what is implemented today.
    out = runner(tmp_path, """
        import legacy_bn.keras2015 as k
        k.MODULES['keras.layers.core'] += ('FluxCapacitor',)
        k.MODULES['keras.layers.timetravel'] = ('DeLorean',)
        import keras.layers.core as core
        import theano.tensor as T

        def report(statement):
            try:
                exec(statement, {'core': core, 'T': T})
            except Exception as error:
                print('%s: %s' % (type(error).__name__, error))

        report('from keras.layers.core import FluxCapacitor')
        report('core.FluxCapacitor')
        print(hasattr(core, 'FluxCapacitor'), getattr(core, 'FluxCapacitor', 'default'))
        report('import keras.layers.timetravel')
        report('from keras.layers import timetravel')
        report('from keras.layers.timetravel import DeLorean')
        report('from theano.tensor import no_such_op')
        report('T.no_such_op')
        report('import theano.tensor.no_such_module')
        report('import keras.never_existed')
        report('from keras.layers.core import NeverExisted')
        report('core._private')
        """)
    assert out.returncode == 0, out.stderr
    keras_says = "(Keras 4e1ec93) is not available yet in legacy_bn; see the status table in docs/compat.md"
    theano_says = ("is not available yet in legacy_bn (its Theano covers what Keras 4e1ec93 uses; "
                   "see docs/compat.md)")
    assert out.stdout.split('\n') == [
        'ImportError: keras.layers.core.FluxCapacitor ' + keras_says,
        'AttributeError: keras.layers.core.FluxCapacitor ' + keras_says,
        'False default',
        'NotAvailableYet: keras.layers.timetravel ' + keras_says,
        'ImportError: keras.layers.timetravel ' + keras_says,
        'NotAvailableYet: keras.layers.timetravel ' + keras_says,
        'ImportError: theano.tensor.no_such_op ' + theano_says,
        'AttributeError: theano.tensor.no_such_op ' + theano_says,
        'NotAvailableYet: theano.tensor.no_such_module ' + theano_says,
        "ModuleNotFoundError: No module named 'keras.never_existed'",
        "ImportError: cannot import name 'NeverExisted' from 'legacy_bn.layers.core' (%s)"
        % os.path.join(ROOT, 'legacy_bn', 'layers', 'core.py'),
        "AttributeError: module 'legacy_bn.layers.core' has no attribute '_private'",
        '']
    from legacy_bn.aliases import NotAvailableYet
    assert issubclass(NotAvailableYet, ImportError)


def test_keras_layer_normalization_alias(tmp_path):
    out = runner(tmp_path, """
        from keras_layer_normalization import LayerNormalization
        import legacy_bn.layers.normalization as n
        print(LayerNormalization is n.LayerNormalization)
        """)
    assert (out.returncode, out.stdout) == (0, 'True\n'), out.stderr


def test_install_aliases_from_python(tmp_path):
    out = run(['-c', textwrap.dedent("""
        import sys, types
        import legacy_bn
        legacy_bn.install_aliases()
        legacy_bn.install_aliases()        # idempotent
        import keras.models, legacy_bn.models
        print(keras.models is legacy_bn.models, sys.meta_path.count(sys.meta_path[0]))
        sys.modules['theano'] = types.ModuleType('theano')   # as if the real Theano was loaded
        try:
            legacy_bn.install_aliases()
        except RuntimeError as error:
            print(error)
        """)], tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split('\n')[:2] == [
        'True 1', "install_aliases(): 'theano' is already imported from ?; call "
        "install_aliases() before anything imports theano"]


THREAD_PROBE = """
    import os, sys
    before = dict(os.environ)
    import numpy
    {imports}
    unchanged = dict(os.environ) == before
    try:      # (threadpoolctl itself sets KMP_DUPLICATE_LIB_OK)
        from threadpoolctl import threadpool_info
        pools = sorted(set(p['num_threads'] for p in threadpool_info()))
    except ImportError:
        pools = 'no threadpoolctl'
    print(os.environ.get('OPENBLAS_NUM_THREADS'), unchanged, pools)
"""


def test_threads_option_pins_blas_and_plain_import_changes_nothing(tmp_path):
    clean = {var: '' for var in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS')}
    env = {k: v for k, v in os.environ.items() if k not in clean}
    probe = THREAD_PROBE.format(imports='import keras.models')
    script(tmp_path, 'probe.py', probe)
    environ = dict(env, PYTHONPATH=ROOT)
    out = subprocess.run([sys.executable, '-m', 'legacy_bn', '--threads', '1', 'probe.py'],
                         cwd=str(tmp_path), env=environ, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    threads, unchanged, pools = out.stdout.split(' ', 2)
    assert (threads, unchanged) == ('1', 'True')
    assert pools.strip() in ('[1]', "no threadpoolctl")

    probe = THREAD_PROBE.format(imports='import legacy_bn, legacy_bn.models, legacy_bn.theano')
    script(tmp_path, 'plain.py', probe)
    plain = subprocess.run([sys.executable, 'plain.py'], cwd=str(tmp_path), env=environ,
                           capture_output=True, text=True)
    assert plain.returncode == 0, plain.stderr
    threads, unchanged, _ = plain.stdout.split(' ', 2)
    assert (threads, unchanged) == ('None', 'True')


PY2_SCRIPT = """
    from __future__ import print_function
    import numpy as np
    n = np.arange(10)
    X = np.ones((50, 2), dtype='float32')
    X /= 4
    k = np.int64(7)
    k /= 2
    rows = X[:len(X) - len(X) / 10]
    print(7 / 2, -7 / 2, 7.0 / 2, 7 / np.int32(2), (n / 3)[-1], (n / 2.0)[-1], k, X.dtype, X[0, 0],
          rows.shape, sum(i for i in xrange(4)), reduce(lambda a, b: a * b, [2, 3]))
"""


def test_scripts_run_with_python2_division_and_builtins(tmp_path):
    out = runner(tmp_path, PY2_SCRIPT)
    assert out.returncode == 0, out.stderr
    assert out.stdout == '3 -4 3.5 3 3 4.5 3 float32 0.25 (45, 2) 6 6\n'
    # a script that asked for true division keeps it; --py3 gives plain Python 3
    out = runner(tmp_path, 'from __future__ import division, print_function\n'
                           'print(7 / 2, xrange(2))\n')
    assert (out.returncode, out.stdout) == (0, '3.5 range(0, 2)\n'), out.stderr
    out = runner(tmp_path, 'print(7 / 2)\nxrange\n', options=['--py3'])
    assert out.stdout == '3.5\n' and out.returncode == 1
    assert "NameError: name 'xrange' is not defined" in out.stderr


def test_python2_division_keeps_in_place_updates_and_symbolic_division():
    import numpy as np
    from legacy_bn import py2compat
    import legacy_bn.theano.tensor as T
    namespace = {}
    py2compat.install(namespace)
    code = py2compat.compile_py2('a = x\nx /= 2\ny = v / 2\nz = [1, 2, 3][5 / 2]\n', '<test>')
    x = np.arange(4)
    namespace.update(x=x, v=T.vector())
    exec(code, namespace)
    assert namespace['a'] is namespace['x'] and x.tolist() == [0, 0, 1, 1]   # in place, floored
    assert namespace['y'].ndim == 1 and namespace['z'] == 3      # a graph variable keeps `/`
