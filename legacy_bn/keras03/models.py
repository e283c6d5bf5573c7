"""keras.models as of Keras 0.3.3: Sequential and Graph models on the 0.3 backend.

The loops over epochs and batches are legacy_bn.training's (shared with 4e1ec93's models);
what 0.3.3 does differently is here: its callbacks (BaseLogger writes the epoch means into
the logs, History records them, ProgbarLogger prints), the compiled functions taking one
list, the loss (weighted_objective below), sample weights (standardize_weights), the JSON
and YAML configs and the generator-fed training.
"""
import copy
import inspect
import queue
import threading
import time
import warnings

import numpy as np

from .. import training
from ..training import (  # noqa: F401  (0.3.3's keras.models exposes these names)
    batch_shuffle, get_function_name, make_batches, read_weights_file, slice_X, standardize_X,
    standardize_y, write_weights_file, write_weights_group)
from ..utils.generic_utils import get_from_module
from . import backend as K
from . import callbacks as cbks
from . import constraints, objectives, optimizers, regularizers
from . import layers as layers_module
from .layers import containers, wrappers


# -- the loss and its weights (0.3.3's rules) ----------------------------------------------
def weighted_objective(fn):
    """fn's per-sample (or per-timestep) scores, masked and weighted as 0.3.3 did:
    masked scores are zeroed and the rest divided by the mean of the mask; the scores
    are averaged down to the weights' ndim, multiplied by the weights and divided by the
    fraction of nonzero weights; the result is the mean."""
    def weighted(y_true, y_pred, weights, mask=None):
        score_array = fn(y_true, y_pred)
        if mask is not None:
            mask = K.cast(mask, K.floatx())
            score_array *= mask
            score_array /= K.mean(mask)
        ndim = K.ndim(score_array)
        weight_ndim = K.ndim(weights)
        score_array = K.mean(score_array, axis=list(range(weight_ndim, ndim)))
        if weights is not None:
            score_array *= weights
            score_array /= K.mean(K.cast(K.not_equal(weights, 0), K.floatx()))
        return K.mean(score_array)
    return weighted


def standardize_weights(y, sample_weight=None, class_weight=None, sample_weight_mode=None):
    """The weight array fed with y: sample_weight as given (checked), else the weights of
    y's classes, else ones; 1D per sample, or 2D (samples, timesteps) in 'temporal' mode."""
    if sample_weight_mode is not None:
        if sample_weight_mode != 'temporal':
            raise ValueError('sample_weight_mode should be None or "temporal", got %r'
                             % (sample_weight_mode,))
        if len(y.shape) < 3:
            raise ValueError('Timestep-wise sample weighting (sample_weight_mode="temporal") '
                             'is restricted to outputs that are at least 3D, i.e. that have '
                             'a time dimension; the targets have shape %s' % (y.shape,))
        if sample_weight is not None and len(sample_weight.shape) != 2:
            raise ValueError('In order to use timestep-wise sample weighting, you should pass '
                             'a 2D sample_weight array; got shape %s' % (sample_weight.shape,))
    elif sample_weight is not None and len(sample_weight.shape) != 1:
        raise ValueError('sample_weight has shape %s: sample-wise weights are a 1D array; '
                         'for timestep-wise weights specify sample_weight_mode="temporal" in '
                         'compile()' % (sample_weight.shape,))
    if sample_weight is not None:
        if y.shape[:len(sample_weight.shape)] != sample_weight.shape:
            raise ValueError('sample_weight of shape %s does not match the targets of shape %s'
                             % (sample_weight.shape, y.shape))
        return sample_weight
    if isinstance(class_weight, dict):
        if len(y.shape) > 2:
            raise ValueError('class_weight not supported for 3+ dimensional targets.')
        if y.shape[1] > 1:
            y_classes = y.argmax(axis=1)
        else:
            y_classes = np.reshape(y, y.shape[0])
        missing = [c for c in np.unique(y_classes) if c not in class_weight]
        if missing:
            raise ValueError('class_weight has no weight for class %r (its keys: %s)'
                             % (missing[0].item(), sorted(class_weight, key=str)))
        return np.asarray([class_weight[c] for c in y_classes])
    if sample_weight_mode is None:
        return np.ones((y.shape[0],))
    return np.ones((y.shape[0], y.shape[1]))


def check_sample_counts(arrays, what='All input arrays and the target array'):
    counts = [len(a) for a in arrays]
    if len(set(counts)) > 1:
        raise ValueError('%s must have the same number of samples; got %s'
                         % (what, ', '.join(map(str, counts))))


# -- configs ---------------------------------------------------------------------------------
def model_from_yaml(yaml_string, custom_objects={}):
    from ..utils import yaml_utils
    return model_from_config(yaml_utils.load(yaml_string), custom_objects=custom_objects)


def model_from_json(json_string, custom_objects={}):
    import json
    return model_from_config(json.loads(json_string), custom_objects=custom_objects)


def model_from_config(config, custom_objects={}):
    """A Sequential or Graph model from get_config()'s dict; compiled if the config holds
    an optimizer (0.3.3 recompiles with the saved loss, optimizer and weight modes)."""
    model_name = config.get('name')
    if model_name not in ('Graph', 'Sequential'):
        raise ValueError('Unrecognized model: %r (a model config is named Sequential or Graph)'
                         % (model_name,))
    model = container_from_config(config, custom_objects=custom_objects)
    model.__class__ = Graph if model_name == 'Graph' else Sequential
    if 'optimizer' in config:
        loss = config.get('loss')
        if model_name == 'Graph':
            loss = dict((k, custom_objects.get(v, v)) for k, v in loss.items())
        elif loss in custom_objects:
            loss = custom_objects[loss]
        optimizer_params = dict(config.get('optimizer'))
        optimizer = optimizers.get(optimizer_params.pop('name'), optimizer_params)
        if model_name == 'Sequential':
            model.compile(loss=loss, optimizer=optimizer, class_mode=config.get('class_mode'),
                          sample_weight_mode=config.get('sample_weight_mode'))
        else:
            model.compile(loss=loss, optimizer=optimizer,
                          sample_weight_modes=config.get('sample_weight_modes', {}),
                          loss_weights=config.get('loss_weights', {}))
    return model


def _penalty_or_constraint(value):
    """A config dict that names a constraint or regularizer class, as that object."""
    name = value.pop('name')
    for module in (constraints, regularizers):
        if name in [n for n, _ in inspect.getmembers(module, inspect.isclass)]:
            return module.get(name, value)
    value['name'] = name
    return value


def container_from_config(original_layer_dict, custom_objects={}):
    """A layer or container from its config (keras.utils.layer_utils in 0.3.3)."""
    layer_dict = copy.deepcopy(original_layer_dict)
    name = layer_dict.get('name')
    if name == 'Merge':
        layers = [container_from_config(c, custom_objects) for c in layer_dict.get('layers')]
        # a release sharing this (Keras 0.2.0) passes its own Merge, whose configs had no dot_axes
        merge = custom_objects.get('Merge', layers_module.Merge)
        extra = {'dot_axes': layer_dict['dot_axes']} if 'dot_axes' in layer_dict else {}
        return merge(layers, layer_dict.get('mode'), layer_dict.get('concat_axis'), **extra)
    if name == 'Sequential':
        return containers.Sequential([container_from_config(c, custom_objects)
                                      for c in layer_dict.get('layers')])
    if name == 'Graph':
        graph = containers.Graph()
        for input_config in layer_dict.get('input_config'):
            graph.add_input(**input_config)
        nodes = layer_dict.get('node_config')
        for node in nodes:
            node_layer = layer_dict['nodes'].get(node['name'])
            if node_layer['name'] == 'SiameseHead':
                continue        # made by its shared node's add_shared_node
            if node_layer['name'] == 'Siamese':
                # 0.3.3 failed here (it passed the Siamese config to add_node)
                heads = [n['name'] for n in nodes if n.get('inputs') == [node['name']] and
                         layer_dict['nodes'][n['name']]['name'] == 'SiameseHead']
                graph.add_shared_node(
                    container_from_config(node_layer['layer'], custom_objects), node['name'],
                    inputs=node['inputs'], merge_mode=node['merge_mode'],
                    concat_axis=node['concat_axis'], dot_axes=node['dot_axes'], outputs=heads)
                continue
            node['layer'] = container_from_config(node_layer, custom_objects)
            node['create_output'] = False       # the outputs are added below
            graph.add_node(**node)
        for output_config in layer_dict.get('output_config'):
            graph.add_output(**output_config)
        return graph
    if name == 'AutoEncoder':
        kwargs = {'encoder': container_from_config(layer_dict.get('encoder_config'),
                                                   custom_objects),
                  'decoder': container_from_config(layer_dict.get('decoder_config'),
                                                   custom_objects)}
        for kwarg in ('output_reconstruction', 'weights'):
            if kwarg in layer_dict:
                kwargs[kwarg] = layer_dict[kwarg]
        return layers_module.AutoEncoder(**kwargs)
    if name == 'TimeDistributed':
        child = container_from_config(layer_dict.pop('layer'), custom_objects)
        layer_dict.pop('name')
        if 'custom_name' in layer_dict:
            layer_dict['name'] = layer_dict.pop('custom_name')
        return wrappers.TimeDistributed(child, **layer_dict)
    layer_dict.pop('name')
    for k, v in list(layer_dict.items()):
        if isinstance(v, dict):
            layer_dict[k] = _penalty_or_constraint(v)
    # the `name` keyword of a layer is saved as custom_name
    if 'custom_name' in layer_dict:
        layer_dict['name'] = layer_dict.pop('custom_name')
    return get_from_module(name, layer_registry(custom_objects), 'layer', instantiate=True,
                           kwargs=layer_dict)


def layer_registry(custom_objects={}):
    """What a config may name: the layer classes of keras.layers, and custom_objects."""
    known = dict((name, obj) for module in (layers_module, wrappers)
                 for name, obj in vars(module).items()
                 if isinstance(obj, type) and issubclass(obj, layers_module.Layer))
    known.update(custom_objects)
    return known


def model_summary(model):
    """Print each layer's type, name, output shape and parameter count, and the total."""
    positions = [30, 60, 80]

    def display(objects):
        line = ''
        for obj, position in zip(objects, positions):
            line = (line + str(obj))[:position]
            line += ' ' * (position - len(line))
        print(line)

    def display_layer(layer, name):
        display(['%s (%s)' % (type(layer).__name__, name), layer.output_shape,
                 layer.count_params()])

    is_sequential = type(model).__name__ == 'Sequential'
    if is_sequential:
        print('-' * 80)
        print('Initial input shape: ' + str(model.input_shape))
    print('-' * 80)
    display(['Layer (name)', 'Output Shape', 'Param #'])
    print('-' * 80)
    param_count = 0
    if is_sequential:
        for layer in model.layers:
            display_layer(layer, getattr(layer, 'name', 'Unnamed'))
            param_count += layer.count_params()
    else:
        for name in model.input_order:
            display_layer(model.inputs[name], name)
        for name, layer in model.nodes.items():
            display_layer(layer, name)
            param_count += layer.count_params()
        for name in model.output_order:
            display_layer(model.outputs[name], name)
    print('-' * 80)
    print('Total params: %s' % param_count)
    print('-' * 80)


# -- generators --------------------------------------------------------------------------------
def generator_queue(generator, max_q_size=10, wait_time=0.05, nb_worker=1):
    """Worker threads that fill a queue from `generator`, and the event that stops them.
    An exception in the generator stops the workers and is kept as `stop.error` (0.3.3
    lost it and failed later on a None batch)."""
    q = queue.Queue()
    stop = threading.Event()
    stop.error = None
    lock = threading.Lock()

    def work():
        while not stop.is_set():
            if q.qsize() >= max_q_size:
                time.sleep(wait_time)
                continue
            try:
                with lock:      # a Python generator runs in one thread at a time
                    output = next(generator)
            except ValueError:
                continue
            except BaseException as e:
                stop.error = e
                stop.set()
                return
            q.put(output)

    for _ in range(nb_worker):
        thread = threading.Thread(target=work)
        thread.daemon = True
        thread.start()
    return q, stop


def next_from_queue(q, stop, wait_time=0.05):
    while True:
        if not q.empty():
            return q.get()
        if stop.is_set():
            if stop.error is not None:
                raise RuntimeError('the data generator failed: %r' % (stop.error,)) \
                    from stop.error
            raise RuntimeError('the data generator stopped')
        time.sleep(wait_time)


class Model(training.Model):
    """0.3.3's model base: the shared loops with 0.3.3's callbacks and function calls."""
    _functions_take_list = True
    release = '0.3.3'       # how messages name the release (a release sharing these changes it)
    # the loss rules, kept here so that a release sharing these models can swap them
    # (Keras 0.2.0: legacy_bn.keras02.numerics): where objectives are looked up, how their
    # scores are weighted and masked, and the weight arrays fed with the targets
    _objectives = objectives
    _weighting = staticmethod(weighted_objective)

    def _weights_placeholder(self, y_train, sample_weight_mode):
        return K.placeholder(ndim=2 if sample_weight_mode == 'temporal' else 1)

    def _standardize_weights(self, y, sample_weight=None, class_weight=None,
                             sample_weight_mode=None):
        return standardize_weights(y, sample_weight, class_weight, sample_weight_mode)

    def _loop_callbacks(self, verbose, callbacks):
        self.history = cbks.History()
        return self.history, [cbks.BaseLogger()] + list(callbacks) + \
            [self.history] + \
            ([cbks.ProgbarLogger()] if verbose else [])

    def _fit(self, f, ins, out_labels=[], batch_size=128, nb_epoch=100, verbose=1, callbacks=[],
             val_f=None, val_ins=None, shuffle=True, metrics=[]):
        self.training_data = ins
        self.validation_data = val_ins
        return super(Model, self)._fit(f, ins, out_labels, batch_size, nb_epoch, verbose,
                                       callbacks, val_f, val_ins, shuffle, metrics)

    def _fit_from_generator(self, generator, samples_per_epoch, nb_epoch, verbose, callbacks,
                            out_labels, metrics, train_batch, validate, nb_worker):
        """The shared loop over batches a generator yields; train_batch(output) -> (size,
        outs of one train_on_batch); an epoch ends once samples_per_epoch samples are seen."""
        data_queue, stop = generator_queue(generator, nb_worker=nb_worker)

        def epoch_batches(epoch):
            seen = 0
            while seen < samples_per_epoch:
                output = next_from_queue(data_queue, stop)
                size = self._generator_batch_size(output, stop)
                seen += size
                if seen > samples_per_epoch:
                    warnings.warn('Epoch contained too many samples which might affect '
                                  'learning results. Set "samples_per_epoch" correctly to '
                                  'avoid this warning.')
                yield size, output

        params = {'nb_epoch': nb_epoch, 'nb_sample': samples_per_epoch, 'verbose': verbose,
                  'do_validation': validate is not None, 'metrics': metrics}
        try:
            return self._run_epochs(train_batch, epoch_batches, validate, out_labels, nb_epoch,
                                    verbose, callbacks, params)
        finally:
            stop.set()

    def _evaluate_from_generator(self, generator, nb_samples, show_accuracy, evaluate_batch,
                                 nb_worker=1, wait_time=0.05, max_q_size=10):
        """Mean of evaluate_batch(output) over generator outputs covering nb_samples samples,
        weighted by their sizes."""
        q, stop = generator_queue(generator, max_q_size=max_q_size, wait_time=wait_time,
                                  nb_worker=nb_worker)
        done, all_outs, sizes = 0, [], []
        try:
            while done < nb_samples:
                output = next_from_queue(q, stop, wait_time)
                size = self._generator_batch_size(output, stop)
                all_outs.append(evaluate_batch(output))
                done += size
                sizes.append(size)
        finally:
            stop.set()
        if show_accuracy:
            return [np.average([o[i] for o in all_outs], weights=sizes)
                    for i in range(len(all_outs[0]))]
        return np.average(np.asarray(all_outs), weights=sizes)

    def get_config(self, verbose=0):
        config = super(training.Model, self).get_config()
        for p in ('sample_weight_mode', 'sample_weight_modes', 'loss_weights'):
            if hasattr(self, p):
                config[p] = getattr(self, p)
        if hasattr(self, 'optimizer'):
            config['optimizer'] = self.optimizer.get_config()
        if hasattr(self, 'loss'):
            if type(self.loss) == dict:
                config['loss'] = dict((k, get_function_name(v)) for k, v in self.loss.items())
            else:
                config['loss'] = get_function_name(self.loss)
        if verbose:
            import pprint
            pprint.PrettyPrinter(indent=4).pprint(config)
        return config

    def to_json(self, **kwargs):
        import json

        def json_type(obj):
            if isinstance(obj, (np.generic, np.ndarray)):
                return obj.tolist() if isinstance(obj, np.ndarray) else obj.item()
            if isinstance(obj, type):
                return obj.__name__
            raise TypeError('%r is not JSON serializable' % (obj,))
        return json.dumps(self.get_config(), default=json_type, **kwargs)

    def to_yaml(self, **kwargs):
        from ..utils import yaml_utils
        return yaml_utils.dump(self.get_config())

    def summary(self):
        model_summary(self)

    def _check_loaded(self, where, current, loaded):
        """Every loaded array must fit the weight it replaces, checked before any is set."""
        if len(current) != len(loaded):
            raise ValueError('%s: the file holds %d weight arrays, the model has %d'
                             % (where, len(loaded), len(current)))
        for k, (w, v) in enumerate(zip(current, loaded)):
            if np.shape(w) != np.shape(v):
                raise ValueError('%s: weight %d has shape %s in the file, %s in the model'
                                 % (where, k, np.shape(v), np.shape(w)))


def accuracy_of(y, y_train, y_test, class_mode):
    """(train, test) accuracy tensors: argmax agreement, or rounded binary agreement."""
    if class_mode == 'categorical':
        return tuple(K.mean(K.equal(K.argmax(y, axis=-1), K.argmax(out, axis=-1)))
                     for out in (y_train, y_test))
    return tuple(K.mean(K.equal(y, K.round(out))) for out in (y_train, y_test))


def warn_binary_with_categorical_xent(output_shape):
    warnings.warn('Your model output has shape %s (1-dimensional features), but you are using '
                  'the `categorical_crossentropy` loss. You almost certainly want to use '
                  '`binary_crossentropy` instead.' % (output_shape,))


class Sequential(Model, containers.Sequential):
    """A linear stack of layers, trained on arrays X (or a list of them) and y."""

    def compile(self, optimizer, loss, class_mode=None, sample_weight_mode=None, **kwargs):
        """class_mode is deprecated (set from the output shape); sample_weight_mode
        'temporal' takes (samples, timesteps) weights; kwargs go to K.function."""
        chosen_class_mode = class_mode
        self.optimizer = optimizers.get(optimizer)
        self.sample_weight_mode = sample_weight_mode
        self.loss = self._objectives.get(loss)
        weighted_loss = self._weighting(self.loss)

        self.X_train = self.get_input(train=True)
        self.X_test = self.get_input(train=False)
        self.y_train = self.get_output(train=True)
        self.y_test = self.get_output(train=False)
        self.y = K.placeholder(ndim=K.ndim(self.y_train))
        self.weights = self._weights_placeholder(self.y_train, sample_weight_mode)

        last = self.layers[-1]
        mask = last.get_output_mask() if hasattr(last, 'get_output_mask') else None
        train_loss = weighted_loss(self.y, self.y_train, self.weights, mask)
        test_loss = weighted_loss(self.y, self.y_test, self.weights, mask)

        self.class_mode = self._class_mode(chosen_class_mode)
        if self.class_mode == 'binary' and self.loss.__name__ == 'categorical_crossentropy':
            warn_binary_with_categorical_xent(self.output_shape)
        train_accuracy, test_accuracy = accuracy_of(self.y, self.y_train, self.y_test,
                                                    self.class_mode)
        for r in self.regularizers:
            train_loss = r(train_loss)
        updates = self.optimizer.get_updates(self.trainable_weights, self.constraints,
                                             train_loss)
        updates += self.updates

        if type(self.X_train) == list:
            predict_ins = self.X_test
        else:
            predict_ins = [self.X_test]
        train_ins = (self.X_train if type(self.X_train) == list else [self.X_train]) + \
            [self.y, self.weights]
        test_ins = predict_ins + [self.y, self.weights]
        self._train = K.function(train_ins, [train_loss], updates=updates, **kwargs)
        self._train_with_acc = K.function(train_ins, [train_loss, train_accuracy],
                                          updates=updates, **kwargs)
        self._predict = K.function(predict_ins, [self.y_test], updates=self.state_updates,
                                   **kwargs)
        self._test = K.function(test_ins, [test_loss], updates=self.state_updates, **kwargs)
        self._test_with_acc = K.function(test_ins, [test_loss, test_accuracy],
                                         updates=self.state_updates, **kwargs)

    def _class_mode(self, class_mode):
        """0.3.3 reads the class mode from the output shape; the argument is deprecated."""
        if class_mode is not None:
            warnings.warn('The "class_mode" argument is deprecated, please remove it from '
                          'your code.')
        return 'binary' if self.output_shape[-1] == 1 else 'categorical'

    def _require_compiled(self, where):
        if not hasattr(self, '_train'):
            raise RuntimeError('Sequential.%s: the model is not compiled; call '
                               'model.compile(optimizer, loss) first' % where)

    def _standardized(self, where, X, y, sample_weight, class_weight=None):
        """[X arrays] + [y, weights] as the compiled functions take them."""
        self._require_compiled(where)
        if type(X) == list:
            check_sample_counts(list(X) + [y])
        elif len(X) != len(y):
            raise ValueError('The input data tensor (X) and the target tensor (y) must have '
                             'the same number of samples. Found: len(X) = %d, len(y) = %d'
                             % (len(X), len(y)))
        if sample_weight is not None and len(sample_weight) != len(y):
            raise ValueError('"sample_weight" must have the same number of samples as X and '
                             'y; got %d and %d' % (len(sample_weight), len(y)))
        X = standardize_X(X)
        y = standardize_y(y)
        weights = self._standardize_weights(y, sample_weight=sample_weight,
                                            class_weight=class_weight,
                                      sample_weight_mode=self.sample_weight_mode)
        return X + [y, weights]

    def fit(self, X, y, batch_size=128, nb_epoch=100, verbose=1, callbacks=[],
            validation_split=0., validation_data=None, shuffle=True, show_accuracy=False,
            class_weight=None, sample_weight=None):
        ins = self._standardized('fit', X, y, sample_weight)  # the checks, before any split
        X, y = ins[:-2], ins[-2]
        val_f = val_ins = None
        if validation_data or validation_split:
            val_f = self._test_with_acc if show_accuracy else self._test
        if validation_data:
            if len(validation_data) not in (2, 3):
                raise ValueError('Invalid format for validation data; provide a tuple (X_val, '
                                 'y_val) or (X_val, y_val, sample_weight). X_val may be a numpy '
                                 'array or a list of numpy arrays depending on your model '
                                 'input.')
            X_val, y_val = validation_data[:2]
            weights_val = validation_data[2] if len(validation_data) == 3 else None
            val_ins = self._standardized('fit', X_val, y_val, weights_val)
        elif 0 < validation_split < 1:
            split_at = int(len(X[0]) * (1 - validation_split))
            X, X_val = slice_X(X, 0, split_at), slice_X(X, split_at)
            y, y_val = slice_X(y, 0, split_at), slice_X(y, split_at)
            weights_val = None
            if sample_weight is not None:
                sample_weight, weights_val = (slice_X(sample_weight, 0, split_at),
                                              slice_X(sample_weight, split_at))
            val_ins = X_val + [y_val, self._standardize_weights(
                y_val, sample_weight=weights_val, sample_weight_mode=self.sample_weight_mode)]
        f, out_labels = (self._train_with_acc, ['loss', 'acc']) if show_accuracy \
            else (self._train, ['loss'])
        weights = self._standardize_weights(y, class_weight=class_weight,
                                            sample_weight=sample_weight,
                                      sample_weight_mode=self.sample_weight_mode)
        return self._fit(f, X + [y, weights], out_labels=out_labels, batch_size=batch_size,
                         nb_epoch=nb_epoch, verbose=verbose, callbacks=callbacks, val_f=val_f,
                         val_ins=val_ins, shuffle=shuffle,
                         metrics=['loss', 'acc', 'val_loss', 'val_acc'])

    def predict(self, X, batch_size=128, verbose=0):
        self._require_compiled('predict')
        return self._predict_loop(self._predict, standardize_X(X), batch_size, verbose)[0]

    def predict_proba(self, X, batch_size=128, verbose=1):
        preds = self.predict(X, batch_size, verbose)
        if preds.min() < 0 or preds.max() > 1:
            warnings.warn('Network returning invalid probability values.')
        return preds

    def predict_classes(self, X, batch_size=128, verbose=1):
        proba = self.predict(X, batch_size=batch_size, verbose=verbose)
        if self.class_mode == 'categorical':
            return proba.argmax(axis=-1)
        return (proba > 0.5).astype('int32')

    def evaluate(self, X, y, batch_size=128, show_accuracy=False, verbose=1,
                 sample_weight=None):
        ins = self._standardized('evaluate', X, y, sample_weight)
        outs = self._test_loop(self._test_with_acc if show_accuracy else self._test, ins,
                               batch_size, verbose)
        return outs if show_accuracy else outs[0]

    def train_on_batch(self, X, y, accuracy=False, class_weight=None, sample_weight=None):
        ins = self._standardized('train_on_batch', X, y, sample_weight, class_weight)
        return (self._train_with_acc if accuracy else self._train)(ins)

    def test_on_batch(self, X, y, accuracy=False, sample_weight=None):
        ins = self._standardized('test_on_batch', X, y, sample_weight)
        return (self._test_with_acc if accuracy else self._test)(ins)

    def predict_on_batch(self, X):
        self._require_compiled('predict_on_batch')
        return self._predict(standardize_X(X))

    def save_weights(self, filepath, overwrite=False):
        """HDF5: attribute nb_layers, group layer_k per layer with nb_params and param_n."""
        def fill(f):
            f.attrs['nb_layers'] = len(self.layers)
            for k, layer in enumerate(self.layers):
                write_weights_group(f.create_group('layer_{}'.format(k)), layer.get_weights())
        write_weights_file(filepath, overwrite, fill)

    def load_weights(self, filepath):
        loaded = read_weights_file(filepath)
        where = 'load_weights(%r)' % (filepath,)
        if len(loaded) != len(self.layers):
            raise ValueError('%s: the file holds weights of %d layers, the model has %d'
                             % (where, len(loaded), len(self.layers)))
        for k, (layer, weights) in enumerate(zip(self.layers, loaded)):
            self._check_loaded('%s, layer %d (%s)' % (where, k, type(layer).__name__),
                               layer.get_weights(), weights)
        for layer, weights in zip(self.layers, loaded):
            layer.set_weights(weights)

    # -- generators ----------------------------------------------------------------------------
    def _check_generator_output(self, generator_output, stop):
        """(X list, y, sample weights) from a generator's (X, y) or (X, y, sample_weight)."""
        if not hasattr(generator_output, '__len__') or len(generator_output) not in (2, 3):
            stop.set()
            raise ValueError('The generator output must be a tuple (X, y) or (X, y, '
                             'sample_weight). Found: %r' % (type(generator_output),))
        X, y = generator_output[:2]
        sample_weight = generator_output[2] if len(generator_output) == 3 else None
        check_sample_counts((list(X) if type(X) == list else [X]) + [y] +
                            ([] if sample_weight is None else [sample_weight]))
        X = standardize_X(X)
        return X, y, self._standardize_weights(standardize_y(y), sample_weight=sample_weight,
                                         sample_weight_mode=self.sample_weight_mode)

    def _generator_batch_size(self, output, stop):
        return len(self._check_generator_output(output, stop)[0][0])

    def evaluate_generator(self, generator, val_samples, show_accuracy=False, verbose=1,
                           **kwargs):
        stop = threading.Event()

        def evaluate_batch(output):
            X, y, weights = self._check_generator_output(output, stop)
            return self.evaluate(X, y, batch_size=len(X[0]), sample_weight=weights,
                                 show_accuracy=show_accuracy, verbose=verbose)
        return self._evaluate_from_generator(generator, val_samples, show_accuracy,
                                             evaluate_batch, **kwargs)

    def fit_generator(self, generator, samples_per_epoch, nb_epoch, verbose=1,
                      show_accuracy=False, callbacks=[], validation_data=None,
                      nb_val_samples=None, class_weight=None, nb_worker=1, nb_val_worker=None):
        """Train on the (X, y[, sample_weight]) batches a generator yields (run ahead in
        nb_worker threads); validation_data: arrays, or a generator read for
        nb_val_samples samples after each epoch."""
        self._require_compiled('fit_generator')
        val_gen = hasattr(validation_data, '__next__')
        if val_gen and not nb_val_samples:
            raise ValueError('When using a generator for validation data, you must specify a '
                             'value for "nb_val_samples".')
        nb_val_worker = nb_worker if nb_val_worker is None else nb_val_worker
        out_labels = ['loss', 'acc'] if show_accuracy else ['loss']
        stop = threading.Event()
        validate = None
        self.validation_data = None
        if validation_data and val_gen:
            def validate():
                return self.evaluate_generator(validation_data, nb_val_samples,
                                               show_accuracy=show_accuracy, verbose=0,
                                               nb_worker=nb_val_worker)
        elif validation_data:
            X_val, y_val, weights_val = self._check_generator_output(validation_data, stop)
            self.validation_data = X_val + [y_val, weights_val]

            def validate():
                return self.evaluate(X_val, y_val, show_accuracy=show_accuracy,
                                     sample_weight=weights_val, verbose=0)

        def train_batch(output):
            X, y, weights = self._check_generator_output(output, stop)
            return self.train_on_batch(X, y, accuracy=show_accuracy, sample_weight=weights,
                                       class_weight=class_weight)
        return self._fit_from_generator(generator, samples_per_epoch, nb_epoch, verbose,
                                        callbacks, out_labels,
                                        ['loss', 'acc', 'val_loss', 'val_acc'], train_batch,
                                        validate, nb_worker)


class Graph(Model, containers.Graph):
    """Named inputs and outputs, each output with its own loss; the sum is minimized.
    Data are dictionaries from input and output names to arrays."""

    def compile(self, optimizer, loss, sample_weight_modes={}, loss_weights={}, **kwargs):
        """loss: {output name: objective}; sample_weight_modes: {output name: 'temporal'};
        loss_weights: {output name: coefficient (default 1)}; kwargs go to K.function."""
        if type(loss) is not dict:
            raise TypeError('Graph.compile: the "loss" argument should be a dictionary '
                            '{output name: objective}, got %r' % (loss,))
        if type(sample_weight_modes) is not dict:
            raise TypeError('Graph.compile: the "sample_weight_modes" argument should be a '
                            'dictionary, got %r' % (sample_weight_modes,))
        missing = [name for name in self.output_order if name not in loss]
        if missing:
            raise ValueError('Graph.compile: no loss for output %r (loss has %s)'
                             % (missing[0], sorted(loss)))
        self.sample_weight_modes = sample_weight_modes
        self.loss_weights = loss_weights
        ys, ys_train, ys_test, weights = [], [], [], []
        train_loss = test_loss = 0.
        for output_name in self.output_order:
            output = self.outputs[output_name]
            y_train = output.get_output(True)
            y_test = output.get_output(False)
            y = K.placeholder(ndim=K.ndim(y_train))
            ys.append(y)
            ys_train.append(y_train)
            ys_test.append(y_test)
            mask = output.get_output_mask() if hasattr(output, 'get_output_mask') else None
            weight = self._weights_placeholder(y_train, sample_weight_modes.get(output_name))
            weights.append(weight)
            weighted_loss = self._weighting(self._objectives.get(loss[output_name]))
            coefficient = loss_weights.get(output_name, 1.)
            train_loss += coefficient * weighted_loss(y, y_train, weight, mask)
            test_loss += coefficient * weighted_loss(y, y_test, weight, mask)

        self.class_mode = None
        if len(self.output_order) == 1:
            output_shape = self.outputs[self.output_order[0]].output_shape
            self.class_mode = 'binary' if output_shape[-1] == 1 else 'categorical'
            loss_type = loss[self.output_order[0]]
            if self.class_mode == 'binary' and 'categorical_crossentropy' in (
                    loss_type, getattr(loss_type, '__name__', None)):
                warn_binary_with_categorical_xent(self.output_shape)
            train_accuracy, test_accuracy = accuracy_of(ys[0], ys_train[0], ys_test[0],
                                                        self.class_mode)
        ins = [self.inputs[name].input for name in self.input_order]
        train_ins = test_ins = ins + ys + weights
        for r in self.regularizers:
            train_loss = r(train_loss)
        self.optimizer = optimizers.get(optimizer)
        updates = self.optimizer.get_updates(self.trainable_weights, self.constraints,
                                             train_loss)
        updates += self.updates
        self.loss = loss
        self._train = K.function(train_ins, [train_loss], updates=updates, **kwargs)
        if self.class_mode:
            self._train_with_acc = K.function(train_ins, [train_loss, train_accuracy],
                                              updates=updates, **kwargs)
        self._test = K.function(test_ins, [test_loss], updates=self.state_updates, **kwargs)
        if self.class_mode:
            self._test_with_acc = K.function(test_ins, [test_loss, test_accuracy],
                                             updates=self.state_updates, **kwargs)
        self._predict = K.function(inputs=ins, outputs=ys_test, updates=self.state_updates,
                                   **kwargs)

    def _one_output_only(self, argument):
        if len(self.output_order) != 1:
            raise ValueError('In a Graph model, "%s" can only be used if your Graph has '
                             'exactly one output (it has %d: %s). Otherwise accuracy is '
                             'ill-defined.' % (argument, len(self.output_order),
                                               ', '.join(self.output_order)))

    def _arrays(self, where, data, names):
        if not hasattr(self, '_train'):
            raise RuntimeError('Graph.%s: the model is not compiled; call model.compile('
                               'optimizer, loss) first' % where)
        missing = [name for name in names if name not in data]
        if missing:
            raise KeyError('Graph.%s: data has no array for %r (data has %s)'
                           % (where, missing[0], sorted(data)))
        return [data[name] for name in names]

    def _standardized(self, where, data, sample_weight, class_weight={}):
        """[inputs] + [targets] + [weights], in input and output order, checked."""
        X = self._arrays(where, data, self.input_order)
        y = [standardize_y(a) for a in self._arrays(where, data, self.output_order)]
        weights = [self._standardize_weights(y[i], sample_weight=sample_weight.get(name),
                                       class_weight=class_weight.get(name),
                                       sample_weight_mode=self.sample_weight_modes.get(name))
                   for i, name in enumerate(self.output_order)]
        ins = X + y + weights
        check_sample_counts(ins, 'All input arrays and target arrays')
        return ins

    def fit(self, data, batch_size=128, nb_epoch=100, verbose=1, callbacks=[],
            validation_split=0., validation_data=None, shuffle=True, show_accuracy=False,
            class_weight={}, sample_weight={}):
        if show_accuracy:
            self._one_output_only('show_accuracy')
        ins = self._standardized('fit', data, sample_weight)     # the checks, then 0.3.3's order
        n_in, n_out = len(self.input_order), len(self.output_order)
        X, y = ins[:n_in], ins[n_in:n_in + n_out]
        weights = ins[n_in + n_out:]
        val_f = val_ins = None
        if validation_data or validation_split:
            val_f = self._test
        if validation_data:
            # 0.3.3: no sample weights with validation data
            val_ins = self._standardized('fit', validation_data, {})
        elif 0 < validation_split < 1:
            split_at = int(len(X[0]) * (1 - validation_split))
            X, X_val = slice_X(X, 0, split_at), slice_X(X, split_at)
            y, y_val = slice_X(y, 0, split_at), slice_X(y, split_at)
            weights, weights_val = slice_X(weights, 0, split_at), slice_X(weights, split_at)
            val_ins = X_val + y_val + weights_val
        if self.class_mode and show_accuracy:
            f, out_labels = self._train_with_acc, ['loss', 'acc']
            metrics = ['loss', 'acc', 'val_loss', 'val_acc']
        else:
            f, out_labels, metrics = self._train, ['loss'], ['loss', 'val_loss']
        if class_weight:
            # 0.3.3 computed the weights before looking at class_weight, so it never applied
            warnings.warn('Graph.fit: class_weight has no effect in Keras %s (its Graph.fit '
                          'ignored it); pass sample_weight={output name: weights} instead'
                          % self.release, RuntimeWarning)
        return self._fit(f, X + y + weights, out_labels=out_labels, batch_size=batch_size,
                         nb_epoch=nb_epoch, verbose=verbose, callbacks=callbacks, val_f=val_f,
                         val_ins=val_ins, shuffle=shuffle, metrics=metrics)

    def evaluate(self, data, batch_size=128, show_accuracy=False, verbose=0, sample_weight={}):
        ins = self._standardized('evaluate', data, sample_weight)
        if show_accuracy:
            self._one_output_only('show_accuracy')
        outs = self._test_loop(self._test_with_acc if show_accuracy else self._test, ins,
                               batch_size, verbose)
        return outs if show_accuracy else outs[0]

    def predict(self, data, batch_size=128, verbose=0):
        ins = self._arrays('predict', data, self.input_order)
        check_sample_counts(ins, 'All input arrays')
        return dict(zip(self.output_order,
                        self._predict_loop(self._predict, ins, batch_size, verbose)))

    def train_on_batch(self, data, accuracy=False, class_weight={}, sample_weight={}):
        ins = self._standardized('train_on_batch', data, sample_weight, class_weight)
        if accuracy:
            self._one_output_only('accuracy')
            return self._train_with_acc(ins)
        return self._train(ins)

    def test_on_batch(self, data, accuracy=False, sample_weight={}):
        ins = self._standardized('test_on_batch', data, sample_weight)
        if accuracy:
            self._one_output_only('accuracy')
            return self._test_with_acc(ins)
        return self._test(ins)

    def predict_on_batch(self, data):
        ins = self._arrays('predict_on_batch', data, self.input_order)
        check_sample_counts(ins, 'All input arrays')
        return dict(zip(self.output_order, self._predict(ins)))

    def save_weights(self, filepath, overwrite=False):
        """HDF5: group graph with nb_params and param_n (the weights of all nodes in order)."""
        write_weights_file(filepath, overwrite,
                           lambda f: write_weights_group(f.create_group('graph'),
                                                         self.get_weights()))

    def load_weights(self, filepath):
        loaded = read_weights_file(filepath, graph=True)
        self._check_loaded('load_weights(%r)' % (filepath,), self.get_weights(), loaded)
        self.set_weights(loaded)

    # -- generators ----------------------------------------------------------------------------
    def _check_generator_output(self, generator_output, stop):
        """(data, {output name: weights}) from a generator's data dict or (data, sample_weight)."""
        if type(generator_output) in (list, tuple) and len(generator_output) == 2:
            data, sample_weight = generator_output
        elif type(generator_output) == dict:
            data, sample_weight = generator_output, {}
        else:
            stop.set()
            raise ValueError('The generator output must be a data dictionary or a tuple '
                             '(data, sample_weight) of dictionaries. Found: %r'
                             % (type(generator_output),))
        if type(data) != dict or type(sample_weight) != dict:
            stop.set()
            raise ValueError('The generator output must be dictionaries (data, sample_weight)')
        check_sample_counts([data[k] for k in data] + [sample_weight[k] for k in sample_weight],
                            'All input arrays and target arrays')
        return data, dict((name, self._standardize_weights(
            data[name], sample_weight=sample_weight.get(name),
            sample_weight_mode=self.sample_weight_modes.get(name))) for name in self.output_order)

    def _generator_batch_size(self, output, stop):
        data = self._check_generator_output(output, stop)[0]
        return len(data[next(iter(data))])

    def evaluate_generator(self, generator, nb_val_samples, show_accuracy=False, verbose=1,
                           **kwargs):
        if show_accuracy:
            self._one_output_only('show_accuracy')
        stop = threading.Event()

        def evaluate_batch(output):
            data, weights = self._check_generator_output(output, stop)
            return self.evaluate(data, batch_size=len(data[next(iter(data))]),
                                 sample_weight=weights, show_accuracy=show_accuracy,
                                 verbose=verbose)
        return self._evaluate_from_generator(generator, nb_val_samples, show_accuracy,
                                             evaluate_batch, **kwargs)

    def fit_generator(self, generator, samples_per_epoch, nb_epoch, verbose=1,
                      show_accuracy=False, callbacks=[], validation_data=None,
                      nb_val_samples=None, class_weight={}, nb_worker=1, nb_val_worker=None):
        """Train on the data dictionaries (or (data, sample_weight) tuples) a generator
        yields; validation_data: a dictionary, or a generator read for nb_val_samples."""
        val_gen = hasattr(validation_data, '__next__')
        if val_gen and not nb_val_samples:
            raise ValueError('When using a generator for validation data, you must specify a '
                             'value for "nb_val_samples".')
        nb_val_worker = nb_worker if nb_val_worker is None else nb_val_worker
        if show_accuracy:
            self._one_output_only('show_accuracy')
            out_labels, metrics = ['loss', 'acc'], ['loss', 'acc', 'val_loss', 'val_acc']
        else:
            out_labels, metrics = ['loss'], ['loss', 'val_loss']
        class_weight = class_weight or {}
        stop = threading.Event()
        validate = None
        self.validation_data = None
        if validation_data and val_gen:
            def validate():
                return self.evaluate_generator(validation_data, nb_val_samples, verbose=0,
                                               show_accuracy=show_accuracy,
                                               nb_worker=nb_val_worker)
        elif validation_data:
            data_val, weights_val = self._check_generator_output(validation_data, stop)
            self.validation_data = [data_val[name] for name in self.input_order] + \
                [standardize_y(data_val[name]) for name in self.output_order] + \
                [weights_val[name] for name in self.output_order]

            def validate():
                return self.evaluate(data_val, sample_weight=weights_val,
                                     show_accuracy=show_accuracy, verbose=0)

        def train_batch(output):
            data, weights = self._check_generator_output(output, stop)
            return self.train_on_batch(data, sample_weight=weights, class_weight=class_weight,
                                       accuracy=show_accuracy)
        return self._fit_from_generator(generator, samples_per_epoch, nb_epoch, verbose,
                                        callbacks, out_labels, metrics, train_batch, validate,
                                        nb_worker)
