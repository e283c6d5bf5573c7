"""Weight and activity regularizers of Keras 0.3.3 (set_param / set_layer, then
`loss = regularizer(loss)`). Regularizer and WeightRegularizer are the 4e1ec93
classes, and so are l1 ... l1l2; ActivityRegularizer asks the layer for its training
output once (a second request would build a second graph, drawing new dropout seeds
from np.random in 0.3)."""
import functools

from legacy_bn import regularizers as _shared
from legacy_bn.regularizers import Regularizer, WeightRegularizer, l1, l2, l1l2  # noqa: F401
from legacy_bn.utils.generic_utils import get_from_module
from . import backend as K


class ActivityRegularizer(_shared.ActivityRegularizer):
    """loss + l1 * sum(mean(|out|, axis=0)) + l2 * sum(mean(out^2, axis=0)),
    out = the layer's training output."""

    def __call__(self, loss):
        output = self.layer.get_output(True)
        loss += self.l1 * K.sum(K.mean(K.abs(output), axis=0))
        loss += self.l2 * K.sum(K.mean(K.square(output), axis=0))
        return loss


def _activity_version(weight_factory):
    """activity_<name>: the ActivityRegularizer with the penalties weight_factory (l1, l2
    or l1l2, same arguments and defaults) gives a WeightRegularizer."""
    @functools.wraps(weight_factory)
    def make(*args, **kwargs):
        penalties = weight_factory(*args, **kwargs)
        return ActivityRegularizer(l1=penalties.l1, l2=penalties.l2)
    make.__name__ = make.__qualname__ = 'activity_' + weight_factory.__name__
    make.__module__ = __name__
    return make


activity_l1, activity_l2, activity_l1l2 = (_activity_version(f) for f in (l1, l2, l1l2))


def get(identifier, kwargs=None):
    return get_from_module(identifier, globals(), 'regularizer', instantiate=True, kwargs=kwargs)
