"""keras03.backend reads ~/.keras/keras.json and KERAS_BACKEND at import, as 0.3.3 did.

Each case imports the backend in a fresh interpreter with its own HOME.
"""
import json
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REPORT = ('import json, legacy_bn.theano as th; from legacy_bn.keras03 import backend as K; '
          'print(json.dumps([K.floatx(), K.epsilon(), th.config.floatX, '
          'str(K.variable(1.).dtype), str(K.placeholder(ndim=1).dtype)]))')


def run_import(home, config=None, env=None):
    if config is not None:
        os.makedirs(os.path.join(home, '.keras'))
        with open(os.path.join(home, '.keras', 'keras.json'), 'w') as f:
            f.write(config if isinstance(config, str) else json.dumps(config))
    environ = {k: v for k, v in os.environ.items() if k not in ('KERAS_BACKEND', 'THEANO_FLAGS')}
    environ.update(HOME=str(home), PYTHONPATH=ROOT, **(env or {}))
    return subprocess.run([sys.executable, '-c', REPORT], env=environ, capture_output=True,
                          text=True, timeout=120)


def test_first_import_writes_the_default_config(tmp_path):
    done = run_import(tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ['float32', 1e-07, 'float32', 'float32', 'float32']
    assert done.stderr.endswith('Using Theano backend.\n')
    with open(tmp_path / '.keras' / 'keras.json') as f:
        text = f.read()
    assert json.loads(text) == {'floatx': 'float32', 'epsilon': 1e-07, 'backend': 'theano'}
    assert text.endswith('\n')


def test_float64_config_sets_theano_floatx_and_default_dtypes(tmp_path):
    done = run_import(tmp_path, {'floatx': 'float64', 'epsilon': 1e-05, 'backend': 'tensorflow'},
                      env={'KERAS_BACKEND': 'theano'})       # the environment wins
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ['float64', 1e-05, 'float64', 'float64', 'float64']


@pytest.mark.parametrize('config,env,message', [
    ({'backend': 'theano'}, {'KERAS_BACKEND': 'tensorflow'},
     'KERAS_BACKEND=tensorflow \\(environment\\) asks for the TensorFlow backend: legacy_bn '
     "provides only Keras 0.3.3's Theano backend"),
    ({'floatx': 'float16'}, {}, 'floatx .float16. is not supported by legacy_bn'),
    ({'epsilon': 1}, {}, '"epsilon" must be a float'),
    ({'backend': 'cntk'}, {}, "unknown backend 'cntk'"),
])
def test_bad_settings_are_refused_with_a_message(tmp_path, config, env, message):
    done = run_import(tmp_path, config, env)
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert 'keras.json' in last or 'KERAS_BACKEND' in last
    assert re.search(message, last), last


def test_the_tensorflow_backend_module_says_it_is_not_provided():
    with pytest.raises(ImportError, match="legacy_bn provides only Keras 0.3.3's Theano backend"):
        import legacy_bn.keras03.backend.tensorflow_backend  # noqa: F401
