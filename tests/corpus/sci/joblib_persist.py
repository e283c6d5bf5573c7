# sklearn.externals.joblib: dump a trained Keras model's weights and a scaler, load them back (Python 2, as it was written)
import os
import shutil
import tempfile
import numpy as np
np.random.seed(11)
import pandas as pd
from sklearn.externals import joblib
from sklearn.preprocessing import StandardScaler
from keras.models import Sequential
from keras.layers.core import Dense, Activation

df = pd.read_csv('train.csv')
scaler = StandardScaler()
X = scaler.fit_transform(df.ix[:, ['f1', 'f2', 'f3']].values)
y = df.label.values.reshape(-1, 1) == 0

def make_model():
    model = Sequential()
    model.add(Dense(3, 6))
    model.add(Activation('sigmoid'))
    model.add(Dense(6, 1))
    model.add(Activation('sigmoid'))
    model.compile(loss='binary_crossentropy', optimizer='rmsprop')
    return model

model = make_model()
model.fit(X, y.astype(np.float), nb_epoch=5, batch_size=16, verbose=0)
folder = tempfile.mkdtemp()
try:
    path = os.path.join(folder, 'model.pkl')
    joblib.dump({'weights': model.get_weights(), 'scaler': scaler}, path)
    saved = joblib.load(path)
finally:
    shutil.rmtree(folder)
again = make_model()
again.set_weights(saved['weights'])
X2 = saved['scaler'].transform(df.ix[:4, ['f1', 'f2', 'f3']].values)
p = again.predict(X2, verbose=0).ravel()
print 'same', np.allclose(p, model.predict(X[:5], verbose=0).ravel())
print 'probs', ' '.join('%.4f' % v for v in p)
