"""theano.tensor.shared_randomstreams.RandomStreams against Theano 0.8.2's draws, bit for
bit (recorded by tests/theano_programs/oracle/random_streams.py under the oracle), in
functions and inside scan steps; bad sizes fail naming the argument and draw nothing."""
import os
import runpy
import sys

import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn.aliases import install_aliases
from legacy_bn.theano import config
from legacy_bn.theano.tensor.shared_randomstreams import RandomStreams

HERE = os.path.join(os.path.dirname(__file__), 'theano_programs', 'oracle')


@pytest.mark.parametrize('floatx', ['float64', 'float32'])
def test_draws_match_theano_bit_for_bit(floatx, monkeypatch, tmp_path):
    monkeypatch.setattr(config, 'floatX', floatx)
    install_aliases()
    out = str(tmp_path / 'ours.npz')
    monkeypatch.setattr(sys, 'argv', ['random_streams.py', out])
    runpy.run_path(os.path.join(HERE, 'random_streams.py'), run_name='__main__')
    ours = np.load(out)
    theirs = np.load(os.path.join(HERE, 'random_streams_%s.npz' % floatx))
    assert sorted(ours.files) == sorted(theirs.files)
    for key in theirs.files:
        assert ours[key].dtype == theirs[key].dtype, key
        if key.startswith('scan_ph'):      # sigmoid probabilities: arithmetic, not draws
            np.testing.assert_allclose(ours[key], theirs[key], err_msg=key,
                                       rtol=1e-8 if floatx == 'float64' else 2e-4)
        else:
            np.testing.assert_array_equal(ours[key], theirs[key], err_msg=key)


def test_seed_reseeds_every_generator_and_draws_advance_per_call():
    srng = RandomStreams(seed=3)
    u = srng.uniform((3,))
    f = theano.function([], u)
    a, b = f(), f()
    assert not np.array_equal(a, b)
    srng.seed(3)
    np.testing.assert_array_equal(f(), a)
    assert u.rng.get_value(borrow=True) is not None and u.update[0] is u.rng


def test_bad_sizes_name_the_argument_and_a_failed_call_draws_nothing():
    srng = RandomStreams(seed=1)
    with pytest.raises(ValueError, match='RandomStreams.uniform: size must be non-negative'):
        srng.uniform((2, -1))
    with pytest.raises(TypeError, match='RandomStreams.normal: size must be a vector of ints'):
        srng.normal(T.matrix('m'))
    with pytest.raises(ValueError, match='ndim=3 does not match'):
        srng.binomial((2, 2), ndim=3)
    n = T.lscalar('n')
    draw = srng.uniform((n, 2))
    w = theano.shared(np.zeros(2))
    f = theano.function([n], draw.sum(), updates=[(w, w + 1)])
    state = draw.rng.get_value().get_state()[2]
    with pytest.raises(ValueError, match='negative'):
        f(-3)
    assert draw.rng.get_value().get_state()[2] == state
    np.testing.assert_array_equal(w.get_value(), np.zeros(2))
    f(2)
    assert draw.rng.get_value().get_state()[2] != state


def test_scan_updates_advance_the_chain_as_in_theano():
    """Recorded under Theano 0.8.2: without scan's updates, each call's chain starts one
    step further (the generator's default update advances it by one draw); with them, by
    the whole chain."""
    srng = RandomStreams(seed=7)
    h, upd = theano.scan(lambda: srng.uniform((2,)), n_steps=3)
    assert list(upd) == [srng.state_updates[0][0]]
    f_same = theano.function([], h)
    a, b = f_same(), f_same()
    np.testing.assert_allclose(a, [[0.05574946, 0.50196735], [0.41076316, 0.34854525],
                                   [0.23155819, 0.03300078]], rtol=1e-7)
    np.testing.assert_array_equal(b[:2], a[1:])
    f = theano.function([], h, updates=upd)
    c, d = f(), f()
    np.testing.assert_array_equal(c[:2], b[1:])
    np.testing.assert_allclose(d, [[0.25451373, 0.87369861], [0.75742743, 0.15701393],
                                   [0.44838762, 0.63465298]], rtol=1e-7)


def test_shared_of_a_random_state_and_unsupported_draws():
    r = theano.shared(np.random.RandomState(5))
    assert isinstance(r.get_value(), np.random.RandomState)
    with pytest.raises(TypeError, match='RandomState'):
        r.set_value(np.zeros(3))
    with pytest.raises(NotImplementedError, match='multinomial'):
        RandomStreams(1).multinomial((2,))


@pytest.mark.parametrize('floatx', ['float64', 'float32'])
def test_mrg_draws_inside_a_scan_step_match_theano(floatx, monkeypatch, tmp_path):
    """MRG_RandomStreams uniform/binomial/normal drawn in a step: each step advances the
    stream sets, scan returns their updates; bit for bit Theano 0.8.2's, over two calls."""
    monkeypatch.setattr(config, 'floatX', floatx)
    install_aliases()
    out = str(tmp_path / 'ours.npz')
    monkeypatch.setattr(sys, 'argv', ['mrg_scan.py', out])
    runpy.run_path(os.path.join(HERE, 'mrg_scan.py'), run_name='__main__')
    ours, theirs = np.load(out), np.load(os.path.join(HERE, 'mrg_scan_%s.npz' % floatx))
    for key in theirs.files:
        assert ours[key].dtype == theirs[key].dtype, key
        np.testing.assert_array_equal(ours[key], theirs[key], err_msg=key)


def test_a_draw_sized_by_a_givens_variable_advances_per_call():
    """The draw's size is x.shape with x replaced through givens (the denoising
    autoencoder's corruption): its generator's default update goes through the givens."""
    data = theano.shared(np.ones((20, 6)))
    x, i = T.matrix('x'), T.lscalar()
    m = RandomStreams(5).binomial(size=x.shape, n=1, p=0.5, dtype='float64')
    f = theano.function([i], m * x, givens={x: data[i * 5:(i + 1) * 5]})
    assert not np.array_equal(f(0), f(0))


def test_gradient_through_a_scan_whose_step_draws_a_dropout_mask():
    """With the draws held fixed (no updates), T.grad through the loop equals finite
    differences; with scan's updates each call draws new masks."""
    srng = RandomStreams(3)
    W = theano.shared(np.random.RandomState(0).uniform(-1, 1, (3, 3)))
    X = T.matrix('X')

    def step(x, h):
        m = srng.binomial(size=(3,), p=0.7, dtype='float64')
        return T.tanh(T.dot(h * m, W) + x)
    hs, upd = theano.scan(step, sequences=[X], outputs_info=[T.zeros((3,))])
    cost = (hs ** 2).sum()
    g = theano.function([X], T.grad(cost, W), no_default_updates=True)
    f = theano.function([X], cost, no_default_updates=True)
    x = np.random.RandomState(1).uniform(-1, 1, (4, 3))
    numeric = np.zeros((3, 3))
    for i in np.ndindex(3, 3):
        w = W.get_value()
        for sign in (1, -1):
            w2 = w.copy()
            w2[i] += sign * 1e-6
            W.set_value(w2)
            numeric[i] += sign * f(x) / 2e-6
        W.set_value(w)
    np.testing.assert_allclose(g(x), numeric, rtol=1e-6, atol=1e-9)
    train = theano.function([X], cost, updates=upd)
    assert train(x) != train(x)
