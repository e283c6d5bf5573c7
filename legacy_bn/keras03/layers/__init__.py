"""Keras 0.3.3's layers: `from keras.layers import Dense` finds every layer class here.

The modules other than core are written on another branch; each is re-exported once it
exists, so this package imports while they are being written.
"""
import importlib
import importlib.util

from .core import *  # noqa: F401,F403

_LAYER_MODULES = ('convolutional', 'recurrent', 'normalization', 'embeddings', 'noise',
                  'advanced_activations')


def _export(module_name):
    if importlib.util.find_spec('%s.%s' % (__name__, module_name)) is None:
        return
    module = importlib.import_module('.' + module_name, __name__)
    globals().update((k, v) for k, v in vars(module).items() if not k.startswith('_'))


for _name in _LAYER_MODULES:
    _export(_name)
