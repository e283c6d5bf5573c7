"""keras.utils.theano_utils (Keras 0.2.0): 4e1ec93's, shared, and 0.2.0's on_gpu()."""
from ...utils.theano_utils import *  # noqa: F401,F403


def on_gpu():
    """Whether Theano computes on a GPU: never here (legacy_bn.theano runs on numpy)."""
    return False
