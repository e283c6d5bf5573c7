# Keras 0.2.0: a Graph with two inputs (add_input(name, input_shape)), a concat merge, a sum
# merge and two outputs with their own losses, fitted 2 epochs with shuffling and
# validation_split; predict, evaluate, train/test_on_batch; initial weights bit-exact.
import numpy as np
np.random.seed(777)

from keras.models import Graph
from keras.layers.core import Dense, Dropout
from keras.optimizers import SGD

rng = np.random.RandomState(3)
n = 50
Xa = rng.normal(0.0, 1.0, size=(n, 6))
Xb = rng.normal(0.0, 1.0, size=(n, 4))
labels = rng.randint(0, 3, size=n)
Ycls = np.zeros((n, 3))
Ycls[np.arange(n), labels] = 1.0
Yreg = rng.normal(0.0, 1.0, size=(n, 1))

graph = Graph()
graph.add_input(name='a', input_shape=(6,))
graph.add_input(name='b', input_shape=(4,))
graph.add_node(Dense(8, activation='tanh'), name='da', input='a')
graph.add_node(Dense(8, activation='tanh'), name='db', input='b')
graph.add_node(Dropout(0.2), name='dropa', input='da')
graph.add_node(Dense(5, activation='relu'), name='sum', inputs=['dropa', 'db'],
               merge_mode='sum')
graph.add_node(Dense(3, activation='softmax'), name='cls', inputs=['da', 'db'],
               merge_mode='concat')
graph.add_node(Dense(1), name='reg', input='sum', create_output=True)
graph.add_output(name='out_cls', input='cls')
out = {}
for i, w in enumerate(graph.get_weights()):
    out['g_w%d_init_uniform' % i] = w
graph.compile(optimizer=SGD(lr=0.05, momentum=0.5),
              loss={'out_cls': 'categorical_crossentropy', 'reg': 'mse'})
data = {'a': Xa, 'b': Xb, 'out_cls': Ycls, 'reg': Yreg}
hist = graph.fit(data, batch_size=16, nb_epoch=2, verbose=0, shuffle=True,
                 validation_split=0.2)
out['g_hist_loss'] = np.asarray(hist.history['loss'])
out['g_hist_val_loss'] = np.asarray(hist.history['val_loss'])
for i, w in enumerate(graph.get_weights()):
    out['g_w%d_final' % i] = w
pred = graph.predict({'a': Xa, 'b': Xb}, batch_size=20)
out['g_pred_cls'] = pred['out_cls']
out['g_pred_reg'] = pred['reg']
out['g_evaluate'] = np.asarray(graph.evaluate(data, batch_size=20))
out['g_train_on_batch'] = np.asarray(graph.train_on_batch(data))
out['g_test_on_batch'] = np.asarray(graph.test_on_batch(data))
emit(**out)
