"""keras.layers.containers (Keras 0.2.0): 0.3.3's classes."""
from ...keras03.layers.containers import (  # noqa: F401
    Graph, Sequential)
