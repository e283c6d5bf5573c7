"""The fused ops of recurrent layers' steps (fused.py): layer_norm, which the fusion pass
puts in place of layers.normalization.layer_normalize's seven nodes, and clip_affine, in
place of hard_sigmoid's three. Same values and gradients as the unfused chains
(mode='FAST_COMPILE'), and gradients against finite differences."""
import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn.layers.normalization import layer_normalize
from legacy_bn.theano.tensor.nnet import hard_sigmoid
from test_tensor_grad import check_grad


@pytest.mark.parametrize('dtype', ['float64', 'float32'])
def test_fused_matches_the_unfused_chain(dtype, rng):
    x, gain = T.tensor3('x', dtype=dtype), T.vector('gain', dtype=dtype)
    # a float32 epsilon keeps the chain in float32 whatever floatX is
    out = layer_normalize(x, np.dtype(dtype).type(1e-5)) * gain
    weights = rng.uniform(-1, 1, (2, 3, 5)).astype(dtype)
    outputs = [out, T.grad((out * weights).sum(), [x, gain])[0]]
    fused = theano.function([x, gain], outputs)
    plain = theano.function([x, gain], outputs, mode='FAST_COMPILE')
    assert 'layer_norm' in [n.op for n in fused.toposort()]
    assert 'layer_norm' not in [n.op for n in plain.toposort()]
    values = (rng.uniform(-2, 2, (2, 3, 5)).astype(dtype), rng.uniform(0.5, 1.5, 5).astype(dtype))
    tol = dict(rtol=1e-12, atol=1e-12) if dtype == 'float64' else dict(rtol=2e-5, atol=2e-6)
    for a, b in zip(fused(*values), plain(*values)):
        assert a.dtype == b.dtype == dtype
        np.testing.assert_allclose(a, b, **tol)


def test_gradient_matches_finite_differences(rng):
    check_grad(lambda x: layer_normalize(x, 1e-3), rng.uniform(-2, 2, (3, 4)))
    check_grad(lambda x: layer_normalize(x, 0.5), rng.uniform(-2, 2, (2, 2, 3)))


def test_a_centred_value_used_elsewhere_is_not_fused():
    x = T.matrix('x')
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    out = centred / T.sqrt(T.mean(T.sqr(centred), axis=-1, keepdims=True) + 1e-5) + centred
    ops = [n.op for n in theano.function([x], out).toposort()]
    assert 'layer_norm' not in ops


@pytest.mark.parametrize('dtype', ['float64', 'float32'])
def test_hard_sigmoid_is_fused_and_matches_the_chain_at_its_kinks(dtype, rng):
    x = T.matrix('x', dtype=dtype)
    out = hard_sigmoid(x) * 3
    outputs = [out, T.grad(out.sum(), x)]
    fused = theano.function([x], outputs)
    plain = theano.function([x], outputs, mode='FAST_COMPILE')
    assert 'clip_affine' in [n.op for n in fused.toposort()]
    assert 'clip_affine' not in [n.op for n in plain.toposort()]
    # the kinks -2.5 and 2.5 (Theano's clip passes the gradient at the bounds), beyond them
    values = np.concatenate([[[-2.5, 2.5, -3.0, 3.0]], rng.uniform(-4, 4, (3, 4))]).astype(dtype)
    got, expect = fused(values), plain(values)
    for a, b in zip(got, expect):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(got[1][0], [0.6, 0.6, 0, 0], rtol=1e-6)   # 3 * 0.2 at both kinks


def test_hard_sigmoid_gradient_matches_finite_differences(rng):
    values = rng.uniform(-4, 4, (3, 5))
    values[np.abs(np.abs(values) - 2.5) < 1e-3] = 0.0      # away from the kinks
    check_grad(hard_sigmoid, values)
