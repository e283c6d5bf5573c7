"""keras.datasets.cifar (Keras 0.3.3): the same loader as 4e1ec93's, shared."""
from ...datasets.cifar import *  # noqa: F401,F403
