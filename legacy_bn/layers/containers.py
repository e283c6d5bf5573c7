"""keras.layers.containers: Sequential as a layer (a linear stack)."""
from ..utils.theano_utils import ndim_tensor
from .core import Layer


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
