"""keras.utils.np_utils (Keras 0.2.0): the same as 4e1ec93's, shared."""
from ...utils.np_utils import *  # noqa: F401,F403
