"""keras.utils.test_utils (Keras 0.2.0): the same as 4e1ec93's, shared.

(An absolute import: pytest's assertion rewriting loads any test_*.py module itself, here as
`keras.utils.test_utils`, so a relative import would reach past `keras`.)"""
from legacy_bn.utils.test_utils import *  # noqa: F401,F403
