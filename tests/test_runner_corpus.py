"""The corpus of 2015-style scripts (tests/corpus/*/NAME.py with NAME.expected) run through
`python -m legacy_bn`; each one is checked for what it printed. The convention is described in
tests/corpus/README.md."""
import glob
import os
import re
import shlex
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, 'tests', 'corpus')
SCRIPTS = sorted(p[:-len('.expected')] + '.py'
                 for p in glob.glob(os.path.join(CORPUS, '*', '**', '*.expected'), recursive=True))


def read_expectations(path):
    """NAME.expected -> dict of directive -> list of values."""
    found = {}
    with open(path) as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            key, colon, value = line.partition(':')
            key = key.strip()
            if not colon or key not in ('stdout', 'stderr', 'not stdout', 'not stderr',
                                        'exit', 'options', 'args'):
                raise ValueError('%s:%d: unknown directive %r (see tests/corpus/README.md)'
                                 % (path, number, line))
            found.setdefault(key, []).append(value.strip())
    return found


@pytest.fixture(scope='session')
def cache_home(tmp_path_factory):
    return str(tmp_path_factory.mktemp('corpus_cache'))


def test_the_corpus_is_there():
    assert len([s for s in SCRIPTS if os.sep + 'py2' + os.sep in s]) >= 15, SCRIPTS


@pytest.mark.parametrize('script', SCRIPTS, ids=[os.path.relpath(s, CORPUS) for s in SCRIPTS])
def test_corpus_script(script, cache_home):
    assert os.path.exists(script), '%s.expected has no script next to it' % script[:-3]
    expected = read_expectations(script[:-3] + '.expected')
    options = [a for value in expected.get('options', []) for a in shlex.split(value)]
    args = [a for value in expected.get('args', []) for a in shlex.split(value)]
    environ = dict(os.environ, PYTHONPATH=ROOT, XDG_CACHE_HOME=cache_home, LEGACY_BN_OFFLINE='1',
                   OMP_NUM_THREADS='1', OPENBLAS_NUM_THREADS='1', MKL_NUM_THREADS='1')
    out = subprocess.run([sys.executable, '-m', 'legacy_bn'] + options
                         + [os.path.basename(script)] + args,
                         cwd=os.path.dirname(script), env=environ, capture_output=True, text=True,
                         timeout=300)
    status = int(expected.get('exit', ['0'])[-1])
    shown = '\n--- stdout:\n%s\n--- stderr:\n%s' % (out.stdout, out.stderr)
    assert out.returncode == status, 'exit %d, expected %d%s' % (out.returncode, status, shown)
    for stream in ('stdout', 'stderr'):
        text = getattr(out, stream)
        for pattern in expected.get(stream, []):
            assert re.search(pattern, text, re.MULTILINE), \
                '%s does not match %r%s' % (stream, pattern, shown)
        for pattern in expected.get('not ' + stream, []):
            assert not re.search(pattern, text, re.MULTILINE), \
                '%s matches %r%s' % (stream, pattern, shown)
