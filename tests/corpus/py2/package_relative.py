# The script uses a package of its own whose modules import each other the Python 2 way
# (`import scaling` inside mylib/ means mylib.scaling).
import numpy as np
np.random.seed(1337)
import mylib
from keras.utils import np_utils

X = np.random.uniform(0, 100, size=(180, 4)).astype('float32')
y = (X[:, 1] > 50).astype('int32')
X = mylib.scaling.standardize(X)
model = mylib.build_mlp(4, 8, 2)
model.fit(X, np_utils.to_categorical(y, 2), nb_epoch=4, batch_size=20, verbose=0)
print('accuracy: %.2f' % np.mean(model.predict_classes(X, verbose=0) == y))
print('hidden size / 3 = %d' % (8 / 3))
