"""keras.models: Sequential with compile/fit/evaluate/predict, weights I/O and JSON."""
import json
import os
import sys
import uuid
import warnings

import numpy as np
from tqdm import tqdm

from . import callbacks as cbks
from . import objectives, optimizers
from . import theano
from .layers import containers
from .layers.core import Activation, Dropout
from .theano import tensor as T
from .utils.theano_utils import ndim_tensor


# -- data plumbing (as Keras 0.2) ---------------------------------------------------
def standardize_y(y):
    if not hasattr(y, 'shape'):
        y = np.asarray(y)
    if len(y.shape) == 1:
        y = np.expand_dims(y, 1)
    return y


def standardize_X(X):
    return X if type(X) == list else [X]


def batch_shuffle(index_array, batch_size):
    """Shuffle whole batches of the first (n // bs) * bs indices; the rest stays last."""
    batch_count = int(len(index_array) / batch_size)
    last_batch = index_array[batch_count * batch_size:]
    index_array = index_array[:batch_count * batch_size]
    index_array = index_array.reshape((batch_count, batch_size))
    np.random.shuffle(index_array)
    index_array = index_array.flatten()
    return np.append(index_array, last_batch)


def make_batches(size, batch_size):
    nb_batch = int(np.ceil(size / float(batch_size)))
    return [(i * batch_size, min(size, (i + 1) * batch_size)) for i in range(0, nb_batch)]


def slice_X(X, start=None, stop=None):
    if type(X) == list:
        if hasattr(start, '__len__'):
            return [x[start] for x in X]
        return [x[start:stop] for x in X]
    if hasattr(start, '__len__'):
        return X[start]
    return X[start:stop]


def weighted_objective(fn):
    def weighted(y_true, y_pred, weights, mask=None):
        # 0 * inf must be 0, not NaN: drop zero-weight samples before the objective
        filtered_y_true = y_true[weights.nonzero()[:-1]]
        filtered_y_pred = y_pred[weights.nonzero()[:-1]]
        filtered_weights = weights[weights.nonzero()]
        obj_output = fn(filtered_y_true, filtered_y_pred)
        weighted = filtered_weights * obj_output
        return weighted.sum() / filtered_weights.sum()
    return weighted


def standardize_weights(y, sample_weight=None, class_weight=None):
    if sample_weight is not None:
        return standardize_y(sample_weight)
    elif isinstance(class_weight, dict):
        if len(y.shape) > 3:
            raise ValueError('class_weight is not supported for 4+ dimensional targets')
        yshape = y.shape
        y = np.reshape(y, (-1, yshape[-1]))
        if y.shape[1] > 1:
            y_classes = y.argmax(axis=1)
        elif y.shape[1] == 1:
            y_classes = np.reshape(y, y.shape[0])
        else:
            y_classes = y
        class_weights = np.asarray([class_weight[cls] for cls in y_classes])
        return np.reshape(class_weights, yshape[:-1] + (1,))
    return np.ones(y.shape[:-1] + (1,))


def get_function_name(o):
    return o if isinstance(o, str) else o.__name__


class Model(object):
    def _fit(self, f, ins, out_labels=[], batch_size=128, nb_epoch=100, verbose=1, callbacks=[],
             val_f=None, val_ins=None, shuffle=True, metrics=[]):
        """Run f(*batch) over shuffled batches for nb_epoch epochs; f returns the labelled outputs."""
        do_validation = bool(val_f and val_ins)
        if verbose and do_validation:
            print("Train on %d samples, validate on %d samples" % (len(ins[0]), len(val_ins[0])))
        nb_train_sample = len(ins[0])
        index_array = np.arange(nb_train_sample)

        history = cbks.History()
        callbacks = [history] + ([cbks.BaseLogger()] if verbose else []) + list(callbacks)
        callbacks = cbks.CallbackList(callbacks)
        callbacks._set_model(self)
        callbacks._set_params({'batch_size': batch_size, 'nb_epoch': nb_epoch,
                               'nb_sample': nb_train_sample, 'verbose': verbose,
                               'do_validation': do_validation, 'metrics': metrics})
        callbacks.on_train_begin()

        self.stop_training = False
        for epoch in range(nb_epoch):
            callbacks.on_epoch_begin(epoch)
            # every epoch, the first too; shuffle=True compounds permutations in place
            if shuffle == 'batch':
                index_array = batch_shuffle(index_array, batch_size)
            elif shuffle:
                np.random.shuffle(index_array)

            batches = make_batches(nb_train_sample, batch_size)
            epoch_logs = {}
            for batch_index, (batch_start, batch_end) in enumerate(batches):
                batch_ids = index_array[batch_start:batch_end]
                ins_batch = slice_X(ins, batch_ids)
                batch_logs = {'batch': batch_index, 'size': len(batch_ids)}
                callbacks.on_batch_begin(batch_index, batch_logs)
                outs = f(*ins_batch)
                if type(outs) != list:
                    outs = [outs]
                for label, o in zip(out_labels, outs):
                    batch_logs[label] = o
                callbacks.on_batch_end(batch_index, batch_logs)

                if batch_index == len(batches) - 1 and do_validation:
                    val_outs = self._test_loop(val_f, val_ins, batch_size=batch_size, verbose=0)
                    for label, o in zip(out_labels, val_outs):
                        epoch_logs['val_' + label] = o
            callbacks.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
        callbacks.on_train_end()
        return history

    def _predict_loop(self, f, ins, batch_size=128, verbose=0):
        nb_sample = len(ins[0])
        outs = []
        batches = make_batches(nb_sample, batch_size)
        bar = tqdm(total=nb_sample, disable=verbose != 1, file=sys.stdout)
        for batch_index, (batch_start, batch_end) in enumerate(batches):
            batch_outs = f(*slice_X(ins, batch_start, batch_end))
            if type(batch_outs) != list:
                batch_outs = [batch_outs]
            if batch_index == 0:
                for batch_out in batch_outs:
                    outs.append(np.zeros((nb_sample,) + batch_out.shape[1:]))
            for i, batch_out in enumerate(batch_outs):
                outs[i][batch_start:batch_end] = batch_out
            bar.update(batch_end - batch_start)
        bar.close()
        return outs

    def _test_loop(self, f, ins, batch_size=128, verbose=0):
        """Batch-size-weighted mean of f's outputs over all batches."""
        nb_sample = len(ins[0])
        outs = []
        bar = tqdm(total=nb_sample, disable=verbose != 1, file=sys.stdout)
        for batch_index, (batch_start, batch_end) in enumerate(make_batches(nb_sample, batch_size)):
            batch_outs = f(*slice_X(ins, batch_start, batch_end))
            if type(batch_outs) != list:
                batch_outs = [batch_outs]
            if batch_index == 0:
                outs = [np.float64(0.)] * len(batch_outs)
            for i, batch_out in enumerate(batch_outs):
                outs[i] = outs[i] + np.float64(batch_out) * (batch_end - batch_start)
            bar.update(batch_end - batch_start)
        bar.close()
        return [o / nb_sample for o in outs]

    def get_config(self, verbose=0):
        config = super(Model, self).get_config()
        for p in ['class_mode', 'theano_mode']:
            if hasattr(self, p):
                config[p] = getattr(self, p)
        if hasattr(self, 'optimizer'):
            config['optimizer'] = self.optimizer.get_config()
        if hasattr(self, 'loss'):
            config['loss'] = get_function_name(self.loss)
        if verbose:
            print(json.dumps(config, indent=4, default=_json_default))
        return config

    def to_json(self, **kwargs):
        return json.dumps(self.get_config(), default=_json_default, **kwargs)


def _json_default(o):
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError('%r is not JSON serializable' % (o,))


class Sequential(Model, containers.Sequential):
    def compile(self, optimizer, loss, class_mode="categorical", theano_mode=None):
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

        train_loss = weighted_loss(self.y, self.y_train, self.weights)
        test_loss = weighted_loss(self.y, self.y_test, self.weights)
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

        train_ins = [self.X_train, self.y, self.weights]
        test_ins = [self.X_test, self.y, self.weights]
        predict_ins = [self.X_test]

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
    def _check_data(self, where, X, y=None, sample_weight=None):
        if not hasattr(self, '_train'):
            raise RuntimeError('%s: compile the model first' % where)
        X = [np.asarray(x) for x in X]
        n = len(X[0])
        first, expected = self._input_sample_shape()
        ndim = self.X_test.ndim
        if X[0].ndim != ndim:
            raise ValueError('%s: the first layer (%s) expects input with %d dimensions '
                             '(batch axis included), got X of shape %s'
                             % (where, self.layers[0].label(), ndim, X[0].shape))
        if expected is not None and tuple(X[0].shape[1:]) != expected:
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
            if out is not None and tuple(y.shape[1:]) != tuple(out):
                raise ValueError('%s: the last layer (%s) outputs samples of shape %s, got y of '
                                 'shape %s' % (where, self.layers[-1].label(), tuple(out), y.shape))
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
        return self._predict(*self._check_data('predict_on_batch', standardize_X(X)))

    def fit(self, X, y, batch_size=128, nb_epoch=100, verbose=1, callbacks=[],
            validation_split=0., validation_data=None, shuffle=True, show_accuracy=False,
            class_weight=None, sample_weight=None):
        y = standardize_y(y)
        X = self._check_data('fit', standardize_X(X), y, sample_weight)

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
            val_ins = X_val + [y_val, sample_weight_val]
        elif 0 < validation_split < 1:
            split_at = int(len(X[0]) * (1 - validation_split))
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
        X = self._check_data('predict', standardize_X(X))
        return self._predict_loop(self._predict, X, batch_size, verbose)[0]

    def predict_proba(self, X, batch_size=128, verbose=1):
        preds = self.predict(X, batch_size, verbose)
        if preds.min() < 0 or preds.max() > 1:
            warnings.warn("Network returning invalid probability values.")
        return preds

    def predict_classes(self, X, batch_size=128, verbose=1):
        proba = self.predict(X, batch_size=batch_size, verbose=verbose)
        if self.class_mode == "categorical":
            return proba.argmax(axis=-1)
        return (proba > 0.5).astype('int32')

    def evaluate(self, X, y, batch_size=128, show_accuracy=False, verbose=1, sample_weight=None):
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
        param_{n}. Written to a temporary file in the same directory and renamed,
        so an interrupted save never leaves a truncated file."""
        h5py = _import_h5py()
        if not overwrite and os.path.isfile(filepath) and not _confirm_overwrite(filepath):
            return
        directory = os.path.dirname(os.path.abspath(filepath))
        # not mkstemp: its 0600 mode would end up on the weights file
        tmp = os.path.join(directory, '.%s.tmp-%s' % (os.path.basename(filepath), uuid.uuid4().hex))
        try:
            with h5py.File(tmp, 'x') as f:
                f.attrs['nb_layers'] = len(self.layers)
                for k, layer in enumerate(self.layers):
                    g = f.create_group('layer_{}'.format(k))
                    weights = layer.get_weights()
                    g.attrs['nb_params'] = len(weights)
                    for n, param in enumerate(weights):
                        g.create_dataset('param_{}'.format(n), data=param)
            os.replace(tmp, filepath)
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise

    def load_weights(self, filepath):
        """Read every layer's arrays and check them all before setting any."""
        h5py = _import_h5py()
        with h5py.File(filepath, 'r') as f:
            nb_layers = int(f.attrs['nb_layers'])
            if nb_layers != len(self.layers):
                raise ValueError('load_weights(%s): the file has %d layers, the model has %d'
                                 % (filepath, nb_layers, len(self.layers)))
            per_layer = []
            for k, layer in enumerate(self.layers):
                g = f['layer_{}'.format(k)]
                weights = [g['param_{}'.format(p)][()] for p in range(int(g.attrs['nb_params']))]
                try:
                    per_layer.append((layer, layer.check_weights(weights)))
                except ValueError as e:
                    raise ValueError('load_weights(%s): layer %d: %s' % (filepath, k, e))
        for layer, weights in per_layer:
            layer.set_weights(weights)


def _import_h5py():
    try:
        import h5py
    except ImportError:
        raise ImportError('save_weights/load_weights need h5py: pip install "legacy_bn[hdf5]" '
                          '(or pip install h5py)')
    return h5py


def _confirm_overwrite(filepath):
    """2015 asked on the terminal; without one we refuse rather than hang or clobber."""
    if not sys.stdin or not sys.stdin.isatty():
        raise FileExistsError('save_weights: %s exists; pass overwrite=True to replace it' % filepath)
    answer = input('[WARNING] %s already exists - overwrite? [y/n]' % filepath)
    while answer not in ['y', 'n']:
        answer = input('Enter "y" (overwrite) or "n" (cancel).')
    return answer == 'y'


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
