"""keras.utils.layer_utils (Keras 0.3.3): building a layer or container from its config and
printing a model's summary live with the models (keras03/models.py) and are re-exported here
under 0.3.3's names; get_layer instantiates a layer class by name."""
from .. import layers as _layers
from ..models import container_from_config, model_summary  # noqa: F401
from .generic_utils import get_from_module


def get_layer(identifier, kwargs=None):
    """The layer class named `identifier` (any 0.3.3 layer module's) instantiated with kwargs."""
    return get_from_module(identifier, vars(_layers), 'layer', instantiate=True, kwargs=kwargs)
