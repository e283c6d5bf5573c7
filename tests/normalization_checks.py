"""Helpers shared by the normalization tests: a layer's output, and its gradients
against central differences."""
import numpy as np

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn.utils.theano_utils import ndim_tensor
from test_recurrent import _numeric_grad as central_difference   # (cost, array read in place)


def compiled(layer, X, train, mode=None):
    """f(X) -> the layer's output, and the symbolic input it was built on."""
    layer.input = ndim_tensor(np.ndim(X))
    return theano.function([layer.input], layer.get_output(train=train), mode=mode,
                           allow_input_downcast=True)


def assert_gradients_match(layer, X, train, rng, mode=None):
    """T.grad of sum(output * R) with respect to the input and each parameter equals
    its central differences (float64)."""
    layer.input = ndim_tensor(X.ndim)
    R = rng.uniform(0.5, 1.5, X.shape)
    cost = (layer.get_output(train=train) * R).sum()
    params = list(layer.params)
    symbolic = theano.function([layer.input], T.grad(cost, [layer.input] + params), mode=mode)(X)
    f = theano.function([layer.input], cost, mode=mode)
    X = X.copy()
    np.testing.assert_allclose(symbolic[0], central_difference(lambda: float(f(X)), X),
                               rtol=1e-6, atol=1e-7)
    for p, g in zip(params, symbolic[1:]):
        value = p.get_value()

        def cost_at():
            p.set_value(value)
            return float(f(X))
        np.testing.assert_allclose(g, central_difference(cost_at, value), rtol=1e-6, atol=1e-7)
