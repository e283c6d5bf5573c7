# 2015 Kaggle-style MLP: print statements, % formatting, integer division for the batch count,
# dict.iteritems over the history.
import numpy as np
np.random.seed(1337)
from keras.models import Sequential
from keras.layers.core import Dense, Dropout, Activation
from keras.optimizers import SGD
from keras.utils import np_utils

nb_classes = 3
X = np.random.randn(300, 10).astype("float32")
y = np.argmax(X[:, :3], axis=1)
Y = np_utils.to_categorical(y, nb_classes)

split = len(X) * 4 / 5              # 240, an int under Python 2
X_train, X_test = X[:split], X[split:]
Y_train, Y_test = Y[:split], Y[split:]
print "train:", X_train.shape[0], "test:", X_test.shape[0]

model = Sequential()
model.add(Dense(10, 32))
model.add(Activation('relu'))
model.add(Dropout(0.1))
model.add(Dense(32, nb_classes))
model.add(Activation('softmax'))
model.compile(loss='categorical_crossentropy', optimizer=SGD(lr=0.1, momentum=0.9))

history = model.fit(X_train, Y_train, batch_size=30, nb_epoch=4, verbose=0,
                    show_accuracy=True)
print "batches per epoch:", X_train.shape[0] / 30
for key, values in sorted(history.history.iteritems()):
    print key, len(values)
score = model.evaluate(X_test, Y_test, show_accuracy=True, verbose=0)
print "Test accuracy: %.2f" % score[1]
print "%d%% of the samples were used for training" % (100 * split / len(X))
