"""Helpers of the Keras 0.3.3 layer tests: run a layer's graph, and check a gradient
against central finite differences (in the session's floatx, float32 by default)."""
import numpy as np

from legacy_bn.keras03 import backend as K


def output_of(layer, X, train=False):
    """The layer's output for X, computed by a K.function of its graph."""
    return K.function([layer.input], [layer.get_output(train=train)])([X])[0]


def tolerance():
    """Comparison tolerance against a float64 numpy reference, for the session's floatx."""
    if K.floatx() == 'float64':
        return dict(rtol=1e-10, atol=1e-12)
    return dict(rtol=2e-5, atol=2e-6)


def check_input_gradient(layer, X, rng, train=False, eps=None, rtol=2e-2, atol=2e-3):
    """d sum(output * R) / d input from K.gradients against central differences."""
    y = layer.get_output(train=train)
    R = rng.normal(size=output_of(layer, X, train).shape).astype(K.floatx())
    loss = K.sum(y * K.variable(R))
    grad = K.function([layer.input], K.gradients(loss, [layer.input]))([X])[0]
    f = K.function([layer.input], [loss])
    if eps is None:
        eps = 1e-6 if K.floatx() == 'float64' else 1e-2
    numeric = np.zeros(X.shape)
    flat = X.reshape(-1)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + eps
        up = float(f([X])[0])
        flat[i] = saved - eps
        down = float(f([X])[0])
        flat[i] = saved
        numeric.reshape(-1)[i] = (up - down) / (2 * eps)
    np.testing.assert_allclose(grad, numeric, rtol=rtol, atol=atol)
    return grad
