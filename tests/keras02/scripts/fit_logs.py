# Keras 0.2.0's fit loop as a user sees it: what fit returns (History), the logs callbacks
# get, the configs of compiled models, the verbose output. Plain 0.2.0 user code; run by
# tests/keras02/test_models_0_2_0.py with `python -m legacy_bn --keras 0.2`, and on the real
# Keras 0.2.0 (`/work/oracle/run.sh 0.2.0 64`) to record what that test expects.
import json
import sys
import numpy as np
from keras.callbacks import Callback
from keras.layers.core import Dense, Activation
from keras.models import Sequential, Graph

np.random.seed(1)
X = np.random.random((10, 3))
y = np.eye(2)[np.random.randint(0, 2, 10)]


class Seen(Callback):
    def on_train_begin(self, logs={}):
        self.events = [['train_begin', sorted(logs)]]

    def on_batch_end(self, batch, logs={}):
        self.events.append(['batch_end', batch, sorted(logs)])

    def on_epoch_end(self, epoch, logs={}):
        self.events.append(['epoch_end', epoch, sorted(logs)])


def plain(history):
    return {k: [float(v) for v in vs] for k, vs in history.history.items()}


out = {}
model = Sequential()
model.add(Dense(2, input_dim=3))
model.add(Activation('softmax'))
model.compile(loss='categorical_crossentropy', optimizer='sgd')
out['config'] = model.get_config()
seen = Seen()
history = model.fit(X, y, batch_size=4, nb_epoch=2, verbose=0, show_accuracy=True,
                    validation_split=0.3, callbacks=[seen], shuffle=False)
out['type'] = type(history).__name__
out['epoch'] = history.epoch
out['history'] = plain(history)
out['events'] = seen.events
out['params'] = sorted(seen.params.items())
history = model.fit(X, y, batch_size=5, nb_epoch=1, verbose=0, shuffle=False)
out['history_plain'] = plain(history)

graph = Graph()
graph.add_input('a', input_shape=(3,))
graph.add_node(Dense(2), name='d', input='a')
graph.add_output('o', input='d')
graph.compile(optimizer='sgd', loss={'o': 'mse'})
out['graph_config'] = graph.get_config()
history = graph.fit({'a': X, 'o': y}, batch_size=4, nb_epoch=2, verbose=0, shuffle=False,
                    validation_split=0.3)
out['graph_history'] = plain(history)
import warnings                                   # legacy_bn only: 0.2.0 was silent here
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter('always')
    graph.fit({'a': X, 'o': y}, nb_epoch=1, verbose=0, class_weight={'o': {0: 2.}})
out['class_weight_warnings'] = [str(w.message) for w in caught if 'class_weight' in str(w.message)]

# the verbose output, last: what the progress bar prints (stdout)
sys.stdout.flush()
model.fit(X, y, batch_size=5, nb_epoch=1, verbose=2, show_accuracy=True, shuffle=False)
sys.stdout.flush()
print(json.dumps(out, default=str))
