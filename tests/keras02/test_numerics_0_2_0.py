"""Keras 0.2.0's numerics on legacy_bn (`--keras 0.2`): 0.3's constructors, 4e1ec93's arithmetic.

Each script runs in its own process through the runner: the 0.2.0 surface fixes the backend's
float type when it is first imported (0.2.0 had no keras.json), which must not leak into the
0.3.3 tests of this process. The golden numbers are what the real Keras 0.2.0 printed for
scripts/mlp_dropout_bn.py (`/work/oracle/run.sh 0.2.0 64 tests/keras02/scripts/mlp_dropout_bn.py`,
Theano 0.8.2, floatX=float64): the dropout masks, BatchNormalization's uniform gamma and the
order of every np.random draw must match 0.2.0's for these to agree.
"""
import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# printed by the real Keras 0.2.0 (see the module docstring)
GOLDEN_MLP = {
    "losses": [1.0968688072417305, 1.1030931793064058, 1.0985341614959483, 1.0947492270359378,
               1.092317869505432],
    "test_loss": 1.0923211860712023,
    "predict": [0.34189000525054863, 0.3503370408183359, 0.3077729539311154,
                0.34597964363417755, 0.342632965440846, 0.3113873909249765],
    "bn_weights": [[0.04548468913456235, -0.018939096356496203, 0.02409981826214743],
                   [-0.0006510010758845166, -0.007315992199761976, -0.004283283495221349],
                   [0.0060475170356334654, 0.05641719559906882, -0.01908680579998965],
                   [0.8475225357378525, 0.9515794562051739, 0.8295271066020861]],
}


def run_0_2(script, tmp_path):
    """(stdout parsed as JSON, stderr) of scripts/<script> run under `--keras 0.2`, with a
    HOME of its own (0.2.0 reads and writes nothing there)."""
    env = dict(os.environ, PYTHONPATH=ROOT, HOME=str(tmp_path), OMP_NUM_THREADS='1')
    env.pop('THEANO_FLAGS', None)
    env.pop('KERAS_BACKEND', None)
    done = subprocess.run([sys.executable, '-m', 'legacy_bn', '--keras', '0.2',
                           os.path.join(HERE, 'scripts', script)],
                          capture_output=True, text=True, env=env, cwd=str(tmp_path))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


def test_seeded_mlp_with_dropout_and_batchnorm_matches_keras_0_2_0(tmp_path):
    got, stderr = run_0_2('mlp_dropout_bn.py', tmp_path)
    assert got['dtype'] == 'float64'
    for key, expected in GOLDEN_MLP.items():
        np.testing.assert_allclose(got[key], expected, rtol=1e-8, err_msg=key)
    # 0.2.0 had no keras.json and no backend message
    assert 'Using Theano backend' not in stderr
    assert not os.path.exists(os.path.join(str(tmp_path), '.keras'))


def test_dropout_batchnorm_and_compile_follow_0_2_0_rules(tmp_path):
    got, _ = run_0_2('rules.py', tmp_path)
    assert got['floatX'] == 'float64'
    X = np.arange(12.).reshape(4, 3)
    np.testing.assert_allclose(got['dropout_test'], X * 0.75, rtol=1e-12)
    assert set(got['dropout_train_ratios']) <= {0.0, 1.0}      # not divided by 1 - p
    assert got['bn_gamma_uniform']
    assert got['bn_shapes'] == [[3]] * 4
    assert got['bn_train_max_error'] < 1e-12                    # running mean 0, std 1
    assert 'class_mode' in got['class_mode_error'] and 'multiclass' in got['class_mode_error']
