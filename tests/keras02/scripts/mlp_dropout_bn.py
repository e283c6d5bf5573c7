# A seeded Keras 0.2.0 MLP with BatchNormalization and Dropout: plain 0.2.0 user code.
# tests/keras02/test_numerics_0_2_0.py runs it with `python -m legacy_bn --keras 0.2` and
# compares what it prints with what the real Keras 0.2.0 printed (Theano 0.8.2, floatX=float64:
# /work/oracle/run.sh 0.2.0 64 mlp_dropout_bn.py).
from __future__ import print_function
import json
import numpy as np
np.random.seed(1337)
from keras.models import Sequential
from keras.layers.core import Dense, Dropout, Activation
from keras.layers.normalization import BatchNormalization
from keras.optimizers import SGD

X = np.random.RandomState(0).randn(32, 10)
y = np.zeros((32, 3))
y[np.arange(32), np.random.RandomState(1).randint(0, 3, 32)] = 1
model = Sequential()
model.add(Dense(16, input_dim=10))
model.add(BatchNormalization())
model.add(Activation('relu'))
model.add(Dropout(0.5))
model.add(Dense(3))
model.add(Activation('softmax'))
model.compile(loss='categorical_crossentropy', optimizer=SGD(lr=0.1, momentum=0.9))
losses = [float(model.train_on_batch(X, y)) for _ in range(5)]  # the loss itself, as 0.2.0
print(json.dumps({
    'losses': losses,
    'test_loss': float(model.test_on_batch(X, y)),
    'predict': model.predict(X[:2]).ravel().tolist(),
    'bn_weights': [w.ravel()[:3].tolist() for w in model.layers[1].get_weights()],
    'dtype': str(model.predict(X[:2]).dtype),
}))
