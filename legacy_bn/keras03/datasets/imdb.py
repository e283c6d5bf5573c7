"""keras.datasets.imdb (Keras 0.3.3): the same loader as 4e1ec93's, shared."""
from ...datasets.imdb import *  # noqa: F401,F403
