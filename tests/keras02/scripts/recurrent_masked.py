"""SimpleRNN, GRU and LSTM of Keras 0.2.0 after a masked Embedding (one JSON line).

For each layer, return_sequences False and True: a Sequential [Embedding(9, 4,
mask_zero=True), layer(3)] is built after np.random.seed(1234) and its drawn weights are
printed; then fixed weights (RandomState(7) uniform in [-0.5, 0.5), the same on every
stack) are set, the model predicts on sequences with masked (0) steps at the start, in the
middle and at the end, takes one SGD step (lr 0.5, mse) and predicts again, so the numbers
show 0.2.0's mask rule forward and backward. Run on the real 0.2.0
(`/work/oracle/run.sh 0.2.0 64`) into recurrent_masked_0_2_0_golden.json, and by
tests/keras02/test_recurrent_0_2_0.py under `--keras 0.2`.
"""
import json

import numpy as np
from keras.layers import recurrent
from keras.layers.embeddings import Embedding
from keras.models import Sequential
from keras.optimizers import SGD

X = np.array([[0, 1, 2, 0, 3], [4, 0, 0, 5, 6], [0, 0, 0, 7, 8], [1, 2, 3, 4, 0]])
report = {}
for name in ['SimpleRNN', 'GRU', 'LSTM']:
    for sequences in (False, True):
        np.random.seed(1234)
        model = Sequential()
        model.add(Embedding(9, 4, mask_zero=True))
        model.add(getattr(recurrent, name)(3, return_sequences=sequences))
        model.compile(loss='mse', optimizer=SGD(lr=0.5))
        drawn = [w.ravel().tolist() for w in model.get_weights()]
        rng = np.random.RandomState(7)
        model.set_weights([rng.uniform(-0.5, 0.5, w.shape) for w in model.get_weights()])
        before = model.predict(X, verbose=0)
        target = np.linspace(0, 1, before.size).reshape(before.shape)
        loss = model.train_on_batch(X, target)
        after = model.predict(X, verbose=0)
        report['%s_%s' % (name, 'seq' if sequences else 'last')] = {
            'weights_drawn': drawn, 'y': before.ravel().tolist(), 'loss': float(loss),
            'y_after_step': after.ravel().tolist(), 'shape': list(before.shape),
            'dtype': str(before.dtype)}
print(json.dumps(report))
