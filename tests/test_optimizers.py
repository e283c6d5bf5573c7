"""Each optimizer's update rule against a numpy step written from SPEC §3.

The loss couples the two parameters, so a rule that updated them one after the
other (instead of simultaneously, from pre-step values) would be caught:

    loss = 0.5*sum(c * p1^2) + sum(p1)*sum(p2) + sum(p2^2)
    g1 = c*p1 + sum(p2)          g2 = sum(p1) + 2*p2
"""
import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn import optimizers, constraints

floatX = theano.config.floatX
RTOL = 1e-12 if floatX == 'float64' else 2e-5
C = np.array([1.0, 3.0, 0.5])
P1 = np.array([0.4, -1.2, 2.0])
P2 = np.array([[0.3, -0.7], [1.5, 0.2]])
STEPS = 3


def grads(p1, p2):
    return C * p1 + p2.sum(), p1.sum() + 2 * p2


def loss_value(p1, p2):
    return 0.5 * np.sum(C * p1 ** 2) + p1.sum() * p2.sum() + np.sum(p2 ** 2)


def run(opt, steps=STEPS, cons=None):
    """Compile the optimizer's updates on the quadratic; return per-step
    (loss, p1, p2) after each call, plus the shared params."""
    p1 = theano.shared(P1.astype(floatX), name='p1')
    p2 = theano.shared(P2.astype(floatX), name='p2')
    loss = 0.5 * T.sum(C.astype(floatX) * p1 ** 2) + T.sum(p1) * T.sum(p2) + T.sum(T.sqr(p2))
    cons = cons or [constraints.identity(), constraints.identity()]
    updates = opt.get_updates([p1, p2], cons, loss)
    f = theano.function([], loss, updates=updates)
    trace = []
    for _ in range(steps):
        value = f()
        trace.append((float(value), p1.get_value(), p2.get_value()))
    return trace


def check(trace, reference):
    p1, p2 = P1.copy(), P2.copy()
    for loss, got1, got2 in trace:
        # the reported loss is computed from the pre-step parameters
        np.testing.assert_allclose(loss, loss_value(p1, p2), rtol=RTOL)
        p1, p2 = reference(p1, p2)
        assert got1.dtype == np.dtype(floatX) and got2.dtype == np.dtype(floatX)
        np.testing.assert_allclose(got1, p1, rtol=RTOL, atol=1e-15)
        np.testing.assert_allclose(got2, p2, rtol=RTOL, atol=1e-15)


def sgd_reference(lr, momentum=0., decay=0., nesterov=False):
    state = {'it': 0, 'm': [np.zeros(3), np.zeros((2, 2))]}

    def step(p1, p2):
        lr_t = lr / (1 + decay * state['it'])
        new = []
        for i, (p, g) in enumerate(zip((p1, p2), grads(p1, p2))):
            v = momentum * state['m'][i] - lr_t * g
            state['m'][i] = v
            new.append(p + momentum * v - lr_t * g if nesterov else p + v)
        state['it'] += 1
        return new
    return step


@pytest.mark.parametrize('kwargs', [
    dict(lr=0.1),
    dict(lr=0.1, momentum=0.9),
    dict(lr=0.1, momentum=0.9, decay=0.5),
    dict(lr=0.1, momentum=0.9, decay=0.5, nesterov=True),
    dict(lr=0.05, momentum=0.5, nesterov=True),
], ids=['plain', 'momentum', 'momentum_decay', 'nesterov_decay', 'nesterov'])
def test_sgd(kwargs):
    opt = optimizers.SGD(**kwargs)
    check(run(opt), sgd_reference(**kwargs))
    assert opt.iterations.get_value() == STEPS and opt.iterations.dtype == floatX


def test_sgd_defaults_and_name_lookup():
    opt = optimizers.get('sgd')
    assert isinstance(opt, optimizers.SGD)
    check(run(opt), sgd_reference(lr=0.01))


def test_rmsprop():
    lr, rho, eps = 0.01, 0.8, 1e-6
    acc = [np.zeros(3), np.zeros((2, 2))]

    def step(p1, p2):
        new = []
        for i, (p, g) in enumerate(zip((p1, p2), grads(p1, p2))):
            acc[i] = rho * acc[i] + (1 - rho) * g ** 2
            new.append(p - lr * g / np.sqrt(acc[i] + eps))
        return new
    check(run(optimizers.RMSprop(lr=lr, rho=rho)), step)


def test_adagrad():
    lr, eps = 0.1, 1e-6
    acc = [np.zeros(3), np.zeros((2, 2))]

    def step(p1, p2):
        new = []
        for i, (p, g) in enumerate(zip((p1, p2), grads(p1, p2))):
            acc[i] = acc[i] + g ** 2
            new.append(p - lr * g / np.sqrt(acc[i] + eps))
        return new
    check(run(optimizers.Adagrad(lr=lr)), step)


def test_adadelta():
    lr, rho, eps = 0.5, 0.9, 1e-6
    acc = [np.zeros(3), np.zeros((2, 2))]
    delta = [np.zeros(3), np.zeros((2, 2))]

    def step(p1, p2):
        new = []
        for i, (p, g) in enumerate(zip((p1, p2), grads(p1, p2))):
            acc[i] = rho * acc[i] + (1 - rho) * g ** 2
            u = g * np.sqrt(delta[i] + eps) / np.sqrt(acc[i] + eps)   # old delta
            new.append(p - lr * u)
            delta[i] = rho * delta[i] + (1 - rho) * u ** 2
        return new
    check(run(optimizers.Adadelta(lr=lr, rho=rho)), step)


def test_adam_bias_correction_uses_t_from_one():
    lr, b1, b2, eps = 0.05, 0.8, 0.9, 1e-8
    state = {'t': 0, 'm': [np.zeros(3), np.zeros((2, 2))], 'v': [np.zeros(3), np.zeros((2, 2))]}

    def step(p1, p2):
        state['t'] += 1
        t = state['t']
        lr_t = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        new = []
        for i, (p, g) in enumerate(zip((p1, p2), grads(p1, p2))):
            state['m'][i] = b1 * state['m'][i] + (1 - b1) * g
            state['v'][i] = b2 * state['v'][i] + (1 - b2) * g ** 2
            new.append(p - lr_t * state['m'][i] / (np.sqrt(state['v'][i]) + eps))
        return new
    opt = optimizers.Adam(lr=lr, beta_1=b1, beta_2=b2)
    check(run(opt), step)
    assert opt.iterations.get_value() == STEPS


def test_constraint_applies_to_new_param_but_not_to_velocity():
    lr, momentum, m_max = 0.3, 0.9, 0.5
    inner = sgd_reference(lr=lr, momentum=momentum)

    def maxnorm(p):
        norms = np.sqrt(np.sum(p ** 2, axis=0))
        return p * (np.clip(norms, 0, m_max) / (1e-7 + norms))

    def step(p1, p2):
        n1, n2 = inner(p1, p2)    # velocity kept by `inner` is the unconstrained one
        return n1, maxnorm(n2)
    trace = run(optimizers.SGD(lr=lr, momentum=momentum),
                cons=[constraints.identity(), constraints.maxnorm(m_max)])
    assert np.all(np.sqrt(np.sum(trace[-1][2].astype(np.float64) ** 2, axis=0)) <= m_max + 1e-6)
    check(trace, step)


def test_clipvalue_and_clipnorm():
    lr = 0.1
    g1, g2 = grads(P1, P2)
    out = run(optimizers.SGD(lr=lr, clipvalue=0.5), steps=1)
    np.testing.assert_allclose(out[0][1], P1 - lr * np.clip(g1, -0.5, 0.5), rtol=RTOL)
    np.testing.assert_allclose(out[0][2], P2 - lr * np.clip(g2, -0.5, 0.5), rtol=RTOL)
    norm = np.sqrt(np.sum(g1 ** 2) + np.sum(g2 ** 2))
    assert norm > 1.0
    out = run(optimizers.SGD(lr=lr, clipnorm=1.0), steps=1)
    np.testing.assert_allclose(out[0][1], P1 - lr * g1 / norm, rtol=RTOL)
    np.testing.assert_allclose(out[0][2], P2 - lr * g2 / norm, rtol=RTOL)


@pytest.mark.parametrize('opt,config', [
    (optimizers.SGD(lr=0.5, momentum=0.25, decay=0.125, nesterov=True),
     {'name': 'SGD', 'lr': 0.5, 'momentum': 0.25, 'decay': 0.125, 'nesterov': True}),
    (optimizers.RMSprop(), {'name': 'RMSprop', 'lr': 0.001, 'rho': 0.9, 'epsilon': 1e-6}),
    (optimizers.Adagrad(lr=0.25), {'name': 'Adagrad', 'lr': 0.25, 'epsilon': 1e-6}),
    (optimizers.Adadelta(), {'name': 'Adadelta', 'lr': 1.0, 'rho': 0.95, 'epsilon': 1e-6}),
    (optimizers.Adam(lr=0.25), {'name': 'Adam', 'lr': 0.25, 'beta_1': 0.9, 'beta_2': 0.999,
                                'epsilon': 1e-8}),
], ids=['SGD', 'RMSprop', 'Adagrad', 'Adadelta', 'Adam'])
def test_get_config(opt, config):
    got = opt.get_config()
    assert got.keys() == config.keys()
    # lr (and SGD's momentum/decay, RMSprop's rho) live in floatX shared scalars
    rel = 0 if floatX == 'float64' else 1e-7
    for k, v in config.items():
        assert got[k] == (pytest.approx(v, rel=rel) if isinstance(v, float) else v), k
        assert type(got[k]) is type(v), k


def test_defaults_match_spec():
    assert optimizers.SGD().get_config() == {'name': 'SGD', 'lr': float(np.asarray(0.01, floatX)),
                                             'momentum': 0.0, 'decay': 0.0, 'nesterov': False}
    assert optimizers.RMSprop().get_config()['lr'] == float(np.asarray(0.001, floatX))
    assert optimizers.Adagrad().get_config()['lr'] == float(np.asarray(0.01, floatX))


@pytest.mark.parametrize('name,cls', [('sgd', optimizers.SGD), ('rmsprop', optimizers.RMSprop),
                                      ('adagrad', optimizers.Adagrad),
                                      ('adadelta', optimizers.Adadelta), ('adam', optimizers.Adam)])
def test_lookup_by_lower_case_name(name, cls):
    opt = optimizers.get(name)
    assert type(opt) is cls
    assert optimizers.get(name, {'lr': 0.5}).lr.get_value() == 0.5


def test_lookup_errors_and_passthrough():
    opt = optimizers.Adam()
    assert optimizers.get(opt) is opt
    with pytest.raises(ValueError, match=r'^Invalid optimizer: adamax \(valid: .*adam,'):
        optimizers.get('adamax')


def test_get_state_set_state_round_trip():
    opt = optimizers.SGD(lr=0.1, momentum=0.9)
    run(opt, steps=2)
    state = opt.get_state()
    # (iterations, m1, p1, m2, p2)
    assert len(state) == 5 and state[0] == 2
    opt.set_state([np.zeros_like(s) for s in state])
    assert all(not s.any() for s in opt.get_state())
    opt.set_state(state)
    assert all(np.array_equal(a, b) for a, b in zip(opt.get_state(), state))
    with pytest.raises(ValueError, match='expected 5 arrays, got 1'):
        opt.set_state(state[:1])
