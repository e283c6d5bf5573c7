"""Errors a user can act on (issue 2, point 4): the right exception, a message naming the
variables and the shapes/dtypes involved, and no shared variable changed by a failing call."""
import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn.theano.sandbox.rng_mrg import MRG_RandomStreams


class SharedState:
    """Shared variables plus a snapshot of their values, to check a failed call left them alone."""

    def __init__(self, *variables):
        self.variables = variables
        self.before = [v.get_value() for v in variables]

    def assert_unchanged(self):
        for v, old in zip(self.variables, self.before):
            now = v.get_value()
            assert now.dtype == old.dtype and now.shape == old.shape, v.name
            np.testing.assert_array_equal(now, old, err_msg='%s changed' % v.name)


@pytest.fixture
def counters():
    """Two shared variables that a function under test updates on every call."""
    step = theano.shared(np.array(0.0), name='step_count')
    total = theano.shared(np.zeros(3), name='running_total')
    return step, total


def updating(counters, extra=()):
    step, total = counters
    return [(step, step + 1), (total, total + 1)] + list(extra)


# -- MissingInputError ----------------------------------------------------------------------
def test_missing_input_names_the_missing_variable():
    alpha, beta = T.dmatrix('alpha_in'), T.dmatrix('beta_in')
    with pytest.raises(theano.MissingInputError, match='beta_in'):
        theano.function([alpha], alpha + beta)


def test_missing_input_in_an_update_names_it(counters):
    alpha, beta = T.dvector('alpha_in'), T.dvector('beta_in')
    step, total = counters
    with pytest.raises(theano.MissingInputError, match='beta_in'):
        theano.function([alpha], alpha * 2, updates=[(total, total + beta)])


def test_missing_input_behind_a_gradient():
    x, w = T.dvector('x_in'), T.dvector('w_in')
    with pytest.raises(theano.MissingInputError, match='w_in'):
        theano.function([x], T.grad((x * w).sum(), x))


# -- DisconnectedInputError -----------------------------------------------------------------------
def test_disconnected_wrt_names_the_variable():
    x, y = T.dmatrix('x_in'), T.dmatrix('unused_in')
    assert theano.gradient.DisconnectedInputError is theano.DisconnectedInputError
    with pytest.raises(theano.DisconnectedInputError, match='unused_in'):
        T.grad(x.sum(), y)
    with pytest.raises(theano.gradient.DisconnectedInputError, match='unused_in'):
        theano.grad((x ** 2).mean(), [x, y])


def test_disconnected_shared_variable():
    W = theano.shared(np.ones((2, 2)), name='W_unused')
    x = T.dmatrix('x_in')
    with pytest.raises(theano.DisconnectedInputError, match='W_unused'):
        T.grad(x.sum(), W)


# -- grad of a non-scalar cost ---------------------------------------------------------------------
def test_non_scalar_cost_is_a_type_error():
    x = T.dmatrix('x_in')
    cost = x * 2
    cost.name = 'matrix_cost'
    with pytest.raises(TypeError, match='matrix_cost'):
        T.grad(cost, x)
    with pytest.raises(TypeError, match='scalar'):
        theano.grad(x.sum(axis=0), x)


# -- bad input data ------------------------------------------------------------------------------------
def test_float64_into_float32_input_names_input_and_dtypes(counters):
    x = T.matrix('x32_in', dtype='float32')
    f = theano.function([x], x.sum(), updates=updating(counters))
    state = SharedState(*counters)
    with pytest.raises(TypeError) as info:
        f(np.ones((2, 2)))
    for part in ('x32_in', 'float64', 'float32'):
        assert part in str(info.value)
    state.assert_unchanged()
    f(np.ones((2, 2), dtype=np.float32))               # the right dtype still works
    assert counters[0].get_value() == 1.0


def test_wrong_ndim_of_input_data(counters):
    x = T.dvector('vec_in')
    f = theano.function([x], x * 2, updates=updating(counters))
    state = SharedState(*counters)
    with pytest.raises(TypeError) as info:
        f(np.ones((2, 3)))
    assert 'vec_in' in str(info.value) and '(2, 3)' in str(info.value)
    with pytest.raises(TypeError, match='vec_in'):
        f(np.array(1.0))
    state.assert_unchanged()


@pytest.mark.parametrize('args', [(), (np.ones(2), np.ones(2), np.ones(2))], ids=['too_few', 'too_many'])
def test_wrong_number_of_arguments(counters, args):
    x, y = T.dvector('first_in'), T.dvector('second_in')
    f = theano.function([x, y], x + y, updates=updating(counters))
    state = SharedState(*counters)
    with pytest.raises(TypeError) as info:
        f(*args)
    assert 'first_in' in str(info.value) and 'second_in' in str(info.value)
    state.assert_unchanged()


def test_wrong_number_of_arguments_one_missing(counters):
    x, y = T.dvector('first_in'), T.dvector('second_in')
    f = theano.function([x, y], x + y, updates=updating(counters))
    state = SharedState(*counters)
    with pytest.raises(TypeError, match='second_in'):
        f(np.ones(2))
    state.assert_unchanged()


# -- updates that change ndim: refused when the function is built ---------------------------------
def test_update_changing_ndim_is_refused_at_build_time():
    w = theano.shared(np.zeros(3), name='weights_vec')
    state = SharedState(w)
    with pytest.raises(TypeError, match='weights_vec') as info:
        theano.function([], [], updates=[(w, w.dimshuffle('x', 0))])
    assert '2' in str(info.value) and '1' in str(info.value)
    with pytest.raises(TypeError, match='weights_vec'):
        theano.function([], [], updates=[(w, w.sum())])
    state.assert_unchanged()


# -- ops on incompatible shapes: ValueError at call time, nothing committed -------------------------
def test_dot_of_incompatible_shapes(counters):
    a, b = T.dmatrix('alpha_in'), T.dmatrix('beta_in')
    f = theano.function([a, b], T.dot(a, b), updates=updating(counters))
    state = SharedState(*counters)
    with pytest.raises(ValueError) as info:
        f(np.ones((3, 4)), np.ones((5, 2)))
    message = str(info.value)
    for part in ('alpha_in', 'beta_in', '(3, 4)', '(5, 2)'):
        assert part in message, 'message does not name %s: %s' % (part, message)
    state.assert_unchanged()
    f(np.ones((3, 4)), np.ones((4, 2)))
    assert counters[0].get_value() == 1.0


def test_add_of_incompatible_shapes(counters):
    a, b = T.dmatrix('alpha_in'), T.dmatrix('beta_in')
    f = theano.function([a, b], [a * 2, a + b], updates=updating(counters))
    state = SharedState(*counters)
    with pytest.raises(ValueError) as info:
        f(np.ones((3, 4)), np.ones((5, 4)))
    message = str(info.value)
    for part in ('alpha_in', 'beta_in', '(3, 4)', '(5, 4)'):
        assert part in message, 'message does not name %s: %s' % (part, message)
    state.assert_unchanged()


def test_incompatible_shapes_with_a_shared_weight():
    W = theano.shared(np.ones((4, 3)), name='W_dense')
    x = T.dmatrix('x_batch')
    f = theano.function([x], T.dot(x, W), updates=[(W, W * 2)])
    state = SharedState(W)
    with pytest.raises(ValueError) as info:
        f(np.ones((2, 5)))
    message = str(info.value)
    for part in ('x_batch', 'W_dense', '(2, 5)', '(4, 3)'):
        assert part in message, 'message does not name %s: %s' % (part, message)
    state.assert_unchanged()


def test_failure_in_an_update_value_commits_no_other_update(counters):
    a, b = T.dmatrix('alpha_in'), T.dmatrix('beta_in')
    sink = theano.shared(np.array(0.0), name='sink')
    # the failing expression is only an update value, listed last
    f = theano.function([a, b], a.sum(), updates=updating(counters, [(sink, T.dot(a, b).sum())]))
    state = SharedState(sink, *counters)
    with pytest.raises(ValueError, match='alpha_in'):
        f(np.ones((3, 4)), np.ones((5, 2)))
    state.assert_unchanged()


def test_failure_inside_a_gradient_commits_nothing():
    W = theano.shared(np.ones((4, 3)), name='W_dense')
    b = theano.shared(np.zeros(3), name='b_dense')
    x = T.dmatrix('x_batch')
    cost = T.sqr(T.dot(x, W) + b).mean()
    gW, gb = T.grad(cost, [W, b])
    train = theano.function([x], cost, updates=[(W, W - 0.1 * gW), (b, b - 0.1 * gb)])
    state = SharedState(W, b)
    with pytest.raises(ValueError) as info:
        train(np.ones((2, 5)))
    assert 'W_dense' in str(info.value) and '(2, 5)' in str(info.value)
    state.assert_unchanged()
    train(np.ones((2, 4)))
    assert not np.array_equal(W.get_value(), state.before[0])


def test_reshape_to_an_incompatible_size(counters):
    x = T.dmatrix('x_in')
    f = theano.function([x], x.reshape((5, -1)), updates=updating(counters))
    state = SharedState(*counters)
    with pytest.raises(ValueError) as info:
        f(np.ones((3, 4)))
    assert 'x_in' in str(info.value) and '(3, 4)' in str(info.value)
    state.assert_unchanged()


def test_index_out_of_range(counters):
    x = T.dvector('x_in')
    f = theano.function([x], x[5], updates=updating(counters))
    state = SharedState(*counters)
    with pytest.raises(IndexError, match='x_in'):
        f(np.ones(3))
    state.assert_unchanged()


def test_random_streams_do_not_advance_on_a_failing_call():
    # A call that fails draws nothing: the next good call gets the same mask as if the
    # failing call had never happened.
    def build():
        a, b = T.dmatrix('alpha_in'), T.dmatrix('beta_in')
        mask = MRG_RandomStreams(1234).binomial(a.shape, p=0.5, dtype='float64')
        return theano.function([a, b], [a * mask, T.dot(a, b)])

    good = (np.ones((3, 4)), np.ones((4, 2)))
    reference, tested = build(), build()
    reference(*good)
    tested(*good)
    with pytest.raises(ValueError):
        tested(np.ones((3, 4)), np.ones((5, 2)))
    np.testing.assert_array_equal(tested(*good)[0], reference(*good)[0])


# -- other misuse ---------------------------------------------------------------------------------
def test_set_value_with_wrong_ndim():
    s = theano.shared(np.zeros(3), name='s_vec')
    with pytest.raises(TypeError, match='s_vec'):
        s.set_value(np.ones((2, 2)))
    np.testing.assert_array_equal(s.get_value(), np.zeros(3))


def test_set_value_float64_into_float32():
    # Theano refused the lossy cast here too (Keras casts with floatX() before set_value).
    s = theano.shared(np.zeros(3, dtype=np.float32), name='s32')
    with pytest.raises(TypeError, match='s32'):
        s.set_value(np.ones(3))
    assert s.get_value().dtype == np.float32


def test_unused_input_is_reported():
    x, y = T.dvector('used_in'), T.dvector('idle_in')
    with pytest.raises(theano.UnusedInputError, match='idle_in'):
        theano.function([x, y], x * 2)
    f = theano.function([x, y], x * 2, on_unused_input='ignore')
    np.testing.assert_array_equal(f(np.ones(2), np.ones(2)), [2.0, 2.0])


def test_symbolic_truth_value_is_refused():
    x = T.dscalar('x_in')
    with pytest.raises(TypeError, match='symbolic'):
        if x > 0:
            pass
