"""Every recorded scenario of the real Keras + Theano, run against legacy_bn.

Each scenario runs in a fresh process (the global np.random state and floatX
must start clean) through the recording's own runner in --alias mode, and is
judged by the recording's own compare.py: bit-exact for everything random
(initial weights, np.random state afterwards, dropout masks), rtol 1e-8 in
float64 and 2e-4 in float32 for the arithmetic.
"""
import os
import subprocess
import sys

import pytest

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden')
sys.path.insert(0, GOLDEN)
import compare  # noqa: E402

SCENARIOS = sorted(f[:-3] for f in os.listdir(os.path.join(GOLDEN, 'scenarios')) if f.endswith('.py'))


@pytest.mark.parametrize('floatx', ['float64', 'float32'])
@pytest.mark.parametrize('scenario', SCENARIOS)
def test_scenario_matches_real_keras(scenario, floatx, tmp_path):
    env = dict(os.environ)
    env.pop('THEANO_FLAGS', None)
    run = subprocess.run(
        [sys.executable, '-W', 'ignore', os.path.join(GOLDEN, 'run_scenario.py'), '--alias',
         '--floatx', floatx, '--out', str(tmp_path), os.path.join(GOLDEN, 'scenarios', scenario + '.py')],
        cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    problems = compare.compare_file(os.path.join(GOLDEN, floatx, scenario + '.npz'),
                                    os.path.join(str(tmp_path), floatx, scenario + '.npz'),
                                    floatx, scenario)
    assert problems == []


def test_every_golden_file_has_a_scenario():
    for floatx in ('float64', 'float32'):
        recorded = sorted(f[:-4] for f in os.listdir(os.path.join(GOLDEN, floatx)))
        assert recorded == SCENARIOS
