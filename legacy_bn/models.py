"""keras.models: Sequential with compile/fit/evaluate/predict, weights I/O and JSON."""
import functools
import json
import warnings

import numpy as np

from . import objectives, optimizers
from . import theano
from . import validation
from .layers import containers
from .layers.core import Activation, Dropout
from .theano import tensor as T
from .utils.theano_utils import ndim_tensor
from .training import (  # noqa: F401  (2015 keras.models exposes all these names)
    Model, standardize_y, standardize_X, batch_shuffle, make_batches, slice_X, weighted_objective,
    standardize_weights, get_function_name, import_h5py, write_weights_file, write_weights_group,
    read_weights_file)



def refuse_non_finite_loss(outputs):
    """before_commit of the training functions: a NaN or inf loss (outputs[0], one scalar)
    stops the step before any weight changes; 2015 went on training NaN weights."""
    loss = outputs[0]
    if not np.isfinite(loss):
        raise FloatingPointError('the training loss is %s; no weight was changed (lower the '
                                 'learning rate, or look for extreme values in the data)'
                                 % float(loss))


def refused_as(train_function, where, ins):
    try:
        return train_function(*ins)
    except FloatingPointError as e:
        raise FloatingPointError('%s: %s' % (where, e)) from None


def guarded(train_function):
    train_function.before_commit = refuse_non_finite_loss
    return train_function


def _all_or_nothing(method):
    """A model method that either completes or leaves the model's attributes as they were:
    a compile that failed half-way replaced `optimizer` and `loss` while the previously
    compiled functions went on training with the old ones."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        saved = dict(vars(self))
        try:
            return method(self, *args, **kwargs)
        except BaseException:
            vars(self).clear()
            vars(self).update(saved)
            raise
    return wrapper

class Sequential(Model, containers.Sequential):
    """A linear stack of layers, trained as in Keras 0.1:

        model = Sequential()
        model.add(Dense(784, 256))
        model.add(BatchNormalization((256,)))
        model.add(Activation('relu'))
        model.add(Dense(256, 10))
        model.add(Activation('softmax'))
        model.compile(loss='categorical_crossentropy', optimizer=SGD(lr=0.01))
        history = model.fit(X_train, Y_train, batch_size=128, nb_epoch=10)
        loss, acc = model.evaluate(X_test, Y_test, show_accuracy=True)

    `add(layer)` connects a layer to the previous one (a failed add changes nothing);
    `compile` builds the training, test and predict functions; then `fit`, `evaluate`,
    `predict` (and `train_on_batch`, `test_on_batch`, `predict_on_batch` for one batch),
    `get_weights`/`set_weights`, `save_weights`/`load_weights` (HDF5) and `to_json`.
    """

    @_all_or_nothing
    def compile(self, optimizer, loss, class_mode="categorical", theano_mode=None):
        """Build the model's compiled functions; call it after the last `add`.

        optimizer: an optimizer object (`SGD(lr=0.01, momentum=0.9)`) or its name ('sgd',
            'rmsprop', 'adagrad', 'adadelta', 'adam') for the defaults.
        loss: an objective's name ('categorical_crossentropy', 'mse', ...) or a function
            f(y_true, y_pred) of symbolic tensors returning the loss per sample.
        class_mode: "categorical" (accuracy compares argmaxes) or "binary" (accuracy
            compares rounded outputs); used by show_accuracy and predict_classes.
        theano_mode: accepted for 2015 scripts (Theano's compilation mode); no effect.

        Consecutive layers whose sizes are known and disagree are named here (ValueError).
        """
        if not self.layers:
            raise ValueError('Sequential.compile: the model has no layers (add them first)')
        validation.check_layer_sizes('compile', self.layers)
        self.optimizer = optimizers.get(optimizer)
        self.loss = objectives.get(loss)
        weighted_loss = weighted_objective(self.loss)

        self.X_train = self.get_input(train=True)
        self.X_test = self.get_input(train=False)
        self.y_train = self.get_output(train=True)
        self.y_test = self.get_output(train=False)

        # targets and sample weights: inputs of the same rank as the output
        self.y = ndim_tensor(self.y_train.ndim)
        self.y.name = 'y'
        self.weights = ndim_tensor(self.y_train.ndim)
        self.weights.name = 'sample_weight'

        mask = self.layers[-1].get_output_mask()
        train_loss = weighted_loss(self.y, self.y_train, self.weights, mask)
        test_loss = weighted_loss(self.y, self.y_test, self.weights, mask)
        train_loss.name = 'train_loss'
        test_loss.name = 'test_loss'

        if class_mode == "categorical":
            train_accuracy = T.mean(T.eq(T.argmax(self.y, axis=-1), T.argmax(self.y_train, axis=-1)))
            test_accuracy = T.mean(T.eq(T.argmax(self.y, axis=-1), T.argmax(self.y_test, axis=-1)))
        elif class_mode == "binary":
            train_accuracy = T.mean(T.eq(self.y, T.round(self.y_train)))
            test_accuracy = T.mean(T.eq(self.y, T.round(self.y_test)))
        else:
            raise ValueError('compile: class_mode must be "categorical" or "binary", got %r'
                             % (class_mode,))
        self.class_mode = class_mode
        self.theano_mode = theano_mode

        for r in self.regularizers:
            train_loss = r(train_loss)
        updates = self.optimizer.get_updates(self.params, self.constraints, train_loss)
        updates += self.updates

        # a Merge first takes several inputs: one array each
        X_train = self.X_train if type(self.X_train) == list else [self.X_train]
        X_test = self.X_test if type(self.X_test) == list else [self.X_test]
        train_ins = X_train + [self.y, self.weights]
        test_ins = X_test + [self.y, self.weights]
        predict_ins = X_test

        self._train = guarded(theano.function(train_ins, train_loss, updates=updates,
                                              allow_input_downcast=True, mode=theano_mode))
        self._train_with_acc = guarded(theano.function(
            train_ins, [train_loss, train_accuracy], updates=updates, allow_input_downcast=True,
            mode=theano_mode))
        self._predict = theano.function(predict_ins, self.y_test,
                                        allow_input_downcast=True, mode=theano_mode)
        self._test = theano.function(test_ins, test_loss,
                                     allow_input_downcast=True, mode=theano_mode)
        self._test_with_acc = theano.function(test_ins, [test_loss, test_accuracy],
                                              allow_input_downcast=True, mode=theano_mode)

    # -- checks that make bad data fail before any weight changes --------------------
    def _check_data(self, where, X, y=None, sample_weight=None, allow_empty=False):
        if not hasattr(self, '_train'):
            raise RuntimeError('%s: compile the model first' % where)
        X = [np.asarray(x) for x in X]
        for k, x in enumerate(X):
            validation.check_array(where, 'X' if len(X) == 1 else 'X[%d]' % k, x)
        if y is not None:
            validation.check_array(where, 'y', y)
        n = len(X[0])
        if not allow_empty:
            validation.check_not_empty(where, X[0])
        first, expected = self._input_sample_shape()
        inputs = self.X_test if type(self.X_test) == list else [self.X_test]
        if len(X) != len(inputs):
            raise ValueError('%s: the model takes %d input array%s (%s), got %d'
                             % (where, len(inputs), 's' if len(inputs) > 1 else '',
                                self.layers[0].label(), len(X)))
        for k, (x, var) in enumerate(zip(X, inputs)):
            which = 'X' if len(X) == 1 else 'X[%d]' % k
            if x.ndim != var.ndim:
                raise ValueError('%s: the first layer (%s) expects input with %d dimensions '
                                 '(batch axis included), got %s of shape %s'
                                 % (where, self.layers[0].label(), var.ndim, which, x.shape))
            if len(x) != n:
                raise ValueError('%s: X[0] has %d samples but %s has %d' % (where, n, which, len(x)))
        if expected is not None and not _shape_matches(X[0].shape[1:], expected):
            position = 'the first layer' if first is self.layers[0] else \
                'layer %d' % self.layers.index(first)
            raise ValueError('%s: %s (%s) expects samples of shape %s, got X of shape %s'
                             % (where, position, first.label(), expected, X[0].shape))
        if y is not None:
            if len(y) != n:
                raise ValueError('%s: X has %d samples but y has %d' % (where, n, len(y)))
            if y.ndim != self.y.ndim:
                raise ValueError('%s: the model output has %d dimensions, got y of shape %s'
                                 % (where, self.y.ndim, y.shape))
            out = self.layers[-1].output_shape
            if out is not None and not _shape_matches(y.shape[1:], out):
                raise ValueError('%s: the last layer (%s) outputs samples of shape %s, got y of '
                                 'shape %s' % (where, self.layers[-1].label(), tuple(out), y.shape))
        check_input = getattr(self.layers[0], 'check_input_data', None)
        if check_input is not None:
            check_input(X[0], where)
        if sample_weight is not None and len(sample_weight) != n:
            raise ValueError('%s: X has %d samples but sample_weight has %d'
                             % (where, n, len(sample_weight)))
        return X

    def _input_sample_shape(self):
        """(layer, sample shape) of the first layer that knows its input size, looking
        through leading layers that keep the shape (Activation, Dropout)."""
        for layer in self.layers:
            shape = getattr(layer, 'input_shape', None)
            if shape is not None:
                return layer, tuple(shape)
            if not isinstance(layer, (Activation, Dropout)):
                break
        return self.layers[0], None

    def train_on_batch(self, X, y, accuracy=False, class_weight=None, sample_weight=None):
        """One step on this batch; NaN/inf in the data, or a step whose loss is not finite,
        is an error (ValueError / FloatingPointError) and leaves every weight unchanged."""
        y = standardize_y(y)
        X = self._check_data('train_on_batch', standardize_X(X), y, sample_weight)
        validation.check_finite('train_on_batch', validation.named_arrays(X, y, sample_weight))
        sample_weight = standardize_weights(y, class_weight=class_weight, sample_weight=sample_weight)
        ins = X + [y, sample_weight]
        return refused_as(self._train_with_acc if accuracy else self._train, 'train_on_batch', ins)

    def test_on_batch(self, X, y, accuracy=False, sample_weight=None):
        y = standardize_y(y)
        X = self._check_data('test_on_batch', standardize_X(X), y, sample_weight)
        validation.check_finite('test_on_batch', validation.named_arrays(X, y, sample_weight))
        sample_weight = standardize_weights(y, sample_weight=sample_weight)
        ins = X + [y, sample_weight]
        return self._test_with_acc(*ins) if accuracy else self._test(*ins)

    def predict_on_batch(self, X):
        return self._predict(*self._check_data('predict_on_batch', standardize_X(X), allow_empty=True))

    def fit(self, X, y, batch_size=128, nb_epoch=100, verbose=1, callbacks=[],
            validation_split=0., validation_data=None, shuffle=True, show_accuracy=False,
            class_weight=None, sample_weight=None):
        """Train for nb_epoch epochs of mini-batch steps; returns a History callback
        whose `history` maps 'loss' (and 'acc', 'val_loss', 'val_acc') to per-epoch lists.

        X: array of samples (batch axis first); y: targets, e.g. one-hot rows
            (np_utils.to_categorical).
        batch_size (int >= 1): samples per step; the last batch of an epoch may be smaller.
        nb_epoch (int >= 0): passes over the data.
        verbose: 0 silent, 1 a progress bar per epoch (one line per epoch when stdout is
            not a terminal), 2 one line per epoch.
        callbacks: Callback objects (EarlyStopping, ModelCheckpoint, ...).
        validation_split (in [0, 1)): the fraction of the samples, taken from the end before
            shuffling, held out and evaluated after each epoch.
        validation_data: (X_val, y_val) or (X_val, y_val, sample_weight_val) to evaluate
            after each epoch instead.
        shuffle: True reshuffles the samples every epoch (np.random), 'batch' shuffles
            whole batches, False keeps the order.
        show_accuracy: also report accuracy ('acc', 'val_acc').
        class_weight: {class: weight} for every class in y, scaling each sample's loss.
        sample_weight: one weight per sample (0 leaves a sample out of the loss).

        Bad arguments, data of the wrong shape, and NaN or inf in the data are reported
        (ValueError) before the first step; a step whose loss would be NaN or inf stops the
        fit (FloatingPointError naming the epoch and batch) with the weights as they were
        after the last finite step.
        """
        validation.check_fit_arguments(batch_size, nb_epoch, validation_split)
        y = standardize_y(y)
        X = self._check_data('fit', standardize_X(X), y, sample_weight)
        validation.check_finite('fit', validation.named_arrays(X, y, sample_weight))

        val_f = val_ins = None
        if validation_data or validation_split:
            val_f = self._test_with_acc if show_accuracy else self._test
        if validation_data:
            if len(validation_data) == 2:
                X_val, y_val = validation_data
                y_val = standardize_y(y_val)
                sample_weight_val = np.ones(y_val.shape[:-1] + (1,))
            elif len(validation_data) == 3:
                X_val, y_val, sample_weight_val = validation_data
                y_val = standardize_y(y_val)
                sample_weight_val = standardize_weights(y_val, sample_weight=sample_weight_val)
            else:
                raise ValueError('fit: validation_data must be (X_val, y_val) or '
                                 '(X_val, y_val, sample_weight), got %d items' % len(validation_data))
            X_val = self._check_data('fit (validation_data)', standardize_X(X_val), y_val)
            validation.check_finite('fit (validation_data)',
                                    validation.named_arrays(X_val, y_val, sample_weight_val))
            val_ins = X_val + [y_val, sample_weight_val]
        elif 0 < validation_split < 1:
            split_at = validation.split_point(len(X[0]), validation_split)
            X, X_val = (slice_X(X, 0, split_at), slice_X(X, split_at))
            y, y_val = (slice_X(y, 0, split_at), slice_X(y, split_at))
            if sample_weight is not None:
                sample_weight, sample_weight_val = (slice_X(sample_weight, 0, split_at),
                                                    slice_X(sample_weight, split_at))
                sample_weight_val = standardize_weights(y_val, sample_weight=sample_weight_val)
            else:
                sample_weight_val = np.ones(y_val.shape[:-1] + (1,))
            val_ins = X_val + [y_val, sample_weight_val]

        if show_accuracy:
            f, out_labels = self._train_with_acc, ['loss', 'acc']
        else:
            f, out_labels = self._train, ['loss']
        sample_weight = standardize_weights(y, class_weight=class_weight, sample_weight=sample_weight)
        ins = X + [y, sample_weight]
        metrics = ['loss', 'acc', 'val_loss', 'val_acc']
        return self._fit(f, ins, out_labels=out_labels, batch_size=batch_size, nb_epoch=nb_epoch,
                         verbose=verbose, callbacks=callbacks, val_f=val_f, val_ins=val_ins,
                         shuffle=shuffle, metrics=metrics)

    def predict(self, X, batch_size=128, verbose=0):
        """The model's test-time output for every sample of X, as one float64 array (the
        first axis is the sample; 0 samples give an empty array). batch_size: samples per
        call; verbose=1 shows progress."""
        validation.check_batch_size('predict', batch_size)
        X = self._check_data('predict', standardize_X(X), allow_empty=True)
        return self._predict_loop(self._predict, X, batch_size, verbose)[0]

    def predict_proba(self, X, batch_size=128, verbose=1):
        preds = self.predict(X, batch_size, verbose)
        if preds.size and (preds.min() < 0 or preds.max() > 1):
            warnings.warn("Network returning invalid probability values.")
        return preds

    def predict_classes(self, X, batch_size=128, verbose=1):
        proba = self.predict(X, batch_size=batch_size, verbose=verbose)
        if self.class_mode == "categorical":
            return proba.argmax(axis=-1)
        return (proba > 0.5).astype('int32')

    def evaluate(self, X, y, batch_size=128, show_accuracy=False, verbose=1, sample_weight=None):
        """The test-time loss over all of X, y (the mean of the batches' losses weighted by
        their sizes) as a Python float; with show_accuracy, [loss, accuracy].
        batch_size: samples per call; verbose=1 shows progress; sample_weight: one weight
        per sample, as in fit."""
        validation.check_batch_size('evaluate', batch_size)
        y = standardize_y(y)
        X = self._check_data('evaluate', standardize_X(X), y, sample_weight)
        validation.check_finite('evaluate', validation.named_arrays(X, y, sample_weight))
        sample_weight = standardize_weights(y, sample_weight=sample_weight)
        ins = X + [y, sample_weight]
        f = self._test_with_acc if show_accuracy else self._test
        outs = self._test_loop(f, ins, batch_size, verbose)
        return outs if show_accuracy else outs[0]

    # -- weights files (the 2015 HDF5 layout) -----------------------------------------
    def save_weights(self, filepath, overwrite=False):
        """HDF5: root attr nb_layers; groups layer_{k} with attr nb_params and datasets
        param_{n} (written atomically: see write_weights_file)."""
        def fill(f):
            f.attrs['nb_layers'] = len(self.layers)
            for k, layer in enumerate(self.layers):
                write_weights_group(f.create_group('layer_{}'.format(k)), layer.get_weights())
        write_weights_file(filepath, overwrite, fill)

    def load_weights(self, filepath):
        """Read every layer's arrays and check them all before setting any."""
        per_file = read_weights_file(filepath)
        if len(per_file) != len(self.layers):
            raise ValueError('load_weights(%s): the file has %d layers, the model has %d'
                             % (filepath, len(per_file), len(self.layers)))
        per_layer = []
        for k, (layer, weights) in enumerate(zip(self.layers, per_file)):
            try:
                per_layer.append((layer, layer.check_weights(weights)))
            except ValueError as e:
                raise ValueError('load_weights(%s): layer %d: %s' % (filepath, k, e))
        for layer, weights in per_layer:
            layer.set_weights(weights)


class Graph(Model, containers.Graph):
    """A containers.Graph with compile/fit/evaluate/predict. Data is a dict keyed by input
    and output names; `loss`, `sample_weight` and `class_weight` are dicts keyed by output
    names. The loss is the sum of every output's weighted loss."""

    @_all_or_nothing
    def compile(self, optimizer, loss, theano_mode=None):
        loss = self._per_output('compile', 'loss', loss, required=True)
        if not self.outputs:
            raise ValueError('Graph.compile: the graph has no outputs (add_output)')
        self._check_node_sizes()
        ys, ys_test, weights = [], [], []
        train_loss = test_loss = None
        for name in self.output_order:
            output = self.outputs[name]
            y_train = output.get_output(True)
            y_test = output.get_output(False)
            y = ndim_tensor(y_test.ndim)
            y.name = name
            weight = ndim_tensor(y_test.ndim)
            weight.name = 'sample_weight_' + name
            mask = output.get_output_mask() if hasattr(output, 'get_output_mask') else None
            weighted_loss = weighted_objective(objectives.get(loss[name]))
            train_part = weighted_loss(y, y_train, weight, mask)
            test_part = weighted_loss(y, y_test, weight, mask)
            train_loss = train_part if train_loss is None else train_loss + train_part
            test_loss = test_part if test_loss is None else test_loss + test_part
            ys.append(y)
            ys_test.append(y_test)
            weights.append(weight)
        train_loss.name = 'train_loss'
        test_loss.name = 'test_loss'

        ins = [self.inputs[name].input for name in self.input_order]
        for r in self.regularizers:
            train_loss = r(train_loss)
        self.optimizer = optimizers.get(optimizer)
        updates = self.optimizer.get_updates(self.params, self.constraints, train_loss)
        updates += self.updates
        self.theano_mode = theano_mode
        self.loss = loss

        self._train = guarded(theano.function(ins + ys + weights, train_loss, updates=updates,
                                              allow_input_downcast=True, mode=theano_mode))
        self._test = theano.function(ins + ys + weights, test_loss,
                                     allow_input_downcast=True, mode=theano_mode)
        self._predict = theano.function(ins, ys_test, allow_input_downcast=True, mode=theano_mode)

    def _check_node_sizes(self):
        """A node that knows its input shape must get it from what feeds it, when that is
        known too (2015 found out inside Theano, at the first step)."""
        for config in self.node_config:
            node = self.nodes[config['name']]
            expected = getattr(node, 'input_shape', None)
            given = node.previous.output_shape if hasattr(node, 'previous') else None
            if validation.shapes_conflict(expected, given):
                source = ('%r' % config['input']) if config['input'] and not config['inputs'] \
                    else 'the %s merge of %s' % (config['merge_mode'],
                                                 ', '.join(map(repr, config['inputs'])))
                raise ValueError('Graph.compile: node %r (%s) expects input of shape %s, but %s '
                                 'gives %s' % (config['name'], node.label(), tuple(expected),
                                               source, tuple(given)))

    # -- data: dicts of arrays -> the functions' argument lists -------------------------
    def _per_output(self, where, what, values, required=False):
        """A dict keyed by output names; unknown names are an error (2015 ignored them)."""
        if values is None:
            values = {}
        if not isinstance(values, dict):
            raise ValueError('Graph.%s: %s must be a dict {output name: ...}, got %s'
                             % (where, what, type(values).__name__))
        unknown = [k for k in values if k not in self.outputs]
        if unknown:
            raise ValueError('Graph.%s: %s names %s, which %s not an output (outputs: %s)'
                             % (where, what, ', '.join(map(repr, unknown)),
                                'is' if len(unknown) == 1 else 'are',
                                ', '.join(map(repr, self.output_order))))
        missing = [k for k in self.output_order if k not in values]
        if required and missing:
            raise ValueError('Graph.%s: %s has no entry for output %s'
                             % (where, what, ', '.join(map(repr, missing))))
        return values

    def _arrays(self, where, data, names, kind):
        if not hasattr(self, '_train'):
            raise RuntimeError('Graph.%s: compile the graph first' % where)
        if not isinstance(data, dict):
            raise ValueError('Graph.%s: data must be a dict {input or output name: array}, '
                             'got %s' % (where, type(data).__name__))
        missing = [n for n in names if n not in data]
        if missing:
            raise ValueError('Graph.%s: data has no array for %s %s (data has: %s)'
                             % (where, kind, ', '.join(map(repr, missing)),
                                ', '.join(map(repr, data)) or 'nothing'))
        return [np.asarray(data[n]) for n in names]

    def _inputs(self, where, data, allow_empty=False):
        X = self._arrays(where, data, self.input_order, 'input')
        for name, x in zip(self.input_order, X):
            placeholder = self.inputs[name]
            if x.ndim != placeholder.input.ndim:
                raise ValueError('Graph.%s: input %r has %d dimensions (batch axis included), '
                                 'got an array of shape %s'
                                 % (where, name, placeholder.input.ndim, x.shape))
            if len(x) == 0 and not allow_empty:
                raise ValueError('Graph.%s: input %r has 0 samples (shape %s); at least one is '
                                 'needed' % (where, name, x.shape))
            for node_name in self._fed_by(placeholder):
                node = self.nodes[node_name]
                expected = getattr(node, 'input_shape', None)
                if expected is not None and not _shape_matches(x.shape[1:], expected):
                    raise ValueError('Graph.%s: node %r (%s) expects samples of shape %s, got '
                                     'input %r of shape %s' % (where, node_name, node.label(),
                                                               tuple(expected), name, x.shape))
                if hasattr(node, 'check_input_data'):      # Embedding's index range
                    node.check_input_data(x, 'Graph.%s (input %r)' % (where, name))
        return X

    def _fed_by(self, placeholder):
        return [c['name'] for c in self.node_config
                if getattr(self.nodes[c['name']], 'previous', None) is placeholder]

    def _targets(self, where, data):
        ys = [standardize_y(y) for y in self._arrays(where, data, self.output_order, 'output')]
        for name, y in zip(self.output_order, ys):
            shape = self.outputs[name].output_shape
            if shape is not None and not _shape_matches(y.shape[1:], shape):
                raise ValueError('Graph.%s: output %r gives samples of shape %s, got an array '
                                 'of shape %s' % (where, name, tuple(shape), y.shape))
        return ys

    def _same_count(self, where, named_arrays):
        counts = [(name, len(a)) for name, a in named_arrays if a is not None]
        if len(set(n for _, n in counts)) > 1:
            raise ValueError('Graph.%s: arrays have different numbers of samples: %s'
                             % (where, ', '.join('%s %d' % c for c in counts)))

    def _check_finite(self, where, X, ys, sws):
        """NaN/inf in the data, named (a target may hold anything where its weight is 0)."""
        sws = sws or [None] * len(ys)
        validation.check_finite('Graph.' + where, [
            ('input %r' % n, x, None) for n, x in zip(self.input_order, X)] + [
            ('output %r' % n, y, w) for n, y, w in zip(self.output_order, ys, sws)] + [
            ('sample_weight[%r]' % n, w, None) for n, w in zip(self.output_order, sws)])

    def _ins(self, where, data, sample_weight=None, class_weight=None, check_finite=False):
        """[inputs..., targets..., sample weights...] as the train/test functions take them."""
        sample_weight = self._per_output(where, 'sample_weight', sample_weight)
        class_weight = self._per_output(where, 'class_weight', class_weight)
        X = self._inputs(where, data)
        ys = self._targets(where, data)
        self._same_count(where, list(zip(self.input_order, X)) + list(zip(self.output_order, ys))
                         + [('sample_weight[%r]' % k, v) for k, v in sample_weight.items()])
        if check_finite:
            self._check_finite(where, X, ys, [sample_weight.get(n) for n in self.output_order])
        weights = [standardize_weights(y, sample_weight=sample_weight.get(name),
                                       class_weight=class_weight.get(name))
                   for name, y in zip(self.output_order, ys)]
        return X + ys + weights

    # -- the 2015 API --------------------------------------------------------------------
    def train_on_batch(self, data, class_weight={}, sample_weight={}):
        ins = self._ins('train_on_batch', data, sample_weight, class_weight, check_finite=True)
        return refused_as(self._train, 'Graph.train_on_batch', ins)

    def test_on_batch(self, data, sample_weight={}):
        return self._test(*self._ins('test_on_batch', data, sample_weight, check_finite=True))

    def predict_on_batch(self, data):
        """A list of arrays, one per output in output_order (as 2015)."""
        return self._predict(*self._inputs('predict_on_batch', data, allow_empty=True))

    def fit(self, data, batch_size=128, nb_epoch=100, verbose=1, callbacks=[],
            validation_split=0., validation_data=None, shuffle=True, class_weight={},
            sample_weight={}):
        validation.check_fit_arguments(batch_size, nb_epoch, validation_split)
        sample_weight = self._per_output('fit', 'sample_weight', sample_weight)
        class_weight = self._per_output('fit', 'class_weight', class_weight)
        X = self._inputs('fit', data)
        ys = self._targets('fit', data)
        sws = [sample_weight.get(name) for name in self.output_order]
        self._same_count('fit', list(zip(self.input_order, X)) + list(zip(self.output_order, ys))
                         + [('sample_weight[%r]' % k, v) for k, v in sample_weight.items()])
        self._check_finite('fit', X, ys, sws)

        val_ins = None
        if validation_data:
            # sample weights of validation data are all 1, as in 2015
            val_ins = self._ins('fit (validation_data)', validation_data)
            n_in = len(self.input_order)
            self._check_finite('fit (validation_data)', val_ins[:n_in],
                               val_ins[n_in:n_in + len(self.output_order)], sws=None)
        elif 0 < validation_split < 1:
            split_at = validation.split_point(len(X[0]), validation_split)
            X, X_val = slice_X(X, 0, split_at), slice_X(X, split_at)
            ys, ys_val = slice_X(ys, 0, split_at), slice_X(ys, split_at)
            sws, sws_val = ([None if w is None else w[:split_at] for w in sws],
                            [None if w is None else w[split_at:] for w in sws])
            val_ins = X_val + ys_val + [standardize_weights(y, sample_weight=w)
                                        for y, w in zip(ys_val, sws_val)]
        # weights from the standardized targets, class weights included (2015 ignored
        # class_weight here and failed on 1-D targets: docs/compat.md)
        weights = [standardize_weights(y, sample_weight=w, class_weight=class_weight.get(name))
                   for name, y, w in zip(self.output_order, ys, sws)]
        return self._fit(self._train, X + ys + weights, out_labels=['loss'],
                         batch_size=batch_size, nb_epoch=nb_epoch, verbose=verbose,
                         callbacks=callbacks, val_f=self._test if val_ins else None,
                         val_ins=val_ins, shuffle=shuffle, metrics=['loss', 'val_loss'])

    def evaluate(self, data, batch_size=128, verbose=0, sample_weight={}):
        validation.check_batch_size('evaluate', batch_size)
        ins = self._ins('evaluate', data, sample_weight, check_finite=True)
        return self._test_loop(self._test, ins, batch_size, verbose)[0]

    def predict(self, data, batch_size=128, verbose=0):
        """A dict {output name: array}."""
        validation.check_batch_size('predict', batch_size)
        outs = self._predict_loop(self._predict, self._inputs('predict', data, allow_empty=True),
                                  batch_size, verbose)
        return dict(zip(self.output_order, outs))

    # -- weights files: group 'graph', attr nb_params, datasets param_{n} (2015 layout) -----
    def save_weights(self, filepath, overwrite=False):
        write_weights_file(filepath, overwrite,
                           lambda f: write_weights_group(f.create_group('graph'), self.get_weights()))

    def load_weights(self, filepath):
        """Every array is read and checked (count and shapes) before any is set."""
        weights = read_weights_file(filepath, graph=True)
        try:
            self.set_weights(weights)
        except ValueError as e:
            raise ValueError('load_weights(%s): %s' % (filepath, e))


def model_from_json(json_string, custom_layers={}):
    """The Sequential model that `model.to_json()` described, with new initial weights
    (load them with load_weights); compiled again if the JSON names an optimizer and a loss.
    custom_layers: {class name: class} for layers that legacy_bn does not define."""
    return model_from_config(json.loads(json_string), custom_layers=custom_layers)


def model_from_yaml(yaml_string, custom_layers={}):
    from .utils import yaml_utils
    return model_from_config(yaml_utils.load(yaml_string), custom_layers=custom_layers)


def model_from_config(config, custom_layers={}):
    from .utils.layer_utils import config_name, container_from_config
    name = config_name(config, 'model')
    model_class = {'Sequential': Sequential, 'Graph': Graph}.get(name)
    if model_class is None:
        raise ValueError('model_from_config: unrecognized model %r (Sequential or Graph)' % name)
    model = container_from_config(config, custom_layers=custom_layers)
    model.__class__ = model_class
    if 'optimizer' in config:
        optimizer_name = config_name(config['optimizer'], 'optimizer')
        optimizer_params = {k: v for k, v in config['optimizer'].items() if k != 'name'}
        optimizer = optimizers.get(optimizer_name, optimizer_params)
        if model_class is Graph:
            model.compile(loss=config.get('loss'), optimizer=optimizer,
                          theano_mode=config.get('theano_mode'))
        else:
            model.compile(loss=config.get('loss'), optimizer=optimizer,
                          class_mode=config.get('class_mode', 'categorical'),
                          theano_mode=config.get('theano_mode'))
    return model


def _shape_matches(shape, expected):
    """A sample shape against a layer's; None in `expected` matches any size (timesteps)."""
    return len(shape) == len(expected) and all(e is None or e == s for s, e in zip(shape, expected))
