# Keras 0.2.0: to_json / to_yaml + save_weights of a fitted Sequential (with
# BatchNormalization, whose running statistics are saved as weights) and a Graph, then
# model_from_json / model_from_yaml (compiled from the config) + load_weights in the same
# run; the loaded models predict and evaluate as the originals.
import os
import shutil
import tempfile
import numpy as np
np.random.seed(99)

from keras.models import Sequential, Graph, model_from_json, model_from_yaml
from keras.layers.core import Dense, Dropout, Activation
from keras.layers.normalization import BatchNormalization

rng = np.random.RandomState(5)
X = rng.normal(0.0, 1.0, size=(40, 5))
Y = np.zeros((40, 2))
Y[np.arange(40), rng.randint(0, 2, size=40)] = 1.0

tmp = tempfile.mkdtemp()
out = {}
try:
    model = Sequential()
    model.add(Dense(7, input_shape=(5,)))
    model.add(BatchNormalization())
    model.add(Activation('tanh'))
    model.add(Dropout(0.25))
    model.add(Dense(2, activation='softmax'))
    model.compile(loss='categorical_crossentropy', optimizer='sgd')
    model.fit(X, Y, batch_size=8, nb_epoch=1, verbose=0)
    out['seq_predict'] = model.predict(X)
    path = os.path.join(tmp, 'seq.h5')
    model.save_weights(path)
    for tag, loaded in [('json', model_from_json(model.to_json())),
                        ('yaml', model_from_yaml(model.to_yaml()))]:
        for i, w in enumerate(loaded.get_weights()):
            out['seq_%s_w%d_init_uniform' % (tag, i)] = w
        loaded.load_weights(path)
        out['seq_%s_predict' % tag] = loaded.predict(X)
        out['seq_%s_evaluate' % tag] = np.asarray(loaded.evaluate(X, Y, verbose=0))

    graph = Graph()
    graph.add_input(name='x', input_shape=(5,))
    graph.add_node(Dense(4, activation='relu'), name='h1', input='x')
    graph.add_node(Dense(3), name='h2', input='x')
    graph.add_node(Dense(2, activation='softmax'), name='o', inputs=['h1', 'h2'],
                   merge_mode='concat')
    graph.add_output(name='y', input='o')
    graph.compile(optimizer='rmsprop', loss={'y': 'categorical_crossentropy'})
    graph.fit({'x': X, 'y': Y}, batch_size=8, nb_epoch=1, verbose=0)
    out['graph_predict'] = graph.predict({'x': X})['y']
    gpath = os.path.join(tmp, 'graph.h5')
    graph.save_weights(gpath)
    loaded = model_from_json(graph.to_json())
    for i, w in enumerate(loaded.get_weights()):
        out['graph_json_w%d_init_uniform' % i] = w
    loaded.load_weights(gpath)
    out['graph_json_predict'] = loaded.predict({'x': X})['y']
    out['graph_json_evaluate'] = np.asarray(loaded.evaluate({'x': X, 'y': Y}))
finally:
    shutil.rmtree(tmp)
emit(**out)
