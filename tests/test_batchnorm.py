"""BatchNormalization (SPEC §2): the 2015 maths in closed form, its running statistics,
its weights and the errors legacy_bn adds (docs/compat.md)."""
import numpy as np
import pytest

import legacy_bn.theano as theano
from legacy_bn.layers.core import Dense
from legacy_bn.layers.normalization import BatchNormalization
from legacy_bn.models import Sequential
from legacy_bn.optimizers import SGD

floatX = theano.config.floatX
TOL = dict(rtol=1e-12, atol=1e-12) if floatX == 'float64' else dict(rtol=2e-5, atol=2e-6)


def random_weights(rng, shape):
    """[gamma, beta, running_mean, running_std], all distinguishable from the defaults."""
    return [rng.uniform(0.5, 1.5, size=shape), rng.normal(0., 0.5, size=shape),
            rng.normal(0., 1., size=shape), rng.uniform(0.5, 2., size=shape)]


def compiled(layer, train, updates=False):
    layer.init_updates()
    return theano.function([layer.input], layer.get_output(train=train), allow_input_downcast=True,
                           updates=layer.updates if updates else None)


def mode0(X, gamma, beta, running_mean, running_std, eps):
    return gamma * (X - running_mean) / (running_std + eps) + beta


def mode1(X, gamma, beta, eps):
    m = X.mean(axis=-1, keepdims=True)
    s = X.std(axis=-1, keepdims=True)          # population std
    return gamma * (X - m) / (s + eps) + beta


def batch_std(X, eps):
    """The running-std target: epsilon inside the square root."""
    return np.sqrt(np.mean((X - X.mean(axis=0)) ** 2 + eps, axis=0))


SHAPES = [(6,), (3, 4), (2, 3, 2)]


# -- forward pass -----------------------------------------------------------------------
@pytest.mark.parametrize('shape', SHAPES)
@pytest.mark.parametrize('train', [True, False])
def test_mode_0_uses_running_statistics_in_train_and_test(rng, shape, train):
    w = random_weights(rng, shape)
    layer = BatchNormalization(shape, epsilon=1e-3, weights=w)
    X = rng.normal(2., 3., size=(5,) + shape)
    np.testing.assert_allclose(compiled(layer, train)(X), mode0(X, *w, eps=1e-3), **TOL)


@pytest.mark.parametrize('shape', SHAPES)
@pytest.mark.parametrize('train', [True, False])
def test_mode_1_normalises_each_sample_over_the_last_axis(rng, shape, train):
    w = random_weights(rng, shape)
    layer = BatchNormalization(shape, epsilon=1e-3, mode=1, weights=w)
    X = rng.normal(2., 3., size=(5,) + shape)
    # mode 1 ignores the running statistics entirely
    np.testing.assert_allclose(compiled(layer, train)(X), mode1(X, w[0], w[1], eps=1e-3), **TOL)


def test_mode_0_epsilon_is_added_to_the_running_std_not_under_a_root(rng):
    gamma, beta = np.ones(2), np.zeros(2)
    layer = BatchNormalization((2,), epsilon=0.5,
                               weights=[gamma, beta, np.zeros(2), np.array([0.5, 1.5])])
    out = compiled(layer, False)(np.array([[1., 1.]]))
    np.testing.assert_allclose(out, [[1 / 1.0, 1 / 2.0]], **TOL)


def test_mode_1_epsilon_is_added_to_the_std(rng):
    layer = BatchNormalization((2,), epsilon=0.5, mode=1,
                               weights=[np.ones(2), np.zeros(2), np.zeros(2), np.ones(2)])
    # mean 1, std 1: (x - 1) / (1 + 0.5), not / sqrt(1 + 0.5)
    out = compiled(layer, True)(np.array([[0., 2.]]))
    np.testing.assert_allclose(out, [[-1 / 1.5, 1 / 1.5]], **TOL)


def test_mode_1_constant_sample_gives_beta(rng):
    w = random_weights(rng, (4,))
    layer = BatchNormalization((4,), mode=1, weights=w)
    out = compiled(layer, True)(np.full((2, 4), 7.))
    np.testing.assert_allclose(out, np.tile(w[1], (2, 1)), **TOL)


def test_default_layer_output_is_gamma_times_input_at_the_start():
    np.random.seed(11)
    layer = BatchNormalization((3,))
    gamma = layer.gamma.get_value()
    X = np.arange(6.).reshape(2, 3)
    # running mean 0, running std 1, beta 0
    np.testing.assert_allclose(compiled(layer, True)(X), gamma * X / (1 + 1e-6), **TOL)


# -- running statistics -------------------------------------------------------------------
@pytest.mark.parametrize('mode', [0, 1])
@pytest.mark.parametrize('shape', [(6,), (3, 4)])
def test_updates_use_pre_step_values_and_epsilon_inside_the_root(rng, mode, shape):
    w = random_weights(rng, shape)
    momentum, eps = 0.5, 1e-2
    layer = BatchNormalization(shape, mode=mode, momentum=momentum, epsilon=eps, weights=w)
    f = compiled(layer, True, updates=True)
    assert [v.name for v, _ in layer.updates] == ['running_mean', 'running_std']
    running_mean, running_std = w[2], w[3]
    for n in (5, 8, 3):                                  # batches of different sizes
        X = rng.normal(2., 1.5, size=(n,) + shape)
        out = f(X)
        # the output of the step sees the statistics from before the step
        expected = (mode0(X, w[0], w[1], running_mean, running_std, eps) if mode == 0
                    else mode1(X, w[0], w[1], eps))
        np.testing.assert_allclose(out, expected, **TOL)
        running_mean = momentum * running_mean + (1 - momentum) * X.mean(axis=0)
        running_std = momentum * running_std + (1 - momentum) * batch_std(X, eps)
        np.testing.assert_allclose(layer.running_mean.get_value(), running_mean, **TOL)
        np.testing.assert_allclose(layer.running_std.get_value(), running_std, **TOL)
    # gamma and beta are not touched by the statistics updates
    np.testing.assert_allclose(layer.gamma.get_value(), w[0], **TOL)
    np.testing.assert_allclose(layer.beta.get_value(), w[1], **TOL)


def test_the_running_std_with_a_constant_batch_is_sqrt_epsilon():
    layer = BatchNormalization((2,), epsilon=0.25, momentum=0.)
    compiled(layer, True, updates=True)(np.full((3, 2), 4.))
    np.testing.assert_allclose(layer.running_std.get_value(), [0.5, 0.5], **TOL)
    np.testing.assert_allclose(layer.running_mean.get_value(), [4., 4.], **TOL)


def test_statistics_change_only_through_the_updates(rng):
    w = random_weights(rng, (3,))
    layer = BatchNormalization((3,), weights=w)
    X = rng.normal(size=(4, 3))
    compiled(layer, True)(X)                 # train output without updates
    compiled(layer, False)(X)
    layer.input = X
    layer.get_output(train=True).eval()
    for got, want in zip(layer.get_weights(), w):
        np.testing.assert_allclose(got, want, **TOL)


def test_train_on_batch_updates_parameters_and_statistics_simultaneously(rng):
    # BN alone under mse + SGD: the gradient step and the statistics step both
    # start from the pre-step values (SPEC §2 and §3)
    w = random_weights(rng, (3,))
    eps, lr = 1e-6, 0.1
    model = Sequential()
    model.add(BatchNormalization((3,), weights=w))
    model.compile(SGD(lr=lr), 'mse')
    X = rng.normal(1., 2., size=(4, 3))
    y = rng.normal(size=(4, 3))
    gamma, beta, running_mean, running_std = w
    Xn = (X - running_mean) / (running_std + eps)
    out = gamma * Xn + beta
    loss = model.train_on_batch(X, y)
    np.testing.assert_allclose(loss, np.mean((out - y) ** 2), **TOL)
    dout = 2 * (out - y) / out.size
    want = [gamma - lr * (dout * Xn).sum(axis=0), beta - lr * dout.sum(axis=0),
            0.9 * running_mean + 0.1 * X.mean(axis=0), 0.9 * running_std + 0.1 * batch_std(X, eps)]
    for got, expected in zip(model.get_weights(), want):
        np.testing.assert_allclose(got, expected, **TOL)


# -- weights ------------------------------------------------------------------------------
def test_get_weights_order_and_set_weights_round_trip(rng):
    layer = BatchNormalization((2, 3))
    w = random_weights(rng, (2, 3))
    layer.set_weights(w)
    got = layer.get_weights()
    assert len(got) == 4
    for g, want, var in zip(got, w, [layer.gamma, layer.beta, layer.running_mean, layer.running_std]):
        assert g.dtype == np.dtype(floatX) and g.shape == (2, 3)
        np.testing.assert_array_equal(g, want.astype(floatX))
        np.testing.assert_array_equal(var.get_value(), want.astype(floatX))
    assert layer.params == [layer.gamma, layer.beta]
    # get_weights returns copies: changing them changes nothing
    got[0][...] = 0.
    np.testing.assert_array_equal(layer.gamma.get_value(), w[0].astype(floatX))
    other = BatchNormalization((2, 3))
    other.set_weights(layer.get_weights())
    for a, b in zip(other.get_weights(), layer.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_gamma_is_drawn_uniform_from_np_random_with_the_default_statistics():
    np.random.seed(1234)
    expected = np.random.uniform(low=-0.05, high=0.05, size=(3, 4))
    after = np.random.get_state()
    np.random.seed(1234)
    layer = BatchNormalization((3, 4))
    np.testing.assert_array_equal(layer.gamma.get_value(), expected.astype(floatX))
    assert_same_np_random_state(np.random.get_state(), after)
    np.testing.assert_array_equal(layer.beta.get_value(), np.zeros((3, 4)))
    np.testing.assert_array_equal(layer.running_mean.get_value(), np.zeros((3, 4)))
    np.testing.assert_array_equal(layer.running_std.get_value(), np.ones((3, 4)))


def test_gamma_is_drawn_even_when_weights_are_given(rng):
    w = random_weights(rng, (5,))
    np.random.seed(99)
    np.random.uniform(low=-0.05, high=0.05, size=(5,))
    after = np.random.get_state()
    np.random.seed(99)
    layer = BatchNormalization((5,), weights=w)
    assert_same_np_random_state(np.random.get_state(), after)
    np.testing.assert_array_equal(layer.gamma.get_value(), w[0].astype(floatX))


def test_an_int_input_shape_means_one_axis():
    layer = BatchNormalization(4)
    assert layer.input_shape == (4,) and layer.gamma.get_value().shape == (4,)
    assert layer.input.ndim == 2


def assert_same_np_random_state(a, b):
    assert a[0] == b[0] and a[2:] == b[2:]
    np.testing.assert_array_equal(a[1], b[1])


# -- errors ---------------------------------------------------------------------------------
@pytest.mark.parametrize('mode', [2, 3, -1, '0'])
def test_unknown_mode_is_accepted_at_construction_and_rejected_by_get_output_and_compile(mode):
    # as in 2015, whose own test_setup constructs BatchNormalization((10, 10), mode=3)
    message = r"mode must be 0 \(featurewise\) or 1 \(samplewise\), got %s" % repr(mode)
    layer = BatchNormalization((10, 10), mode=mode)
    assert layer.get_config()['mode'] == mode
    with pytest.raises(ValueError, match=message):
        layer.get_output(train=False)
    model = Sequential()
    model.add(BatchNormalization((10,), mode=mode))
    with pytest.raises(ValueError, match=message):
        model.compile(loss='mse', optimizer='sgd')


@pytest.mark.parametrize('count', [0, 2, 3, 5])
def test_wrong_number_of_weights_names_the_layer_and_counts(rng, count):
    w = random_weights(rng, (3,))
    layer = BatchNormalization((3,), weights=w)
    before = layer.get_weights()
    bad = (w + w)[:count]
    with pytest.raises(ValueError) as err:
        layer.set_weights(bad)
    msg = str(err.value)
    assert 'BatchNormalization' in msg
    assert 'expected 4 arrays (gamma, beta, running_mean, running_std), got %d' % count in msg
    for got, want in zip(layer.get_weights(), before):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize('position,name', list(enumerate(['gamma', 'beta', 'running_mean', 'running_std'])))
def test_wrong_shape_names_position_and_both_shapes_and_changes_nothing(rng, position, name):
    w = random_weights(rng, (3,))
    layer = BatchNormalization((3,), weights=w)
    before = layer.get_weights()
    bad = [x + 1. for x in w]                 # every other array would be a change
    bad[position] = np.ones(4)
    with pytest.raises(ValueError) as err:
        layer.set_weights(bad)
    msg = str(err.value)
    assert msg.startswith('BatchNormalization')
    assert 'weights[%d] (%s)' % (position, name) in msg
    assert '(4,)' in msg and '(3,)' in msg
    for got, want in zip(layer.get_weights(), before):
        np.testing.assert_array_equal(got, want)


def test_wrong_weights_in_the_constructor_raise():
    with pytest.raises(ValueError, match=r'weights\[3\] \(running_std\) has shape \(2, 2\), expected \(2,\)'):
        BatchNormalization((2,), weights=[np.ones(2), np.ones(2), np.ones(2), np.ones((2, 2))])


# -- config and use as a first layer -------------------------------------------------------
def test_get_config_has_exactly_the_2015_keys_plus_a_non_default_momentum():
    layer = BatchNormalization((3, 4), epsilon=1e-3, mode=1)
    assert layer.get_config() == {'name': 'BatchNormalization', 'input_shape': (3, 4),
                                  'epsilon': 1e-3, 'mode': 1}
    # 2015 left momentum out, so a rebuilt model trained with the default (docs/compat.md)
    layer = BatchNormalization((3, 4), epsilon=1e-3, mode=1, momentum=0.5)
    assert layer.get_config() == {'name': 'BatchNormalization', 'input_shape': (3, 4),
                                  'epsilon': 1e-3, 'mode': 1, 'momentum': 0.5}


def test_first_layer_of_a_sequential_predicts_the_closed_form(rng):
    w = random_weights(rng, (4,))
    model = Sequential()
    model.add(BatchNormalization((4,), weights=w))
    model.add(Dense(4, 2, weights=[np.eye(4)[:, :2], np.zeros(2)]))
    model.compile('sgd', 'mse')
    X = rng.normal(size=(6, 4))
    np.testing.assert_allclose(model.predict(X, verbose=0), mode0(X, *w, eps=1e-6)[:, :2], **TOL)


def test_first_layer_with_3d_input_trains_and_predicts(rng):
    w = random_weights(rng, (3, 4))
    model = Sequential()
    model.add(BatchNormalization((3, 4), weights=w, momentum=0.))
    model.compile('sgd', 'mse')
    X = rng.normal(size=(5, 3, 4))
    np.testing.assert_allclose(model.predict(X, verbose=0), mode0(X, *w, eps=1e-6), **TOL)
    model.train_on_batch(X, np.zeros_like(X))
    # momentum 0: the statistics are exactly those of the batch
    np.testing.assert_allclose(model.layers[0].running_mean.get_value(), X.mean(axis=0), **TOL)
    np.testing.assert_allclose(model.layers[0].running_std.get_value(), batch_std(X, 1e-6), **TOL)
