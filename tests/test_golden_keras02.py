"""Scenarios recorded from the real Keras 0.2.0 + Theano 0.8.2, run against legacy_bn.keras02.

Each scenario (tests/golden/keras02/scenarios/<name>.py, plain 0.2.0 user code) runs in its own
process through `run_scenario.py --alias 0.2`, which makes `import keras` load legacy_bn's 0.2.0
surface, and its arrays are checked by compare.py against the recording in
tests/golden/keras02/<floatX>/<name>.npz: random-derived keys bit for bit, the rest to rtol 1e-8
(float64) or 2e-4 (float32). Scenarios that legacy_bn does not match yet wait in
tests/golden/keras02/pending/ with a comment saying what differs.
Recorded with `/work/oracle/run.sh 0.2.0 32|64 tests/golden/run_scenario.py --floatx float32|float64
--out tests/golden/keras02 tests/golden/keras02/scenarios/<name>.py`.
"""
import os
import subprocess
import sys

import pytest

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden')
KERAS02 = os.path.join(GOLDEN, 'keras02')
sys.path.insert(0, GOLDEN)
import compare  # noqa: E402


def scenario_names(folder):
    path = os.path.join(KERAS02, folder)
    return sorted(f[:-3] for f in os.listdir(path) if f.endswith('.py')) if os.path.isdir(path) else []


SCENARIOS = scenario_names('scenarios')


def run_on_legacy_bn(scenario, floatx, outdir):
    env = {k: v for k, v in os.environ.items()
           if k not in ('THEANO_FLAGS', 'KERAS_BACKEND', 'LEGACY_BN_KERAS')}
    return subprocess.run(
        [sys.executable, '-W', 'ignore', os.path.join(GOLDEN, 'run_scenario.py'),
         '--floatx', floatx, '--out', outdir, '--alias', '0.2',
         os.path.join(KERAS02, 'scenarios', scenario + '.py')],
        cwd=outdir, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize('floatx', ['float64', 'float32'])
@pytest.mark.parametrize('scenario', SCENARIOS)
def test_scenario_matches_real_keras_02(scenario, floatx, tmp_path):
    run = run_on_legacy_bn(scenario, floatx, str(tmp_path))
    assert run.returncode == 0, run.stderr[-3000:]
    name = scenario + '.npz'
    assert compare.compare_file(os.path.join(KERAS02, floatx, name),
                                os.path.join(str(tmp_path), floatx, name),
                                floatx, scenario) == []


def test_each_scenario_is_recorded_in_both_float_types_and_none_is_both_live_and_pending():
    for floatx in ('float64', 'float32'):
        recorded = sorted(f[:-4] for f in os.listdir(os.path.join(KERAS02, floatx))
                          if f.endswith('.npz'))
        assert sorted(set(recorded) - set(scenario_names('pending'))) == SCENARIOS, floatx
    assert not set(SCENARIOS) & set(scenario_names('pending'))
