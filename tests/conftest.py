"""Fixtures shared by the test modules."""
import json
import os
import tempfile

import numpy as np
import pytest

import legacy_bn.theano as theano


def _import_backend_with_float32_home():
    """Keras 0.3's backend, imported once for the whole session with a scratch HOME whose
    keras.json says float32 (its default); HOME, KERAS_BACKEND and floatX are restored, so
    a test module that imports legacy_bn.keras03 later (the compat tables, the runner)
    changes neither the real home nor the floatX of the tests after it."""
    saved_env = {k: os.environ.get(k) for k in ('HOME', 'KERAS_BACKEND')}
    saved_floatx = theano.config.floatX
    home = tempfile.mkdtemp(prefix='keras03_home_')
    os.makedirs(os.path.join(home, '.keras'))
    with open(os.path.join(home, '.keras', 'keras.json'), 'w') as f:
        json.dump({'floatx': 'float32', 'epsilon': 1e-07, 'backend': 'theano'}, f)
    os.environ['HOME'] = home
    os.environ.pop('KERAS_BACKEND', None)
    try:
        from legacy_bn.keras03.backend import theano_backend
    finally:
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        theano.config.floatX = saved_floatx
    return theano_backend._FLOATX


KERAS03_BACKEND_FLOATX = _import_backend_with_float32_home()


@pytest.fixture
def rng():
    """A fresh, fixed-seed numpy RandomState for test data (never the global np.random)."""
    return np.random.RandomState(1234)


@pytest.fixture
def terminal(monkeypatch):
    """stdout counts as a terminal, so progress bars are drawn as on one (captured)."""
    from legacy_bn.utils import generic_utils
    monkeypatch.setattr(generic_utils, 'on_terminal', lambda stream=None: True)
