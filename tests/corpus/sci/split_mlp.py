# train_test_split + a Keras MLP, with the numpy aliases of the day
from __future__ import print_function
import numpy as np
np.random.seed(7)
import pandas as pd
from sklearn.cross_validation import train_test_split
from keras.models import Sequential
from keras.layers.core import Dense, Activation, Dropout
from keras.optimizers import SGD
from keras.utils import np_utils

data = pd.read_csv('train.csv')
X = np.array(data[['f1', 'f2', 'f3']], dtype=np.float)
y = np.array(data['label'], dtype=np.int)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
print('split', X_train.shape, X_test.shape, y_test[:8].tolist())

model = Sequential()
model.add(Dense(3, 20, init='glorot_uniform'))
model.add(Activation('relu'))
model.add(Dropout(0.25))
model.add(Dense(20, 3))
model.add(Activation('softmax'))
model.compile(loss='categorical_crossentropy', optimizer=SGD(lr=0.1, momentum=0.9))
model.fit(X_train, np_utils.to_categorical(y_train, 3), nb_epoch=8, batch_size=10, verbose=0)
loss, acc = model.evaluate(X_test, np_utils.to_categorical(y_test, 3), show_accuracy=True,
                           verbose=0)
print('test loss %.4f acc %.4f' % (loss, acc))
