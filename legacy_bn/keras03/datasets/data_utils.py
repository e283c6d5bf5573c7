"""keras.datasets.data_utils (Keras 0.3.3): the old home of get_file, which warns at import that
it moved to keras.utils.data_utils, as 0.3.3's did."""
import warnings

from ..utils.data_utils import get_file  # noqa: F401

warnings.warn('data_utils has been moved to keras.utils.data_utils.')
