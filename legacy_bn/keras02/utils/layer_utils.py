"""keras.utils.layer_utils (Keras 0.2.0): a layer or container from its config, built from
0.2.0's layer classes (keras02.models.layers_0_2_0, with the caller's custom_layers);
get_layer by class name; print_layer_shapes is 4e1ec93's (legacy_bn.utils.layer_utils),
which 0.2.0 kept."""
from ...keras03 import models as _models_03
from ...utils.layer_utils import print_layer_shapes  # noqa: F401
from ...utils.generic_utils import get_from_module


def _known(custom_layers):
    from ..models import layers_0_2_0
    return dict(layers_0_2_0(), **custom_layers)


def container_from_config(original_layer_dict, custom_layers={}):
    """The layer, Merge, Sequential or Graph container that `original_layer_dict` describes."""
    return _models_03.container_from_config(original_layer_dict,
                                            custom_objects=_known(custom_layers))


def get_layer(identifier, kwargs=None, custom_layers={}):
    """The 0.2.0 layer class named `identifier` (or one of custom_layers), instantiated."""
    return get_from_module(identifier, _known(custom_layers), 'layer', instantiate=True,
                           kwargs=kwargs)
