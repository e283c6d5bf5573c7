"""What Sequential and Graph share: the data plumbing (as Keras 0.2), the one training loop,
the test and predict loops (Model), and the weights-file helpers.

Sequential and Graph differ only in how they compile their functions and lay out their data
(a list of arrays `ins`); the loops over batches and epochs exist once, here.
"""
import json
import os
import sys
import warnings

import numpy as np

from . import callbacks as cbks
from . import validation
from .theano import config
from .utils.generic_utils import sample_progress
from .utils.io_utils import atomic_file


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
        if mask is None:
            return weighted.sum() / filtered_weights.sum()
        # 2015: the mask changes only the denominator (masked timesteps are expected
        # to contribute zero error, as Masking zeroes them)
        filtered_mask = mask[weights.nonzero()[:-1]]
        return weighted.sum() / (filtered_mask * filtered_weights).sum()
    return weighted


def standardize_weights(y, sample_weight=None, class_weight=None):
    if sample_weight is not None:
        sample_weight = standardize_y(sample_weight)
        if np.ndim(y) == 2 and sample_weight.ndim == 2 and sample_weight.shape[1] != 1:
            raise ValueError('sample_weight must hold one weight per sample, shape (%d,); got '
                             'shape %s' % (len(sample_weight), sample_weight.shape))
        return sample_weight
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
        validation.check_class_weight(class_weight, y_classes)
        class_weights = np.asarray([class_weight[cls] for cls in y_classes])
        return np.reshape(class_weights, yshape[:-1] + (1,))
    # ones in floatX, the dtype of the functions' weights input (2015's float64 ones were
    # cast there on every call)
    ones = np.empty(y.shape[:-1] + (1,), dtype=config.floatX)
    ones.fill(1)                     # (np.ones costs twice as much at a batch's size)
    return ones


def get_function_name(o):
    return o if isinstance(o, str) else o.__name__


class Model(object):
    # How the compiled functions take a batch: f(*arrays) (legacy_bn.theano.function, 2015)
    # or f([arrays]) (the Keras 0.3 backend's K.function).
    _functions_take_list = False

    def _call(self, f, ins):
        return f(ins) if self._functions_take_list else f(*ins)

    def _loop_callbacks(self, verbose, callbacks):
        """(the History fit returns, the callbacks fit drives in order); a release's models
        may choose other ones."""
        history = cbks.History()
        return history, [history] + ([cbks.BaseLogger()] if verbose else []) + list(callbacks)

    def _fit(self, f, ins, out_labels=[], batch_size=128, nb_epoch=100, verbose=1, callbacks=[],
             val_f=None, val_ins=None, shuffle=True, metrics=[]):
        """Run f(batch) over shuffled batches for nb_epoch epochs; f returns the labelled outputs."""
        do_validation = bool(val_f and val_ins)
        if verbose and do_validation:
            print("Train on %d samples, validate on %d samples" % (len(ins[0]), len(val_ins[0])))
        nb_train_sample = len(ins[0])
        index_array = np.arange(nb_train_sample)

        def epoch_batches(epoch):
            nonlocal index_array
            # every epoch, the first too; shuffle=True compounds permutations in place
            if shuffle == 'batch':
                index_array = batch_shuffle(index_array, batch_size)
            elif shuffle:
                np.random.shuffle(index_array)
            for batch_start, batch_end in make_batches(nb_train_sample, batch_size):
                batch_ids = index_array[batch_start:batch_end]
                yield len(batch_ids), slice_X(ins, batch_ids)

        def validate():
            return self._test_loop(val_f, val_ins, batch_size=batch_size, verbose=0)

        params = {'batch_size': batch_size, 'nb_epoch': nb_epoch, 'nb_sample': nb_train_sample,
                  'verbose': verbose, 'do_validation': do_validation, 'metrics': metrics}
        return self._run_epochs(lambda batch: self._call(f, batch), epoch_batches,
                                validate if do_validation else None, out_labels, nb_epoch,
                                verbose, callbacks, params)

    def _run_epochs(self, step, epoch_batches, validate, out_labels, nb_epoch, verbose,
                    callbacks, params):
        """The one training loop: for each epoch, step(batch) for each (size, batch) of
        epoch_batches(epoch); after an epoch's last batch, validate() (when given) gives the
        val_ logs. Callbacks see every event; model.stop_training ends it after an epoch."""
        history, callbacks = self._loop_callbacks(verbose, callbacks)
        callbacks = cbks.CallbackList(callbacks)
        callbacks._set_model(self)
        callbacks._set_params(params)
        callbacks.on_train_begin()

        self.stop_training = False
        for epoch in range(nb_epoch):
            callbacks.on_epoch_begin(epoch)
            epoch_logs = {}
            batch_index = -1
            for batch_index, (size, batch) in enumerate(epoch_batches(epoch)):
                batch_logs = {'batch': batch_index, 'size': size}
                callbacks.on_batch_begin(batch_index, batch_logs)
                try:
                    outs = step(batch)
                except FloatingPointError as e:   # the step was refused: weights unchanged
                    raise FloatingPointError('fit: epoch %d/%d, batch %d: %s'
                                             % (epoch + 1, nb_epoch, batch_index + 1, e)) from None
                if type(outs) != list:
                    outs = [outs]
                for label, o in zip(out_labels, outs):
                    batch_logs[label] = o
                callbacks.on_batch_end(batch_index, batch_logs)
            if validate is not None and batch_index >= 0:
                val_outs = validate()
                if type(val_outs) != list:
                    val_outs = [val_outs]
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
        # no samples: one empty batch still gives the outputs' shapes
        batches = make_batches(nb_sample, batch_size) or [(0, 0)]
        bar = sample_progress(nb_sample, 'predict', verbose)
        for batch_index, (batch_start, batch_end) in enumerate(batches):
            batch_outs = self._call(f, slice_X(ins, batch_start, batch_end))
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
        bar = sample_progress(nb_sample, 'evaluate', verbose)
        for batch_index, (batch_start, batch_end) in enumerate(make_batches(nb_sample, batch_size)):
            batch_outs = self._call(f, slice_X(ins, batch_start, batch_end))
            if type(batch_outs) != list:
                batch_outs = [batch_outs]
            if batch_index == 0:
                outs = [np.float64(0.)] * len(batch_outs)
            for i, batch_out in enumerate(batch_outs):
                outs[i] = outs[i] + np.float64(batch_out) * (batch_end - batch_start)
            bar.update(batch_end - batch_start)
        bar.close()
        return [float(o / nb_sample) for o in outs]     # plain floats, as 2015 printed them

    def get_config(self, verbose=0):
        config = super(Model, self).get_config()
        for p in ['class_mode', 'theano_mode']:
            if hasattr(self, p):
                config[p] = getattr(self, p)
        if hasattr(self, 'optimizer'):
            config['optimizer'] = self.optimizer.get_config()
        if hasattr(self, 'loss'):
            if isinstance(self.loss, dict):     # Graph: one loss per output
                config['loss'] = dict((k, get_function_name(v)) for k, v in self.loss.items())
            else:
                config['loss'] = get_function_name(self.loss)
        if verbose:
            print(json.dumps(config, indent=4, default=_json_default))
        return config

    def to_json(self, **kwargs):
        return json.dumps(self.get_config(), default=_json_default, **kwargs)

    def to_yaml(self):
        from .utils import yaml_utils
        return yaml_utils.dump(self.get_config())


def _json_default(o):
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError('%r is not JSON serializable' % (o,))


def import_h5py():
    try:
        import h5py
    except ImportError:
        raise ImportError('save_weights/load_weights need h5py: pip install "legacy_bn[hdf5]" '
                          '(or pip install h5py)')
    return h5py


def write_weights_group(group, weights):
    """One HDF5 group of a weights file: attr nb_params, datasets param_{n} (2015 layout)."""
    group.attrs['nb_params'] = len(weights)
    for n, param in enumerate(weights):
        group.create_dataset('param_{}'.format(n), data=param)


def write_weights_file(filepath, overwrite, fill):
    """fill(h5py.File) writes a weights file into a temporary file in the same directory, which
    is then renamed: an interrupted save never leaves a truncated file (and the next save
    removes what a killed one left behind). Errors name `filepath`, not the temporary file."""
    h5py = import_h5py()
    filepath = os.fsdecode(filepath)      # a bytes path, as Python 2 scripts pass them
    directory = os.path.dirname(os.path.abspath(filepath))
    if not os.path.isdir(directory):
        raise FileNotFoundError('save_weights(%r): the directory %s does not exist'
                                % (filepath, directory))
    if os.path.isdir(filepath):
        raise IsADirectoryError('save_weights(%r): that is a directory; give a file name in it'
                                % filepath)
    exists = os.path.isfile(filepath)
    if not overwrite and exists and not confirm_overwrite(filepath):
        return
    # overwrite=False: a file that appears meanwhile (another process saving) is not replaced
    with atomic_file(filepath, exclusive=not overwrite and not exists) as tmp:
        try:
            # h5py's mode 'x', not mkstemp: its 0600 mode would end up on the weights file
            f = h5py.File(tmp, 'x')
        except OSError as e:
            raise type(e)('save_weights(%r): cannot create a file in %s (%s)'
                          % (filepath, directory, os.strerror(e.errno) if e.errno else
                             'permission denied or read-only file system')) from None
        with f:
            fill(f)


def read_weights_file(filepath, graph=False):
    """[[param_0, param_1, ...] of layer_0, of layer_1, ...] from a file in the 2015 layout
    of Sequential models; with graph=True, the one list [param_0, ...] of group `graph` (the
    layout of Graph models). A missing file, bytes that are not HDF5, and a missing
    nb_layers, layer_k, graph, nb_params or param_n are errors naming the file and what is
    missing."""
    h5py = import_h5py()
    filepath = os.fsdecode(filepath)
    where = 'load_weights(%r)' % (filepath,)
    if not os.path.isfile(filepath):
        raise FileNotFoundError('%s: no such file' % where)
    try:
        f = h5py.File(filepath, 'r')
    except OSError as e:
        raise ValueError('%s: not an HDF5 weights file (%s)' % (where, e)) from None
    with f:
        try:
            if graph:
                return _read_group(_weights_entry(f, 'graph', where, 'the file'), where, 'graph')
            return [_read_group(_weights_entry(f, 'layer_%d' % k, where, 'the file'), where,
                                'layer_%d' % k)
                    for k in range(int(_weights_entry(f.attrs, 'nb_layers', where, 'the file')))]
        except (OSError, KeyError, TypeError) as e:      # damaged after a valid header
            raise ValueError('%s: the file is damaged (%s)' % (where, e)) from None


def _read_group(group, where, name):
    what = 'group ' + name
    count = int(_weights_entry(group.attrs, 'nb_params', where, what))
    params = [_weights_entry(group, 'param_%d' % n, where, what) for n in range(count)]
    for n, dataset in enumerate(params):
        _check_declared_size(dataset, where, '%s/param_%d' % (name, n))
    arrays = [dataset[()] for dataset in params]
    for n, array in enumerate(arrays):
        if np.asarray(array).dtype.kind in 'fc' and not np.isfinite(array).all():
            # damaged bytes (HDF5 keeps no checksum of the data) or a diverged model saved
            # as it was: loaded as 2015 loaded it, but not silently
            first = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
            warnings.warn('%s: %s/param_%d holds NaN or inf (first at index %s): the file is '
                          'damaged, or was saved from a model whose training diverged'
                          % (where, name, n, first), RuntimeWarning, stacklevel=4)
    return arrays


# zlib, the strongest HDF5 filter h5py writes by default, expands at most ~1032x
MAX_COMPRESSION_RATIO = 1100


def _check_declared_size(dataset, where, what):
    """An array's declared size must fit the file (uncompressed) or what the file could
    expand to (compressed) before it is read: a damaged or crafted header that declares
    terabytes is an error, not an allocation."""
    file_bytes = os.path.getsize(dataset.file.filename)
    limit = file_bytes * (MAX_COMPRESSION_RATIO if dataset.compression else 1)
    if dataset.size * dataset.dtype.itemsize > limit:
        raise ValueError('%s: %s declares shape %s (%d bytes), more than the %d-byte file '
                         'can hold; the file is damaged' % (where, what, dataset.shape,
                                                            dataset.size * dataset.dtype.itemsize,
                                                            file_bytes))


def _weights_entry(container, key, where, what):
    if key not in container:
        raise ValueError('%s: %s has no %s (not a weights file written by save_weights?)'
                         % (where, what, key))
    return container[key]


def confirm_overwrite(filepath):
    """2015 asked on the terminal; without one we refuse rather than hang or clobber."""
    if not sys.stdin or not sys.stdin.isatty():
        raise FileExistsError('save_weights: %s exists; pass overwrite=True to replace it' % filepath)
    answer = input('[WARNING] %s already exists - overwrite? [y/n]' % filepath)
    while answer not in ['y', 'n']:
        answer = input('Enter "y" (overwrite) or "n" (cancel).')
    return answer == 'y'
