"""keras.layers.embeddings (Keras 0.2.0): 0.3.3's classes.

Not available yet (0.3.3 dropped them): WordContextProduct."""
from ...keras03.layers.embeddings import (  # noqa: F401
    Embedding)
