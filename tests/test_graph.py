"""The Graph model (models.Graph, layers.containers.Graph)."""
import json

import numpy as np
import pytest

import legacy_bn.theano as theano
from legacy_bn.layers import containers
from legacy_bn.layers.core import Activation, Dense, Dropout
from legacy_bn.layers.normalization import BatchNormalization
from legacy_bn.models import Graph, Sequential, model_from_json

floatX = theano.config.floatX

# Keras 4e1ec93 on Theano 0.8.2 (the oracle), running probe_graph() below.
ORACLE = {
    'float64': dict(
        loss=[4.923625372536901, 3.4294602762121325, 3.1407974238980247],
        val=[5.869571077877751, 5.8114369179943095, 5.773164187367011],
        train_on_batch=6.171944777495453, test_on_batch=6.129041066489087,
        evaluate=3.3506391050607074,
        o1=[0.12125211732406634, 0.17167578914682113, 0.023057020845494807,
            0.4571629235709112, 0.020494578264815922, 0.20241567792116574,
            0.15813298395877678, 0.6025424315855381],
        o2=[1.0022437713945993, 0.9671312322652033, 1.0249146275820151]),
    'float32': dict(
        loss=[4.075980186462402, 2.9785616397857666, 2.762420654296875],
        val=[4.720950603485107, 4.662817001342773, 4.6245436668396],
        train_on_batch=5.1602463722229, test_on_batch=5.117342948913574,
        evaluate=2.8567918519179027,
        o1=[0.12125209718942642, 0.17167580127716064, 0.02305709384381771,
            0.457163006067276, 0.020494600757956505, 0.20241563022136688,
            0.15813297033309937, 0.6025424599647522],
        o2=[1.0022437572479248, 0.9671311974525452, 1.0249146223068237]),
}
TOL = dict(rtol=1e-9) if floatX == 'float64' else dict(rtol=2e-5, atol=1e-6)


def two_input_graph():
    """Two inputs, every merge mode, BatchNormalization and Dropout nodes, two outputs."""
    g = Graph()
    g.add_input(name='a', ndim=2)
    g.add_input(name='b', ndim=2)
    g.add_node(Dense(5, 6, activation='tanh'), name='d1', input='a')
    g.add_node(Dense(3, 6), name='d2', input='b')
    g.add_node(BatchNormalization((6,)), name='bn', inputs=['d1', 'd2'], merge_mode='sum')
    g.add_node(Dropout(0.3), name='drop', input='bn')
    g.add_node(Dense(12, 4), name='d3', inputs=['drop', 'd1'], merge_mode='concat')
    g.add_node(Dense(6, 1, activation='sigmoid'), name='d4', inputs=['d1', 'd2'], merge_mode='mul')
    g.add_output(name='o1', input='d3')
    g.add_output(name='o2', inputs=['d4', 'd4'], merge_mode='sum')
    return g


def probe_data():
    np.random.seed(1337)
    X1, X2 = np.random.random((60, 5)), np.random.random((60, 3))
    y1, y2 = np.random.random((60, 4)), np.random.random((60, 1))
    return X1, X2, y1, y2, np.random.uniform(size=60)


def test_graph_matches_keras_4e1ec93():
    X1, X2, y1, y2, sw = probe_data()
    g = two_input_graph()
    g.compile('rmsprop', {'o1': 'mse', 'o2': 'binary_crossentropy'})
    h = g.fit({'a': X1, 'b': X2, 'o1': y1, 'o2': y2}, batch_size=16, nb_epoch=3, verbose=0,
              validation_split=0.2, sample_weight={'o2': sw})
    want = ORACLE[floatX]
    np.testing.assert_allclose(h.history['loss'], want['loss'], **TOL)
    np.testing.assert_allclose(h.history['val_loss'], want['val'], **TOL)
    batch = {'a': X1[:10], 'b': X2[:10], 'o1': y1[:10], 'o2': y2[:10]}
    np.testing.assert_allclose(g.train_on_batch(batch), want['train_on_batch'], **TOL)
    np.testing.assert_allclose(g.test_on_batch(batch, sample_weight={'o1': sw[:10]}),
                               want['test_on_batch'], **TOL)
    np.testing.assert_allclose(g.evaluate({'a': X1, 'b': X2, 'o1': y1, 'o2': y2}, batch_size=7),
                               want['evaluate'], **TOL)
    p = g.predict({'a': X1, 'b': X2}, batch_size=9)
    assert sorted(p) == ['o1', 'o2'] and p['o1'].shape == (60, 4) and p['o2'].shape == (60, 1)
    np.testing.assert_allclose(p['o1'][:2].ravel(), want['o1'], **TOL)
    np.testing.assert_allclose(p['o2'][:3].ravel(), want['o2'], **TOL)
    on_batch = g.predict_on_batch({'a': X1[:9], 'b': X2[:9]})   # a list, in output order
    assert isinstance(on_batch, list) and len(on_batch) == 2
    np.testing.assert_allclose(on_batch[0], p['o1'][:9], **TOL)


def test_weights_round_trip_through_a_file_and_json(tmp_path):
    pytest.importorskip('h5py')
    X1, X2, y1, y2, _ = probe_data()
    g = two_input_graph()
    g.compile('sgd', {'o1': 'mse', 'o2': 'mse'})
    g.fit({'a': X1, 'b': X2, 'o1': y1, 'o2': y2}, nb_epoch=2, batch_size=20, verbose=0)
    weights = g.get_weights()
    # every node's get_weights in node order, BatchNormalization's running statistics included
    assert [w.shape for w in weights] == [(5, 6), (6,), (3, 6), (6,), (6,), (6,), (6,), (6,),
                                          (12, 4), (4,), (6, 1), (1,)]
    assert not np.allclose(weights[6], 0)       # running_mean moved during fit
    path = str(tmp_path / 'graph.h5')
    g.save_weights(path)

    copy = model_from_json(g.to_json())
    assert isinstance(copy, Graph) and copy.loss == {'o1': 'mse', 'o2': 'mse'}
    copy.load_weights(path)
    for mine, theirs in zip(weights, copy.get_weights()):
        np.testing.assert_array_equal(mine, theirs)
    data = {'a': X1, 'b': X2}
    np.testing.assert_array_equal(copy.predict(data)['o1'], g.predict(data)['o1'])

    config = json.loads(g.to_json())
    assert config['name'] == 'Graph' and config['input_order'] == ['a', 'b']
    assert config['output_order'] == ['o1', 'o2']
    assert config['node_config'][2] == {'name': 'bn', 'input': None, 'inputs': ['d1', 'd2'],
                                        'merge_mode': 'sum'}
    assert config['nodes']['bn']['name'] == 'BatchNormalization'


def test_load_weights_checks_everything_before_setting_anything(tmp_path):
    h5py = pytest.importorskip('h5py')
    g = two_input_graph()
    before = g.get_weights()
    path = str(tmp_path / 'bad.h5')
    with h5py.File(path, 'w') as f:
        grp = f.create_group('graph')
        grp.attrs['nb_params'] = len(before)
        for n, w in enumerate(before):
            grp.create_dataset('param_%d' % n, data=np.zeros((7, 7)) if n == 8 else w + 1)
    with pytest.raises(ValueError, match=r"load_weights\(.*bad.h5\): Graph.set_weights: "
                                         r"weights\[8\] .* has shape \(7, 7\), expected \(12, 4\)"):
        g.load_weights(path)
    for b, a in zip(before, g.get_weights()):
        np.testing.assert_array_equal(a, b)

    seq = Sequential()
    seq.add(Dense(2, 2))
    seq.save_weights(str(tmp_path / 'seq.h5'))
    with pytest.raises(ValueError, match=r"load_weights\('.*seq.h5'\): the file has no graph"):
        g.load_weights(str(tmp_path / 'seq.h5'))


def test_class_weight_is_used_by_fit_and_one_dimensional_targets_work():
    # 2015's Graph.fit ignored class_weight (and failed on 1-D targets); here a class weight
    # is exactly the same as the matching per-sample weight
    rng = np.random.RandomState(0)
    X, labels = rng.random_sample((40, 3)), rng.randint(0, 2, 40)
    results = []
    for kwargs in ({'class_weight': {'out': {0: 1., 1: 4.}}},
                   {'sample_weight': {'out': np.where(labels == 1, 4., 1.)}},
                   {}):
        np.random.seed(7)
        g = Graph()
        g.add_input('x')
        g.add_node(Dense(3, 1, activation='sigmoid'), name='d', input='x', create_output=False)
        g.add_output('out', input='d')
        g.compile('sgd', {'out': 'binary_crossentropy'})
        g.fit({'x': X, 'out': labels}, nb_epoch=3, batch_size=8, verbose=0, **kwargs)
        results.append(g.get_weights()[0])
    np.testing.assert_allclose(results[0], results[1], rtol=1e-6)
    assert not np.allclose(results[0], results[2])


def test_graph_inside_sequential_keeps_batchnorm_updates():
    graph = containers.Graph()
    graph.add_input(name='in')
    graph.add_node(Dense(4, 3), name='d', input='in')
    graph.add_node(BatchNormalization((3,)), name='bn', input='d')
    graph.add_node(Dense(4, 3), name='side', input='in')
    graph.add_output(name='out', inputs=['bn', 'side'], merge_mode='concat')
    assert graph.output_shape == (6,)
    seq = Sequential()
    seq.add(Dense(2, 4))
    seq.add(graph)
    seq.add(Activation('tanh'))
    seq.compile(loss='mse', optimizer='sgd')
    rng = np.random.RandomState(1)
    seq.fit(rng.random_sample((10, 2)), rng.random_sample((10, 6)), nb_epoch=1, verbose=0)
    assert not np.allclose(graph.nodes['bn'].running_mean.get_value(), 0)
    assert len(seq.get_weights()) == 2 + 8 == len(graph.get_weights()) + 2


def simple_graph():
    g = Graph()
    g.add_input(name='x', ndim=2)
    g.add_node(Dense(3, 2), name='h', input='x')
    g.add_output(name='y', input='h')
    return g


def test_building_errors_name_the_culprit():
    g = simple_graph()
    with pytest.raises(ValueError, match=r"Graph.add_input: duplicate name 'x' \(inputs and "
                                         r"nodes so far: 'x', 'h'\)"):
        g.add_input(name='x')
    with pytest.raises(ValueError, match=r"Graph.add_node: duplicate name 'h'"):
        g.add_node(Dense(2, 2), name='h', input='x')
    with pytest.raises(ValueError, match=r"Graph.add_node\('k'\): unknown node or input 'nope' "
                                         r"\(known: 'x', 'h'\)"):
        g.add_node(Dense(2, 2), name='k', input='nope')
    with pytest.raises(ValueError, match=r"Graph.add_node\('k'\): unknown node or input 'hh'"):
        g.add_node(Dense(2, 2), name='k', inputs=['h', 'hh'])
    assert 'k' not in g.namespace and g.nb_input == 1     # a failed add changes nothing
    with pytest.raises(ValueError, match=r"Graph.add_output\('z'\): unknown node or input 'q'"):
        g.add_output(name='z', input='q')
    with pytest.raises(ValueError, match=r"Graph.add_output: duplicate output name 'y' "
                                         r"\(outputs so far: 'y'\)"):
        g.add_output(name='y', input='h')
    with pytest.raises(ValueError, match=r"Graph.add_output\('z'\): give input= "):
        g.add_output(name='z')
    with pytest.raises(ValueError, match=r"dtype 'int' needs ndim=2"):
        g.add_input(name='i', ndim=3, dtype='int')
    with pytest.raises(ValueError, match=r"Graph.compile: the graph has no outputs"):
        Graph().compile('sgd', {})

    two = Graph()
    two.add_input('p')
    two.add_input('q')
    seq = Sequential()
    seq.add(Dense(2, 2))
    with pytest.raises(ValueError, match=r"Graph.set_previous: the graph has 2 inputs but "
                                         r"Dense gives 1 outputs"):
        seq.add(two)


def test_compile_checks_the_sizes_between_nodes():
    g = Graph()
    g.add_input('x')
    g.add_node(Dense(3, 4), name='a', input='x')
    g.add_node(Dense(3, 2), name='b', input='x')
    g.add_node(Dense(5, 1), name='c', input='a')
    g.add_output('y', input='c')
    with pytest.raises(ValueError, match=r"Graph.compile: node 'c' \(Dense 'c'\) expects input "
                                         r"of shape \(5,\), but 'a' gives \(4,\)"):
        g.compile('sgd', {'y': 'mse'})
    g = Graph()
    g.add_input('x')
    g.add_node(Dense(3, 4), name='a', input='x')
    g.add_node(Dense(3, 2), name='b', input='x')
    g.add_node(Dense(7, 1), name='c', inputs=['a', 'b'], merge_mode='concat')
    g.add_output('y', input='c')
    with pytest.raises(ValueError, match=r"node 'c' \(Dense 'c'\) expects input of shape \(7,\), "
                                         r"but the concat merge of 'a', 'b' gives \(6,\)"):
        g.compile('sgd', {'y': 'mse'})


def test_fit_checks_its_arguments_and_finite_data():
    g = simple_graph()
    g.compile('sgd', {'y': 'mse'})
    before = g.get_weights()
    x, y = np.ones((4, 3)), np.ones((4, 2))
    with pytest.raises(ValueError, match=r"fit: batch_size must be a positive integer, got 0"):
        g.fit({'x': x, 'y': y}, batch_size=0)
    with pytest.raises(ValueError, match=r"evaluate: batch_size must be a positive integer"):
        g.evaluate({'x': x, 'y': y}, batch_size=-1)
    x[2, 1] = np.nan
    with pytest.raises(ValueError, match=r"Graph.fit: input 'x' contains nan at index \(2, 1\)"):
        g.fit({'x': x, 'y': y}, verbose=0)
    with pytest.raises(ValueError, match=r"Graph.train_on_batch: input 'x' has 0 samples"):
        g.train_on_batch({'x': x[:0], 'y': y[:0]})
    for b, a in zip(before, g.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert g.predict({'x': x[:0]})['y'].shape[0] == 0


def test_loss_and_weight_dicts_must_name_outputs():
    g = simple_graph()
    with pytest.raises(ValueError, match=r"Graph.compile: loss has no entry for output 'y'"):
        g.compile('sgd', {})
    with pytest.raises(ValueError, match=r"Graph.compile: loss names 'h', which is not an output "
                                         r"\(outputs: 'y'\)"):
        g.compile('sgd', {'y': 'mse', 'h': 'mse'})
    with pytest.raises(ValueError, match=r"Graph.compile: loss must be a dict \{output name: "
                                         r"...\}, got str"):
        g.compile('sgd', 'mse')
    with pytest.raises(RuntimeError, match=r"Graph.fit: compile the graph first"):
        g.fit({'x': np.zeros((2, 3)), 'y': np.zeros((2, 2))})
    g.compile('sgd', {'y': 'mse'})
    data = {'x': np.zeros((4, 3)), 'y': np.zeros((4, 2))}
    with pytest.raises(ValueError, match=r"Graph.fit: sample_weight names 'yy', which is not"):
        g.fit(data, sample_weight={'yy': np.ones(4)}, verbose=0)
    with pytest.raises(ValueError, match=r"Graph.train_on_batch: class_weight names 'h'"):
        g.train_on_batch(data, class_weight={'h': {0: 1}})


def test_data_errors_say_what_is_missing_or_wrong():
    g = simple_graph()
    g.compile('sgd', {'y': 'mse'})
    before = g.get_weights()
    x, y = np.zeros((4, 3)), np.zeros((4, 2))
    with pytest.raises(ValueError, match=r"Graph.fit: data has no array for output 'y' "
                                         r"\(data has: 'x'\)"):
        g.fit({'x': x}, verbose=0)
    with pytest.raises(ValueError, match=r"Graph.evaluate: data has no array for input 'x' "
                                         r"\(data has: 'y'\)"):
        g.evaluate({'y': y})
    with pytest.raises(ValueError, match=r"Graph.predict: data has no array for input 'x' "
                                         r"\(data has: nothing\)"):
        g.predict({})
    with pytest.raises(ValueError, match=r"Graph.predict: data must be a dict"):
        g.predict(x)
    with pytest.raises(ValueError, match=r"Graph.fit: arrays have different numbers of "
                                         r"samples: x 4, y 3"):
        g.fit({'x': x, 'y': y[:3]}, verbose=0)
    with pytest.raises(ValueError, match=r"Graph.fit: arrays have different numbers of "
                                         r"samples: x 4, y 4, sample_weight\['y'\] 5"):
        g.fit({'x': x, 'y': y}, sample_weight={'y': np.ones(5)}, verbose=0)
    with pytest.raises(ValueError, match=r"Graph.test_on_batch: input 'x' has 2 dimensions "
                                         r"\(batch axis included\), got an array of shape "
                                         r"\(4, 3, 1\)"):
        g.test_on_batch({'x': x[..., None], 'y': y})
    with pytest.raises(ValueError, match=r"Graph.train_on_batch: node 'h' \(Dense 'h'\) expects "
                                         r"samples of shape \(3,\), got input 'x' of shape \(4, 5\)"):
        g.train_on_batch({'x': np.zeros((4, 5)), 'y': y})
    with pytest.raises(ValueError, match=r"Graph.fit: output 'y' gives samples of shape \(2,\), "
                                         r"got an array of shape \(4, 3\)"):
        g.fit({'x': x, 'y': np.zeros((4, 3))}, verbose=0)
    for b, a in zip(before, g.get_weights()):
        np.testing.assert_array_equal(a, b)
    # extra arrays in the data dict are ignored, as in 2015
    assert g.predict({'x': x, 'unrelated': 1})['y'].shape == (4, 2)
