"""keras.layers.containers as of Keras 0.3.3: Sequential (a stack of layers) and Graph
(named inputs, nodes and outputs), usable as layers and the bases of the models."""
from collections import OrderedDict

from .. import backend as K
from .core import Layer, Merge, Siamese, SiameseHead, MERGE_MODES, describe


class _Container(Layer):
    """What both containers share: one output cache for all their layers, and weights,
    regularizers, constraints and updates gathered from their (trainable) layers."""

    def _members(self):
        """The layers whose weights are the container's, in weights order."""
        raise NotImplementedError

    def _cached_members(self):
        """The layers that share the container's caches."""
        return self._members()

    @property
    def cache_enabled(self):
        return self._cache_enabled

    @cache_enabled.setter
    def cache_enabled(self, value):
        self._cache_enabled = value
        for layer in self._cached_members():
            layer.cache_enabled = value

    @property
    def layer_cache(self):
        return getattr(self, '_layer_cache', None)

    @layer_cache.setter
    def layer_cache(self, value):
        self._layer_cache = value
        for layer in self._cached_members():
            layer.layer_cache = value

    @property
    def shape_cache(self):
        return getattr(self, '_shape_cache', None)

    @shape_cache.setter
    def shape_cache(self, value):
        self._shape_cache = value
        for layer in self._cached_members():
            layer.shape_cache = value

    def _gathered(self, index):
        items = []
        for layer in self._members():
            if layer.trainable:
                items += layer.get_params()[index]
        return items

    @property
    def trainable_weights(self):
        return self._gathered(0)

    @property
    def regularizers(self):
        return self._gathered(1)

    @property
    def constraints(self):
        return self._gathered(2)

    @property
    def updates(self):
        return self._gathered(3)

    @property
    def state_updates(self):
        """The updates of stateful layers: predict and test apply them too."""
        updates = []
        for layer in self._members():
            if getattr(layer, 'stateful', False):
                updates += layer.get_params()[3]
        return updates

    def reset_states(self):
        for layer in self._members():
            if hasattr(layer, 'reset_states') and getattr(layer, 'stateful', False):
                layer.reset_states()

    def get_weights(self):
        weights = []
        for layer in self._members():
            weights += layer.get_weights()
        return weights

    def set_weights(self, weights):
        for layer in self._members():
            n = len(layer.get_weights())
            layer.set_weights(weights[:n])
            weights = weights[n:]

    def count_params(self):
        return sum(layer.count_params() for layer in self._members())


class Sequential(_Container):
    """A linear stack of layers, itself usable as a layer."""

    def __init__(self, layers=[]):
        self.layers = []
        self.layer_cache = {}
        self.shape_cache = {}
        for layer in layers:
            self.add(layer)
        self._cache_enabled = True

    def _members(self):
        return self.layers

    def set_previous(self, layer, reset_weights=True):
        self.layers[0].set_previous(layer, reset_weights)

    def clear_previous(self, reset_weights=True):
        self.layers[0].clear_previous(reset_weights)

    def add(self, layer):
        if not isinstance(layer, Layer):
            raise TypeError('%s.add: expected a layer, got %r' % (type(self).__name__, layer))
        layer.layer_cache = self.layer_cache
        layer.shape_cache = self.shape_cache
        self.layers.append(layer)
        if len(self.layers) > 1:
            self.layers[-1].set_previous(self.layers[-2])
            if not hasattr(self.layers[0], 'input'):
                self.set_input()

    @property
    def output_shape(self):
        return self.layers[-1].output_shape

    def get_output(self, train=False):
        return self.layers[-1].get_output(train)

    def set_input(self):
        """Give the first layer a placeholder of the ndim of the first layer that has an input."""
        for layer in self.layers:
            if hasattr(layer, 'input'):
                self.layers[0].input = K.placeholder(ndim=K.ndim(layer.input))
                break

    def get_input(self, train=False):
        if not self.layers:
            raise ValueError('%s is empty: add layers before using it' % type(self).__name__)
        if not hasattr(self.layers[0], 'input'):
            self.set_input()
        return self.layers[0].get_input(train)

    @property
    def input_shape(self):
        return self.layers[0].input_shape

    @property
    def input(self):
        return self.get_input()

    def get_config(self):
        return {'name': type(self).__name__,
                'layers': [layer.get_config() for layer in self.layers]}


class Graph(_Container):
    """Named inputs, nodes (layers fed by one node or a merge of several) and outputs.
    As a layer it has one input and one output."""

    def __init__(self):
        self.namespace = set()
        self.nodes = OrderedDict()
        self.inputs = {}
        self.input_order = []
        self.outputs = {}
        self.output_order = []
        self.input_config = []
        self.node_config = []
        self.output_config = []
        self.layer_cache = {}
        self.shape_cache = {}
        self._cache_enabled = True

    def _members(self):
        return list(self.nodes.values())

    def _cached_members(self):
        return list(self.nodes.values()) + list(self.inputs.values())

    def __call__(self, X, mask=None, train=False):
        """Output for X: a tensor (one input) or a dict of tensors by input name."""
        if type(X) != dict:
            return super(Graph, self).__call__(X, mask, train)
        saved_cache_enabled = self.cache_enabled
        self.cache_enabled = False
        saved_previous = {}
        for name, input_layer in self.inputs.items():
            feeder = Layer(batch_input_shape=input_layer.input_shape)
            feeder.input = X[name]
            if hasattr(self, 'get_input_mask'):
                feeder.get_input_mask = lambda _, name=name: mask[name]
            if hasattr(input_layer, 'previous'):
                saved_previous[name] = input_layer.previous
            input_layer.set_previous(feeder, False)
        Y = self.get_output(train=train)
        for name, input_layer in self.inputs.items():
            if name in saved_previous:
                input_layer.set_previous(saved_previous[name], False)
            else:
                input_layer.clear_previous(False)
        self.cache_enabled = saved_cache_enabled
        return Y

    @property
    def nb_input(self):
        return len(self.inputs)

    @property
    def nb_output(self):
        return len(self.outputs)

    def set_previous(self, layer, connection_map={}, reset_weights=True):
        if self.nb_input != layer.nb_output:
            raise ValueError('Cannot connect layers: the Graph has %d inputs, %s has %d outputs'
                             % (self.nb_input, describe(layer), layer.nb_output))
        if self.nb_input == 1:
            self.inputs[self.input_order[0]].set_previous(layer, reset_weights)
            return
        if not connection_map:
            raise ValueError('Cannot attach a multi-input Graph: no connection_map provided')
        for k, v in connection_map.items():
            if k not in self.inputs or v not in layer.outputs:
                raise ValueError('Invalid connection map: %r -> %r (inputs: %s; outputs of '
                                 'the previous layer: %s)'
                                 % (k, v, sorted(self.inputs), sorted(layer.outputs)))
            self.inputs[k].set_previous(layer.outputs[v], reset_weights)

    def clear_previous(self, reset_weights=True):
        for input_layer in self.inputs.values():
            input_layer.clear_previous(reset_weights)

    @property
    def input_shape(self):
        if self.nb_input == 1:
            return self.inputs[self.input_order[0]].input_shape
        return dict((k, v.input_shape) for k, v in self.inputs.items())

    def get_input(self, train=False):
        if len(self.inputs) == len(self.outputs) == 1:
            return self.inputs[self.input_order[0]].get_input(train)
        return dict((k, v.get_input(train)) for k, v in self.inputs.items())

    @property
    def input(self):
        return self.get_input()

    @property
    def output_shape(self):
        if self.nb_output == 1:
            return self.outputs[self.output_order[0]].output_shape
        return dict((k, v.output_shape) for k, v in self.outputs.items())

    def get_output(self, train=False):
        if len(self.inputs) == len(self.outputs) == 1:
            return self.outputs[self.output_order[0]].get_output(train)
        return dict((k, v.get_output(train)) for k, v in self.outputs.items())

    # -- building the graph ------------------------------------------------------------------
    def _claim(self, name):
        if name in self.namespace:
            raise ValueError('Graph: duplicate node identifier: %r' % (name,))

    def _node_or_input(self, name, what='node/input'):
        if name in self.nodes:
            return self.nodes[name]
        if name in self.inputs:
            return self.inputs[name]
        raise ValueError('Graph: unknown %s identifier: %r (known: %s)'
                         % (what, name, ', '.join(sorted(self.namespace)) or 'none'))

    def add_input(self, name, input_shape=None, batch_input_shape=None, dtype='float'):
        """A named input; input_shape without, batch_input_shape with the batch axis;
        dtype 'int' (for an Embedding) needs 2D input."""
        self._claim(name)
        if dtype != 'float' and not ((input_shape and len(input_shape) == 1) or
                                     (batch_input_shape and len(batch_input_shape) == 2)):
            raise ValueError('Graph.add_input(%r): type "int" can only be used with ndim==2 '
                             '(Embedding)' % (name,))
        layer = Layer(name=name)
        if input_shape:
            layer.set_input_shape((None,) + tuple(input_shape))
        elif batch_input_shape:
            layer.set_input_shape(batch_input_shape)
        else:
            raise ValueError('Graph.add_input(%r): give input_shape=(...) (the shape of one '
                             'sample) or batch_input_shape=(...)' % (name,))
        layer.input = K.placeholder(shape=layer.input_shape, name=name,
                                    **({} if dtype == 'float' else {'dtype': 'int32'}))
        self.namespace.add(name)
        self.input_order.append(name)
        self.inputs[name] = layer
        config = {'name': name, 'dtype': dtype}
        if batch_input_shape:
            config['batch_input_shape'] = batch_input_shape
        else:
            config['input_shape'] = input_shape
        self.input_config.append(config)

    def _merge_of(self, names, merge_mode, concat_axis, dot_axes, known):
        return Merge([known(n) for n in names], mode=merge_mode, concat_axis=concat_axis,
                     dot_axes=dot_axes)

    def add_node(self, layer, name, input=None, inputs=[], merge_mode='concat',
                 concat_axis=-1, dot_axes=-1, create_output=False):
        """A node: `layer` fed by node/input `input`, or by the merge of `inputs`."""
        self._claim(name)
        layer.name = name
        if input:
            layer.set_previous(self._node_or_input(input))
        if inputs:
            layer.set_previous(self._merge_of(inputs, merge_mode, concat_axis, dot_axes,
                                              lambda n: self._node_or_input(n, 'node')))
        self.namespace.add(name)
        layer.layer_cache = self.layer_cache
        layer.shape_cache = self.shape_cache
        self.nodes[name] = layer
        self.node_config.append({'name': name, 'input': input, 'inputs': inputs,
                                 'merge_mode': merge_mode, 'concat_axis': concat_axis,
                                 'dot_axes': dot_axes, 'create_output': create_output})
        if create_output:
            self.add_output(name, input=name)

    def add_shared_node(self, layer, name, inputs=[], merge_mode=None, concat_axis=-1,
                        dot_axes=-1, outputs=[], create_output=False):
        """One layer applied to several nodes/inputs; merged by merge_mode, or (None) kept
        apart as the nodes named in `outputs`."""
        self._claim(name)
        for output_name in outputs:
            self._claim(output_name)
        if merge_mode and merge_mode not in MERGE_MODES:
            raise ValueError('Graph.add_shared_node(%r): invalid merge mode %r (one of %s)'
                             % (name, merge_mode, ', '.join(MERGE_MODES)))
        sources = []
        for source_name in inputs:
            source = self._node_or_input(source_name)
            if isinstance(source, Siamese) and source.merge_mode is None:
                for head in range(len(source.inputs)):
                    siamese_head = SiameseHead(head)
                    siamese_head.previous = source
                    sources.append(siamese_head)
            else:
                sources.append(source)
        shared = Siamese(layer, sources, merge_mode, concat_axis=concat_axis,
                         dot_axes=dot_axes, is_graph=True)
        self.namespace.add(name)
        self.nodes[name] = shared
        self.node_config.append({'name': name, 'inputs': inputs, 'merge_mode': merge_mode,
                                 'concat_axis': concat_axis, 'dot_axes': dot_axes,
                                 'create_output': create_output if merge_mode else False})
        if not merge_mode:
            for head, output_name in enumerate(outputs):
                siamese_head = SiameseHead(head)
                siamese_head.previous = shared
                siamese_head.name = output_name
                self.namespace.add(output_name)
                self.nodes[output_name] = siamese_head
                self.node_config.append({'name': output_name, 'inputs': [name],
                                         'create_output': create_output})
                if create_output:
                    self.add_output(output_name, input=output_name)
        if create_output and merge_mode:
            if merge_mode == 'join':
                raise ValueError('Graph.add_shared_node(%r): an output cannot be of type '
                                 'OrderedDict (merge_mode="join")' % (name,))
            self.add_output(name, input=name)

    def add_output(self, name, input=None, inputs=[], merge_mode='concat', concat_axis=-1,
                   dot_axes=-1):
        """A named output: node/input `input`, or the merge of nodes `inputs`."""
        if name in self.output_order:
            raise ValueError('Graph: duplicate output identifier: %r' % (name,))
        if input:
            self.outputs[name] = self._node_or_input(input)
        if inputs:
            def node(n):
                if n not in self.nodes:
                    raise ValueError('Graph.add_output(%r): unknown node identifier: %r'
                                     % (name, n))
                return self.nodes[n]
            self.outputs[name] = self._merge_of(inputs, merge_mode, concat_axis, dot_axes, node)
        self.output_order.append(name)
        self.output_config.append({'name': name, 'input': input, 'inputs': inputs,
                                   'merge_mode': merge_mode, 'concat_axis': concat_axis,
                                   'dot_axes': dot_axes})

    def get_config(self):
        return {'name': type(self).__name__, 'input_config': self.input_config,
                'node_config': self.node_config, 'output_config': self.output_config,
                'input_order': self.input_order, 'output_order': self.output_order,
                'nodes': dict((c['name'], self.nodes[c['name']].get_config())
                              for c in self.node_config)}
