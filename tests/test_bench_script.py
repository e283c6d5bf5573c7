"""Smoke test of scripts/bench.py: it runs, prints its table, and its first-step check bites.

Speed is never asserted: only that every (floatX, batch) row is there, that the compiled
and direct steps agree on the first update, and that the options reach the workers.
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
ROW = re.compile(r'^\s*(float64|float32)\s+(128|8)\s+(\d+)\s+(\d+)\s+(\d+\.\d\d)\s+(yes|NO) \(')


def load_bench():
    spec = importlib.util.spec_from_file_location('bench', BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_bench(*args, theano_flags=''):
    env = dict(os.environ, THEANO_FLAGS=theano_flags)
    proc = subprocess.run([sys.executable, BENCH, '--quick'] + list(args), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = [ROW.match(line) for line in proc.stdout.splitlines()]
    return proc.stdout, [m.groups() for m in rows if m]


def test_quick_run_prints_a_row_per_floatx_and_batch_and_the_steps_agree():
    out, rows = run_bench()
    assert [(fx, int(b)) for fx, b, *_ in rows] == [
        ('float64', 128), ('float64', 8), ('float32', 128), ('float32', 8)]
    for fx, batch, compiled, direct, ratio, agrees in rows:
        assert agrees == 'yes'
        assert int(compiled) > 0 and int(direct) > 0 and float(ratio) > 0
    assert 'numpy %s' % np.__version__ in out
    assert 'OMP_NUM_THREADS=1, OPENBLAS_NUM_THREADS=1, MKL_NUM_THREADS=1' in out
    for fx in ('float64', 'float32'):
        assert re.search(r'tiny graph .* %s vector: \d+\.\d us/call' % fx, out)


def test_floatx_option_overrides_the_callers_theano_flags():
    # The worker asserts that legacy_bn.theano read the floatX it was started for.
    # (--threads > 1 is not exercised: on a busy 2-core machine it is many times slower.)
    out, rows = run_bench('--floatx', 'float64', theano_flags='floatX=float32,device=cpu')
    assert [(fx, int(b)) for fx, b, *_ in rows] == [('float64', 128), ('float64', 8)]


def test_first_step_check_rejects_a_step_that_is_off_by_one_percent(monkeypatch):
    bench = load_bench()
    floatX = theano.config.floatX
    weights = bench.init_weights(np, floatX)
    X, Y = bench.make_data(np, floatX, 8, n_batches=1)[0]
    compiled = bench.build_compiled(weights, floatX)
    right = bench.first_step_agreement(np, compiled, bench.build_direct(weights, floatX),
                                       weights, X, Y)
    monkeypatch.setattr(bench, 'LR', bench.LR * 1.01)     # the direct step only: compiled is built
    wrong = bench.first_step_agreement(np, compiled, bench.build_direct(weights, floatX),
                                       weights, X, Y)
    assert right[1] and wrong[1]                          # dtypes kept on both sides
    assert right[0] <= bench.AGREE_TOL[floatX] < wrong[0]
