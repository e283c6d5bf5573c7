"""keras.layers.recurrent (Keras 0.2.0): 0.3.3's classes,
set_input_shape as 0.2.0's (numerics.sample_shaped).

Not available yet (0.3.3 dropped them): JZS1, JZS2, JZS3, SimpleDeepRNN."""
from ...keras03.layers import recurrent as _03
from ..numerics import sample_shaped

GRU = sample_shaped(_03.GRU, __name__)
LSTM = sample_shaped(_03.LSTM, __name__)
Recurrent = sample_shaped(_03.Recurrent, __name__)
SimpleRNN = sample_shaped(_03.SimpleRNN, __name__)
