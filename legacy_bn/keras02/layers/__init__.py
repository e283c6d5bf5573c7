"""keras.layers (Keras 0.2.0): 0.3.3's layers (constructors, shape inference) with 0.2.0's
numerics where they differ (legacy_bn.keras02.numerics). Like 0.2.0's, the package itself
exports no names: import them from its modules."""
from .. import numerics  # noqa: F401  (first: it sets the backend's floatx before K loads)
