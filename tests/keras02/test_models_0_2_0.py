"""Keras 0.2.0's fit loop and configs under `--keras 0.2`, against the real Keras 0.2.0.

scripts/fit_logs.py fits a seeded Sequential and Graph and reports what 0.2.0 users saw:
fit's History (0.2.0's averaged every batch log itself, 'batch' and 'size' included), the
events and logs a callback gets (the epoch-end logs hold only val_ values), the callbacks'
params and the compiled models' get_config(). scripts/fit_logs_0_2_0_golden.json is what the
real Keras 0.2.0 printed for it (`/work/oracle/run.sh 0.2.0 64`, Theano 0.8.2, float64).
"""
import json
import os
import subprocess
import sys

import numpy as np

from .test_numerics_0_2_0 import HERE, ROOT


def close(ours, expected, where):
    assert sorted(ours) == sorted(expected), where
    for key in expected:
        np.testing.assert_allclose(ours[key], expected[key], rtol=1e-8, err_msg=where + key)


def test_fit_history_callbacks_and_configs_match_keras_0_2_0(tmp_path):
    with open(os.path.join(HERE, 'scripts', 'fit_logs_0_2_0_golden.json')) as f:
        golden = json.load(f)
    done = subprocess.run([sys.executable, '-m', 'legacy_bn', '--keras', '0.2',
                           os.path.join(HERE, 'scripts', 'fit_logs.py')],
                          capture_output=True, text=True, cwd=str(tmp_path),
                          env=dict(os.environ, PYTHONPATH=ROOT, HOME=str(tmp_path)))
    assert done.returncode == 0, done.stderr
    *printed, last = done.stdout.strip().splitlines()
    got = json.loads(last)
    for key in ('history', 'history_plain', 'graph_history'):
        close(got[key], golden[key], key)
    for key in ('type', 'epoch', 'events', 'params', 'config', 'graph_config'):
        assert got[key] == golden[key], key
    # verbose=2: 0.2.0 printed 'Epoch 1/1' then '0s - loss: 0.6951 - acc: 0.6000'; legacy_bn's
    # progress display (shared with 4e1ec93) prints the same values on one line
    assert golden['stdout'] == ['Epoch 1/1', '0s - loss: 0.6951 - acc: 0.6000']
    assert printed == ['Epoch 1/1 - 0s - loss: 0.6951 - acc: 0.6000']
    # 0.2.0's Graph.fit ignored class_weight silently; legacy_bn says so, naming 0.2.0
    assert got['class_weight_warnings'] == [
        'Graph.fit: class_weight has no effect in Keras 0.2.0 (its Graph.fit ignored it); '
        'pass sample_weight={output name: weights} instead']
