"""keras.utils.io_utils (Keras 0.3.3): the same HDF5Matrix and array files as 4e1ec93's, shared."""
from ...utils.io_utils import *  # noqa: F401,F403
