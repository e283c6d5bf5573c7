"""Fixtures for the Keras 0.3.3 surface's tests.

keras03.backend reads ~/.keras/keras.json once, at import, and sets legacy_bn.theano's
floatX from it. tests/conftest.py imports it once for the session with HOME pointing at a
temporary folder whose keras.json says float32 (0.3.3's default), so the real home is
neither read nor written, and restores HOME, KERAS_BACKEND and floatX; each test in this
folder runs with floatX set to the backend's (float32) and restored after, so the rest of
the suite keeps its own floatX.
"""
import pytest

import legacy_bn.theano as theano
from conftest import KERAS03_BACKEND_FLOATX


# tests/conftest.py imported the backend that way before any test module could
BACKEND_FLOATX = KERAS03_BACKEND_FLOATX


@pytest.fixture(autouse=True)
def backend_floatx():
    """theano's floatX as keras03.backend set it at import, for the test's duration."""
    saved = theano.config.floatX
    theano.config.floatX = BACKEND_FLOATX
    yield BACKEND_FLOATX
    theano.config.floatX = saved
