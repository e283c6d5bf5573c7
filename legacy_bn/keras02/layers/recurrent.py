"""keras.layers.recurrent (Keras 0.2.0): 0.3.3's classes.

Not available yet (0.3.3 dropped them): JZS1, JZS2, JZS3, SimpleDeepRNN."""
from ...keras03.layers.recurrent import (  # noqa: F401
    GRU, LSTM, Recurrent, SimpleRNN)
