"""Keras 0.2.0's layer configs, LRN2D and WordContextProduct (one JSON line).

get_config() of one layer of every 0.2.0 class (and of compiled models); LRN2D's output on a
fixed input; WordContextProduct's seeded tables and its output. Run on the real 0.2.0
(`/work/oracle/run.sh 0.2.0 64`) into layers_0_2_0_golden.json, and by
tests/keras02/test_layers_0_2_0.py under `--keras 0.2`.
"""
import json

import numpy as np
import theano
from keras.layers import advanced_activations as aa
from keras.layers import convolutional, core, embeddings, noise, normalization, recurrent


def layers():
    return [
        core.Dense(3, input_dim=4), core.Dense(3), core.Activation('relu'), core.Dropout(0.3),
        core.Reshape((2, 2)), core.Flatten(), core.RepeatVector(3), core.Permute((2, 1)),
        core.TimeDistributedDense(3, input_dim=4), core.MaxoutDense(3, input_dim=4),
        core.Masking(0.), core.TimeDistributedMerge(), core.ActivityRegularization(),
        core.Merge([core.Dense(3, input_dim=4), core.Dense(3, input_dim=4)], mode='concat'),
        core.Merge([core.Layer(), core.Layer()]),
        embeddings.Embedding(10, 3), embeddings.Embedding(10, 3, input_length=5, mask_zero=True),
        recurrent.SimpleRNN(3, input_dim=4), recurrent.GRU(3, input_dim=4),
        recurrent.LSTM(3, input_dim=4), recurrent.JZS1(3, input_dim=4),
        recurrent.SimpleDeepRNN(3, input_dim=4),
        recurrent.LSTM(3, input_shape=(5, 4), return_sequences=True),
        convolutional.Convolution1D(2, 3, input_dim=4),
        convolutional.Convolution2D(2, 3, 3, input_shape=(1, 5, 5)),
        convolutional.MaxPooling1D(), convolutional.MaxPooling2D(),
        convolutional.UpSample1D(), convolutional.UpSample2D(),
        convolutional.ZeroPadding1D(), convolutional.ZeroPadding2D(),
        normalization.BatchNormalization(input_shape=(4,)), noise.GaussianNoise(0.1),
        noise.GaussianDropout(0.1), aa.LeakyReLU(), aa.PReLU(), aa.ParametricSoftplus(),
        aa.ThresholdedLinear(), aa.ThresholdedReLU(), normalization.LRN2D(alpha=0.1, n=3),
        embeddings.WordContextProduct(10, proj_dim=3)]


out = {'configs': [layer.get_config() for layer in layers()]}

x = np.linspace(-2, 2, 2 * 5 * 2 * 3).reshape(2, 5, 2, 3)
lrn = normalization.LRN2D(alpha=0.1, k=1, beta=0.5, n=3)
lrn.input = theano.shared(x)
out['lrn'] = lrn.get_output(False).eval().ravel().tolist()

np.random.seed(42)
wcp = embeddings.WordContextProduct(6, proj_dim=3)
out['wcp_weights'] = [w.ravel().tolist() for w in wcp.get_weights()]
pairs = np.array([[0, 1], [2, 5], [4, 4]], dtype='int32')
wcp.input = theano.shared(pairs)
out['wcp'] = wcp.get_output(False).eval().ravel().tolist()
# a saved model with a Merge comes back with 0.2.0's Merge (legacy_bn only; not in the golden)
from keras.models import Sequential, model_from_json
branches = []
for _ in range(2):
    branch = Sequential()
    branch.add(core.Dense(3, input_dim=4))
    branches.append(branch)
merged = Sequential()
merged.add(core.Merge(branches, mode='concat'))
merged.compile(loss='mse', optimizer='sgd')
out['merge_roundtrip'] = [merged.get_config(), model_from_json(merged.to_json()).get_config()]
print(json.dumps(out, sort_keys=True))
