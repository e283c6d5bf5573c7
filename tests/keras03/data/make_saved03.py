# Run with the real Keras 0.3.3 (float32) to write the files test_models03.py loads:
#   /work/oracle/run.sh 0.3.3 32 tests/keras03/data/make_saved03.py tests/keras03/data
# A fitted Sequential and a Graph (with a shared node) saved by to_json/to_yaml + save_weights,
# and their predictions on a fixed input.
import os
import sys
import numpy as np
np.random.seed(2016)

from keras.models import Sequential, Graph
from keras.layers.core import Dense, Dropout, Activation

out_dir = sys.argv[1]
rng = np.random.RandomState(8)
X = rng.normal(size=(12, 5)).astype('float32')
Y = np.eye(3)[rng.randint(0, 3, size=12)]

seq = Sequential()
seq.add(Dense(6, input_dim=5, activation='relu'))
seq.add(Dropout(0.5))
seq.add(Dense(3, activation='softmax'))
seq.compile(loss='categorical_crossentropy', optimizer='adam')
seq.fit(X, Y, nb_epoch=2, batch_size=4, verbose=0)
with open(os.path.join(out_dir, 'saved03_seq.json'), 'w') as f:
    f.write(seq.to_json())
with open(os.path.join(out_dir, 'saved03_seq.yaml'), 'w') as f:
    f.write(seq.to_yaml())
seq.save_weights(os.path.join(out_dir, 'saved03_seq.h5'), overwrite=True)

graph = Graph()
graph.add_input(name='a', input_shape=(5,))
graph.add_input(name='b', input_shape=(5,))
graph.add_shared_node(Dense(4, activation='tanh'), name='shared', inputs=['a', 'b'],
                      merge_mode='concat')
graph.add_node(Dense(2), name='top', input='shared', create_output=True)
graph.compile(optimizer='sgd', loss={'top': 'mse'})
graph.fit({'a': X, 'b': X[::-1], 'top': Y[:, :2]}, nb_epoch=1, batch_size=4, verbose=0)
with open(os.path.join(out_dir, 'saved03_graph.json'), 'w') as f:
    f.write(graph.to_json())
graph.save_weights(os.path.join(out_dir, 'saved03_graph.h5'), overwrite=True)

np.savez(os.path.join(out_dir, 'saved03_expected.npz'), X=X, seq=seq.predict(X),
         graph=graph.predict({'a': X, 'b': X[::-1]})['top'])
print('written to', out_dir)
