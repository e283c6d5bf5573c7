"""keras.wrappers.scikit_learn (Keras 0.2.0): the same as 4e1ec93's, shared."""
from ...wrappers.scikit_learn import *  # noqa: F401,F403
