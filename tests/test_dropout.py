"""Dropout (SPEC §2): 2015 masks bit for bit, no rescaling in training, (1 - p) at test
time, a seed drawn from np.random, and calls that fail draw nothing (docs/compat.md)."""
import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn.layers.core import Dense, Dropout
from legacy_bn.models import Sequential
from legacy_bn.optimizers import SGD
from legacy_bn.theano.sandbox.rng_mrg import MRG_RandomStreams

floatX = theano.config.floatX

# Recorded from the real Keras 0.2.0 + Theano 0.8.2 (float64):
#   np.random.seed(3); d = Dropout(0.25); d.input = T.matrix()
#   f = theano.function([d.input], d.get_output(train=True)); f(ones((3, 5))) twice
MASK_P025_SEED3_CALL1 = np.array([[1, 1, 1, 1, 1],
                                  [1, 1, 0, 0, 0],
                                  [1, 0, 0, 0, 1]])
MASK_P025_SEED3_CALL2 = np.array([[0, 1, 1, 1, 1],
                                  [1, 0, 0, 0, 1],
                                  [0, 0, 0, 1, 0]])
#   ... a third call on ones((2, 3))
MASK_P025_SEED3_CALL3_2x3 = np.array([[1, 1, 1],
                                      [0, 0, 0]])
#   ... and np.random.randint(1000) right after constructing the layer
NP_RANDINT_AFTER_SEED3_DROPOUT = 664
#   a second function built from another get_output(train=True) (a second stream set), first call
MASK_P025_SEED3_SECOND_GRAPH = np.array([[1, 0, 1, 1, 1],
                                         [1, 1, 1, 1, 1],
                                         [0, 1, 0, 1, 0]])
#   np.random.seed(3); Dropout(0.5); first call on ones((2, 4))
MASK_P05_SEED3_2x4 = np.array([[0, 1, 0, 1],
                               [1, 1, 1, 0]])


def dropout_function(p, seed=3):
    np.random.seed(seed)
    layer = Dropout(p)
    layer.input = T.matrix()
    return layer, theano.function([layer.input], layer.get_output(train=True),
                                  allow_input_downcast=True)


def test_seed_is_np_random_randint_10e6_at_construction():
    np.random.seed(3)
    seed = np.random.randint(10e6)
    np.random.seed(3)
    layer = Dropout(0.25)
    assert list(layer.srng.rstate) == [seed] * 6
    assert np.random.randint(1000) == NP_RANDINT_AFTER_SEED3_DROPOUT


def test_masks_are_the_2015_masks_and_change_every_call():
    _, f = dropout_function(0.25)
    ones = np.ones((3, 5))
    np.testing.assert_array_equal(f(ones), MASK_P025_SEED3_CALL1)
    np.testing.assert_array_equal(f(ones), MASK_P025_SEED3_CALL2)
    np.testing.assert_array_equal(f(np.ones((2, 3))), MASK_P025_SEED3_CALL3_2x3)


def test_p_one_half_mask():
    _, f = dropout_function(0.5)
    np.testing.assert_array_equal(f(np.ones((2, 4))), MASK_P05_SEED3_2x4)


def test_every_train_graph_gets_its_own_stream_set():
    np.random.seed(3)
    layer = Dropout(0.25)
    layer.input = T.matrix()
    f1 = theano.function([layer.input], layer.get_output(train=True), allow_input_downcast=True)
    f2 = theano.function([layer.input], layer.get_output(train=True), allow_input_downcast=True)
    ones = np.ones((3, 5))
    np.testing.assert_array_equal(f2(ones), MASK_P025_SEED3_SECOND_GRAPH)
    np.testing.assert_array_equal(f1(ones), MASK_P025_SEED3_CALL1)


def test_train_mode_multiplies_by_a_0_1_mask_without_rescaling(rng):
    _, f = dropout_function(0.25)
    X = rng.uniform(1., 2., size=(3, 5))
    out = f(X)
    np.testing.assert_array_equal(out, X.astype(floatX) * MASK_P025_SEED3_CALL1)
    assert out.dtype == np.dtype(floatX)
    # many draws: the kept fraction is about 1 - p, and kept values are not rescaled
    big = f(np.ones((200, 50)))
    assert set(np.unique(big)) == {0., 1.}
    assert abs(big.mean() - 0.75) < 0.02


def test_test_mode_multiplies_by_one_minus_p(rng):
    layer = Dropout(0.25)
    layer.input = T.matrix()
    X = rng.normal(size=(4, 3))
    out = theano.function([layer.input], layer.get_output(train=False), allow_input_downcast=True)(X)
    np.testing.assert_allclose(out, 0.75 * X, rtol=1e-7 if floatX == 'float32' else 1e-15)


def test_p_zero_is_the_identity_but_still_draws_the_seed(rng):
    np.random.seed(5)
    np.random.randint(10e6)
    after = np.random.randint(1000)
    np.random.seed(5)
    layer = Dropout(0.)
    assert np.random.randint(1000) == after
    layer.input = T.matrix()
    X = rng.normal(size=(2, 3))
    for train in (True, False):
        f = theano.function([layer.input], layer.get_output(train=train), allow_input_downcast=True)
        np.testing.assert_array_equal(f(X), X.astype(floatX))


def test_get_config():
    assert Dropout(0.3).get_config() == {'name': 'Dropout', 'p': 0.3}


def test_a_failed_call_draws_nothing():
    # the mask is drawn, then the dot fails: the stream must not advance
    np.random.seed(3)
    layer = Dropout(0.25)
    layer.input = T.matrix()
    masked = layer.get_output(train=True)
    W = theano.shared(np.ones((5, 2), dtype=floatX))
    f = theano.function([layer.input], [masked, T.dot(masked, W)], allow_input_downcast=True)
    with pytest.raises(ValueError):
        f(np.ones((3, 4)))
    mask, _ = f(np.ones((3, 5)))
    np.testing.assert_array_equal(mask, MASK_P025_SEED3_CALL1)


def dropout_first_model():
    np.random.seed(3)
    model = Sequential()
    model.add(Dropout(0.25))
    model.add(Dense(5, 2, weights=[np.arange(10.).reshape(5, 2) / 10, np.zeros(2)]))
    model.compile(SGD(lr=0.1), 'mse')
    return model


def test_a_failed_training_step_leaves_weights_and_masks_as_a_fresh_model():
    failed, fresh = dropout_first_model(), dropout_first_model()
    before = failed.get_weights()
    # straight to the compiled train function (X, y, sample weights), past fit's data
    # checks: the mask is drawn for the (3, 4) input, then the dot fails
    with pytest.raises(ValueError):
        failed._train(np.ones((3, 4)), np.zeros((3, 2)), np.ones((3, 1)))
    for a, b in zip(failed.get_weights(), before):
        np.testing.assert_array_equal(a, b)
    X, y = np.arange(15.).reshape(3, 5), np.ones((3, 2))
    for _ in range(2):
        assert failed.train_on_batch(X, y) == fresh.train_on_batch(X, y)
    for a, b in zip(failed.get_weights(), fresh.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_training_step_uses_the_mask_and_predict_uses_one_minus_p():
    model = dropout_first_model()
    X, y = np.ones((3, 5)), np.zeros((3, 2))
    W, b = model.get_weights()
    out = (X * MASK_P025_SEED3_CALL1).dot(W) + b
    # train_on_batch is the first training call of the compiled train graph
    np.testing.assert_allclose(model.train_on_batch(X, y), np.mean((out - y) ** 2), rtol=1e-6)
    W, b = model.get_weights()
    np.testing.assert_allclose(model.predict(X, verbose=0), (0.75 * X).dot(W) + b, rtol=1e-6)


def test_a_size_of_numpy_ints_draws_like_a_symbolic_size():
    # Theano counted a size as known only when every entry is a Python int, so a
    # numpy-int size takes the 15360-stream set of a symbolic size, as X.shape does.
    x = T.dmatrix('x')
    by_shape = theano.function([x], MRG_RandomStreams(7).uniform(x.shape, dtype='float64'))
    by_numpy = theano.function([], MRG_RandomStreams(7).uniform((np.int64(5), 7), dtype='float64'))
    by_python = theano.function([], MRG_RandomStreams(7).uniform((5, 7), dtype='float64'))
    expected = by_shape(np.zeros((5, 7)))
    np.testing.assert_array_equal(by_numpy(), expected)
    assert by_python().shape == (5, 7) and not np.array_equal(by_python(), expected)
