# The script itself mixes tabs and spaces (Python 2 read a tab as 8 columns).
import numpy as np
np.random.seed(1337)
from keras.models import Sequential
from keras.layers.core import Dense, Activation
from keras.optimizers import SGD

def make_data(n):
	X = np.random.randn(n, 2).astype("float32")
        y = (X[:, 0] * X[:, 1] > 0).astype("float32")
	return X, y.reshape(-1, 1)

X, y = make_data(200)
model = Sequential()
model.add(Dense(2, 16))
model.add(Activation("tanh"))
model.add(Dense(16, 1))
model.add(Activation("sigmoid"))
model.compile(loss="binary_crossentropy", optimizer=SGD(lr=0.5, momentum=0.9))
for epoch in range(8):
	loss = model.train_on_batch(X, y)
	if epoch == 0:
	        first = loss
        last = loss
print("loss fell: %s" % (last < first))
print("doc string kept:\t|" + """a
	b""".split("\n")[1] + "|")
print("epochs per half: %d" % (8 / 2 / 3))
