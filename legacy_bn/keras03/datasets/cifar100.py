"""keras.datasets.cifar100 (Keras 0.3.3): the same loader as 4e1ec93's, shared."""
from ...datasets.cifar100 import *  # noqa: F401,F403
