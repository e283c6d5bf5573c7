"""Embedding and WordContextProduct: closed forms, the lookup's scatter-add gradient
against finite differences, masks, init draw order, and errors for bad indices."""
import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn.layers.core import Dense, Flatten
from legacy_bn.layers.embeddings import Embedding, WordContextProduct, lookup
from legacy_bn.models import Sequential

floatX = theano.config.floatX


def test_lookup_gradient_accumulates_repeated_rows_against_finite_differences(rng):
    table = rng.normal(size=(5, 3))
    idx = np.array([[0, 3, 3], [4, 0, 3]], dtype='int32')     # repeats must add up
    weights = rng.uniform(0.5, 1.5, size=(2, 3, 3))
    W = T.dmatrix()
    X = T.imatrix()
    cost = (T.tanh(lookup(W, X, 'test')) * weights).sum()
    f = theano.function([W, X], cost)
    g = theano.function([W, X], T.grad(cost, W))(table, idx)
    numeric = np.zeros_like(table)
    for pos in np.ndindex(*table.shape):
        for sign in (1, -1):
            t = table.copy()
            t[pos] += sign * 1e-6
            numeric[pos] += sign * f(t, idx) / 2e-6
    np.testing.assert_allclose(g, numeric, rtol=1e-6, atol=1e-8)
    np.testing.assert_array_equal(g[[1, 2]], 0)          # rows never looked up


def test_lookup_of_float32_table_and_its_gradient_stay_float32():
    W = theano.shared(np.arange(6, dtype='float32').reshape(3, 2))
    X = T.ivector()
    y = lookup(W, X, 'test')
    out, g = theano.function([X], [y, T.grad(y.sum(), W)])(np.array([2, 2, 0], dtype='int32'))
    assert out.dtype == g.dtype == np.float32
    np.testing.assert_array_equal(g, [[1, 1], [0, 0], [2, 2]])


def test_embedding_output_is_the_rows_and_init_draws_uniform_first():
    np.random.seed(7)
    layer = Embedding(6, 4)
    np.random.seed(7)
    expected = np.random.uniform(low=-0.05, high=0.05, size=(6, 4)).astype(floatX)
    W = layer.get_weights()[0]
    np.testing.assert_array_equal(W, expected)
    X = np.array([[5, 0, 2], [1, 1, 4]], dtype='int32')
    out = theano.function([layer.input], layer.get_output())(X)
    np.testing.assert_array_equal(out, W[X])
    assert layer.get_output_mask() is None and layer.input.dtype == 'int32'


def test_mask_zero_marks_index_zero():
    layer = Embedding(4, 2, mask_zero=True)
    mask = theano.function([layer.input], layer.get_output_mask())(
        np.array([[0, 0, 3], [2, 0, 1]], dtype='int32'))
    np.testing.assert_array_equal(mask, [[0, 0, 1], [1, 0, 1]])
    assert mask.dtype == np.int32           # as Theano: ones_like(X) * (1 - eq(X, 0))


def test_out_of_vocabulary_index_names_layer_index_and_size():
    layer = Embedding(4, 2)
    f = theano.function([layer.input], layer.get_output())
    with pytest.raises(IndexError, match=r"Embedding: index 4 at position \(1, 0\) is out of range "
                                         r"for a vocabulary of 4 \(valid indices are 0..3\)"):
        f(np.array([[0, 1], [4, 2]], dtype='int32'))
    with pytest.raises(IndexError, match=r"Embedding: index -1 at position \(0, 1\)"):
        f(np.array([[0, -1]], dtype='int32'))     # numpy would wrap it to row 3


def test_float_input_symbol_is_refused():
    with pytest.raises(TypeError, match='integer word indices'):
        lookup(theano.shared(np.zeros((3, 2))), T.matrix(), 'Embedding')


def _small_model(**kw):
    model = Sequential()
    model.add(Embedding(5, 2, **kw))
    model.add(Flatten())
    model.add(Dense(4, 1))
    model.compile(loss='mse', optimizer='sgd')
    return model


def test_fit_checks_every_index_before_any_step():
    model = _small_model()
    before = model.get_weights()
    X = np.array([[1, 2]] * 5 + [[3, 5]])
    with pytest.raises(ValueError, match=r"^fit: Embedding: index 5 at position \(5, 1\) of X is "
                                         r"out of range for a vocabulary of 5 \(valid indices are 0..4\)$"):
        model.fit(X, np.zeros((6, 1)), batch_size=2, nb_epoch=1, verbose=0)
    for w, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(w, b)


def test_non_integer_float_indices_are_refused_integer_valued_floats_accepted():
    model = _small_model()
    with pytest.raises(ValueError, match=r"^predict: Embedding takes integer word indices, got "
                                         r"1.5 at position \(1, 0\) of X \(dtype float64\)$"):
        model.predict(np.array([[1., 2.], [1.5, 0.]]))
    as_float = model.predict(np.array([[1., 2.], [3., 0.]]))
    as_int = model.predict(np.array([[1, 2], [3, 0]], dtype='int32'))
    np.testing.assert_array_equal(as_float, as_int)


def test_embedding_regularizer_and_constraint_reach_the_model():
    from legacy_bn import constraints, regularizers
    layer = Embedding(3, 2, W_regularizer=regularizers.l2(0.1), W_constraint=constraints.unitnorm())
    params, regs, consts, _ = layer.get_params()
    assert params == [layer.W] and regs == [layer.W_regularizer] and consts == [layer.W_constraint]
    assert layer.get_config() == {'name': 'Embedding', 'input_dim': 3, 'output_dim': 2,
                                  'init': 'uniform', 'activity_regularizer': None,
                                  'W_regularizer': {'name': 'WeightRegularizer', 'l1': 0., 'l2': 0.1},
                                  'W_constraint': {'name': 'UnitNorm'}}


def test_word_context_product_closed_form(rng):
    W_w, W_c = rng.normal(size=(6, 3)), rng.normal(size=(6, 3))
    layer = WordContextProduct(6, proj_dim=3, weights=[W_w, W_c])
    X = np.array([[1, 2], [5, 5], [0, 3]], dtype='int32')
    out = theano.function([layer.input], layer.get_output())(X)
    dots = (W_w[X[:, 0]] * W_c[X[:, 1]]).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(out, 1 / (1 + np.exp(-dots)), rtol=1e-6)
    assert out.shape == (3, 1)
    with pytest.raises(IndexError, match=r"WordContextProduct \(context words\): index 6"):
        theano.function([layer.input], layer.get_output())(np.array([[1, 6]], dtype='int32'))
