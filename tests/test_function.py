"""theano.function, shared variables, updates, .eval() and config.floatX (SPEC §1)."""
import os
import subprocess
import sys
from collections import OrderedDict

import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn.theano.sandbox.rng_mrg import MRG_RandomStreams


# -- simultaneous updates ---------------------------------------------------------------
def test_two_shared_variables_swap_in_one_call():
    a = theano.shared(np.array([1.0, 2.0]), name='a')
    b = theano.shared(np.array([3.0, 4.0]), name='b')
    swap = theano.function([], [], updates=[(a, b), (b, a)])
    assert swap() == []
    np.testing.assert_array_equal(a.get_value(), [3.0, 4.0])
    np.testing.assert_array_equal(b.get_value(), [1.0, 2.0])
    swap()
    np.testing.assert_array_equal(a.get_value(), [1.0, 2.0])
    np.testing.assert_array_equal(b.get_value(), [3.0, 4.0])


def test_updates_read_the_state_before_the_call():
    # m' = m + g and p' = p - m (the OLD m): the order of the update list must not matter.
    p = theano.shared(np.array(10.0), name='p')
    m = theano.shared(np.array(1.0), name='m')
    for updates in ([(m, m + 2), (p, p - m)], [(p, p - m), (m, m + 2)]):
        p.set_value(np.array(10.0))
        m.set_value(np.array(1.0))
        theano.function([], [], updates=updates)()
        assert (p.get_value(), m.get_value()) == (9.0, 3.0)


def test_outputs_are_computed_from_the_state_before_the_call():
    s = theano.shared(np.array(1.0), name='s')
    f = theano.function([], [s * 10, s], updates=[(s, s + 1)])
    scaled, value = f()
    assert (scaled, value) == (10.0, 1.0)
    assert s.get_value() == 2.0
    scaled, again = f()
    assert (scaled, again) == (20.0, 2.0)
    assert value == 1.0              # the first call's output is not the live state


def test_output_of_a_shared_variable_is_not_its_storage():
    s = theano.shared(np.array([1.0, 2.0]), name='s')
    out = theano.function([], s)()
    out[0] = 99.0
    np.testing.assert_array_equal(s.get_value(), [1.0, 2.0])


def test_updates_with_inputs_and_a_dict():
    s = theano.shared(np.zeros(2), name='s')
    x = T.dvector('x')
    acc = theano.function([x], s + x, updates=OrderedDict([(s, s + x)]))
    np.testing.assert_array_equal(acc(np.array([1.0, 2.0])), [1.0, 2.0])
    np.testing.assert_array_equal(acc(np.array([1.0, 2.0])), [2.0, 4.0])
    np.testing.assert_array_equal(s.get_value(), [2.0, 4.0])
    theano.function([x], [], updates={s: x * 0})(np.array([5.0, 5.0]))
    np.testing.assert_array_equal(s.get_value(), [0.0, 0.0])


def test_update_from_an_input_does_not_alias_the_callers_array():
    s = theano.shared(np.zeros(3), name='s')
    x = T.dvector('x')
    set_s = theano.function([x], [], updates=[(s, x)])
    data = np.array([1.0, 2.0, 3.0])
    set_s(data)
    data[0] = -1.0
    np.testing.assert_array_equal(s.get_value(), [1.0, 2.0, 3.0])


def test_update_to_a_constant_and_from_another_shared_variable():
    a = theano.shared(np.array([1.0, 2.0]), name='a')
    b = theano.shared(np.array([5.0, 6.0]), name='b')
    theano.function([], [], updates=[(a, b)])()
    b.set_value(np.array([7.0, 8.0]))
    np.testing.assert_array_equal(a.get_value(), [5.0, 6.0])    # a got a copy, not b's storage
    c = theano.shared(np.array(3.0), name='c')
    theano.function([], [], updates=[(c, 0.0)])()
    assert c.get_value() == 0.0 and c.get_value().dtype == np.float64


# -- outputs ---------------------------------------------------------------------------------
def test_single_output_vs_list_of_outputs():
    x = T.dvector('x')
    a = np.array([1.0, 2.0])
    single = theano.function([x], x * 2)(a)
    assert isinstance(single, np.ndarray)
    np.testing.assert_array_equal(single, [2.0, 4.0])
    one = theano.function([x], [x * 2])(a)
    assert isinstance(one, list) and len(one) == 1
    np.testing.assert_array_equal(one[0], [2.0, 4.0])
    two = theano.function([x], [x * 2, x.sum()])(a)
    assert isinstance(two, list) and len(two) == 2
    assert two[1] == 3.0


def test_function_without_inputs_or_outputs():
    n = theano.shared(np.array(0.0), name='n')
    tick = theano.function([], [], updates=[(n, n + 1)])
    for _ in range(3):
        assert tick() == []
    assert n.get_value() == 3.0


def test_a_function_handles_any_batch_size():
    x = T.dmatrix('x')
    f = theano.function([x], x.mean(axis=0))
    for rows in (1, 7, 128):
        a = np.arange(rows * 3.0).reshape(rows, 3)
        np.testing.assert_allclose(f(a), a.mean(axis=0))


def test_mode_argument_is_accepted():
    x = T.dvector('x')
    for mode in (None, 'FAST_RUN', 'FAST_COMPILE'):
        np.testing.assert_array_equal(theano.function([x], x + 1, mode=mode)(np.zeros(2)), [1.0, 1.0])


# -- random draws: once per call, shared by every output and gradient --------------------------
def test_a_random_node_is_drawn_once_per_call():
    x = T.dmatrix('x')
    mask = MRG_RandomStreams(1234).binomial(x.shape, p=0.5, dtype='float64')
    dropped = x * mask
    f = theano.function([x], [mask, dropped, dropped.sum(), T.grad(dropped.sum(), x)])
    a = np.arange(1.0, 61.0).reshape(6, 10)
    m, out, total, g = f(a)
    assert 0 < m.sum() < m.size                       # a real mask, not all ones or zeros
    np.testing.assert_array_equal(out, a * m)
    assert total == (a * m).sum()
    np.testing.assert_array_equal(g, m)               # the gradient saw the same draw
    m2 = f(a)[0]
    assert not np.array_equal(m, m2)                  # the next call draws anew


def test_two_random_nodes_are_not_merged():
    # Two binomial calls have their own streams even though the expressions look alike.
    x = T.dmatrix('x')
    srng = MRG_RandomStreams(1234)
    first = srng.binomial(x.shape, p=0.5, dtype='float64')
    second = srng.binomial(x.shape, p=0.5, dtype='float64')
    m1, m2 = theano.function([x], [first, second])(np.zeros((6, 10)))
    assert not np.array_equal(m1, m2)


# -- dtype of updates and shared values ------------------------------------------------------
def test_update_value_is_cast_to_the_shared_dtype():
    s = theano.shared(np.zeros(3, dtype=np.float32), name='s')
    theano.function([], [], updates=[(s, s + np.ones(3))])()      # a float64 expression
    assert s.get_value().dtype == np.float32 and s.dtype == 'float32'
    np.testing.assert_array_equal(s.get_value(), [1.0, 1.0, 1.0])
    n = theano.shared(np.array(0, dtype=np.int64), name='n')
    theano.function([], [], updates=[(n, n + 1)])()
    assert n.get_value().dtype == np.int64 and n.get_value() == 1


def test_update_may_change_the_shape_but_keeps_ndim():
    s = theano.shared(np.array([1.0, 2.0, 3.0]), name='s')
    grow = theano.function([], [], updates=[(s, T.concatenate([s, s]))])
    grow()
    np.testing.assert_array_equal(s.get_value(), [1.0, 2.0, 3.0, 1.0, 2.0, 3.0])
    assert s.ndim == 1


def test_shared_attributes():
    w = theano.shared(np.zeros((2, 3), dtype=np.float32), name='w')
    assert (w.name, w.dtype, w.ndim) == ('w', 'float32', 2)
    c = theano.shared(0.5)
    assert (c.name, c.dtype, c.ndim) == (None, 'float64', 0)
    i = theano.shared(np.arange(4))
    assert i.dtype == 'int64' and i.ndim == 1


def test_get_value_returns_a_copy_unless_borrowed():
    s = theano.shared(np.array([1.0, 2.0, 3.0]), name='s')
    v = s.get_value()
    v[0] = 99.0
    assert s.get_value()[0] == 1.0
    s.get_value(borrow=True)[0] = 42.0
    assert s.get_value()[0] == 42.0


def test_shared_and_set_value_copy_their_argument():
    source = np.array([1.0, 2.0])
    s = theano.shared(source, name='s')
    source[0] = 99.0
    assert s.get_value()[0] == 1.0
    new = np.array([5.0, 6.0, 7.0])
    s.set_value(new)                        # a different length is fine
    new[0] = -1.0
    np.testing.assert_array_equal(s.get_value(), [5.0, 6.0, 7.0])


def test_set_value_is_seen_by_compiled_functions():
    s = theano.shared(np.array(2.0), name='s')
    x = T.dscalar('x')
    f = theano.function([x], x * s)
    assert f(3.0) == 6.0
    s.set_value(np.array(5.0))
    assert f(3.0) == 15.0


# -- input conversion ------------------------------------------------------------------------
def test_allow_input_downcast_accepts_float64_into_float32():
    x = T.vector('x', dtype='float32')
    f = theano.function([x], x * 2, allow_input_downcast=True)
    out = f(np.array([0.1, 0.2]))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, np.array([0.1, 0.2], dtype=np.float32) * 2)
    assert f([0.1, 0.2]).dtype == np.float32


def test_safe_inputs_are_converted():
    x = T.dvector('x')
    double = theano.function([x], x * 2)
    for data in ([1, 2, 3], [1.5, 2.0, 3.0], np.array([1, 2, 3], dtype=np.int8),
                 np.array([1, 2, 3], dtype=np.float32)):
        out = double(data)
        assert out.dtype == np.float64
        np.testing.assert_array_equal(out, 2 * np.asarray(data, dtype=np.float64))
    s = T.dscalar('s')
    assert theano.function([s], s + 1)(2) == 3.0
    assert theano.function([s], s + 1)(0.5) == 1.5
    x32 = T.vector('x32', dtype='float32')
    out = theano.function([x32], x32 * 2)([1, 2, 3])            # exact Python ints are safe
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [2, 4, 6])


def test_float32_input_rejects_inexact_python_floats():
    # As Theano: with floatX=float64 a Python float is only safe for a float64 input.
    x32 = T.vector('x32', dtype='float32')
    f = theano.function([x32], x32 * 2)
    with pytest.raises(TypeError, match='x32'):
        f([0.1, 0.2])
    s32 = T.scalar('s32', dtype='float32')
    g = theano.function([s32], s32 * 2)
    assert g(3) == 6.0
    if theano.config.floatX == 'float64':
        with pytest.raises(TypeError, match='s32'):
            g(0.1)
    else:                               # a Python float may always become floatX
        assert g(0.1) == np.float32(0.1) * 2


def test_inputs_are_not_modified():
    x = T.dvector('x')
    data = np.array([1.0, -2.0])
    theano.function([x], [abs(x), -x, x * 0])(data)
    np.testing.assert_array_equal(data, [1.0, -2.0])


# -- config.floatX from THEANO_FLAGS -----------------------------------------------------------
_PROBE = ("import legacy_bn.theano as theano, legacy_bn.theano.tensor as T;"
          "print(theano.config.floatX, T.matrix().dtype, T.scalar().dtype)")


def _floatX_in_subprocess(flags):
    env = dict(os.environ)
    env.pop('THEANO_FLAGS', None)
    if flags is not None:
        env['THEANO_FLAGS'] = flags
    out = subprocess.run([sys.executable, '-c', _PROBE], env=env, capture_output=True,
                         text=True, check=True, timeout=120)
    return out.stdout.split()


@pytest.mark.parametrize('flags,expected', [
    (None, 'float64'),
    ('', 'float64'),
    ('floatX=float32', 'float32'),
    ('floatX=float64', 'float64'),
    ('device=cpu,floatX=float32,mode=FAST_RUN', 'float32'),
    ('base_compiledir=/tmp/somewhere,floatX=float32', 'float32'),
    ('floatX=float32,floatX=float64', 'float64'),          # the last one wins
])
def test_floatX_is_read_from_THEANO_FLAGS(flags, expected):
    assert _floatX_in_subprocess(flags) == [expected] * 3
