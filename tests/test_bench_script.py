"""Smoke test of scripts/bench.py: it runs, prints its table, and its first-step check bites.

Speed is never asserted: only that every (case, floatX, batch) row is there, that the
rewritten and unrewritten steps agree on the first update, that PyTorch is optional, and
that the options reach the workers (--accel numba: the numba accelerator, if numba is
installed).
"""
import importlib.util
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import legacy_bn.theano as theano
from legacy_bn.theano import accel

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


def run_bench(*args, theano_flags='', pythonpath=None, accel_variable=None):
    env = dict(os.environ, THEANO_FLAGS=theano_flags)
    env.pop('LEGACY_BN_ACCEL', None)
    if accel_variable is not None:
        env['LEGACY_BN_ACCEL'] = accel_variable
    if pythonpath:
        env['PYTHONPATH'] = os.pathsep.join([pythonpath, env.get('PYTHONPATH', '')])
    proc = subprocess.run([sys.executable, BENCH, '--quick'] + list(args), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = [ROW.match(line) for line in proc.stdout.splitlines()]
    return proc.stdout, [m.groups() for m in rows if m]


COMPILE = re.compile(r'^model\.compile of (\w+), (float32|float64): (\d+\.\d\d) s the first time '
                     r'in a process, (\d+\.\d\d) s the second$', re.M)


AGAINST = re.compile(r'^  (\w+) float32 batch (128|8): (\d+\.\d\d) \(against (\w+)\)$', re.M)


def test_quick_run_prints_a_row_per_case_and_batch_and_the_steps_agree():
    """Every default case, the Keras 0.3.3 ones included, in float32 (float64 reaches the
    workers in the options test below); model.compile's time for the MLPs and LSTMs."""
    bench = load_bench()
    out, rows = run_bench('--floatx', 'float32')
    default = [c for c in bench.CASES if bench.CASES[c].default]
    assert {'k03_mlp', 'k03_lenet', 'k03_lstm'} <= set(default)
    assert [(c, fx, int(b)) for c, fx, b, *_ in rows] == [
        (c, 'float32', b) for c in default for b in (128, 8)]
    for case, fx, batch, legacy, torch, ratio, agrees in rows:
        assert agrees == 'yes'
        assert int(legacy) > 0
        if has_torch():
            assert int(torch) > 0 and float(ratio) > 0
    assert 'numpy %s' % np.__version__ in out
    assert 'OMP_NUM_THREADS=1, OPENBLAS_NUM_THREADS=1, MKL_NUM_THREADS=1' in out
    assert '\naccelerator: none\n' in out
    assert re.search(r'tiny graph .* float32 vector: \d+\.\d us/call', out)
    timed = COMPILE.findall(out)
    assert [c for c, *_ in timed] == ['mlp', 'lstm', 'k03_mlp', 'k03_lstm']
    # each 0.3.3 case against its 0.1 model, timed in the same repetitions
    compared = AGAINST.findall(out)
    assert [(c, int(b), ref) for c, b, _, ref in compared] == [
        (c, b, c[len('k03_'):]) for c in default if c.startswith('k03_') for b in (128, 8)]
    assert all(float(ratio) > 0 for _, _, ratio, _ in compared)
    assert all(fx == 'float32' and float(a) > 0 and float(b) > 0 for _, fx, a, b in timed)


def test_without_pytorch_legacy_bn_is_timed_alone_with_a_message(tmp_path):
    fake = tmp_path / 'torch'
    fake.mkdir()
    (fake / '__init__.py').write_text('raise ImportError("no torch here")\n')
    out, rows = run_bench('--floatx', 'float32', '--case', 'k03_mlp', pythonpath=str(tmp_path))
    assert 'PyTorch is not installed' in out and 'pip install "legacy_bn[bench]"' in out
    assert rows and all(torch == '-' and ratio == '-' and int(legacy) > 0
                        for _, _, _, legacy, torch, ratio, _ in rows)


def test_case_and_floatx_options_reach_the_workers():
    # The worker asserts that legacy_bn.theano read the floatX it was started for.
    # (--threads > 1 is not exercised: on a busy 2-core machine it is many times slower.)
    # The Keras 0.3.3 case's backend reads floatx from the keras.json the worker writes.
    # --accel (default none) wins over the caller's LEGACY_BN_ACCEL, which would make
    # the workers fail if it reached them
    out, rows = run_bench('--floatx', 'float64', '--case', 'k03_mlp',
                          theano_flags='floatX=float32,device=cpu', accel_variable='fast')
    assert [(c, fx, int(b)) for c, fx, b, *_ in rows] == [('k03_mlp', 'float64', 128),
                                                          ('k03_mlp', 'float64', 8)]
    assert COMPILE.findall(out)[0][:2] == ('k03_mlp', 'float64')
    assert '\naccelerator: none\n' in out


def test_accel_numba_runs_the_lstm_loops_compiled_and_they_agree():
    """The LSTM and LSTM_LN cases with the numba accelerator: the worker checked that
    legacy_bn's loops use it (the header names it), and the accelerated first step agrees
    with the unrewritten graph's."""
    numba = pytest.importorskip('numba')
    out, rows = run_bench('--floatx', 'float32', '--case', 'lstm', '--case', 'lstm_ln',
                          '--accel', 'numba')
    assert '\naccelerator: numba %s\n' % numba.__version__ in out
    assert [(c, fx, int(b)) for c, fx, b, *_ in rows] == [
        (c, 'float32', b) for c in ('lstm', 'lstm_ln') for b in (128, 8)]
    assert all(agrees == 'yes' and int(legacy) > 0 for *_, legacy, _, _, agrees in rows)


def test_accel_numba_without_numba_says_how_to_install_it(monkeypatch, capsys):
    bench = load_bench()
    assert bench.ACCELS == accel.CHOICES and bench.ACCEL_VARIABLE == accel.ENVIRONMENT_VARIABLE
    assert bench.parse_args([]).accel == 'none'
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, 'find_spec',
                        lambda name, *args: None if name == 'numba' else real(name, *args))
    with pytest.raises(SystemExit):
        bench.parse_args(['--accel', 'numba'])
    assert '--accel numba needs numba: pip install numba' in capsys.readouterr().err


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


def test_first_step_check_floors_an_update_that_is_zero_in_exact_arithmetic(monkeypatch):
    """0.3.3's BatchNormalization subtracts the batch mean, so the bias of the Dense before
    it gets a gradient that is only rounding noise, which the fused and unfused steps round
    differently: measured against the largest update, it is no error."""
    from legacy_bn.keras03 import backend as K
    bench = load_bench()

    class Small03(bench.K03MLP):
        hidden = (16,)

    X, y = Small03().data(np, K.floatx(), 8, n_batches=1)[0]
    agree, dtypes_ok = bench.first_step_agreement(np, Small03(), X, y)
    assert dtypes_ok and agree <= bench.AGREE_TOL[K.floatx()]
    monkeypatch.setattr(bench, 'ZERO_UPDATE', 0.0)
    assert bench.first_step_agreement(np, Small03(), X, y)[0] > bench.AGREE_TOL[K.floatx()]


def test_time_sides_gives_each_sides_median_rate_and_the_median_per_repetition_ratio(monkeypatch):
    """Rates from scripted durations: side 0 against each other side, repetition by
    repetition (so a repetition slowed for both sides leaves the ratio alone), and the
    sides run in turn, the order reversed every other repetition."""
    bench = load_bench()
    seconds = {'a': [9, 1, 1, 4, 1, 2], 'b': [9, 2, 2, 8, 2, 4], 'c': [9, 1, 4, 2, 1, 3]}
    calls = []

    def run_steps(step, pool, n):
        calls.append(step)
        return seconds[step].pop(0)                 # the first call is the warm-up
    monkeypatch.setattr(bench, 'run_steps', run_steps)
    rates, ratios = bench.time_sides([('a', None), ('b', None), ('c', None)], batch=128,
                                     reps=5, steps=10)
    assert calls[3:] == ['a', 'b', 'c', 'c', 'b', 'a', 'a', 'b', 'c', 'c', 'b', 'a', 'a', 'b', 'c']
    n = 10 * 128                                    # samples per timed run
    assert rates == [n / 1, n / 2, n / 2]           # medians of n / seconds
    assert ratios == [2.0, 1.0]     # a/b is 2 in every repetition; a/c: 1, 4, 0.5, 1, 1.5


def test_a_case_is_a_few_lines():
    bench = load_bench()

    @bench.register
    class Tiny(bench.MLP):
        name = 'tiny'
        hidden = (8,)
    assert isinstance(bench.CASES['tiny'], Tiny)
    assert bench.parse_args(['--case', 'tiny']).case == ['tiny']
