"""Five programs written as 2015 Theano tutorial code (tests/theano_programs/), run through
the runner: each learns (its cost falls by the stated margin), and its first five
minibatch costs are those the real Theano 0.8.2 printed for the same program
(`/work/oracle/run.sh 4e1ec93 64 program.py`, floatX=float64, recorded below)."""
import os
import re
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'theano_programs')
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PROGRAMS = {
    # program: (Theano 0.8.2's first five costs, last epoch / first epoch must be below,
    #           (final metric, its bound) or None)
    'logistic_sgd': ([1.3862943611198906, 1.2186900040473874, 1.0084329404758927,
                      0.9250532191879154, 0.7688574405704486], 0.5, ('valid_error', 0.15)),
    'mlp': ([1.3873996611786639, 1.3464006717510086, 1.2992742332386484,
             1.2775866770619793, 1.2266938231251654], 0.5, ('train_error', 0.15)),
    'dA': ([30.85395416975024, 26.705830792435016, 25.700766474878417,
            21.998924955428024, 23.809072937424492], 0.7, None),
    'rbm': ([39.83874609508333, 29.765678269312975, 27.086022886878396,
             24.664362741541108, 22.31658045089578], 0.6, None),
    'lstm': ([0.6924713626171787, 0.6337964100334649, 0.6926634094370225,
              0.6280572862172694, 0.5451757245330495], 0.5, ('train_error', 0.2)),
}


def run_program(name):
    env = dict(os.environ, PYTHONPATH=ROOT, OMP_NUM_THREADS='1', OPENBLAS_NUM_THREADS='1')
    env.pop('THEANO_FLAGS', None)
    done = subprocess.run([sys.executable, '-m', 'legacy_bn', '--py3',
                           os.path.join(HERE, name + '.py')],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    found = {}
    for line in done.stdout.splitlines():
        m = re.match(r'^(step|epoch|\w+_error) ?(\d*) (\S+)$', line)
        if m:
            key = m.group(1) + (m.group(2) and ' ' + m.group(2))
            found[key] = float(m.group(3))
    return found


@pytest.mark.parametrize('name', sorted(PROGRAMS))
def test_program_learns_and_starts_as_theano(name):
    theano_first, ratio, final = PROGRAMS[name]
    out = run_program(name)
    if theano_first is not None:
        ours = [out['step %d' % k] for k in range(5)]
        np.testing.assert_allclose(ours, theano_first, rtol=1e-8)
    epochs = [out[k] for k in sorted((k for k in out if k.startswith('epoch')),
                                     key=lambda k: int(k.split()[1]))]
    assert epochs[-1] < ratio * epochs[0], epochs
    if final is not None:
        assert out[final[0]] < final[1], out
