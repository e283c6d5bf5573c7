"""Keras 0.3.3 models (legacy_bn.keras03.models): the loss and weighting rules against
closed forms, fit's logs and History, weights files and configs, Graph, generators, errors."""
import os

import numpy as np
import pytest

K = pytest.importorskip('legacy_bn.keras03.backend')
pytest.importorskip('legacy_bn.keras03.optimizers')
pytest.importorskip('legacy_bn.keras03.objectives')

from legacy_bn.keras03 import callbacks as cbks  # noqa: E402
from legacy_bn.keras03 import models  # noqa: E402
from legacy_bn.keras03.layers.core import Dense, Activation, Dropout, TimeDistributedDense  # noqa: E402
from legacy_bn.keras03.models import Sequential, Graph  # noqa: E402

TOL = dict(rtol=2e-4, atol=1e-6) if K.floatx() == 'float32' else dict(rtol=1e-8, atol=1e-12)


def one_hot(labels, n):
    y = np.zeros((len(labels), n))
    y[np.arange(len(labels)), labels] = 1
    return y


def mlp(input_dim=4, nb_class=3, dropout=None):
    model = Sequential()
    model.add(Dense(6, input_dim=input_dim, activation='tanh'))
    if dropout:
        model.add(Dropout(dropout))
    model.add(Dense(nb_class, activation='softmax'))
    return model


def softmax_xent(model, X, y):
    """Per-sample categorical cross-entropy of the model's test-time output (numpy)."""
    p = np.clip(model.predict(X), 1e-7, 1 - 1e-7)
    p = p / p.sum(axis=-1, keepdims=True)
    return -np.sum(y * np.log(p), axis=-1)


# -- the loss --------------------------------------------------------------------------------
def test_sample_weights_scale_the_loss_and_zero_weights_leave_the_mean(rng):
    model = mlp()
    model.compile(loss='categorical_crossentropy', optimizer='sgd')
    X, y = rng.normal(size=(8, 4)), one_hot(rng.randint(0, 3, 8), 3)
    w = np.array([1., 0., 2., 0.5, 0., 1., 3., 1.])
    scores = softmax_xent(model, X, y)
    # 0.3.3: mean(score * w) / (fraction of nonzero weights)
    expected = np.mean(scores * w) / np.mean(w != 0)
    np.testing.assert_allclose(model.test_on_batch(X, y, sample_weight=w), expected, **TOL)
    np.testing.assert_allclose(model.evaluate(X, y, batch_size=3, verbose=0),
                               np.mean(scores), **TOL)


def test_temporal_weights_average_over_timesteps_first(rng):
    model = Sequential()
    model.add(TimeDistributedDense(2, input_dim=3, input_length=4))
    model.compile(loss='mse', optimizer='sgd', sample_weight_mode='temporal')
    X, y = rng.normal(size=(5, 4, 3)), rng.normal(size=(5, 4, 2))
    w = rng.uniform(0, 1, size=(5, 4))
    w[0, :2] = 0
    scores = np.mean((model.predict(X) - y) ** 2, axis=-1)
    expected = np.mean(scores * w) / np.mean(w != 0)
    np.testing.assert_allclose(model.test_on_batch(X, y, sample_weight=w), expected, **TOL)


def test_class_weight_weighs_each_sample_by_its_class(rng):
    y = one_hot([0, 2, 1, 2], 3)
    np.testing.assert_array_equal(
        models.standardize_weights(y, class_weight={0: 1., 1: 5., 2: .5}), [1., .5, 5., .5])
    with pytest.raises(ValueError, match='no weight for class 1'):
        models.standardize_weights(y, class_weight={0: 1., 2: .5})
    with pytest.raises(ValueError, match='temporal'):
        models.standardize_weights(np.ones((4, 3)), sample_weight=np.ones((4, 2)))
    with pytest.raises(ValueError, match='at least 3D'):
        models.standardize_weights(np.ones((4, 3)), sample_weight_mode='temporal')


# -- fit ---------------------------------------------------------------------------------------
class BatchRecorder(cbks.Callback):
    def on_train_begin(self, logs={}):
        self.batches = []

    def on_batch_end(self, batch, logs={}):
        self.batches.append((logs['size'], float(logs['loss']), float(logs['acc'])))


def test_history_holds_the_epoch_means_of_the_batch_logs_and_the_validation(rng):
    model = mlp(dropout=0.2)
    model.compile(loss='categorical_crossentropy', optimizer='rmsprop')
    X, y = rng.normal(size=(50, 4)), one_hot(rng.randint(0, 3, 50), 3)
    recorder = BatchRecorder()
    hist = model.fit(X, y, batch_size=16, nb_epoch=2, verbose=0, show_accuracy=True,
                     validation_split=0.2, callbacks=[recorder])
    assert sorted(hist.history) == ['acc', 'loss', 'val_acc', 'val_loss']
    assert hist.epoch == [0, 1] and model.history is hist
    sizes = [b[0] for b in recorder.batches]
    assert sizes == [16, 16, 8] * 2             # 40 training samples after the split
    first = np.array(recorder.batches[:3])
    np.testing.assert_allclose(hist.history['loss'][0],
                               np.sum(first[:, 0] * first[:, 1]) / 40, **TOL)
    val_loss = model.evaluate(X[40:], y[40:], verbose=0)
    np.testing.assert_allclose(hist.history['val_loss'][1], val_loss, **TOL)


def test_batch_shuffle_keeps_batches_together(rng):
    np.random.seed(3)
    index = models.batch_shuffle(np.arange(10), 4)
    assert sorted(index[:8].reshape(2, 4)[:, 0]) == [0, 4] and list(index[8:]) == [8, 9]


def test_early_stopping_on_training_loss_and_fit_progress(rng, capsys):
    model = mlp()
    model.compile(loss='categorical_crossentropy', optimizer='sgd')
    X, y = rng.normal(size=(20, 4)), one_hot(rng.randint(0, 3, 20), 3)
    stop = cbks.EarlyStopping(monitor='loss', patience=0, mode='max')
    hist = model.fit(X, y, nb_epoch=5, batch_size=10, verbose=2, callbacks=[stop])
    assert len(hist.epoch) == 2                 # a falling loss never improves in 'max' mode
    printed = capsys.readouterr().out
    assert 'Epoch 1/5' in printed and 'loss:' in printed


def test_fit_checks_its_data_before_training(rng):
    model = mlp()
    model.compile(loss='categorical_crossentropy', optimizer='sgd')
    before = model.get_weights()
    with pytest.raises(ValueError, match=r'len\(X\) = 5, len\(y\) = 4'):
        model.fit(np.ones((5, 4)), np.ones((4, 3)), verbose=0)
    with pytest.raises(ValueError, match='sample_weight'):
        model.fit(np.ones((4, 4)), np.ones((4, 3)), sample_weight=np.ones(3), verbose=0)
    for w, v in zip(before, model.get_weights()):
        np.testing.assert_array_equal(w, v)
    with pytest.raises(RuntimeError, match='not compiled'):
        mlp().predict(np.ones((2, 4)))


def test_predict_classes_and_proba(rng):
    model = mlp()
    model.compile(loss='categorical_crossentropy', optimizer='sgd')
    X = rng.normal(size=(7, 4))
    proba = model.predict_proba(X, verbose=0)
    np.testing.assert_array_equal(model.predict_classes(X, verbose=0), proba.argmax(-1))
    np.testing.assert_allclose(model.predict_on_batch(X)[0], proba, **TOL)
    binary = Sequential([Dense(1, input_dim=4, activation='sigmoid')])
    binary.compile(loss='binary_crossentropy', optimizer='sgd')
    assert binary.class_mode == 'binary'
    np.testing.assert_array_equal(binary.predict_classes(X, verbose=0),
                                  (binary.predict(X) > 0.5).astype('int32'))


# -- weights files and configs ---------------------------------------------------------------
def test_weights_file_round_trip_and_a_mismatched_file(rng, tmp_path):
    h5py = pytest.importorskip('h5py')
    model = mlp()
    model.compile(loss='categorical_crossentropy', optimizer='sgd')
    path = str(tmp_path / 'w.h5')
    model.save_weights(path)
    with h5py.File(path, 'r') as f:           # 0.3.3's layout
        assert f.attrs['nb_layers'] == 2 and f['layer_0'].attrs['nb_params'] == 2
        assert f['layer_0']['param_0'].shape == (4, 6)
    other = mlp()
    other.compile(loss='categorical_crossentropy', optimizer='sgd')
    other.load_weights(path)
    X = rng.normal(size=(3, 4))
    np.testing.assert_array_equal(other.predict(X), model.predict(X))
    wider = mlp(input_dim=5)
    before = wider.get_weights()
    with pytest.raises(ValueError, match=r'layer 0.*\(4, 6\).*\(5, 6\)'):
        wider.load_weights(path)
    np.testing.assert_array_equal(before[0], wider.get_weights()[0])


def test_json_and_yaml_configs_rebuild_the_model(rng):
    model = mlp(dropout=0.5)
    model.compile(loss='categorical_crossentropy', optimizer='adagrad')
    for text, load in [(model.to_json(), models.model_from_json),
                       (model.to_yaml(), models.model_from_yaml)]:
        rebuilt = load(text)
        assert [type(l).__name__ for l in rebuilt.layers] == ['Dense', 'Dropout', 'Dense']
        assert rebuilt.layers[0].input_shape == (None, 4)
        assert type(rebuilt.optimizer).__name__ == 'Adagrad'
        rebuilt.set_weights(model.get_weights())
        X = rng.normal(size=(3, 4))
        np.testing.assert_allclose(rebuilt.predict(X), model.predict(X), **TOL)


def test_summary_lists_layers_and_the_parameter_count(capsys):
    mlp().summary()
    printed = capsys.readouterr().out
    assert 'Initial input shape: (None, 4)' in printed
    assert 'Total params: %d' % (4 * 6 + 6 + 6 * 3 + 3) in printed


# -- Graph -------------------------------------------------------------------------------------
def two_input_graph():
    graph = Graph()
    graph.add_input(name='a', input_shape=(3,))
    graph.add_input(name='b', input_shape=(2,))
    graph.add_node(Dense(4), name='da', input='a')
    graph.add_node(Dense(4), name='db', input='b')
    graph.add_node(Dense(2, activation='softmax'), name='cls', inputs=['da', 'db'],
                   merge_mode='concat', create_output=True)
    graph.add_shared_node(Dense(1), name='shared', inputs=['da', 'db'], merge_mode='sum')
    graph.add_output(name='reg', input='shared')
    return graph


def test_graph_loss_is_the_weighted_sum_of_its_outputs_losses(rng):
    graph = two_input_graph()
    graph.compile('sgd', {'cls': 'categorical_crossentropy', 'reg': 'mse'},
                  loss_weights={'reg': 0.25})
    data = {'a': rng.normal(size=(6, 3)), 'b': rng.normal(size=(6, 2)),
            'cls': one_hot(rng.randint(0, 2, 6), 2), 'reg': rng.normal(size=(6, 1))}
    pred = graph.predict(data)
    p = np.clip(pred['cls'], 1e-7, 1 - 1e-7)
    p /= p.sum(-1, keepdims=True)
    expected = np.mean(-np.sum(data['cls'] * np.log(p), -1)) + \
        0.25 * np.mean((pred['reg'] - data['reg']) ** 2)
    np.testing.assert_allclose(graph.test_on_batch(data), expected, **TOL)
    hist = graph.fit(data, nb_epoch=2, batch_size=4, verbose=0, validation_split=0.5)
    assert sorted(hist.history) == ['loss', 'val_loss']


def test_graph_errors_name_what_is_wrong(rng):
    graph = two_input_graph()
    with pytest.raises(ValueError, match="duplicate node identifier: 'da'"):
        graph.add_node(Dense(2), name='da', input='a')
    with pytest.raises(ValueError, match="unknown node/input identifier: 'nope'"):
        graph.add_node(Dense(2), name='x', input='nope')
    with pytest.raises(ValueError, match='input_shape'):
        graph.add_input(name='c')
    with pytest.raises(ValueError, match='no loss for output'):
        graph.compile('sgd', {'cls': 'mse'})
    graph.compile('sgd', {'cls': 'mse', 'reg': 'mse'})
    with pytest.raises(KeyError, match="no array for 'b'"):
        graph.predict({'a': np.ones((2, 3))})
    with pytest.raises(ValueError, match='exactly one output'):
        graph.evaluate({'a': np.ones((2, 3)), 'b': np.ones((2, 2)), 'cls': np.ones((2, 2)),
                        'reg': np.ones((2, 1))}, show_accuracy=True)


def test_graph_weights_file_round_trip(rng, tmp_path):
    pytest.importorskip('h5py')
    graph = two_input_graph()
    graph.compile('sgd', {'cls': 'mse', 'reg': 'mse'})
    path = str(tmp_path / 'g.h5')
    graph.save_weights(path)
    rebuilt = models.model_from_json(graph.to_json())
    rebuilt.load_weights(path)
    data = {'a': rng.normal(size=(2, 3)), 'b': rng.normal(size=(2, 2))}
    for name in ('cls', 'reg'):
        np.testing.assert_array_equal(rebuilt.predict(data)[name], graph.predict(data)[name])


# -- generators --------------------------------------------------------------------------------
def test_fit_generator_trains_on_what_the_generator_yields(rng):
    model = mlp()
    model.compile(loss='categorical_crossentropy', optimizer='sgd')
    X, y = rng.normal(size=(30, 4)), one_hot(rng.randint(0, 3, 30), 3)

    def batches():
        while True:
            for i in range(0, 30, 10):
                yield X[i:i + 10], y[i:i + 10]
    hist = model.fit_generator(batches(), samples_per_epoch=30, nb_epoch=2, verbose=0,
                               validation_data=(X, y), show_accuracy=True)
    assert len(hist.history['loss']) == 2 and 'val_acc' in hist.history
    loss = model.evaluate_generator(batches(), 30, verbose=0)
    np.testing.assert_allclose(loss, model.evaluate(X, y, batch_size=10, verbose=0), **TOL)


def test_a_failing_generator_reports_its_error():
    model = mlp()
    model.compile(loss='categorical_crossentropy', optimizer='sgd')

    def broken():
        yield np.ones((2, 4)), np.ones((2, 3))
        raise KeyError('no more data')
    with pytest.raises(RuntimeError, match='no more data'):
        model.fit_generator(broken(), samples_per_epoch=10, nb_epoch=1, verbose=0)


# -- files written by the real Keras 0.3.3 (tests/keras03/data/make_saved03.py) -----------------
DATA = os.path.join(os.path.dirname(__file__), 'data')


def test_json_yaml_and_weights_files_of_the_real_03_load(tmp_path):
    pytest.importorskip('h5py')

    expected = np.load(os.path.join(DATA, 'saved03_expected.npz'))
    for config_file, load in [('saved03_seq.json', models.model_from_json),
                              ('saved03_seq.yaml', models.model_from_yaml)]:
        with open(os.path.join(DATA, config_file)) as f:
            model = load(f.read())
        model.load_weights(os.path.join(DATA, 'saved03_seq.h5'))
        np.testing.assert_allclose(model.predict(expected['X']), expected['seq'],
                                   rtol=2e-4, atol=1e-6)
    # a Graph with a shared node: 0.3.3 wrote it but could not read it back
    with open(os.path.join(DATA, 'saved03_graph.json')) as f:
        graph = models.model_from_json(f.read())
    graph.load_weights(os.path.join(DATA, 'saved03_graph.h5'))
    X = expected['X']
    np.testing.assert_allclose(graph.predict({'a': X, 'b': X[::-1]})['top'], expected['graph'],
                               rtol=2e-4, atol=1e-6)
