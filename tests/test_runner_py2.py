"""The runner's Python 2 world: the per-file decision, the translation and its cache, the
Python 2 builtins and modules, and that none of it leaks outside `python -m legacy_bn`."""
import os
import pickle
import subprocess
import sys
import textwrap

import pytest

from legacy_bn import py2compat
from legacy_bn.runner import py2_source
from legacy_bn.runner.py2_modules import py2_import

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, 'tests', 'corpus', 'py2')


def run(args, cwd, env=None):
    environ = dict(os.environ, PYTHONPATH=ROOT, XDG_CACHE_HOME=str(cwd / '.cache'))
    environ.update(env or {})
    return subprocess.run([sys.executable] + args, cwd=str(cwd), env=environ,
                          capture_output=True, text=True, timeout=120)


def write(folder, name, source):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source))
    return path


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path / 'cache'))


# ------------------------------------------------------------------------------ decision
PYTHON2 = [
    ("print 'hello'\n", 'print statement, line 1'),
    ("x = 1\nprint >>f, x\n", 'print statement, line 2'),
    ("try:\n    pass\nexcept ValueError, e:\n    pass\n", 'except X, e, line 3'),
    ("raise ValueError, 'no'\n", 'raise X, message, line 1'),
    ("x = `1`\n", 'backticks, line 1'),
    ("if 1 <> 2: pass\n", '<> operator, line 1'),
    ("exec 'x = 1'\n", 'exec statement, line 1'),
    ("mode = 0777\n", 'octal literal, line 1'),
    ("n = 10L\n", 'long literal, line 1'),
    ("p = ur'\\d'\n", "ur'' string, line 1"),
    ("if 1:\n\tx = 1\n        y = 2\n", 'tabs and spaces mixed as only Python 2 read them'),
    ("for i in xrange(3): pass\n", 'xrange, line 1'),
    ("d = {}\nfor k, v in d.iteritems(): pass\n", '.iteritems(), line 2'),
    ("s = unicode(3)\n", 'unicode, line 1'),
    ("name = raw_input()\n", 'raw_input, line 1'),
    ("import cPickle\n", 'import cPickle, line 1'),
    ("import sys\nbig = sys.maxint\n", 'sys.maxint, line 2'),
    ("from itertools import izip\n", 'itertools.izip, line 1'),
    # print_function imported: print(..., end=) decides nothing, xrange does
    ("from __future__ import print_function\nprint(1, end='')\nxrange(2)\n", 'xrange, line 3'),
    ("x = 7 / 2\n", 'could be either; `/` at line 1 floors int / int'),
]
PYTHON3 = [
    ("x = 1\nprint(f'{x}')\n", 'f-string, line 2'),
    ("print('a', end='')\n", 'print(..., end=), line 1'),
    ("print('a', file=None)\n", 'print(..., file=), line 1'),
    ("def f():\n    x = 1\n    def g():\n        nonlocal x\n", 'nonlocal, line 4'),
    ("def f(a, *, b): pass\n", 'keyword-only argument, line 1'),
    ("async def f(): pass\n", 'async def, line 1'),
    ("def f(a: int): pass\n", 'annotation, line 1'),
    ("x: int = 1\n", 'annotation, line 1'),
    ("def f():\n    yield from g()\n", 'yield from, line 2'),
    ("raise ValueError() from None\n", 'raise ... from, line 1'),
    ("a, *b = [1, 2]\n", 'starred assignment, line 1'),
    ("print('accuracy', 3 / 4)\n", 'print(a, b), line 1'),
    ("if (n := 3) > 2: pass\n", ':=, line 1'),
    ("d = {**{}, 'a': 1}\n", '{**mapping}, line 1'),
    ("import urllib.request\n", 'import urllib.request, line 1'),
    ("from urllib.parse import urlencode\n", 'import urllib.parse, line 1'),
    ("from urllib import request\n", 'from urllib import request, line 1'),
    # a Python 3 marker wins over a name that is Python 2's in a Python 2 file
    ("print(f'{xrange}')\n", 'f-string, line 1'),
]


@pytest.mark.parametrize('source, reason', PYTHON2)
def test_python2_markers(source, reason):
    python, reasons, _ = py2_source.classify(source)
    assert python == 2 and reasons[0].startswith(reason), reasons


@pytest.mark.parametrize('source, reason', PYTHON3)
def test_python3_markers(source, reason):
    assert py2_source.classify(source)[:2] == (3, [reason])


def test_undecided_files_are_python2_and_said_only_when_it_matters():
    # `//` and plain code decide nothing and change nothing: no reason to report
    assert py2_source.classify('x = 7 // 2\nprint(x)\n') == (2, [], False)
    # the future import makes `/` the same in both
    assert py2_source.classify('from __future__ import division\nx = 7 / 2\n') == (2, [], False)
    # a name the file defines itself is not Python 2's
    assert py2_source.classify('def xrange(n):\n    return n\nxrange(2)\n') == (2, [], False)
    assert py2_source.classify('from six.moves import xrange\nxrange(2)\n') == (2, [], False)


# --------------------------------------------------------------------------- translation
TRANSLATED = """\
import sys
print "a", 1
print >>sys.stderr, "b"
d = {'k': 1}
for k, v in d.iteritems():
    first = d.keys()[0]
try:
    raise ValueError, "x"
except ValueError, e:
    pass
n = 10L + 0777
s = `n`
if n <> 3: exec "y = 1"
m = map(str, [1])
pairs = sorted(d.items(), key=lambda (k, v): v)
try: 1 / 0
except ZeroDivisionError, err: print err.message, other.message
"""


def test_translation_keeps_every_line_where_it_was():
    out = py2_source.translate(TRANSLATED, 'x.py')
    assert out.split('\n') == [
        'import sys',
        'print("a", 1)',
        'print("b", file=sys.stderr)',
        "d = {'k': 1}",
        'for k, v in d.items():',
        '    first = list(d.keys())[0]',
        'try:',
        '    raise ValueError("x")',
        'except ValueError as e:',
        '    pass',
        'n = 10 + 0o777',
        's = repr(n)',
        'if n != 3: exec("y = 1")',
        'm = list(map(str, [1]))',
        'pairs = sorted(list(d.items()), key=lambda k_v: k_v[1])',
        'try: 1 / 0',
        'except ZeroDivisionError as err: print(__legacy_bn_exception_message__(err), '
        'other.message)',
        '']


def test_fixers_that_move_lines_leave_tracebacks_on_the_users_lines(tmp_path):
    write(tmp_path, 'old.py', '''
        def f((a, b), c):
            return a + b + c
        class Meta(type): pass
        class C(object):
            __metaclass__ = Meta
            x = 1
        print f((1, 2), 3), type(C).__name__
        print C.x / 0
        ''')
    out = run(['-m', 'legacy_bn', 'old.py'], tmp_path)
    assert out.stdout == '6 Meta\n'
    lines = out.stderr.strip().split('\n')
    assert lines[2:4] == ['  File "%s", line 9, in <module>' % (tmp_path / 'old.py'),
                          '    print C.x / 0']
    assert lines[-1] == 'ZeroDivisionError: integer division or modulo by zero'
    translated = py2_source.translate('def f((a, b)):\n    return a\nx = 1\n', 'x.py')
    assert py2_source.line_map('def f((a, b)):\n    return a\nx = 1\n', translated) == \
        [1, 1, 2, 3]


def test_tabs_expand_as_python2_read_them_but_not_inside_strings():
    source = 'def f():\n\tx = """a\n\tb"""\n        return x + "\\t"\n'
    out = py2_source.expand_tabs(source)
    assert out == 'def f():\n        x = """a\n\tb"""\n        return x + "\\t"\n'
    assert py2_source.expand_tabs('if 1:\n  \tx = 1\n') == 'if 1:\n        x = 1\n'


def test_unreadable_source_is_a_syntax_error_at_the_users_line(tmp_path):
    with pytest.raises(SyntaxError) as caught:
        py2_source.decide(str(tmp_path / 'bad.py'), b"print 'a'\nx = = 2\n")
    assert (caught.value.filename, caught.value.lineno) == (str(tmp_path / 'bad.py'), 2)


def test_translation_is_cached_and_fissix_is_only_imported_on_a_miss(tmp_path):
    script = write(tmp_path, 'old.py', """
        import sys
        print "fissix loaded:", 'fissix' in sys.modules
        """)
    first = run(['-m', 'legacy_bn', 'old.py'], tmp_path)
    second = run(['-m', 'legacy_bn', 'old.py'], tmp_path)
    assert (first.stdout, second.stdout) == ('fissix loaded: True\n', 'fissix loaded: False\n')
    entries = os.listdir(tmp_path / '.cache' / 'legacy_bn' / 'py2')
    assert len(entries) == 1 and entries[0].endswith('.json')      # no temp file left
    # another content is another entry; the cache never holds the file's path
    script.write_text(script.read_text() + '\n')
    assert run(['-m', 'legacy_bn', 'old.py'], tmp_path).stdout == 'fissix loaded: True\n'
    assert len(os.listdir(tmp_path / '.cache' / 'legacy_bn' / 'py2')) == 2


def test_a_cache_that_cannot_be_written_costs_only_time(tmp_path, monkeypatch):
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path))
    blocker = tmp_path / 'legacy_bn'          # where the cache's folder should be: a file
    blocker.write_text('')
    for _ in range(2):
        decision = py2_source.decide(str(tmp_path / 'x.py'), b"print 'a'\n")
        assert (decision.python, decision.source) == (2, "print('a')\n")
    assert blocker.read_text() == ''


def test_without_fissix_the_error_names_the_file_and_the_install_command(tmp_path):
    write(tmp_path, 'no_fissix/fissix/__init__.py', "raise ImportError('no fissix here')\n")
    write(tmp_path, 'old.py', "import helper\n")
    write(tmp_path, 'helper.py', "print 'x'\n")
    out = run(['-m', 'legacy_bn', 'old.py'], tmp_path,
              env={'PYTHONPATH': str(tmp_path / 'no_fissix') + os.pathsep + ROOT})
    assert out.returncode == 1
    assert out.stderr.strip().endswith(
        "legacy_bn: %s is Python 2 source; translating it needs fissix: pip install fissix "
        "(or pip install 'legacy_bn[py2]')" % (tmp_path / 'helper.py'))


# ------------------------------------------------------------------- builtins and modules
def test_python2_print_shows_floats_as_python2_str_did(capsys):
    import numpy as np
    # the str() of each number below is what Python 2.7.18 printed for it
    py2compat.print2(0.1 + 0.2, 1.0, 1e16, -0.0, float('nan'), 0.18631323068335712,
                     np.float64(2) / 3, np.float32(0.5), 3, True, [0.1 + 0.2], sep='|')
    py2compat.print2(123456789012.5, 12345678901.0, 1e-5, 0.0001, 0.0, -1e-300, 1e11,
                     99999999999.5, 5e-5, float('-inf'))
    assert capsys.readouterr().out == (
        '0.3|1.0|1e+16|-0.0|nan|0.186313230683|0.666666666667|0.5|3|True|'
        '[0.30000000000000004]\n'
        '1.23456789012e+11 12345678901.0 1e-05 0.0001 0.0 -1e-300 1e+11 99999999999.5 5e-05 '
        '-inf\n')


def test_python2_exception_message():
    message = py2compat.PY2_BUILTINS['__legacy_bn_exception_message__']
    assert [message(ValueError('a')), message(ValueError('a', 2)), message(KeyError())] == \
        ['a', '', '']
    assert message(ValueError(3)) == 3          # the argument itself, as Python 2 kept it

    class Custom(Exception):
        message = 'its own'
    assert message(Custom('x')) == 'its own'


def test_python2_round_cmp_and_sorted():
    round2, b = py2compat.round2, py2compat.PY2_BUILTINS
    assert [round2(2.5), round2(-2.5), round2(0.5), round2(1.5)] == [3.0, -3.0, 1.0, 2.0]
    assert round2(2.675, 2) == 2.67 and round2(0.125, 2) == 0.13   # on the exact binary value
    assert type(round2(7)) is float and round2(1234.5, -2) == 1200.0
    assert [b['cmp'](1, 2), b['cmp'](2, 2), b['cmp']('b', 'a')] == [-1, 0, 1]
    assert b['sorted']([3, 1, 2], cmp=lambda x, y: b['cmp'](y, x)) == [3, 2, 1]
    assert b['sorted']([3, 1, 2], reverse=True) == [3, 2, 1]


def test_python2_modules_come_from_the_python2_import_only():
    cPickle = py2_import('cPickle')
    sys2 = py2_import('sys')
    assert sys2.maxint == sys.maxsize and sys2.setdefaultencoding('utf8') is None
    assert sys2.argv is sys.argv and not hasattr(sys, 'maxint')
    assert py2_import('string').letters.startswith('abc')
    assert py2_import('string', fromlist=('maketrans',)).maketrans('a', 'b') == {97: 98}
    assert list(py2_import('itertools').izip('ab', [1, 2])) == [('a', 1), ('b', 2)]
    assert py2_import('Queue').Queue is __import__('queue').Queue
    assert py2_import('cStringIO', fromlist=('StringIO',)).StringIO is __import__('io').StringIO
    assert py2_import('urllib2').urlopen is __import__('urllib.request').request.urlopen
    assert cPickle.loads(pickle.dumps([1, 'a'])) == [1, 'a']
    for name in ('cPickle', 'cStringIO', 'urllib2', 'Queue'):
        assert name not in sys.modules
        with pytest.raises(ImportError):
            __import__(name)


def test_python2_pickles_load_from_text_mode_files():
    cPickle = py2_import('cPickle')
    with open(os.path.join(CORPUS, 'data', 'blobs_text.pkl'), 'r') as f:
        X, y = cPickle.load(f)
    assert (len(X), len(X[0]), sum(y)) == (240, 8, 112)
    with open(os.path.join(CORPUS, 'data', 'blobs_meta.pkl'), 'rb') as f:
        extra = cPickle.load(f)
    assert extra['names'] == {0: 'n\xe9gatif', 1: 'positif'}
    assert extra['meta'] == {'author': 'kaggler', 'version': 3, 'shape': (240, 8)}


def test_a_sibling_modules_traceback_and_report(tmp_path):
    write(tmp_path, 'old.py', """
        import helper
        print(helper.twice(3))
        helper.fail()
        """)
    write(tmp_path, 'helper.py', "def twice(n):\n\treturn 2 * n\n\ndef fail():\n"
                                 "        raise ValueError, 'from the helper'\n")
    out = run(['-m', 'legacy_bn', 'old.py'], tmp_path)
    assert out.returncode == 1 and out.stdout == '6\n'
    lines = out.stderr.strip().split('\n')
    assert lines[0] == ('legacy_bn: Python 2 semantics for helper.py (raise X, message, '
                        'line 5); --py3 for Python 3')
    assert lines[1:] == [
        'Traceback (most recent call last):',
        '  File "%s", line 4, in <module>' % (tmp_path / 'old.py'),
        '    helper.fail()',
        '  File "%s", line 5, in fail' % (tmp_path / 'helper.py'),
        "    raise ValueError, 'from the helper'",
        'ValueError: from the helper']


def test_an_error_while_importing_a_python2_sibling_shows_only_the_users_frames(tmp_path):
    write(tmp_path, 'old.py', "import keras\nimport helper\n")
    write(tmp_path, 'helper.py', "x = 1\nraise ValueError, 'at import'\n")
    out = run(['-m', 'legacy_bn', 'old.py'], tmp_path)
    assert out.stderr.strip().split('\n')[1:] == [
        'Traceback (most recent call last):',
        '  File "%s", line 2, in <module>' % (tmp_path / 'old.py'),
        '    import helper',
        '  File "%s", line 2, in <module>' % (tmp_path / 'helper.py'),
        "    raise ValueError, 'at import'",
        'ValueError: at import']


def test_py2_and_py3_options_decide_for_every_file(tmp_path):
    write(tmp_path, 'old.py', "import helper\nprint(f'{7 / 2} {helper.x}')\n")
    write(tmp_path, 'helper.py', "x = 7 / 2\n")
    assert run(['-m', 'legacy_bn', 'old.py'], tmp_path).stdout == '3.5 3\n'
    assert run(['-m', 'legacy_bn', '--py3', 'old.py'], tmp_path).stdout == '3.5 3.5\n'
    out = run(['-m', 'legacy_bn', '--py2', 'old.py'], tmp_path)
    assert out.stdout == '3 3\n'
    assert 'old.py (--py2)' in out.stderr


# --------------------------------------------------------------- what is never touched
def test_installed_packages_and_python3_files_see_python3(tmp_path):
    # a module outside the script's folder (as an installed package) is plain Python 3
    write(tmp_path, 'site/outside.py', "x = 7 / 2\ntry:\n    import cPickle\nexcept ImportError:\n"
                                       "    cPickle = None\n")
    write(tmp_path, 'proj/old.py', """
        import outside, builtins
        print outside.x, outside.cPickle, 7 / 2, hasattr(builtins, 'xrange')
        """)
    out = run(['-m', 'legacy_bn', 'old.py'], tmp_path / 'proj',
              env={'PYTHONPATH': ROOT + os.pathsep + str(tmp_path / 'site')})
    assert out.stdout == '3.5 None 3 False\n', out.stderr
    assert not os.path.exists(tmp_path / 'proj' / '__pycache__')   # no .pyc of a translation


def test_a_library_folder_on_sys_path_inside_the_scripts_tree_is_not_the_scripts(tmp_path):
    write(tmp_path, 'lib/library.py', "x = 7 / 2\n")
    write(tmp_path, 'helper.py', "x = 7 / 2\n")
    write(tmp_path, 'old.py', "import library, helper\nprint library.x, helper.x\n")
    out = run(['-m', 'legacy_bn', 'old.py'], tmp_path,
              env={'PYTHONPATH': ROOT + os.pathsep + str(tmp_path / 'lib')})
    assert out.stdout == '3.5 3\n', out.stderr


def test_import_legacy_bn_and_install_aliases_add_no_python2(tmp_path):
    write(tmp_path, 'helper.py', "x = 7 / 2\n")
    write(tmp_path, 'old2.py', "print 'py2'\n")
    out = run(['-c', textwrap.dedent("""
        import builtins, sys
        before = list(sys.meta_path)
        import legacy_bn, legacy_bn.models
        legacy_bn.install_aliases()
        import keras.layers.core, helper
        added = [type(f).__name__ for f in sys.meta_path if f not in before]
        print(added, helper.x, hasattr(builtins, 'xrange'), hasattr(sys, 'maxint'))
        for name in ('cPickle', 'old2'):
            try:
                __import__(name)
            except (ImportError, SyntaxError) as error:
                print(type(error).__name__)
        print(sorted(m for m in sys.modules if m.startswith('legacy_bn.runner.py2')))
        """)], tmp_path)
    assert out.stdout.split('\n') == [
        "['AliasFinder'] 3.5 False False", 'ModuleNotFoundError', 'SyntaxError', '[]', ''], \
        out.stderr


# ------------------------------------------------------------- issue 17: the two runner items
def test_a_directory_without_main_is_one_line(tmp_path):
    (tmp_path / 'project').mkdir()
    out = run(['-m', 'legacy_bn', 'project'], tmp_path)
    assert (out.returncode, out.stderr) == (
        1, "legacy_bn: can't find '__main__' module in %r\n" % str(tmp_path / 'project'))
    write(tmp_path, 'project/__main__.py', "import helper\nprint 'main', helper.x\n")
    write(tmp_path, 'project/helper.py', "x = 7 / 2\n")
    assert run(['-m', 'legacy_bn', 'project'], tmp_path).stdout == 'main 3\n'


def test_a_symlinked_script_imports_from_its_targets_folder(tmp_path):
    write(tmp_path, 'real/old.py', """
        import os, sys, helper
        print helper.where, sys.path[0] == os.path.dirname(os.path.realpath(__file__))
        print os.path.basename(__file__)
        """)
    write(tmp_path, 'real/helper.py', "where = 'real'\n")
    (tmp_path / 'links').mkdir()
    os.symlink(tmp_path / 'real' / 'old.py', tmp_path / 'links' / 'link.py')
    out = run(['-m', 'legacy_bn', 'links/link.py'], tmp_path)
    assert out.stdout == 'real True\nlink.py\n', out.stderr
