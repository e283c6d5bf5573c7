"""Fixtures shared by the test modules."""
import numpy as np
import pytest


@pytest.fixture
def rng():
    """A fresh, fixed-seed numpy RandomState for test data (never the global np.random)."""
    return np.random.RandomState(1234)
