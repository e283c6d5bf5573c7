"""Fixtures shared by the test modules."""
import numpy as np
import pytest


@pytest.fixture
def rng():
    """A fresh, fixed-seed numpy RandomState for test data (never the global np.random)."""
    return np.random.RandomState(1234)


@pytest.fixture
def terminal(monkeypatch):
    """stdout counts as a terminal, so progress bars are drawn as on one (captured)."""
    from legacy_bn.utils import generic_utils
    monkeypatch.setattr(generic_utils, 'on_terminal', lambda stream=None: True)
