"""keras.models: Sequential with compile/fit/evaluate/predict, weights I/O and JSON."""
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
    standardize_weights, get_function_name, import_h5py, write_weights_file, read_weights_file)


class Sequential(Model, containers.Sequential):
    def compile(self, optimizer, loss, class_mode="categorical", theano_mode=None):
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

        self._train = theano.function(train_ins, train_loss, updates=updates,
                                      allow_input_downcast=True, mode=theano_mode)
        self._train_with_acc = theano.function(train_ins, [train_loss, train_accuracy],
                                               updates=updates, allow_input_downcast=True,
                                               mode=theano_mode)
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
        y = standardize_y(y)
        X = self._check_data('train_on_batch', standardize_X(X), y, sample_weight)
        sample_weight = standardize_weights(y, class_weight=class_weight, sample_weight=sample_weight)
        ins = X + [y, sample_weight]
        return self._train_with_acc(*ins) if accuracy else self._train(*ins)

    def test_on_batch(self, X, y, accuracy=False, sample_weight=None):
        y = standardize_y(y)
        X = self._check_data('test_on_batch', standardize_X(X), y, sample_weight)
        sample_weight = standardize_weights(y, sample_weight=sample_weight)
        ins = X + [y, sample_weight]
        return self._test_with_acc(*ins) if accuracy else self._test(*ins)

    def predict_on_batch(self, X):
        return self._predict(*self._check_data('predict_on_batch', standardize_X(X), allow_empty=True))

    def fit(self, X, y, batch_size=128, nb_epoch=100, verbose=1, callbacks=[],
            validation_split=0., validation_data=None, shuffle=True, show_accuracy=False,
            class_weight=None, sample_weight=None):
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
        validation.check_batch_size('evaluate', batch_size)
        y = standardize_y(y)
        X = self._check_data('evaluate', standardize_X(X), y, sample_weight)
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
                g = f.create_group('layer_{}'.format(k))
                weights = layer.get_weights()
                g.attrs['nb_params'] = len(weights)
                for n, param in enumerate(weights):
                    g.create_dataset('param_{}'.format(n), data=param)
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


def model_from_json(json_string, custom_layers={}):
    return model_from_config(json.loads(json_string), custom_layers=custom_layers)


def model_from_config(config, custom_layers={}):
    from .utils.layer_utils import container_from_config
    if config.get('name') != 'Sequential':
        raise ValueError('model_from_config: unrecognized model %r' % config.get('name'))
    model = container_from_config(config, custom_layers=custom_layers)
    model.__class__ = Sequential
    if 'optimizer' in config:
        optimizer_params = dict(config['optimizer'])
        optimizer = optimizers.get(optimizer_params.pop('name'), optimizer_params)
        model.compile(loss=config.get('loss'), optimizer=optimizer,
                      class_mode=config.get('class_mode', 'categorical'),
                      theano_mode=config.get('theano_mode'))
    return model


def _shape_matches(shape, expected):
    """A sample shape against a layer's; None in `expected` matches any size (timesteps)."""
    return len(shape) == len(expected) and all(e is None or e == s for s, e in zip(shape, expected))
