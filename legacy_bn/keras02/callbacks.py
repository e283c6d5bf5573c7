"""keras.callbacks (Keras 0.2.0): the same as 4e1ec93's, shared (legacy_bn.callbacks)."""
from ..callbacks import *  # noqa: F401,F403
