"""keras.datasets.reuters (Keras 0.3.3): the same loader as 4e1ec93's, shared."""
from ...datasets.reuters import *  # noqa: F401,F403
