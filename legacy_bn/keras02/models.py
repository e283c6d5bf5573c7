"""keras.models (Keras 0.2.0): the 0.3 models (legacy_bn.keras03.models: containers with
shape inference, the shared training loop) with 0.2.0's loss rules and compile arguments
(legacy_bn.keras02.numerics.LossRules), 4e1ec93's optimizers (0.2.0's were the same), and
0.2.0's fit loop around them (Model020): 4e1ec93's callbacks (legacy_bn.callbacks: History
first, then BaseLogger when verbose, then the user's; History averages the batch logs
itself, 'batch' and 'size' included, and the epoch-end logs hold only the val_ values) and
4e1ec93's get_config (class_mode and theano_mode; no sample_weight_mode, no dot_axes)."""
import importlib

from . import numerics  # noqa: F401  (first: it sets the backend's floatx before K loads)
from .numerics import LossRules, check_class_mode
from .. import optimizers, training
from ..keras03 import models as models_03
from .layers.core import Params
from ..training import (  # noqa: F401  (0.2.0's keras.models exposes these names)
    batch_shuffle, get_function_name, make_batches, slice_X, standardize_weights,
    standardize_X, standardize_y, weighted_objective)

Model = models_03.Model



def layers_0_2_0():
    """What a 0.2.0 config may name: the layer classes of legacy_bn.keras02.layers."""
    known = {}
    for name in ('core', 'convolutional', 'recurrent', 'embeddings', 'noise', 'normalization',
                 'advanced_activations'):
        module = importlib.import_module('legacy_bn.keras02.layers.' + name)
        known.update((k, v) for k, v in vars(module).items()
                     if isinstance(v, type) and issubclass(v, numerics.SampleInputShape))
    return known


class Model020(Params, LossRules):
    """What 0.2.0's models did around the 0.3 ones: the fit loop's callbacks and the config
    (its Graph.fit ignored class_weight too: the 0.3 models' warning names 0.2.0)."""
    release = '0.2.0'
    _loop_callbacks = training.Model._loop_callbacks

    def get_config(self, verbose=0):
        config = training.Model.get_config(self, verbose=0)
        for entry in config.get('node_config', []) + config.get('output_config', []):
            entry.pop('dot_axes', None)          # 0.2.0's Graph merged without dot
        if verbose:
            training.Model.get_config(self, verbose)
        return config


class Sequential(Model020, models_03.Sequential):
    def compile(self, optimizer, loss, class_mode="categorical", theano_mode=None):
        """class_mode: 'categorical' (argmax accuracy) or 'binary' (rounded);
        theano_mode is kept in the config and otherwise ignored (legacy_bn.theano has one
        mode)."""
        check_class_mode(class_mode)
        super(Sequential, self).compile(optimizers.get(optimizer), loss, class_mode=class_mode)
        self.theano_mode = theano_mode

    # 0.2.0 returned the loss itself (0.3.3: a list [loss]); with accuracy, [loss, acc]
    def train_on_batch(self, X, y, accuracy=False, class_weight=None, sample_weight=None):
        outs = super(Sequential, self).train_on_batch(X, y, accuracy, class_weight,
                                                      sample_weight)
        return outs if accuracy else outs[0]

    def test_on_batch(self, X, y, accuracy=False, sample_weight=None):
        outs = super(Sequential, self).test_on_batch(X, y, accuracy, sample_weight)
        return outs if accuracy else outs[0]

    def predict_on_batch(self, X):
        """The prediction array itself, as 0.2.0's one-output function returned it (0.3.3:
        a one-element list)."""
        return super(Sequential, self).predict_on_batch(X)[0]


class Graph(Model020, models_03.Graph):
    def compile(self, optimizer, loss, theano_mode=None):
        super(Graph, self).compile(optimizers.get(optimizer), loss)
        self.theano_mode = theano_mode

    def get_config(self, verbose=0):
        config = super(Graph, self).get_config(verbose)
        config.pop('class_mode', None)           # 0.2.0's Graph had none
        return config

    def train_on_batch(self, data, class_weight={}, sample_weight={}):
        return super(Graph, self).train_on_batch(data, class_weight=class_weight,
                                                 sample_weight=sample_weight)[0]

    def test_on_batch(self, data, sample_weight={}):
        return super(Graph, self).test_on_batch(data, sample_weight=sample_weight)[0]

    def predict_on_batch(self, data):
        """A list of the outputs in output order, as 0.2.0's function returned them (0.3.3:
        a dict by output name)."""
        outputs = super(Graph, self).predict_on_batch(data)
        return [outputs[name] for name in self.output_order]


def model_from_config(config, custom_layers={}):
    model_name = config.get('name')
    if model_name not in ('Graph', 'Sequential'):
        raise ValueError('Unrecognized model: %r (a model config is named Sequential or Graph)'
                         % (model_name,))
    known = dict(layers_0_2_0(), **custom_layers)
    model = models_03.container_from_config(config, custom_objects=known)
    model.__class__ = Graph if model_name == 'Graph' else Sequential
    if 'optimizer' in config:
        optimizer_params = dict(config.get('optimizer'))
        optimizer = optimizers.get(optimizer_params.pop('name'), optimizer_params)
        if model_name == 'Sequential':
            model.compile(loss=config.get('loss'), optimizer=optimizer,
                          class_mode=config.get('class_mode', 'categorical'))
        else:
            model.compile(loss=config.get('loss'), optimizer=optimizer)
    return model


def model_from_json(json_string, custom_layers={}):
    import json
    return model_from_config(json.loads(json_string), custom_layers=custom_layers)


def model_from_yaml(yaml_string, custom_layers={}):
    from ..utils import yaml_utils
    return model_from_config(yaml_utils.load(yaml_string), custom_layers=custom_layers)
