"""keras.datasets.cifar (Keras 0.2.0): the same as 4e1ec93's, shared."""
from ...datasets.cifar import *  # noqa: F401,F403
