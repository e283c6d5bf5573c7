# Keras 0.2.0: a seeded Sequential MLP (Dense, BatchNormalization, Dropout not inverted)
# fitted 2 epochs with shuffling, validation_split and show_accuracy; predictions, classes,
# evaluate; a second model with sample weights (zeros included) and shuffle='batch', and
# train/test_on_batch (predict_on_batch: pending/batch_returns.py); a binary model (class_mode 'binary').
# Initial weights are bit-exact (*_uniform); losses, final weights and predictions to tolerance.
import numpy as np
np.random.seed(1234)

from keras.models import Sequential
from keras.layers.core import Dense, Dropout, Activation
from keras.layers.normalization import BatchNormalization
from keras.optimizers import SGD

rng = np.random.RandomState(42)
nb_sample, input_dim, nb_hidden, nb_class = 70, 8, 16, 3
X = rng.normal(0.0, 1.0, size=(nb_sample, input_dim))
labels = rng.randint(0, nb_class, size=nb_sample)
Y = np.zeros((nb_sample, nb_class))
Y[np.arange(nb_sample), labels] = 1.0

model = Sequential()
model.add(Dense(nb_hidden, input_dim=input_dim, init='glorot_uniform'))
model.add(BatchNormalization())
model.add(Activation('relu'))
model.add(Dropout(0.3))
model.add(Dense(nb_class, init='uniform'))
model.add(Activation('softmax'))
out = {}
for i, w in enumerate(model.get_weights()):
    out['mlp_w%d_init_uniform' % i] = w
model.compile(loss='categorical_crossentropy', optimizer=SGD(lr=0.1, momentum=0.9))
hist = model.fit(X, Y, batch_size=16, nb_epoch=2, verbose=0, shuffle=True,
                 validation_split=0.2, show_accuracy=True)
for key in ['loss', 'acc', 'val_loss', 'val_acc']:
    out['mlp_hist_' + key] = np.asarray(hist.history[key])
for i, w in enumerate(model.get_weights()):
    out['mlp_w%d_final' % i] = w
out['mlp_predict'] = model.predict(X, batch_size=32)
out['mlp_classes'] = model.predict_classes(X, verbose=0).astype('int64')
out['mlp_evaluate'] = np.asarray(model.evaluate(X, Y, batch_size=32, show_accuracy=True,
                                                verbose=0))

# batch shuffling and sample weights (zero weights included)
model2 = Sequential()
model2.add(Dense(nb_hidden, input_shape=(input_dim,), activation='tanh'))
model2.add(Dense(nb_class, activation='softmax'))
for i, w in enumerate(model2.get_weights()):
    out['sw_w%d_init_uniform' % i] = w
model2.compile(loss='categorical_crossentropy', optimizer='rmsprop')
sample_weight = rng.uniform(0.0, 2.0, size=nb_sample)
sample_weight[::7] = 0.0
hist2 = model2.fit(X, Y, batch_size=16, nb_epoch=2, verbose=0, shuffle='batch',
                   sample_weight=sample_weight)
out['sw_hist_loss'] = np.asarray(hist2.history['loss'])
for i, w in enumerate(model2.get_weights()):
    out['sw_w%d_final' % i] = w
out['sw_train_on_batch'] = np.asarray(model2.train_on_batch(X[:10], Y[:10], accuracy=True))
out['sw_test_on_batch'] = np.asarray(model2.test_on_batch(X[10:30], Y[10:30],
                                                          sample_weight=sample_weight[10:30]))

# binary output: class_mode 'binary', predict_classes thresholds at 0.5
model3 = Sequential()
model3.add(Dense(1, input_dim=input_dim, activation='sigmoid'))
for i, w in enumerate(model3.get_weights()):
    out['bin_w%d_init_uniform' % i] = w
model3.compile(loss='binary_crossentropy', optimizer='adagrad', class_mode='binary')
yb = (labels == 1).astype('float64')
hist3 = model3.fit(X, yb, batch_size=20, nb_epoch=2, verbose=0, show_accuracy=True)
out['bin_hist_loss'] = np.asarray(hist3.history['loss'])
out['bin_hist_acc'] = np.asarray(hist3.history['acc'])
out['bin_classes'] = model3.predict_classes(X, verbose=0).astype('int64')
emit(**out)
