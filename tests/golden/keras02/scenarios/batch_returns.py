# PENDING (in pending/, so test_golden_keras02 does not run it): what the *_on_batch methods
# return in Keras 0.2.0, where they hand back what the compiled theano.function returns:
# Sequential.predict_on_batch the prediction array itself (legacy_bn.keras02, taking 0.3.3's
# model, returns a one-element list), Graph.predict_on_batch a list of arrays in output order
# (0.3.3 and legacy_bn: a dict by output name). Fix in legacy_bn/keras02/models.py.
import numpy as np
np.random.seed(8)

from keras.models import Sequential, Graph
from keras.layers.core import Dense

rng = np.random.RandomState(2)
X = rng.normal(size=(5, 4))
Y = np.eye(3)[[0, 1, 2, 0, 1]]
out = {}

model = Sequential()
model.add(Dense(3, input_dim=4, activation='softmax'))
model.compile(loss='categorical_crossentropy', optimizer='sgd')
out['seq_w0_init_uniform'] = model.get_weights()[0]
r = model.predict_on_batch(X)
out['seq_predict_on_batch_is_list'] = np.int64(isinstance(r, list))
out['seq_predict_on_batch'] = np.asarray(r)
out['seq_train_on_batch'] = np.asarray(model.train_on_batch(X, Y))
out['seq_test_on_batch_acc'] = np.asarray(model.test_on_batch(X, Y, accuracy=True))

graph = Graph()
graph.add_input(name='x', input_shape=(4,))
graph.add_node(Dense(3, activation='softmax'), name='h', input='x')
graph.add_node(Dense(1), name='r', input='x')
graph.add_output(name='y', input='h')
graph.add_output(name='z', input='r')
graph.compile(optimizer='sgd', loss={'y': 'categorical_crossentropy', 'z': 'mse'})
r = graph.predict_on_batch({'x': X})
out['graph_predict_on_batch_is_list'] = np.int64(isinstance(r, list))
out['graph_predict_on_batch_y'] = np.asarray(r[0] if isinstance(r, list) else r['y'])
out['graph_predict_on_batch_z'] = np.asarray(r[1] if isinstance(r, list) else r['z'])
data = {'x': X, 'y': Y, 'z': X[:, :1]}
out['graph_train_on_batch'] = np.asarray(graph.train_on_batch(data))
out['graph_test_on_batch'] = np.asarray(graph.test_on_batch(data))
emit(**out)
