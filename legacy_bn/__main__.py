"""python -m legacy_bn: run an unmodified 2015 Keras/Theano script or module on legacy_bn.

    python -m legacy_bn [--threads N] [--py2|--py3] [--keras R] SCRIPT.py [ARGS...]
    python -m legacy_bn [--threads N] [--keras R] -m MODULE [ARGS...]  (e.g. -m pytest OLD_TESTS/)
    python -m legacy_bn [--threads N] [--py2|--py3] [--keras R] -c CODE [ARGS...]

`keras[.x]` imports legacy_bn[.x], `theano[.x]` imports legacy_bn.theano[.x] and
`keras_layer_normalization` imports legacy_bn.layers.normalization (see aliases.py). The
script sees the sys.argv, `__name__ == '__main__'`, sys.path[0], exit code and traceback it
would see under `python`.

The script and every module it imports from its own folder tree are read as Python 2 or
Python 3, file by file (legacy_bn/runner/py2_source.py): Python 2 source is translated on the
fly (fissix) and runs with classic division and Python 2's builtins and modules; one stderr
line names the files treated as Python 2 and why. --py2 / --py3 decide for every file.
Installed packages and legacy_bn itself are never touched. -m MODULE runs as plain Python 3.

--threads N pins the BLAS/OpenMP thread pools to N threads (environment variables set before
numpy loads; threadpoolctl, when installed, if numpy is already loaded). On a busy machine
N=1 is often several times faster than one thread per core.

--keras R chooses the Keras release `keras` stands for (0.3, 0.3.3, 0.2, 0.1, 4e1ec93 ...; the
same as LEGACY_BN_KERAS=R, which it sets for child processes too). Without it, a script's
source decides (runner/release_choice.py, one line on stderr); -m and -c get 4e1ec93.
"""
import os
import sys

USAGE = __doc__.split('\n\n')[1]
THREAD_VARIABLES = ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS',
                    'BLIS_NUM_THREADS', 'VECLIB_MAXIMUM_THREADS', 'NUMEXPR_NUM_THREADS')
_thread_limits = None   # keeps a threadpoolctl limit alive for the whole run


def fail(message, code=2):
    sys.stderr.write('legacy_bn: %s\n' % message)
    sys.exit(code)


class Options:
    """What the command line asked for. threads: int or None; python: None (decide per file),
    2 or 3; kind: 'script', 'module' or 'code'; target: the script/module/code; args: its
    sys.argv[1:]."""
    threads = None
    python = None
    kind = target = None
    args = ()


def _threads(options, value):
    if not value.isdigit() or int(value) < 1:
        fail('--threads must be a positive integer, got %r' % value)
    options.threads = int(value)


def _python(version):
    def set_python(options, value):
        options.python = version
    return set_python


def _keras(options, value):
    # checked and exported as $LEGACY_BN_KERAS, which release_for() reads (child processes too)
    from .runner.release_choice import keras_option
    keras_option(options, value)


# option -> (takes a value?, what it does to Options). Runner options go before the script.
RUNNER_OPTIONS = {
    '--threads': (True, _threads),
    '--py2': (False, _python(2)),
    '--py3': (False, _python(3)),
    '--keras': (True, _keras),
}


def parse(argv):
    """Command line (without the program) -> Options."""
    options = Options()
    i = 0
    while i < len(argv):
        arg = argv[i]
        name, eq, value = arg.partition('=')
        if arg in ('-h', '--help'):
            sys.stdout.write('usage:\n%s\n' % USAGE)
            sys.exit(0)
        if name in RUNNER_OPTIONS:
            takes_value, apply = RUNNER_OPTIONS[name]
            if takes_value and not eq:
                i += 1
                if i == len(argv):
                    fail('%s needs a value\nusage:\n%s' % (name, USAGE))
                value = argv[i]
            elif eq and not takes_value:
                fail('%s takes no value\nusage:\n%s' % (name, USAGE))
            apply(options, value)
        elif arg in ('-m', '-c'):
            if i + 1 == len(argv):
                fail('%s needs an argument\nusage:\n%s' % (arg, USAGE))
            options.kind = 'module' if arg == '-m' else 'code'
            options.target, options.args = argv[i + 1], argv[i + 2:]
            return options
        elif arg.startswith('-') and arg != '-':
            fail('unknown option %r (options go before the script)\nusage:\n%s' % (arg, USAGE))
        else:
            options.kind, options.target, options.args = 'script', arg, argv[i + 1:]
            return options
        i += 1
    fail('no script given\nusage:\n%s' % USAGE)


def pin_threads(n):
    global _thread_limits
    for var in THREAD_VARIABLES:
        os.environ[var] = str(n)
    if 'numpy' in sys.modules:     # the BLAS already started: the variables come too late
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:
            sys.stderr.write('legacy_bn: warning: numpy was loaded before --threads could take '
                             'effect; pip install threadpoolctl to pin its BLAS threads\n')
            return
        _thread_limits = threadpool_limits(limits=n)


def new_main_module(filename):
    """A fresh __main__ module, as `python FILE` / `python -c` make it."""
    import builtins
    import types
    module = types.ModuleType('__main__')
    module.__builtins__ = builtins
    module.__spec__ = None
    module.__package__ = None
    if filename != '<string>':
        module.__file__ = filename
        module.__cached__ = None
    sys.modules['__main__'] = module
    return module


def run_code(data, filename, args0, args, python, root):
    """Run code as the __main__ module (Python 2 or 3 as decided, unless python is 2 or 3).
    On an exception, print the traceback from the code's own frames on (as `python` would)
    and exit 1; SystemExit and KeyboardInterrupt pass on."""
    sys.argv = [args0] + args
    module = new_main_module(filename)
    try:
        if python == 3:
            code = compile(data, filename, 'exec', dont_inherit=True)
        else:
            from .runner import py2_loader
            hook = py2_loader.install(root, python)
            if filename == '<string>':
                hook.note(filename, py2_loader.py2_source.decide(filename, data, python))
                seen = [filename]
            else:
                seen = hook.prescan(filename, data)
            hook.report(seen)
            code, version = py2_loader.compile_file(filename, data, python)
            if version == 2:
                module.__builtins__ = py2_loader.PY2_BUILTINS
    except SyntaxError as error:     # Python prints these without a traceback
        error.__traceback__ = None
        sys.excepthook(type(error), error, None)
        sys.exit(1)
    except (ImportError, OSError) as error:     # fissix missing or unable to start
        fail(str(error), code=1)
    try:
        exec(code, module.__dict__)
    except Exception as error:
        if type(error).__name__ == 'FissixMissing' or 'fissix could not' in str(error):
            fail(str(error), code=1)        # a module of its own needs what is missing
        tb = error.__traceback__.tb_next     # drop this frame (and the import hook's)
        if python != 3:
            from .runner.py2_loader import hide_own_frames
            tb = hide_own_frames(tb)
        error.__traceback__ = tb
        sys.excepthook(type(error), error, tb)
        sys.exit(1)


def run_module(name, args):
    """runpy.run_module with the traceback trimmed to the module's own frames."""
    import runpy
    sys.argv = [name] + args     # run_module puts the module's file in argv[0]
    try:
        runpy.run_module(name, run_name='__main__', alter_sys=True)
    except Exception as error:
        tb = error.__traceback__
        while tb is not None and (tb.tb_frame.f_code.co_filename in (__file__, '<frozen runpy>')
                                  or tb.tb_frame.f_globals.get('__name__') == 'runpy'):
            tb = tb.tb_next
        error.__traceback__ = tb or error.__traceback__
        sys.excepthook(type(error), error, error.__traceback__)
        sys.exit(1)


def main(argv=None):
    options = parse(sys.argv[1:] if argv is None else argv)
    if options.threads is not None:
        pin_threads(options.threads)
    from .aliases import install_aliases
    from .runner.release_choice import release_for
    install_aliases(keras=release_for(options.kind, options.target))
    from .runner.shims import install as install_shims     # 2015's numpy/scipy/sklearn/pandas
    install_shims()
    target, args = options.target, list(options.args)

    if options.kind == 'script':
        path = os.path.abspath(target)
        if os.path.isdir(path):                # a directory runs its __main__.py
            main_file = os.path.join(path, '__main__.py')
            if not os.path.isfile(main_file):
                fail("can't find '__main__' module in %r" % path, code=1)
            path = main_file
        elif path.endswith('.zip'):            # a zip with __main__.py: plain Python 3
            import runpy
            sys.argv = [target] + args
            sys.path[0] = path
            runpy.run_path(path, run_name='__main__')
            return
        try:
            with open(path, 'rb') as f:
                data = f.read()
        except OSError as error:
            fail("can't open file %r: [Errno %d] %s" % (path, error.errno, error.strerror))
        # Python puts the folder of the script's target (symlinks resolved) in sys.path[0]
        folder = os.path.dirname(os.path.realpath(path))
        sys.path[0] = folder
        run_code(data, path, target, args, options.python, folder)
    elif options.kind == 'module':
        import importlib.util
        try:
            found = importlib.util.find_spec(target)
        except ImportError as error:
            found, why = None, str(error)
        else:
            why = 'No module named %s' % target
        if found is None:
            fail(why, code=1)
        run_module(target, args)
    else:
        run_code(target.encode('utf-8'), '<string>', '-c', args, options.python, os.getcwd())


if __name__ == '__main__':
    main()
