"""Rebuilding layers and containers from get_config() dicts (model_from_json)."""
import copy
import inspect

from .. import constraints, regularizers
from ..layers import containers, core, embeddings, normalization, recurrent

LAYER_MODULES = (core, normalization, embeddings, recurrent)


def container_from_config(original_layer_dict, custom_layers={}):
    layer_dict = copy.deepcopy(original_layer_dict)
    name = layer_dict.pop('name')
    if name == 'Sequential':
        return containers.Sequential([container_from_config(layer, custom_layers)
                                      for layer in layer_dict.get('layers')])
    if name == 'Graph':
        return _graph_from_config(layer_dict, custom_layers)
    for k, v in list(layer_dict.items()):
        # nested dicts are regularizer and constraint configs
        if isinstance(v, dict):
            vname = v.pop('name')
            if vname in _class_names(constraints):
                layer_dict[k] = constraints.get(vname, v)
            elif vname in _class_names(regularizers):
                layer_dict[k] = regularizers.get(vname, v)
    if name in custom_layers:
        return custom_layers[name](**layer_dict)
    for module in LAYER_MODULES:
        cls = getattr(module, name, None)
        if inspect.isclass(cls):
            if name == 'Reshape':
                return cls(*layer_dict['dims'])
            return cls(**layer_dict)
    raise ValueError('model_from_config: unknown layer %r' % name)


def _graph_from_config(layer_dict, custom_layers):
    graph = containers.Graph()
    for input_config in layer_dict.get('input_config', []):
        graph.add_input(**input_config)
    for node_config in layer_dict.get('node_config', []):
        layer = container_from_config(layer_dict['nodes'][node_config['name']], custom_layers)
        graph.add_node(layer, **node_config)
    for output_config in layer_dict.get('output_config', []):
        graph.add_output(**output_config)
    return graph


def _class_names(module):
    return [x for x, _ in inspect.getmembers(module, predicate=inspect.isclass)]
