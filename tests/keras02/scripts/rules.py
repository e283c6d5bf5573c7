# What legacy_bn's Keras 0.2.0 surface computes differently from its 0.3.3 one, on small
# closed-form cases; run with `python -m legacy_bn --keras 0.2` by test_numerics_0_2_0.py.
import json
import numpy as np
import theano
from keras.models import Sequential
from keras.layers.core import Dense, Dropout
from keras.layers.normalization import BatchNormalization

out = {'floatX': theano.config.floatX}
X = np.arange(12.).reshape(4, 3)

# Dropout: the identity times (1 - p) at test; a 0/1 mask, unscaled, in training
drop = Sequential()
drop.add(Dropout(0.25, input_shape=(3,)))
drop.compile(loss='mse', optimizer='sgd')
out['dropout_test'] = drop.predict(X).tolist()
train_out = theano.function([drop.get_input(True)], drop.get_output(True))(X)
out['dropout_train_ratios'] = sorted(set(np.round(train_out[X != 0] / X[X != 0], 12).tolist()))

# BatchNormalization mode 0: running statistics (0 and 1 at first) in training too
bn = BatchNormalization(input_shape=(3,))
gamma, beta, mean, std = bn.get_weights()
out['bn_gamma_uniform'] = bool(np.all(np.abs(gamma) <= 0.05) and np.any(gamma != 1))
out['bn_shapes'] = [list(w.shape) for w in bn.get_weights()]
train_bn = theano.function([bn.get_input(True)], bn.get_output(True))(X)
out['bn_train_max_error'] = float(np.abs(train_bn - (gamma * X / (1 + 1e-6) + beta)).max())

# compile: 0.2.0's class_mode argument, checked
model = Sequential()
model.add(Dense(2, input_dim=3))
try:
    model.compile(loss='mse', optimizer='sgd', class_mode='multiclass')
except Exception as e:  # 0.2.0: a bare Exception; legacy_bn: ValueError
    out['class_mode_error'] = str(e)
print(json.dumps(out))
