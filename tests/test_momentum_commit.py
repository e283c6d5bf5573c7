"""SGD with momentum committed in place (legacy_bn/theano/momentum_commit.py): the same
bits as the velocity node followed by the in-place add, nothing changed before the
commit point, and every pair that does not fit left to the nodes."""
import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn.theano import momentum_commit
from legacy_bn.optimizers import SGD
from legacy_bn import constraints

W0 = np.random.RandomState(3).uniform(-1, 1, (7, 5))
B0 = np.random.RandomState(4).uniform(-1, 1, 5)
X = np.random.RandomState(5).uniform(-1, 1, (9, 7))


def _sgd_function(dtype, momentum=0.9, outputs_velocity=False, pairs=True, **sgd):
    """A tanh layer's squared output, trained by Keras's SGD(**sgd) at floatX = dtype:
    (function, params, velocities). pairs=False: the velocity as its node (the reference)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(theano.config, 'floatX', dtype)
        if not pairs:
            patch.setattr(momentum_commit, 'find_pairs', lambda *a: [])
        W, b = theano.shared(W0.astype(dtype)), theano.shared(B0.astype(dtype))
        x = T.matrix(dtype=dtype)
        loss = T.sum(T.sqr(T.tanh(T.dot(x, W) + b)))
        opt = SGD(lr=0.05, momentum=momentum, **sgd)
        updates = opt.get_updates([W, b], [constraints.identity()] * 2, loss)
        velocities = [sv for sv, _ in updates if sv is not W and sv is not b and sv.ndim > 0]
        outputs = [loss] + ([v for sv, v in updates if sv in velocities]
                            if outputs_velocity else [])
        return theano.function([x], outputs, updates=updates), [W, b], velocities


def _state(params, velocities):
    return [np.array(sv.get_value()) for sv in params + velocities]


# plain SGD gets momentum_step(m, -lr * g, mu); a clipped gradient, or a learning rate
# that decays, sgd_velocity(m, g, mu, lr)
VELOCITIES = [('momentum_step', {}), ('sgd_velocity', dict(clipnorm=0.5)),
              ('sgd_velocity', dict(clipvalue=0.2, decay=0.1))]


@pytest.mark.parametrize('op, sgd', VELOCITIES)
@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_steps_are_the_nodes_bit_for_bit(dtype, op, sgd):
    fused, params, velocities = _sgd_function(dtype, **sgd)
    plain, plain_params, plain_velocities = _sgd_function(dtype, pairs=False, **sgd)
    assert [pair.node.op for pair in fused._momentum_pairs] == [op, op]
    assert plain._momentum_pairs == []
    velocity_arrays = [sv.get_value(borrow=True) for sv in velocities]
    for step in range(4):
        a, b = fused(X.astype(dtype)), plain(X.astype(dtype))
        np.testing.assert_array_equal(a, b)
        for k, (u, v) in enumerate(zip(_state(params, velocities),
                                       _state(plain_params, plain_velocities))):
            assert u.dtype == v.dtype == dtype
            np.testing.assert_array_equal(u, v, err_msg='step %d, state %d' % (step, k))
    # the velocities were written in place: no new array per step
    assert all(sv.get_value(borrow=True) is arr for sv, arr in zip(velocities, velocity_arrays))
    assert np.any(velocity_arrays[0] != 0)


def test_a_refused_step_changes_neither_parameters_nor_velocities():
    fn, params, velocities = _sgd_function('float64')
    fn(X)
    before = _state(params, velocities)

    def refuse(outputs):
        raise FloatingPointError('refused')
    fn.before_commit = refuse
    with pytest.raises(FloatingPointError, match='refused'):
        fn(X)
    for u, v in zip(_state(params, velocities), before):
        np.testing.assert_array_equal(u, v)


def test_pairs_that_do_not_fit_are_evaluated_as_the_nodes(monkeypatch):
    """A read-only velocity array, or a parameter and velocity sharing one array: the node
    and the commit's add, with their results (never an in-place write into either)."""
    fused, params, velocities = _sgd_function('float64')
    plain, plain_params, plain_velocities = _sgd_function('float64', pairs=False)
    readonly = []
    for fn, vs in ((fused, velocities), (plain, plain_velocities)):
        fn(X)
        readonly.append(vs[0].get_value())
        readonly[-1].flags.writeable = False
        vs[0].set_value(readonly[-1], borrow=True)
    kept = np.array(readonly[0])
    fused(X), plain(X)
    for u, v in zip(_state(params, velocities), _state(plain_params, plain_velocities)):
        np.testing.assert_array_equal(u, v)
    np.testing.assert_array_equal(readonly[0], kept)
    assert velocities[0].get_value(borrow=True) is not readonly[0]

    for fn, ps, vs in ((fused, params, velocities), (plain, plain_params, plain_velocities)):
        shared = np.array(ps[1].get_value())
        ps[1].set_value(shared, borrow=True)
        vs[1].set_value(shared, borrow=True)          # the same array for b and its velocity
    fused(X), plain(X)
    for u, v in zip(_state(params, velocities), _state(plain_params, plain_velocities)):
        np.testing.assert_array_equal(u, v)


def test_momentum_zero_keeps_the_node_that_skips_the_product(monkeypatch):
    """With momentum 0 the velocity is v itself (0 * m not computed): not committed in place."""
    fn, params, velocities = _sgd_function('float64', momentum=0.0)
    calls = []
    real = momentum_commit.commit
    monkeypatch.setattr(momentum_commit, 'commit', lambda steps: calls.append(len(steps)) or real(steps))
    velocities[0].set_value(np.full(W0.shape, np.inf))   # 0 * inf would be NaN
    fn(X)
    assert calls == [0]
    assert np.all(np.isfinite(velocities[0].get_value()))


def test_a_velocity_also_handed_out_is_not_deferred(monkeypatch):
    fn, params, velocities = _sgd_function('float64', outputs_velocity=True)
    plain, plain_params, plain_velocities = _sgd_function('float64', outputs_velocity=True,
                                                          pairs=False)
    assert fn._momentum_pairs == []
    for a, b in zip(fn(X), plain(X)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_momentum_zero_hands_on_the_gradient_as_the_velocity(dtype, monkeypatch):
    """SGD without momentum: the velocity's new value is the array the reverse pass made
    (the node's value, without calling it), the same bits as the node; a momentum set
    above 0 later is committed in place again."""
    fn, params, velocities = _sgd_function(dtype, momentum=0.0)
    plain, plain_params, plain_velocities = _sgd_function(dtype, momentum=0.0, pairs=False)
    evaluated = []
    real_prepare = momentum_commit.prepare
    monkeypatch.setattr(momentum_commit, 'prepare', lambda pairs, values, evaluate: real_prepare(
        pairs, values, lambda node, f, args: evaluated.append(node.op) or evaluate(node, f, args)))
    calls = []
    real_commit = momentum_commit.commit
    monkeypatch.setattr(momentum_commit, 'commit', lambda steps: calls.append(len(steps)) or real_commit(steps))
    for step in range(3):
        if step == 2:
            for m in _momentum_variables(fn) + _momentum_variables(plain):
                m.set_value(np.asarray(0.5, dtype))
        np.testing.assert_array_equal(fn(X.astype(dtype)), plain(X.astype(dtype)))
        for u, v in zip(_state(params, velocities), _state(plain_params, plain_velocities)):
            assert u.dtype == v.dtype == dtype
            np.testing.assert_array_equal(u, v)
    assert evaluated == []
    assert calls == [0, 0, 0, 0, 2, 0]          # fn's then plain's commit, each step


def _momentum_variables(fn):
    """The SGD momentum of a function made by _sgd_function (the 0-d input of its velocity
    nodes)."""
    nodes = [n for n in fn.toposort() if n.op == 'momentum_step']
    return list({id(n.inputs[2]): n.inputs[2] for n in nodes}.values())


@pytest.mark.parametrize('m, v, momentum, expected', [
    (np.zeros(3, 'f4'), np.ones(3, 'f4'), np.asarray(0, 'f4'), True),
    (np.zeros(3, 'f4'), np.ones(3, 'f4'), np.asarray(-0.0, 'f4'), True),
    (np.zeros(3, 'f4'), np.ones(3, 'f4'), 0.0, True),
    (np.zeros(3), np.ones(3), 0, True),
    (np.zeros(3, 'f4'), np.ones(3, 'f4'), np.float32(0), True),
    (np.zeros(3, 'f4'), np.ones(3, 'f4'), np.asarray(np.nan, 'f4'), False),
    (np.zeros(3, 'f4'), np.ones(3, 'f4'), np.asarray(0.5, 'f4'), False),
    (np.zeros(3, 'f4'), np.ones(3, 'f4'), np.asarray(0, 'f8'), False),   # promotes to float64
    (np.zeros(3, 'f4'), np.ones(3, 'f8'), 0.0, False),
    (np.zeros(3, 'f4'), np.float32(1), 0.0, False),
])
def test_momentum_step_is_v_only_where_the_node_returns_v(m, v, momentum, expected):
    """The commit hands on v without the node only where the node would return v itself
    (it also does for a few mixed dtypes, which the node then decides)."""
    from legacy_bn.theano.fused import momentum_step, momentum_step_is_v
    assert momentum_step_is_v(m, v, momentum) is expected
    if expected:
        assert momentum_step.fun(m, v, momentum) is v
