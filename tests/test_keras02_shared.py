"""Keras 0.2.0's modules other than layers and models are 4e1ec93's (compared source by source):
keras02 shares legacy_bn's top-level ones instead of copying them."""
import importlib

import pytest

from legacy_bn.keras02.utils import theano_utils
from legacy_bn.keras2015 import MODULES, MODULES_0_2_0

SHARED = ['activations', 'callbacks', 'constraints', 'initializations', 'objectives',
          'optimizers', 'regularizers', 'datasets.mnist', 'datasets.reuters', 'utils.np_utils',
          'utils.generic_utils', 'preprocessing.image', 'preprocessing.text',
          'wrappers.scikit_learn']


@pytest.mark.parametrize('name', SHARED)
def test_the_same_objects_as_4e1ec93s(name):
    mine = importlib.import_module('legacy_bn.keras02.' + name)
    shared = importlib.import_module('legacy_bn.' + name)
    names = set(MODULES_0_2_0['keras.' + name]) & set(MODULES['keras.' + name])
    assert names
    for n in names:
        assert getattr(mine, n) is getattr(shared, n), n


def test_on_gpu_is_new_in_0_2_and_false():
    assert theano_utils.on_gpu() is False
    assert theano_utils.sharedX is importlib.import_module('legacy_bn.utils.theano_utils').sharedX
