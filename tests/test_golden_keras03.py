"""Every scenario recorded from the real Keras 0.3.3 + Theano 0.8.2, run against legacy_bn.keras03.

Same procedure as test_golden.py (fresh process per scenario, the recording's own compare.py:
bit-exact for everything random, rtol 1e-8 in float64 and 2e-4 in float32), with the scenario
run by `run_scenario.py --alias 0.3`, which loads legacy_bn's Keras 0.3 surface for `keras`.
"""
import os
import subprocess
import sys

import pytest

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden')
KERAS03 = os.path.join(GOLDEN, 'keras03')
sys.path.insert(0, GOLDEN)
import compare  # noqa: E402

SCENARIOS = sorted(f[:-3] for f in os.listdir(os.path.join(KERAS03, 'scenarios'))
                   if f.endswith('.py'))


@pytest.mark.parametrize('floatx', ['float64', 'float32'])
@pytest.mark.parametrize('scenario', SCENARIOS)
def test_scenario_matches_real_keras_03(scenario, floatx, tmp_path):
    env = dict(os.environ)
    for var in ('THEANO_FLAGS', 'KERAS_BACKEND', 'LEGACY_BN_KERAS'):
        env.pop(var, None)
    run = subprocess.run(
        [sys.executable, '-W', 'ignore', os.path.join(GOLDEN, 'run_scenario.py'),
         '--floatx', floatx, '--out', str(tmp_path), '--alias', '0.3',
         os.path.join(KERAS03, 'scenarios', scenario + '.py')],
        cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    problems = compare.compare_file(os.path.join(KERAS03, floatx, scenario + '.npz'),
                                    os.path.join(str(tmp_path), floatx, scenario + '.npz'),
                                    floatx, scenario)
    assert problems == []


def test_every_recording_has_its_scenario_and_both_float_types():
    for floatx in ('float64', 'float32'):
        recorded = sorted(f[:-4] for f in os.listdir(os.path.join(KERAS03, floatx))
                          if f.endswith('.npz'))
        assert recorded == SCENARIOS, floatx
