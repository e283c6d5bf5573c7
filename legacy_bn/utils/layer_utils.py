"""Rebuilding layers and containers from get_config() dicts (model_from_json/yaml);
layers by name; printing a model's shapes."""
import copy
import inspect

import numpy as np

from .. import constraints, regularizers
from .generic_utils import get_from_module
from ..layers import (advanced_activations, containers, convolutional, core, embeddings, noise,
                      normalization, recurrent)

LAYER_MODULES = (core, normalization, embeddings, recurrent, advanced_activations, noise,
                 convolutional)


def container_from_config(original_layer_dict, custom_layers={}):
    name = config_name(original_layer_dict, 'layer')
    layer_dict = copy.deepcopy(original_layer_dict)
    del layer_dict['name']
    if name in ('Sequential', 'Merge') and not isinstance(layer_dict.get('layers'), list):
        raise ValueError('model_from_config: a %s config needs "layers", a list of layer '
                         'configs, got %s' % (name, type(layer_dict.get('layers')).__name__))
    if name == 'Sequential':
        return containers.Sequential([container_from_config(layer, custom_layers)
                                      for layer in layer_dict.get('layers')])
    if name == 'Graph':
        return _graph_from_config(layer_dict, custom_layers)
    if name == 'Merge':
        return core.Merge([container_from_config(layer, custom_layers)
                           for layer in layer_dict.get('layers')], layer_dict.get('mode'))
    if name == 'AutoEncoder':
        kwargs = {k: layer_dict[k] for k in ('output_reconstruction', 'weights') if k in layer_dict}
        return core.AutoEncoder(container_from_config(layer_dict['encoder_config'], custom_layers),
                                container_from_config(layer_dict['decoder_config'], custom_layers),
                                **kwargs)
    for k, v in list(layer_dict.items()):
        # nested dicts are regularizer and constraint configs
        if isinstance(v, dict):
            vname = config_name(v, 'the %r of layer %s' % (k, name))
            del v['name']
            if vname in _class_names(constraints):
                layer_dict[k] = constraints.get(vname, v)
            elif vname in _class_names(regularizers):
                layer_dict[k] = regularizers.get(vname, v)
            else:
                raise ValueError('model_from_config: %r of layer %s names %r, which is no '
                                 'constraint or regularizer' % (k, name, vname))
    if name in custom_layers:
        return custom_layers[name](**layer_dict)
    cls = layer_classes().get(name)
    if cls is None:
        raise ValueError('model_from_config: unknown layer %r (known: %s; pass custom_layers='
                         '{name: class} for others)' % (name, ', '.join(sorted(layer_classes()))))
    if name == 'Reshape':
        return cls(*layer_dict['dims'])
    return cls(**layer_dict)


def config_name(config, what):
    """The 'name' of a config dict, or a ValueError saying what is malformed."""
    if not isinstance(config, dict):
        raise ValueError('model_from_config: %s config must be a mapping with a "name", got %s'
                         % (what, type(config).__name__))
    name = config.get('name')
    if not isinstance(name, str):
        raise ValueError('model_from_config: %s config has no "name" (keys: %s)'
                         % (what, ', '.join(sorted(map(str, config)))))
    return name


def layer_classes():
    """The registry of layers a config may name: Layer subclasses defined in the layer
    modules (not whatever else their namespaces hold, such as MRG_RandomStreams)."""
    classes = {}
    for module in (containers,) + LAYER_MODULES:
        classes.update((n, c) for n, c in vars(module).items()
                       if inspect.isclass(c) and issubclass(c, core.Layer)
                       and c.__module__ == module.__name__ and not n.startswith('_'))
    return classes


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


def get_layer(identifier, kwargs=None):
    """The layer class named `identifier`, instantiated (with `kwargs` if given)."""
    return get_from_module(identifier, layer_classes(), 'layer', instantiate=True, kwargs=kwargs)


def print_layer_shapes(model, input_shapes):
    """Print the output shape after each layer for inputs of the given shapes:
    a tuple (Sequential), a list of tuples (a Merge first), a dict name -> tuple (Graph)."""
    from .. import theano
    if type(model).__name__ == 'Graph':
        inputs = [model.inputs[name].input for name in model.input_order]
        dummies = [np.zeros(input_shapes[name], dtype=theano.config.floatX)
                   for name in model.input_order]
        layers = [model.nodes[c['name']] for c in model.node_config]
    else:
        if not isinstance(input_shapes[0], tuple):
            input_shapes = [input_shapes]
        inputs = model.get_input(train=False)
        inputs = inputs if isinstance(inputs, list) else [inputs]
        dummies = [np.zeros(shape, dtype=theano.config.floatX) for shape in input_shapes]
        layers = model.layers
    print("input shapes : ", input_shapes)
    for layer in layers:
        shape = theano.function(inputs, layer.get_output(train=False).shape,
                                on_unused_input='ignore')(*dummies)
        print('shape after %s: %s' % (layer.get_config()['name'], tuple(int(s) for s in shape)))
