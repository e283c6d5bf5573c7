"""BatchNormalization(..., batch_statistics=True): the paper's batch normalization as
Keras 0.3.3's mode 0 computes it. Numbers recorded from the real Keras 0.3.3 + Theano
0.8.2 (float64), a numpy transcription, finite-difference gradients, configs, errors."""
import json

import numpy as np
import pytest

import legacy_bn.theano as theano
from legacy_bn.layers.core import Dense
from legacy_bn.layers.normalization import BatchNormalization
from legacy_bn.models import Sequential, model_from_json
from legacy_bn.optimizers import SGD

from normalization_checks import assert_gradients_match, compiled

# /work/oracle/run.sh 0.3.3 64 on: Dense(5, input_dim=4, weights=[W, b]) then
# BatchNormalization(epsilon=1e-3, momentum=0.8), mse, SGD(lr=0.1); the inputs are drawn
# as in dense_bn_model() below. train_out0/test_out0: the model's training-mode and
# predict() outputs on the first batch before any update; *_after: after three
# train_on_batch calls (losses), whose weights follow.
KERAS_033 = {
    'losses': [1.6144900856566406, 1.3292431947058578, 1.7545380848622345],
    'W': [[0.08235305009821703, 0.42000123388766725, -0.3682057268271301, -0.002256881885619756, 0.7973924688648352], [0.7910506525299682, -0.7551908644467368, -0.5894664707665204, -0.8578364537810789, -0.1523837174127005], [-0.9463456325557158, -0.11410733311420987, 0.3727142813127296, -0.4752940547561463, 0.3329799463215903], [0.16653337114459232, -0.9427007231504491, 0.08873869685267677, -0.5235995391017627, -0.1364439813890584]],
    'b': [-0.4329498364573625, 0.38627583662599263, -0.11909256465852103, -0.6862645230500735, 0.08929803606368947],
    'gamma': [0.9076108108688457, 0.8898415002062939, 0.9357206218946987, 0.874315640644022, 0.8761681305898519],
    'beta': [-0.014785164546345275, -0.03258913029774399, 0.012729390667097173, -0.0151590365201415, 0.005132032815307157],
    'running_mean': [-0.04375313918353879, -0.061252570168001445, -0.23875786535219257, -0.6163283857997269, 0.36885480323729036],
    'running_std': [1.5828232742400725, 1.6916978077246165, 1.1637429696403394, 1.560320754432615, 1.4008054657157467],
    'train_out0': [[0.5700798957804462, 0.03628444999903789, -1.165808469419983, -0.992062810016433, -0.2858116502920913], [0.3990069748510339, -1.757173619624531, -0.9008904709852366, -1.5655061476284722, 1.650067399649719], [1.128896220785109, -0.35855438406245643, -0.5750083254792898, 0.2768711963251932, -0.12665200790395365], [-0.019870390265153786, 1.5338149010671516, 0.39994120486431994, 1.3629941970950212, -0.6208927281160569], [-2.05734747968866, -0.0933277996250011, 1.758935715081976, 0.14163714385029144, 0.8277189622758373], [-0.020765221462775686, 0.638956452245799, 0.48283034593821333, 0.7760664203743991, -1.4444299756134542]],
    'test_out0': [[1.6289422993729432, 0.20678491703717375, -1.6472927352631361, -1.6921555230462122, -0.7590928486610881], [1.3013279305312713, -2.105135201429644, -1.279027881792446, -2.7505850616882, 0.8778236471256643], [2.699107329701535, -0.3021959504164748, -0.8260162281013428, 0.6499716703609074, -0.6245126205747858], [0.4991539637278048, 2.1372291445778484, 0.5292697398384484, 2.654676566576839, -1.042426533031783], [-3.40273049030729, 0.03970369412993651, 2.418420032116724, 0.4003642438176863, 0.18247249775389524], [0.4974403111144277, 0.9836804299182828, 0.6444946682021115, 1.571358206793469, -1.7387829016612324]],
    'train_out_after': [[0.5256508331180787, -0.05279957871096139, -1.0103174090770441, -0.7664845925314441, -0.47903503271508907], [0.3120808912677877, -1.5923006373955704, -0.7431837214614807, -1.42683320581391, 1.4079425086573183], [0.9933777489599916, -0.2961759533512927, -0.6182927065556609, 0.21783069167470814, 0.0013492260518372047], [-0.017296621653690867, 1.3451986951598145, 0.31712723956729133, 1.1935667810144255, -0.47333892428271285], [-1.8911512454905566, -0.1399603849781296, 1.7428661295141177, -0.0063030707402335125, 0.8025344201413444], [-0.011372593479682308, 0.5405030774896754, 0.3881768120153598, 0.6972691772756043, -1.2286600009608548]],
    'test_out_after': [[0.9732075148457119, 0.09590883533922415, -1.1486082077106194, -0.489561547265779, -0.798768883075493], [0.7137701979537887, -1.0918724507229143, -0.8286547228241551, -1.2698549001198318, 0.37138547669630145], [1.5413858597610348, -0.09186492528061554, -0.6790692631735904, 0.6735433005824759, -0.5008725263689762], [0.31365388263080146, 1.1745155555383446, 0.4413093542363624, 1.8265106413739012, -0.7952366067395328], [-1.962639361830264, 0.028661090377822815, 2.148956676625474, 0.40869821505529724, -0.004040779677071989], [0.32085018545011057, 0.5536635007424435, 0.5264074132171063, 1.2400662793424382, -1.2636270520543356]],
}


def dense_bn_model():
    rng = np.random.RandomState(3)
    W, b = rng.uniform(-1, 1, (4, 5)), rng.uniform(-1, 1, 5)
    X, Y = rng.randn(3, 6, 4) * 2 + 0.5, rng.randn(3, 6, 5)
    model = Sequential()
    model.add(Dense(4, 5, weights=[W, b]))
    model.add(BatchNormalization((5,), epsilon=1e-3, momentum=0.8, batch_statistics=True))
    model.compile(loss='mse', optimizer=SGD(lr=0.1))
    train_output = theano.function([model.get_input(train=True)], model.get_output(train=True))
    return model, train_output, X, Y, b


def test_training_and_updates_match_keras_033():
    if theano.config.floatX != 'float64':
        pytest.skip('recorded in float64')
    model, train_output, X, Y, b = dense_bn_model()
    golden = {k: np.array(v) for k, v in KERAS_033.items()}
    tol = dict(rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(train_output(X[0]), golden['train_out0'], **tol)
    np.testing.assert_allclose(model.predict(X[0]), golden['test_out0'], **tol)
    losses = [float(model.train_on_batch(X[i], Y[i])) for i in range(3)]
    np.testing.assert_allclose(losses, golden['losses'], **tol)
    for name, value in zip(['W', 'b', 'gamma', 'beta', 'running_mean', 'running_std'],
                           model.get_weights()):
        np.testing.assert_allclose(value, golden[name], err_msg=name, **tol)
    np.testing.assert_allclose(train_output(X[0]), golden['train_out_after'], **tol)
    np.testing.assert_allclose(model.predict(X[0]), golden['test_out_after'], **tol)
    # the batch mean is subtracted inside the graph, so the Dense bias gets no gradient
    np.testing.assert_allclose(model.get_weights()[1], b, rtol=1e-12)


def paper_bn_numpy(x, gamma, beta, epsilon, axes):
    """Ioffe & Szegedy's Algorithm 1 with 0.3.3's epsilon placement: std =
    sqrt(mean((x - mean)^2) + epsilon), then (x - mean) / (std + epsilon)."""
    mean = x.mean(axis=axes, keepdims=True)
    std = np.sqrt(((x - mean) ** 2).mean(axis=axes, keepdims=True) + epsilon)
    return gamma * (x - mean) / (std + epsilon) + beta


def test_per_feature_map_batch_statistics_and_running_update(rng):
    X = rng.randn(5, 3, 4, 4) * 3 + 1
    layer = BatchNormalization((3, 4, 4), epsilon=1e-3, momentum=0.6, axis=1, batch_statistics=True)
    gamma, beta = rng.uniform(0.5, 2, 3), rng.uniform(-1, 1, 3)
    layer.set_weights([gamma, beta, np.zeros(3), np.ones(3)])
    out = compiled(layer, X, True)(X)
    expected = paper_bn_numpy(X, gamma[:, None, None], beta[:, None, None], 1e-3, (0, 2, 3))
    np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-12)
    layer.init_updates()
    step = theano.function([layer.input], [], updates=layer.updates)
    step(X)
    mean = X.mean(axis=(0, 2, 3))
    std = np.sqrt(((X - mean[:, None, None]) ** 2).mean(axis=(0, 2, 3)) + 1e-3)
    np.testing.assert_allclose(layer.running_mean.get_value(), 0.4 * mean, rtol=1e-10)
    np.testing.assert_allclose(layer.running_std.get_value(), 0.6 + 0.4 * std, rtol=1e-10)
    # at test time: the running statistics, one per channel
    test_out = compiled(layer, X, False)(X)
    rm, rs = (v.get_value()[:, None, None] for v in (layer.running_mean, layer.running_std))
    np.testing.assert_allclose(test_out, gamma[:, None, None] * (X - rm) / (rs + 1e-3)
                               + beta[:, None, None], rtol=1e-10)


def test_a_batch_of_two_is_normalized_to_plus_minus_one(rng):
    """Why small batches hurt: with two samples each feature becomes about +-1, whatever
    the samples were (the batch statistics are as noisy as they get)."""
    layer = BatchNormalization((4,), epsilon=1e-9, batch_statistics=True)
    X = rng.randn(2, 4)
    np.testing.assert_allclose(np.abs(compiled(layer, X, True)(X)), 1, rtol=1e-6)


@pytest.mark.parametrize('shape, axis', [((4,), None), ((3, 2, 2), 1)])
@pytest.mark.parametrize('mode', [None, 'FAST_COMPILE'])
def test_gradient_flows_through_the_batch_statistics(rng, shape, axis, mode):
    layer = BatchNormalization(shape, epsilon=1e-2, axis=axis, batch_statistics=True)
    layer.set_weights([rng.uniform(0.5, 2, p.get_value().shape) if i < 2 else p.get_value()
                       for i, p in enumerate(layer.weight_variables())])
    assert_gradients_match(layer, rng.randn(*((3,) + shape)), True, rng, mode=mode)


def test_defaults_config_and_json_round_trip(rng):
    layer = BatchNormalization((3,), batch_statistics=True)
    assert layer.get_weights()[0].tolist() == [1, 1, 1]              # 0.3.3's gamma_init='one'
    state = np.random.get_state()[1].copy()
    BatchNormalization((3,), batch_statistics=True)
    assert np.array_equal(np.random.get_state()[1], state)            # no draw for gamma
    model = Sequential()
    model.add(Dense(2, 3))
    model.add(BatchNormalization((3,), momentum=0.7, axis=1, batch_statistics=True))
    model.compile(loss='mse', optimizer='sgd')
    config = json.loads(model.to_json())['layers'][1]
    assert config == {'name': 'BatchNormalization', 'input_shape': [3], 'epsilon': 1e-6,
                      'mode': 0, 'axis': 1, 'batch_statistics': True, 'momentum': 0.7}
    rebuilt = model_from_json(model.to_json()).layers[1]
    assert (rebuilt.batch_statistics, rebuilt.momentum, rebuilt.axis) == (True, 0.7, 1)
    # the 2015 layer's config is unchanged
    assert 'batch_statistics' not in BatchNormalization((3,)).get_config()


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match='batch_statistics=True needs mode=0'):
        BatchNormalization((3,), mode=1, batch_statistics=True)
    with pytest.raises(ValueError, match="batch_statistics must be True or False, got 'yes'"):
        BatchNormalization((3,), batch_statistics='yes')
