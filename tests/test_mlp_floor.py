"""scripts/mlp_floor.py: its hand-written numpy step of the bench's MLP is the step legacy_bn
takes (weights, BatchNormalization's parameters and running statistics after one step), the
check that says so catches a floor that is off, and the script prints its three sides.

Speed is never asserted."""
import importlib.util
import os
import re
import subprocess
import sys

import numpy as np
import pytest

SCRIPTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'scripts')


def load_floor():
    sys.path.insert(0, SCRIPTS)           # mlp_floor imports bench.py beside it
    try:
        spec = importlib.util.spec_from_file_location('mlp_floor',
                                                      os.path.join(SCRIPTS, 'mlp_floor.py'))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(SCRIPTS)
    return module


@pytest.fixture(scope='module')
def floor_script():
    return load_floor()


def one_step_agreement(floor_script, batch, **floor_options):
    bench = floor_script.bench
    case = bench.CASES['mlp']
    X, y = case.data(np, 'float32', batch)[0]
    weights = bench.seeded_model(np, case).get_weights()
    options = dict(lr=case.lr)
    options.update(floor_options)
    floor = floor_script.FloorMLP(np, weights, batch, **options)
    return floor_script.agreement(np, bench.seeded_model(np, case), floor, X, y)


@pytest.mark.parametrize('batch', [128, 8])
def test_the_floor_takes_legacy_bns_step(floor_script, batch):
    # float32 against the session's floatX: within float32 rounding of the step
    assert one_step_agreement(floor_script, batch) < 1e-4


@pytest.mark.parametrize('off', [dict(lr=0.0101), dict(momentum=0.8), dict(epsilon=1e-3)])
def test_the_check_catches_a_floor_that_is_off(floor_script, off):
    # a learning rate 1% off moves every weight; the running statistics' momentum and
    # BatchNormalization's epsilon move only gamma and beta or the running statistics
    assert one_step_agreement(floor_script, 128, **off) > 2e-3


def test_the_script_times_three_sides_after_its_check():
    env = dict(os.environ)
    env.pop('THEANO_FLAGS', None)
    proc = subprocess.run([sys.executable, os.path.join(SCRIPTS, 'mlp_floor.py'), '--batch', '8',
                           '--reps', '2', '--steps', '1'], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    agree = re.search(r'^floor against legacy_bn after one step: (\S+) \(at most 0\.002\)$', out,
                      re.M)
    assert agree and float(agree.group(1)) < 1e-4
    assert 'mlp, float32, batch 8, accelerator none, 2 reps x 16 steps, medians:' in out
    sides = re.findall(r'^  (numpy floor|legacy_bn|torch) +(\d+\.\d{3}) ms a step$', out, re.M)
    torch = importlib.util.find_spec('torch') is not None
    assert [name for name, _ in sides] == ['numpy floor', 'legacy_bn'] + ['torch'] * torch
    assert all(float(ms) > 0 for _, ms in sides)
    ratios = re.findall(r'^  (.+) / (.+): (\d+\.\d{3}) \(above 1: \1 faster\)$', out, re.M)
    assert [(a, b) for a, b, _ in ratios] == (
        [('numpy floor', 'torch'), ('legacy_bn', 'torch')] * torch + [('legacy_bn', 'numpy floor')])
