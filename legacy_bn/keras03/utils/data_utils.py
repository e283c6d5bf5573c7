"""keras.utils.data_utils (Keras 0.3.3, new there): get_file, which 4e1ec93 had as
keras.datasets.data_utils.get_file. The shared one is used: the same cache (~/.keras/datasets,
or $LEGACY_BN_DATA_DIR) and file names, bounded waits, and a clear error offline."""
from ...datasets.data_utils import get_file  # noqa: F401
