"""keras.layers.containers: Sequential (a linear stack) and Graph (named inputs, nodes and
outputs) as layers."""
from ..utils.theano_utils import ndim_tensor
from ..theano import tensor as T
from .core import Layer, Merge


def gather(container, layer):
    """Add a layer's parameters, regularizers, constraints and updates to a container's."""
    params, regularizers, constraints, updates = layer.get_params()
    container.params += params
    container.regularizers += regularizers
    container.constraints += constraints
    container.updates += updates


class Sequential(Layer):
    def __init__(self, layers=[]):
        self.layers = []
        self.params = []
        self.regularizers = []
        self.constraints = []
        self.updates = []
        for layer in layers:
            self.add(layer)

    def set_previous(self, layer):
        self.layers[0].previous = layer

    def add(self, layer):
        """Append `layer`, connect it to the previous one and collect its params,
        regularizers, constraints and updates. An add that raises leaves the model (and
        the layer's and the first layer's attributes) as they were: 2015 kept the layer
        in `layers` without its params, so it was silently never trained."""
        if not isinstance(layer, Layer):
            raise TypeError('Sequential.add: expected a layer (a Layer instance), got %r%s'
                            % (layer, ' (an activation name: use Activation(%r))' % layer
                               if isinstance(layer, str) else ''))
        if any(layer is known for known in self.layers) or layer is self:
            raise ValueError('Sequential.add: this %s is already in the model; a layer can be '
                             'added once (make a new one, or share weights with set_weights)'
                             % type(layer).__name__)
        count = len(self.layers)
        touched = [layer] + self.layers[:1]
        saved = [_snapshot(l) for l in touched]
        try:
            self.layers.append(layer)
            if len(self.layers) > 1:
                self.layers[-1].set_previous(self.layers[-2])
                if not hasattr(self.layers[0], 'input'):
                    self.set_input()
            layer.init_updates()
            params, regularizers, constraints, updates = layer.get_params()
        except BaseException:
            del self.layers[count:]
            for l, attrs in zip(touched, saved):
                _restore(l, attrs)
            raise
        self.params += params
        self.regularizers += regularizers
        self.constraints += constraints
        self.updates += updates

    def init_updates(self):
        # 2015 inherited Layer.init_updates, which dropped the updates add() gathered
        # when this container was itself added to a model (docs/compat.md)
        pass

    def weight_variables(self):
        return [v for layer in self.layers for v in layer.weight_variables()]

    def get_output(self, train=False):
        return self.layers[-1].get_output(train)

    @property
    def output_shape(self):
        return self.layers[-1].output_shape

    def set_input(self):
        for layer in self.layers:
            if hasattr(layer, 'input'):
                self.layers[0].input = ndim_tensor(layer.input.ndim)
                break

    def get_input(self, train=False):
        if not hasattr(self.layers[0], 'input'):
            self.set_input()
        return self.layers[0].get_input(train)

    @property
    def input(self):
        return self.get_input()

    def get_weights(self):
        weights = []
        for layer in self.layers:
            weights += layer.get_weights()
        return weights

    def set_weights(self, weights):
        """Set every layer's weights from one flat list, as get_weights returns it.

        2015 consumed len(layer.params) arrays per layer - 2 for a
        BatchNormalization that has 4 weights - so set_weights(get_weights())
        failed or shifted gamma into running_mean (docs/compat.md). All counts
        and shapes are checked before anything is set.
        """
        weights = list(weights)
        expected = sum(len(layer.get_weights()) for layer in self.layers)
        if len(weights) != expected:
            raise ValueError('Sequential.set_weights: the model has %d weight arrays, got %d'
                             % (expected, len(weights)))
        per_layer = []
        for k, layer in enumerate(self.layers):
            n = len(layer.get_weights())
            chunk, weights = weights[:n], weights[n:]
            try:
                per_layer.append((layer, layer.check_weights(chunk)))
            except ValueError as e:
                raise ValueError('Sequential.set_weights: layer %d: %s' % (k, e))
        for layer, chunk in per_layer:
            layer.set_weights(chunk)

    def get_config(self):
        return {"name": self.__class__.__name__,
                "layers": [layer.get_config() for layer in self.layers]}

    def count_params(self):
        return sum(layer.count_params() for layer in self.layers)


def _snapshot(obj):
    """obj's attributes, with a copy of the items of each list (set_previous and build
    may append to a layer's lists in place)."""
    return {k: (v, list(v) if type(v) is list else None) for k, v in vars(obj).items()}


def _restore(obj, snapshot):
    attrs = vars(obj)
    attrs.clear()
    for k, (v, items) in snapshot.items():
        if items is not None:
            v[:] = items
        attrs[k] = v


class Graph(Layer):
    """Layers wired as a directed acyclic graph: named inputs (add_input), nodes
    (add_node: a layer fed by one node or input, or by several merged) and outputs
    (add_output). Names are unique among inputs and nodes; outputs have their own names.

    Inside a Sequential model (used as a layer) it needs exactly one input and one output.
    Weights: every node's get_weights(), in the order the nodes were added.
    """

    def __init__(self):
        self.namespace = set()   # input and node names
        self.nodes = {}
        self.inputs = {}         # name -> placeholder Layer holding the symbolic input
        self.input_order = []
        self.outputs = {}
        self.output_order = []
        self.input_config = []
        self.node_config = []
        self.output_config = []
        self.params = []
        self.regularizers = []
        self.constraints = []
        self.updates = []

    @property
    def nb_input(self):
        return len(self.inputs)

    @property
    def nb_output(self):
        return len(self.outputs)

    # -- building ----------------------------------------------------------------------
    def add_input(self, name, ndim=2, dtype='float'):
        self._check_new(name, 'add_input')
        layer = Layer()
        if dtype == 'float':
            layer.input = ndim_tensor(ndim)
        elif ndim == 2:
            layer.input = T.imatrix()
        else:
            raise ValueError('Graph.add_input(%r): dtype %r needs ndim=2 (integer inputs feed '
                             'an Embedding), got ndim=%r' % (name, dtype, ndim))
        layer.input.name = name
        self.namespace.add(name)
        self.input_order.append(name)
        self.inputs[name] = layer
        self.input_config.append({'name': name, 'ndim': ndim, 'dtype': dtype})

    def add_node(self, layer, name, input=None, inputs=[], merge_mode='concat',
                 create_output=False):
        self._check_new(name, 'add_node')
        where = 'add_node(%r)' % name
        # everything is checked, and every name looked up, before the layer or the graph is
        # touched: 2015 registered a node whose wiring then failed
        if not isinstance(layer, Layer):
            raise TypeError('Graph.%s: expected a layer (a Layer instance), got %r'
                            % (where, layer))
        if input and inputs:
            raise ValueError('Graph.%s: give input= (one node or input name) or inputs= '
                             '(several, merged), not both' % where)
        if create_output and name in self.output_order:
            raise ValueError('Graph.%s: create_output=True, but there is already an output '
                             'named %r' % (where, name))
        previous = self._lookup(input, where) if input else None
        merged = self._merge(inputs, merge_mode, where) if inputs else None
        saved = _snapshot(layer)
        try:
            for source in (previous, merged):
                if source is not None:
                    layer.set_previous(source)
        except BaseException:
            _restore(layer, saved)
            raise
        if hasattr(layer, 'set_name'):
            layer.set_name(name)
        self.namespace.add(name)
        self.nodes[name] = layer
        self.node_config.append({'name': name, 'input': input, 'inputs': inputs,
                                 'merge_mode': merge_mode})
        layer.init_updates()
        gather(self, layer)
        if create_output:
            self.add_output(name, input=name)

    def add_output(self, name, input=None, inputs=[], merge_mode='concat'):
        if name in self.output_order:
            raise ValueError('Graph.add_output: duplicate output name %r (outputs so far: %s)'
                             % (name, ', '.join(map(repr, self.output_order))))
        where = 'add_output(%r)' % name
        if inputs:
            self.outputs[name] = self._merge(inputs, merge_mode, where)
        elif input:
            self.outputs[name] = self._lookup(input, where)
        else:
            # 2015 recorded the name and failed with a KeyError at compile
            raise ValueError('Graph.%s: give input= (a node or input name) or inputs= '
                             '(several, merged)' % where)
        self.output_order.append(name)
        self.output_config.append({'name': name, 'input': input, 'inputs': inputs,
                                   'merge_mode': merge_mode})

    def _check_new(self, name, where):
        if name in self.namespace:
            raise ValueError('Graph.%s: duplicate name %r (inputs and nodes so far: %s)'
                             % (where, name, self._names()))

    def _names(self):
        names = self.input_order + [c['name'] for c in self.node_config]
        return ', '.join(map(repr, names)) or 'none'

    def _lookup(self, name, where):
        if name in self.nodes:
            return self.nodes[name]
        if name in self.inputs:
            return self.inputs[name]
        raise ValueError('Graph.%s: unknown node or input %r (known: %s)'
                         % (where, name, self._names()))

    def _merge(self, names, mode, where):
        return Merge([self._lookup(n, where) for n in names], mode=mode)

    # -- as a layer --------------------------------------------------------------------
    def set_previous(self, layer, connection_map={}):
        nb_output = getattr(layer, 'nb_output', 1)
        if self.nb_input != nb_output:
            raise ValueError('Graph.set_previous: the graph has %d inputs but %s gives %d outputs'
                             % (self.nb_input, layer.label(), nb_output))
        if self.nb_input == 1:
            self.inputs[self.input_order[0]].set_previous(layer)
            return
        if not connection_map:
            raise ValueError('Graph.set_previous: a graph with %d inputs needs a connection_map '
                             '{input name: output name of %s}' % (self.nb_input, layer.label()))
        for k, v in connection_map.items():
            if k not in self.inputs or v not in layer.outputs:
                raise ValueError('Graph.set_previous: connection_map entry %r: %r must be an '
                                 'input of the graph and %r an output of %s'
                                 % (k, k, v, layer.label()))
            self.inputs[k].set_previous(layer.outputs[v])

    def init_updates(self):
        """Called by Sequential.add after set_previous: the nodes' updates are built again,
        since those built by add_node read the graph's own input placeholders. (2015 inherited
        Layer.init_updates, which dropped them: a BatchNormalization node inside a Sequential
        model never updated its running statistics.)"""
        self.updates = []
        for config in self.node_config:
            layer = self.nodes[config['name']]
            layer.init_updates()
            self.updates += layer.get_params()[3]

    def _one_or_dict(self, layers, order, method, train):
        """As a layer (one input, one output): a tensor; otherwise a dict by name."""
        if len(self.inputs) == len(self.outputs) == 1:
            return getattr(layers[order[0]], method)(train)
        return dict((k, getattr(v, method)(train)) for k, v in layers.items())

    def get_input(self, train=False):
        return self._one_or_dict(self.inputs, self.input_order, 'get_input', train)

    @property
    def input(self):
        return self.get_input()

    def get_output(self, train=False):
        return self._one_or_dict(self.outputs, self.output_order, 'get_output', train)

    @property
    def output_shape(self):
        if len(self.outputs) != 1:
            return None
        return self.outputs[self.output_order[0]].output_shape

    def weight_variables(self):
        # 2015 used self.params: BatchNormalization's running statistics were not saved
        return [v for c in self.node_config for v in self.nodes[c['name']].weight_variables()]

    def get_config(self):
        return {"name": self.__class__.__name__,
                "input_config": self.input_config,
                "node_config": self.node_config,
                "output_config": self.output_config,
                "input_order": self.input_order,
                "output_order": self.output_order,
                "nodes": dict((c["name"], self.nodes[c["name"]].get_config())
                              for c in self.node_config)}
