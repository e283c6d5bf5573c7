"""Fixtures for the Keras 0.3.3 surface's tests.

keras03.backend reads ~/.keras/keras.json once, at import, and sets legacy_bn.theano's
floatX from it. Here it is imported with HOME pointing at a temporary folder whose
keras.json says float32 (0.3.3's default), so the real home is neither read nor
written; HOME, KERAS_BACKEND and theano's floatX are restored right after, and each
test in this folder runs with floatX set to the backend's (float32) and restored after,
so the rest of the suite keeps its own floatX.
"""
import json
import os
import tempfile

import pytest

import legacy_bn.theano as theano


def _import_backend_with_float32_home():
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


BACKEND_FLOATX = _import_backend_with_float32_home()


@pytest.fixture(autouse=True)
def backend_floatx():
    """theano's floatX as keras03.backend set it at import, for the test's duration."""
    saved = theano.config.floatX
    theano.config.floatX = BACKEND_FLOATX
    yield BACKEND_FLOATX
    theano.config.floatX = saved
