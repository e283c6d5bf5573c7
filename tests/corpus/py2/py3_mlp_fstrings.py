# A Python 3 textbook MLP (2016-17 style): f-strings and integer counts divided with `/`.
# Under Python 2 division the accuracy would print as 0.00%: the runner must keep true division.
import numpy as np
from keras.models import Sequential
from keras.layers.core import Dense, Activation
from keras.optimizers import SGD

np.random.seed(1337)
rng = np.random.RandomState(0)
n_samples, n_features = 300, 20
X = rng.normal(size=(n_samples, n_features)).astype('float32')
w = rng.normal(size=n_features)
y = (X.dot(w) > 0).astype('int64')
Y = np.eye(2, dtype='float32')[y]

model = Sequential()
model.add(Dense(n_features, 16))
model.add(Activation('tanh'))
model.add(Dense(16, 2))
model.add(Activation('softmax'))
model.compile(loss='categorical_crossentropy', optimizer=SGD(lr=0.1))
model.fit(X, Y, batch_size=20, nb_epoch=3, verbose=0)

predicted = model.predict(X, verbose=0).argmax(axis=1)
correct = int((predicted == y).sum())
total = len(y)
print(f"Correct: {correct} of {total}")
accuracy = correct / total
print(f"Test accuracy: {accuracy * 100:.2f}%")
print(f"Half a sample: {1 / 2}")
