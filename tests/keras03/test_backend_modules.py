"""Keras 0.3.3's activations, objectives, initializations, constraints, regularizers and
optimizers (legacy_bn.keras03.*) against closed forms and numpy reference loops."""
import numpy as np
import pytest

from legacy_bn.keras03 import backend as K
from legacy_bn.keras03 import (activations, constraints, initializations, objectives,
                               optimizers, regularizers)

RS = np.random.RandomState(11)


def evaluate(expr_of, *values):
    holders = [K.placeholder(ndim=np.ndim(v)) for v in values]
    return K.function(holders, [expr_of(*holders)])([np.asarray(v, 'float32') for v in values])[0]


# -- activations ---------------------------------------------------------------------
def test_softmax_on_3d_tensors_and_its_limits():
    s = RS.randn(2, 3, 4).astype('float32')
    e = np.exp(s - s.max(-1, keepdims=True))
    np.testing.assert_allclose(evaluate(activations.softmax, s), e / e.sum(-1, keepdims=True),
                               rtol=1e-6)
    with pytest.raises(ValueError, match='2-d or 3-d tensors only, got 4-d'):
        activations.softmax(K.placeholder(ndim=4))


def test_activation_lookup():
    x = RS.randn(3, 4).astype('float32')
    np.testing.assert_allclose(evaluate(lambda v: activations.relu(v, alpha=0.3), x),
                               np.where(x > 0, x, 0.3 * x), rtol=1e-6)
    assert activations.get('linear') is activations.linear
    with pytest.raises(ValueError, match='Invalid activation function: time_distributed_softmax'):
        activations.get('time_distributed_softmax')     # gone in 0.3


# -- objectives --------------------------------------------------------------------------
T_ = RS.uniform(0, 1, size=(4, 3))
P_ = RS.uniform(0.05, 1, size=(4, 3))
EPS = 1e-7

OBJECTIVES = {
    'mse': lambda t, p: ((p - t) ** 2).mean(-1),
    'mae': lambda t, p: np.abs(p - t).mean(-1),
    'mape': lambda t, p: 100 * (np.abs(t - p) / np.clip(np.abs(t), EPS, None)).mean(-1),
    'msle': lambda t, p: ((np.log(np.clip(p, EPS, None) + 1)
                           - np.log(np.clip(t, EPS, None) + 1)) ** 2).mean(-1),
    'squared_hinge': lambda t, p: (np.maximum(1 - t * p, 0) ** 2).mean(-1),
    'hinge': lambda t, p: np.maximum(1 - t * p, 0).mean(-1),
    'binary_crossentropy': lambda t, p: -(t * np.log(p) + (1 - t) * np.log(1 - p)).mean(-1),
    'poisson': lambda t, p: (p - t * np.log(p + EPS)).mean(-1),
    'cosine_proximity': lambda t, p: -(t / np.linalg.norm(t, axis=-1, keepdims=True)
                                       * p / np.linalg.norm(p, axis=-1, keepdims=True)).mean(-1),
}


@pytest.mark.parametrize('name', sorted(OBJECTIVES))
def test_objectives_closed_form(name):
    got = evaluate(objectives.get(name), T_, P_)
    t, p = T_.astype('float32').astype(float), P_.astype('float32').astype(float)
    np.testing.assert_allclose(got, OBJECTIVES[name](t, p), rtol=2e-5)


def test_categorical_crossentropy_normalizes_then_clips():
    # rows that do not sum to 1: 0.3 rescales first (4e1ec93 clipped first)
    onehot = np.eye(3)[[0, 2]]
    pred = np.array([[0.5, 0.5, 0.5], [0.2, 0.0, 0.0]])
    got = evaluate(objectives.categorical_crossentropy, onehot, pred)
    np.testing.assert_allclose(got, [np.log(3), -np.log(np.float32(EPS))], rtol=1e-5)


def test_objectives_read_epsilon_when_the_loss_is_built():
    saved = K.epsilon()
    K.set_epsilon(1e-3)
    try:
        got = evaluate(objectives.poisson, [[1.]], [[0.]])
    finally:
        K.set_epsilon(saved)
    np.testing.assert_allclose(got, [-np.log(1e-3)], rtol=1e-5)


# -- initializations ----------------------------------------------------------------------
def test_fans():
    assert initializations.get_fans((5, 3)) == (5, 3)
    assert initializations.get_fans((8, 3, 2, 2)) == (12, 8)
    assert initializations.get_fans((2, 2, 3, 8), dim_ordering='tf') == (12, 8)
    assert initializations.get_fans((2, 3, 4, 5, 6)) == (360, 2)
    np.testing.assert_allclose(initializations.get_fans((3, 4, 3)), (6, 6))
    with pytest.raises(ValueError, match="dim_ordering must be 'th' or 'tf'"):
        initializations.get_fans((2, 2, 2, 2), dim_ordering='nchw')


@pytest.mark.parametrize('name,draw', [
    ('glorot_uniform', lambda s: np.random.uniform(-np.sqrt(6. / 20), np.sqrt(6. / 20), s)),
    ('glorot_normal', lambda s: np.random.normal(0., np.sqrt(2. / 20), s)),
    ('he_uniform', lambda s: np.random.uniform(-np.sqrt(6. / 12), np.sqrt(6. / 12), s)),
    ('he_normal', lambda s: np.random.normal(0., np.sqrt(2. / 12), s)),
    ('lecun_uniform', lambda s: np.random.uniform(-np.sqrt(3. / 12), np.sqrt(3. / 12), s)),
    ('uniform', lambda s: np.random.uniform(-0.05, 0.05, s)),
    ('normal', lambda s: np.random.normal(0., 0.05, s)),
])
def test_initializations_draw_what_0_3_3_drew(name, draw):
    shape = (8, 3, 2, 2)                     # fan_in 12, fan_out 8
    np.random.seed(5)
    got = initializations.get(name)(shape, name='W')
    np.random.seed(5)
    want = draw(shape).astype('float32')
    np.testing.assert_array_equal(K.get_value(got), want)
    assert got.name == 'W' and got.dtype == 'float32'


def test_identity_orthogonal_zero_one():
    np.testing.assert_array_equal(K.get_value(initializations.identity((3, 3), scale=2)),
                                  2 * np.eye(3))
    with pytest.raises(ValueError, match=r'2D square matrices, got shape \(3, 4\)'):
        initializations.identity((3, 4))
    q = K.get_value(initializations.orthogonal((4, 6), scale=1.))
    np.testing.assert_allclose(q @ q.T, np.eye(4), atol=1e-5)
    assert K.get_value(initializations.zero((2, 2))).sum() == 0
    assert K.get_value(initializations.one((2, 2))).sum() == 4


# -- constraints ------------------------------------------------------------------------
W_ = RS.randn(3, 4) * 2


@pytest.mark.parametrize('axis', [0, 1])
def test_maxnorm_and_unitnorm_along_an_axis(axis):
    w = W_.astype('float32').astype(float)
    norms = np.sqrt((w ** 2).sum(axis=axis, keepdims=True))
    np.testing.assert_allclose(evaluate(constraints.MaxNorm(1.5, axis=axis), W_),
                               w * np.clip(norms, 0, 1.5) / (EPS + norms), rtol=1e-5)
    np.testing.assert_allclose(evaluate(constraints.UnitNorm(axis=axis), W_),
                               w / (EPS + norms), rtol=1e-5)


def test_other_constraints_and_configs():
    np.testing.assert_array_equal(evaluate(constraints.get('nonneg'), W_),
                                  np.maximum(W_.astype('float32'), 0))
    np.testing.assert_array_equal(evaluate(constraints.get('identity'), W_), W_.astype('float32'))
    assert constraints.MaxNorm(3, axis=[1, 2]).get_config() == {'name': 'MaxNorm', 'm': 3,
                                                                 'axis': [1, 2]}
    assert constraints.unitnorm().get_config() == {'name': 'UnitNorm', 'axis': 0}


# -- regularizers --------------------------------------------------------------------------
def test_weight_regularizer_adds_both_penalties():
    p = K.variable(W_)
    reg = regularizers.l1l2(0.1, 0.2)
    reg.set_param(p)
    w = W_.astype('float32').astype(float)
    np.testing.assert_allclose(K.eval(reg(K.variable(1.))),
                               1 + 0.1 * np.abs(w).sum() + 0.2 * (w ** 2).sum(), rtol=1e-6)


def test_activity_regularizer_asks_for_the_output_once():
    out = K.variable(W_)

    class Layer:
        calls = 0

        def get_output(self, train=False):
            Layer.calls += 1
            assert train is True
            return out

    reg = regularizers.activity_l1l2(0.1, 0.2)
    reg.set_layer(Layer())
    got = K.eval(reg(0.))
    w = W_.astype('float32').astype(float)
    want = 0.1 * np.abs(w).mean(0).sum() + 0.2 * (w ** 2).mean(0).sum()
    np.testing.assert_allclose(got, want, rtol=1e-6)
    assert Layer.calls == 1
    assert regularizers.get('l2', {'l': 0.5}).get_config() == {'name': 'WeightRegularizer',
                                                               'l1': 0., 'l2': 0.5}


# -- optimizers ---------------------------------------------------------------------------
A_ = RS.randn(6, 3).astype('float32')
B_ = RS.randn(6, 2).astype('float32')
W0 = (RS.randn(3, 2) * 0.5).astype('float32')


def numpy_steps(name, kw, n=3):
    """The optimizer's update rule in float64 numpy, on mean((A W - B)^2)."""
    w = W0.astype(float)
    state = {k: np.zeros_like(w) for k in ('m', 'v', 'a', 'd')}
    for t in range(1, n + 1):
        g = 2 * A_.T @ (A_ @ w - B_) / B_.size
        if name == 'sgd':
            lr = kw['lr'] / (1 + kw['decay'] * (t - 1))
            v = kw['momentum'] * state['m'] - lr * g
            state['m'] = v
            w = w + kw['momentum'] * v - lr * g if kw['nesterov'] else w + v
        elif name == 'rmsprop':
            state['a'] = 0.9 * state['a'] + 0.1 * g ** 2
            w = w - 0.001 * g / np.sqrt(state['a'] + 1e-6)
        elif name == 'adagrad':
            state['a'] += g ** 2
            w = w - 0.01 * g / np.sqrt(state['a'] + 1e-6)
        elif name == 'adadelta':
            state['a'] = 0.95 * state['a'] + 0.05 * g ** 2
            u = g * np.sqrt(state['d'] + 1e-6) / np.sqrt(state['a'] + 1e-6)
            w = w - u
            state['d'] = 0.95 * state['d'] + 0.05 * u ** 2
        elif name == 'adam':
            state['m'] = 0.9 * state['m'] + 0.1 * g
            state['v'] = 0.999 * state['v'] + 0.001 * g ** 2
            lr_t = 0.001 * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
            w = w - lr_t * state['m'] / (np.sqrt(state['v']) + 1e-8)
        elif name == 'adamax':
            state['m'] = 0.9 * state['m'] + 0.1 * g
            state['v'] = np.maximum(0.999 * state['v'], np.abs(g))
            w = w - 0.002 / (1 - 0.9 ** t) * state['m'] / (state['v'] + 1e-8)
    return w


@pytest.mark.parametrize('name,kw', [
    ('sgd', dict(lr=0.05, momentum=0.9, decay=0.01, nesterov=False)),
    ('sgd', dict(lr=0.05, momentum=0.9, decay=0.01, nesterov=True)),
    ('rmsprop', {}), ('adagrad', {}), ('adadelta', {}), ('adam', {}), ('adamax', {})])
def test_optimizers_follow_their_update_rules(name, kw):
    opt = optimizers.get(name, kw)
    W = K.variable(W0)
    a, b = K.placeholder(ndim=2), K.placeholder(ndim=2)
    loss = K.mean(K.square(K.dot(a, W) - b))
    f = K.function([a, b], [loss], updates=opt.get_updates([W], [constraints.identity()], loss))
    for _ in range(3):
        f([A_, B_])
    got = K.get_value(W)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, numpy_steps(name, kw), rtol=1e-4, atol=1e-6)
    config = opt.get_config()
    assert config['name'] == type(opt).__name__ and 'lr' in config


def test_adam_keeps_its_betas_in_floatx_variables():
    opt = optimizers.Adam(beta_1=0.8)
    assert K.get_value(opt.beta_1) == np.float32(0.8)
    assert opt.get_config() == {'name': 'Adam', 'lr': float(np.float32(0.001)),
                                'beta_1': float(np.float32(0.8)),
                                'beta_2': float(np.float32(0.999)), 'epsilon': 1e-8}
    assert isinstance(optimizers.get('adamax'), optimizers.Adamax)
