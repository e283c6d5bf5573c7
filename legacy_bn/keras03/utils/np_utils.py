"""keras.utils.np_utils (Keras 0.3.3): the same functions as 4e1ec93's, shared."""
from ...utils.np_utils import *  # noqa: F401,F403
