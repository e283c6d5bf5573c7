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


def test_mrg_draws_inside_a_scan_step_say_what_to_use_instead():
    from legacy_bn.theano.sandbox.rng_mrg import MRG_RandomStreams
    mrg = MRG_RandomStreams(1)
    with pytest.raises(NotImplementedError, match='as a sequence.*RandomStreams'):
        theano.scan(lambda: mrg.uniform((2,)), n_steps=2)
