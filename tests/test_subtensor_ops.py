"""set_subtensor / inc_subtensor, alloc and zeros with symbolic shapes, shape_padright,
unpacking a symbolic shape, and extra_ops.repeat: values against numpy, gradients against
finite differences."""
import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from test_tensor_grad import check_grad, data


def test_set_subtensor_on_slices_with_symbolic_bounds():
    x = T.dtensor4('x')
    z = T.zeros((x.shape[0], x.shape[1], x.shape[2] + 2, x.shape[3] + 4))
    out = T.set_subtensor(z[:, :, 1:x.shape[2] + 1, 2:x.shape[3] + 2], x)
    a = data((2, 3, 4, 5), seed=1)
    got = theano.function([x], out)(a)
    want = np.zeros((2, 3, 6, 9))
    want[:, :, 1:5, 2:7] = a
    np.testing.assert_array_equal(got, want)
    # the source is not changed: the op is functional
    src = T.dmatrix('src')
    f = theano.function([src], [T.set_subtensor(src[0], 7.0), src * 1])
    m = np.ones((2, 3))
    changed, same = f(m)
    np.testing.assert_array_equal(changed, [[7, 7, 7], [1, 1, 1]])
    np.testing.assert_array_equal(same, np.ones((2, 3)))
    np.testing.assert_array_equal(m, np.ones((2, 3)))


def test_inc_subtensor_and_repeated_indices_accumulate():
    x, v = T.dmatrix('x'), T.dvector('v')
    f = theano.function([x, v], [T.inc_subtensor(x[1:, ::2], v[:2]),
                                 T.inc_subtensor(x[np.array([0, 0, 2])], 1.0),
                                 T.set_subtensor(x[:, 1], v)])
    a = np.arange(12.0).reshape(3, 4)
    inc, acc, col = f(a, np.array([10.0, 20.0, 30.0]))
    want = a.copy()
    want[1:, ::2] += [10.0, 20.0]
    np.testing.assert_array_equal(inc, want)
    want = a.copy()
    want[0] += 2
    want[2] += 1
    np.testing.assert_array_equal(acc, want)
    want = a.copy()
    want[:, 1] = [10, 20, 30]
    np.testing.assert_array_equal(col, want)


def test_set_and_inc_subtensor_gradients():
    # x's overwritten entries get no gradient from set_subtensor, all of it from inc_subtensor
    check_grad(lambda x, y: T.set_subtensor(x[1:3, ::2], y) * x, data((4, 5), seed=2), data((2, 3), seed=3))
    check_grad(lambda x, y: T.inc_subtensor(x[:, 1:4], y) ** 2, data((4, 5), seed=4), data((4, 3), seed=5))
    # y broadcast over the slice: its gradient is summed back
    check_grad(lambda x, y: T.set_subtensor(x[:, 1:3], y) ** 2, data((3, 4), seed=6), data((2,), seed=7))
    check_grad(lambda x, y: T.inc_subtensor(x[np.array([0, 2, 0])], y) ** 2, data((3, 2), seed=8),
               data((3, 2), seed=9))


def test_set_subtensor_errors():
    x = T.dmatrix('x')
    with pytest.raises(TypeError, match='result of indexing'):
        T.set_subtensor(x, x)
    with pytest.raises(TypeError, match='more dimensions'):
        T.set_subtensor(x[0], x)
    with pytest.raises(TypeError, match='cannot be stored'):
        T.set_subtensor(T.lmatrix()[0], T.dvector())


def test_set_subtensor_keeps_float32():
    x = T.ftensor4('x')
    out = T.set_subtensor(T.alloc(np.float32(0), x.shape[0], x.shape[1] + 2, x.shape[2], x.shape[3])[:, 1:-1], x)
    assert out.dtype == 'float32'
    a = data((2, 3, 2, 2), seed=10).astype(np.float32)
    got = theano.function([x], [out, T.grad(out.sum() * 2, x)])(a)
    assert got[0].dtype == np.float32 and got[1].dtype == np.float32
    np.testing.assert_array_equal(got[1], np.full(a.shape, 2, np.float32))


def test_shape_unpacks_and_zeros_takes_symbolic_shapes():
    x = T.dtensor4('x')
    b, ch, r, c = x.shape
    f = theano.function([x], [T.alloc(0.5, b, ch + 4, r, c), T.zeros(x.shape), T.ones((r, 2))])
    half, zeros, ones = f(np.ones((2, 3, 4, 5)))
    np.testing.assert_array_equal(half, np.full((2, 7, 4, 5), 0.5))
    np.testing.assert_array_equal(zeros, np.zeros((2, 3, 4, 5)))
    np.testing.assert_array_equal(ones, np.ones((4, 2)))
    with pytest.raises(TypeError, match='cannot be iterated'):
        iter(x)


def test_shape_padright_and_padleft():
    v = T.dvector('v')
    f = theano.function([v], [T.shape_padright(v), T.shape_padright(v, 2), T.shape_padleft(v)])
    a = np.array([1.0, 2.0, 3.0])
    right, right2, left = f(a)
    assert right.shape == (3, 1) and right2.shape == (3, 1, 1) and left.shape == (1, 3)
    np.testing.assert_array_equal(right[:, 0], a)
    check_grad(lambda m, w: T.shape_padright(w) * m, data((3, 4), seed=11), data((3,), seed=12))


@pytest.mark.parametrize('axis', [None, 0, 1, -1])
def test_repeat(axis):
    x = T.dtensor3('x')
    a = data((2, 3, 4), seed=13)
    got = theano.function([x], T.extra_ops.repeat(x, 3, axis=axis))(a)
    np.testing.assert_array_equal(got, np.repeat(a, 3, axis=axis))
    check_grad(lambda t: T.extra_ops.repeat(t, 2, axis=axis), a)


def test_repeat_symbolic_count_and_float32():
    x, n = T.ftensor4('x'), T.iscalar('n')
    a = data((1, 2, 2, 3), seed=14).astype(np.float32)
    got = theano.function([x, n], T.extra_ops.repeat(x, n, axis=3))(a, 2)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, np.repeat(a, 2, axis=3))
    with pytest.raises(NotImplementedError, match='scalar integer'):
        T.extra_ops.repeat(x, T.ivector(), axis=0)
    with pytest.raises(ValueError, match='out of range'):
        T.extra_ops.repeat(x, 2, axis=4)


def test_python_floats_get_theanos_dtypes():
    # Theano 0.8 (floatX=float64) made a Python float float32 when exact in float32, else
    # float64: LRN2D's T.alloc(0., ...) is float32 there, and alpha * it is float64 again.
    x = T.ftensor4('x')
    assert (x * 0.5).dtype == 'float32' and (x * 0.01).dtype == 'float64'
    assert T.alloc(0., 2, 3).dtype == 'float32' and T.alloc(0.01, 2).dtype == 'float64'
    a = np.full((1, 1, 1, 1), 3, np.float32)
    half, hundredth = theano.function([x], [x * 0.5, x * 0.01])(a)
    assert half.dtype == np.float32 and hundredth.dtype == np.float64
    assert hundredth.item() == 3 * 0.01          # the float64 constant, not float32(0.01)
    stored = theano.function([x], T.set_subtensor(T.alloc(0., 1, 1, 1, 2)[..., :1], x.astype('float64') / 3))(a)
    assert stored.dtype == np.float32 and stored[0, 0, 0, 0] == np.float32(1.0)
