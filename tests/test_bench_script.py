"""Smoke test of scripts/bench.py: it runs, prints its table, and its first-step check bites.

Speed is never asserted: only that every (case, floatX, batch) row is there, that the
rewritten and unrewritten steps agree on the first update, that PyTorch is optional, and
that the options reach the workers.
"""
import importlib.util
import os
import re
import subprocess
import sys

import numpy as np

import legacy_bn.theano as theano

BENCH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                     'scripts', 'bench.py')
ROW = re.compile(r'^\s*(\w+)\s+(float64|float32)\s+(128|8)\s+(\d+)\s+(\d+|-)\s+(\d+\.\d\d|-)\s+'
                 r'(yes|NO) \(')


def load_bench():
    spec = importlib.util.spec_from_file_location('bench', BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def has_torch():
    return importlib.util.find_spec('torch') is not None


def run_bench(*args, theano_flags='', pythonpath=None):
    env = dict(os.environ, THEANO_FLAGS=theano_flags)
    if pythonpath:
        env['PYTHONPATH'] = os.pathsep.join([pythonpath, env.get('PYTHONPATH', '')])
    proc = subprocess.run([sys.executable, BENCH, '--quick'] + list(args), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = [ROW.match(line) for line in proc.stdout.splitlines()]
    return proc.stdout, [m.groups() for m in rows if m]


def test_quick_run_prints_a_row_per_case_floatx_and_batch_and_the_steps_agree():
    bench = load_bench()
    out, rows = run_bench()
    assert [(c, fx, int(b)) for c, fx, b, *_ in rows] == [
        (c, fx, b) for c in bench.CASES if bench.CASES[c].default for fx in ('float32', 'float64') for b in (128, 8)]
    for case, fx, batch, legacy, torch, ratio, agrees in rows:
        assert agrees == 'yes'
        assert int(legacy) > 0
        if has_torch():
            assert int(torch) > 0 and float(ratio) > 0
    assert 'numpy %s' % np.__version__ in out
    assert 'OMP_NUM_THREADS=1, OPENBLAS_NUM_THREADS=1, MKL_NUM_THREADS=1' in out
    for fx in ('float64', 'float32'):
        assert re.search(r'tiny graph .* %s vector: \d+\.\d us/call' % fx, out)


def test_without_pytorch_legacy_bn_is_timed_alone_with_a_message(tmp_path):
    fake = tmp_path / 'torch'
    fake.mkdir()
    (fake / '__init__.py').write_text('raise ImportError("no torch here")\n')
    out, rows = run_bench('--floatx', 'float32', pythonpath=str(tmp_path))
    assert 'PyTorch is not installed' in out and 'pip install "legacy_bn[bench]"' in out
    assert rows and all(torch == '-' and ratio == '-' and int(legacy) > 0
                        for _, _, _, legacy, torch, ratio, _ in rows)


def test_case_and_floatx_options_reach_the_workers():
    # The worker asserts that legacy_bn.theano read the floatX it was started for.
    # (--threads > 1 is not exercised: on a busy 2-core machine it is many times slower.)
    out, rows = run_bench('--floatx', 'float64', '--case', 'mlp',
                          theano_flags='floatX=float32,device=cpu')
    assert [(c, fx, int(b)) for c, fx, b, *_ in rows] == [('mlp', 'float64', 128),
                                                          ('mlp', 'float64', 8)]


def test_first_step_check_rejects_a_step_that_is_off_by_one_percent():
    bench = load_bench()

    class Small(bench.MLP):
        hidden = (16,)

    class Skewed(Small):
        def keras_model(self, theano_mode=None):
            # the reference (FAST_COMPILE) model learns 1% faster than the timed one
            self.lr = 0.0101 if theano_mode == 'FAST_COMPILE' else 0.01
            return super().keras_model(theano_mode)

    X, y = Small().data(np, theano.config.floatX, 8, n_batches=1)[0]
    right = bench.first_step_agreement(np, Small(), X, y)
    wrong = bench.first_step_agreement(np, Skewed(), X, y)
    assert right[1] and wrong[1]                          # dtypes kept on both sides
    assert right[0] <= bench.AGREE_TOL[theano.config.floatX] < wrong[0]


def test_a_case_is_a_few_lines():
    bench = load_bench()

    @bench.register
    class Tiny(bench.MLP):
        name = 'tiny'
        hidden = (8,)
    assert isinstance(bench.CASES['tiny'], Tiny)
    assert bench.parse_args(['--case', 'tiny']).case == ['tiny']
