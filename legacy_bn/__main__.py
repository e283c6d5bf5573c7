"""python -m legacy_bn: run an unmodified 2015 Keras/Theano script or module on legacy_bn.

    python -m legacy_bn [--threads N] [--py3] [--keras R] SCRIPT.py [ARGS...]
    python -m legacy_bn [--threads N] [--keras R] -m MODULE [ARGS...]   (e.g. -m pytest OLD_TESTS/)
    python -m legacy_bn [--threads N] [--py3] [--keras R] -c CODE [ARGS...]

`keras[.x]` imports legacy_bn[.x], `theano[.x]` imports legacy_bn.theano[.x] and
`keras_layer_normalization` imports legacy_bn.layers.normalization (see aliases.py). The
script sees the sys.argv, `__name__ == '__main__'`, sys.path[0], exit code and traceback it
would see under `python`.

The script (or -c code) runs with Python 2's integer division and builtins (xrange, ...),
as 2015 scripts expect (py2compat.py); --py3 runs it with plain Python 3 semantics.

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


def parse(argv):
    """-> (threads or None, py2 semantics?, kind 'script'|'module'|'code', target, args)."""
    threads, py2 = None, True
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ('-h', '--help'):
            sys.stdout.write('usage:\n%s\n' % USAGE)
            sys.exit(0)
        if arg == '--threads' or arg.startswith('--threads='):
            if arg == '--threads':
                i += 1
                if i == len(argv):
                    fail('--threads needs a number\nusage:\n%s' % USAGE)
                value = argv[i]
            else:
                value = arg.split('=', 1)[1]
            if not value.isdigit() or int(value) < 1:
                fail('--threads must be a positive integer, got %r' % value)
            threads = int(value)
        elif arg == '--py3':
            py2 = False
        elif arg == '--keras' or arg.startswith('--keras='):    # sets $LEGACY_BN_KERAS
            from .runner.release_choice import set_release_option
            i = set_release_option(argv, i, fail)
        elif arg in ('-m', '-c'):
            if i + 1 == len(argv):
                fail('%s needs an argument\nusage:\n%s' % (arg, USAGE))
            kind = 'module' if arg == '-m' else 'code'
            return threads, py2, kind, argv[i + 1], argv[i + 2:]
        elif arg.startswith('-') and arg != '-':
            fail('unknown option %r (options go before the script)\nusage:\n%s' % (arg, USAGE))
        else:
            return threads, py2, 'script', arg, argv[i + 1:]
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


def run_code(source, filename, args0, args, py2):
    """Run code as the __main__ module. On an exception, print the traceback from the code's
    own frames on (as `python` would) and exit 1; SystemExit and KeyboardInterrupt pass on."""
    sys.argv = [args0] + args
    module = new_main_module(filename)
    try:
        if py2:
            from . import py2compat
            code = py2compat.compile_py2(source, filename)
            py2compat.install(module.__dict__)
        else:
            code = compile(source, filename, 'exec', dont_inherit=True)
    except SyntaxError as error:     # Python prints these without a traceback
        error.__traceback__ = None
        sys.excepthook(type(error), error, None)
        sys.exit(1)
    try:
        exec(code, module.__dict__)
    except Exception as error:
        error.__traceback__ = error.__traceback__.tb_next     # drop this frame
        sys.excepthook(type(error), error, error.__traceback__)
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
    threads, py2, kind, target, args = parse(sys.argv[1:] if argv is None else argv)
    if threads is not None:
        pin_threads(threads)
    from .aliases import install_aliases
    from .runner.release_choice import release_for
    install_aliases(keras=release_for(kind, target))

    if kind == 'script':
        path = os.path.abspath(target)
        if os.path.isdir(path) or path.endswith('.zip'):    # a directory/zip with __main__.py
            import runpy
            sys.argv = [target] + args
            sys.path[0] = path
            runpy.run_path(path, run_name='__main__')
            return
        try:
            with open(path, 'rb') as f:
                source = f.read()
        except OSError as error:
            fail("can't open file %r: [Errno %d] %s" % (path, error.errno, error.strerror))
        sys.path[0] = os.path.dirname(path)
        run_code(source, path, target, args, py2)
    elif kind == 'module':
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
        run_code(target, '<string>', '-c', args, py2)


if __name__ == '__main__':
    main()
