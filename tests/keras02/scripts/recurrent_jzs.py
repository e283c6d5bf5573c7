"""JZS1-3 and SimpleDeepRNN of Keras 0.2.0: seeded draws and a forward pass (one JSON line).

Each layer (output_dim 3, input_dim 4, return_sequences) is built after np.random.seed(1234);
its drawn weights are printed, then the weights the real 0.2.0 drew (recurrent_0_2_0_golden.json,
printed by /work/oracle/run.sh 0.2.0 64 on the same construction) are set, so the outputs
compare the arithmetic alone: orthogonal's values depend on the LAPACK build's SVD signs.
"""
import json
import os

import numpy as np
import theano
from keras.layers import recurrent

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'recurrent_0_2_0_golden.json')
with open(GOLDEN) as f:
    golden = json.load(f)

x = np.linspace(-1, 1, 2 * 3 * 4).reshape(2, 3, 4)
report = {}
for name in ['JZS1', 'JZS2', 'JZS3', 'SimpleDeepRNN']:
    np.random.seed(1234)
    layer = getattr(recurrent, name)(3, return_sequences=True, input_dim=4)
    drawn = [w.ravel().tolist() for w in layer.get_weights()]
    layer.set_weights([np.reshape(g, w.shape) for g, w in zip(golden[name]['weights'],
                                                              layer.get_weights())])
    X = theano.tensor.tensor3()
    layer.input = X
    y = theano.function([X], layer.get_output(train=False))(x)
    report[name] = {'weights': drawn, 'y': np.asarray(y).ravel().tolist(),
                    'dtype': str(y.dtype), 'shape': list(y.shape)}
print(json.dumps(report))
