"""keras.layers.embeddings (Keras 0.2.0): 0.3.3's classes,
set_input_shape as 0.2.0's (numerics.sample_shaped).

Not available yet (0.3.3 dropped them): WordContextProduct."""
from ...keras03.layers import embeddings as _03
from ..numerics import sample_shaped

Embedding = sample_shaped(_03.Embedding, __name__)
