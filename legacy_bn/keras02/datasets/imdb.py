"""keras.datasets.imdb (Keras 0.2.0): the same as 4e1ec93's, shared."""
from ...datasets.imdb import *  # noqa: F401,F403
