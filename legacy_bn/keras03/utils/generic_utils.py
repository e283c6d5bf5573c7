"""keras.utils.generic_utils (Keras 0.3.3): get_from_module, make_tuple and Progbar, shared with
4e1ec93 (0.3.3 dropped printv; its Progbar prints averages below 1e-3 as %.4e, the shared one as
%.4f: a display difference only, docs/compat.md)."""
from ...utils.generic_utils import Progbar, get_from_module, make_tuple  # noqa: F401
