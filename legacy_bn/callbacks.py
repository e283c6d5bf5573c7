"""Training callbacks of Keras 0.2 (the 4e1ec93 set plus LearningRateScheduler).

`fit` drives a CallbackList: on_train_begin, then per epoch on_epoch_begin,
per batch on_batch_begin/on_batch_end (batch logs: 'batch', 'size', 'loss' and
optionally 'accuracy'), on_epoch_end (epoch logs: 'val_loss', 'val_acc' when
validating), then on_train_end. `params` holds 'batch_size', 'nb_epoch',
'nb_sample', 'verbose', 'do_validation' and 'metrics' (the names to report).
"""
import string
import sys
import time
import warnings
from collections import deque

import numpy as np
from tqdm import tqdm

from .utils import generic_utils


class CallbackList(object):
    """Calls each of `callbacks` in order; warns when callbacks are slow next to the batch."""

    def __init__(self, callbacks=[], queue_length=10):
        self.callbacks = [c for c in callbacks]
        self.queue_length = queue_length

    def append(self, callback):
        self.callbacks.append(callback)

    def _set_params(self, params):
        for callback in self.callbacks:
            callback._set_params(params)

    def _set_model(self, model):
        for callback in self.callbacks:
            callback._set_model(model)

    def on_epoch_begin(self, epoch, logs={}):
        for callback in self.callbacks:
            callback.on_epoch_begin(epoch, logs)
        self._delta_t_batch = 0.
        self._delta_ts_batch_begin = deque([], maxlen=self.queue_length)
        self._delta_ts_batch_end = deque([], maxlen=self.queue_length)

    def on_epoch_end(self, epoch, logs={}):
        for callback in self.callbacks:
            callback.on_epoch_end(epoch, logs)

    def on_batch_begin(self, batch, logs={}):
        t_before_callbacks = time.time()
        for callback in self.callbacks:
            callback.on_batch_begin(batch, logs)
        self._delta_ts_batch_begin.append(time.time() - t_before_callbacks)
        self._warn_if_slow('on_batch_begin', self._delta_ts_batch_begin)
        self._t_enter_batch = time.time()

    def on_batch_end(self, batch, logs={}):
        self._delta_t_batch = time.time() - self._t_enter_batch
        t_before_callbacks = time.time()
        for callback in self.callbacks:
            callback.on_batch_end(batch, logs)
        self._delta_ts_batch_end.append(time.time() - t_before_callbacks)
        self._warn_if_slow('on_batch_end', self._delta_ts_batch_end)

    def _warn_if_slow(self, method, delta_ts):
        if self._delta_t_batch <= 0. or max(delta_ts) <= 0.1:
            return      # the median cannot pass 0.1 s: skip np.median (tens of us a batch)
        delta_t_median = np.median(delta_ts)
        if (self._delta_t_batch > 0. and delta_t_median > 0.95 * self._delta_t_batch
                and delta_t_median > 0.1):
            warnings.warn('Method %s() is slow compared to the batch update (%f). '
                          'Check your callbacks.' % (method, delta_t_median))

    def on_train_begin(self, logs={}):
        for callback in self.callbacks:
            callback.on_train_begin(logs)

    def on_train_end(self, logs={}):
        for callback in self.callbacks:
            callback.on_train_end(logs)


class Callback(object):
    """Base class: every hook does nothing. `self.params` and `self.model` are set by fit."""

    def __init__(self):
        pass

    def _set_params(self, params):
        self.params = params

    def _set_model(self, model):
        self.model = model

    def on_epoch_begin(self, epoch, logs={}):
        pass

    def on_epoch_end(self, epoch, logs={}):
        pass

    def on_batch_begin(self, batch, logs={}):
        pass

    def on_batch_end(self, batch, logs={}):
        pass

    def on_train_begin(self, logs={}):
        pass

    def on_train_end(self, logs={}):
        pass


def add_batch_totals(totals, logs):
    """Add each batch log value times the batch size to `totals`; return the size."""
    batch_size = logs.get('size', 0)
    for k, v in logs.items():
        if k in totals:
            totals[k] += v * batch_size
        else:
            totals[k] = v * batch_size
    return batch_size


class EpochTotals(Callback):
    """Keeps `seen` (samples so far this epoch) and `totals` (each batch log times its batch
    size, summed), for callbacks that report an epoch's mean batch logs."""

    def on_epoch_begin(self, epoch, logs={}):
        self.seen = 0
        self.totals = {}

    def on_batch_end(self, batch, logs={}):
        self.seen += add_batch_totals(self.totals, logs)


class BaseLogger(Callback):
    """Progress output of fit: verbose=1 a tqdm bar per epoch showing the running
    (batch-size-weighted) loss and accuracy; verbose=2 one line per epoch,
    'Epoch 1/3 - 0s - loss: 0.6931 - val_loss: 0.6930' (metrics in
    params['metrics'] order). verbose=1 with stdout not a terminal (a log file, a pipe)
    prints the verbose=2 lines: a bar there would leave every redraw in the file."""

    def on_train_begin(self, logs={}):
        self.verbose = self.params['verbose']
        if self.verbose == 1 and not generic_utils.on_terminal():
            self.verbose = 2
        self.nb_epoch = self.params['nb_epoch']

    def on_epoch_begin(self, epoch, logs={}):
        self.start = time.time()
        self.seen = 0
        self.totals = {}
        if self.verbose == 1:
            self.bar = tqdm(total=self.params['nb_sample'], unit='sample', file=sys.stdout,
                            desc='Epoch %d/%d' % (epoch + 1, self.nb_epoch), dynamic_ncols=True)

    def on_batch_end(self, batch, logs={}):
        size = add_batch_totals(self.totals, logs)
        self.seen += size
        if self.verbose == 1:
            self.bar.set_postfix_str(_format(self.epoch_values({})), refresh=False)
            self.bar.update(size)

    def epoch_values(self, logs):
        """[(metric name, value)] for this epoch, in params['metrics'] order."""
        values = []
        for k in self.params['metrics']:
            if k in self.totals and self.seen:
                values.append((k, self.totals[k] / self.seen))
            if k in logs:
                values.append((k, logs[k]))
        return values

    def on_epoch_end(self, epoch, logs={}):
        if self.verbose == 1:
            self.bar.set_postfix_str(_format(self.epoch_values(logs)), refresh=False)
            self.bar.close()
        elif self.verbose == 2:
            print('Epoch %d/%d - %ds - %s' % (epoch + 1, self.nb_epoch, time.time() - self.start,
                                             _format(self.epoch_values(logs))))
            sys.stdout.flush()


def _format(values):
    return ' - '.join('%s: %.4f' % (k, v) for k, v in values)


class History(EpochTotals):
    """Per-epoch record: `epoch` (list of epoch indices) and `history` (name -> list).

    Batch logs are averaged over the epoch weighted by batch size; epoch logs
    ('val_loss', ...) are recorded as given. As in Keras, every batch log key is
    averaged, so the bookkeeping keys 'batch' and 'size' appear too. Numbers are kept
    as plain Python floats (print shows 0.25, not np.float64(0.25)).
    """

    def on_train_begin(self, logs={}):
        self.epoch = []
        self.history = {}

    def on_epoch_end(self, epoch, logs={}):
        self.epoch.append(epoch)
        for k, v in self.totals.items():
            self.history.setdefault(k, []).append(_plain(v / self.seen))
        for k, v in logs.items():
            self.history.setdefault(k, []).append(_plain(v))


def _plain(value):
    """A numpy scalar (or 0-d array) as the Python number it holds; anything else as is."""
    if isinstance(value, (np.generic, np.ndarray)) and np.ndim(value) == 0:
        return value.item()
    return value


class ModelCheckpoint(Callback):
    """Save the weights after every epoch, or only when `monitor` (lower is better) improves.

    `filepath` may contain `{epoch}` and epoch-log names, e.g. 'w.{epoch:02d}.hdf5'.
    """

    def __init__(self, filepath, monitor='val_loss', verbose=0, save_best_only=False):
        super(ModelCheckpoint, self).__init__()
        self.monitor = monitor
        self.verbose = verbose
        self.filepath = filepath
        self.save_best_only = save_best_only
        self.best = np.inf

    def on_train_begin(self, logs={}):
        # 2015 trained a whole epoch and then failed with a KeyError naming only the field
        names = set(string.Formatter().parse(self.filepath)) if isinstance(self.filepath, str) else ()
        fields = sorted(f for _, f, _, _ in names if f)
        known = ['epoch'] + [m for m in self.params.get('metrics', [])
                             if self.params.get('do_validation') or not m.startswith('val_')]
        unknown = [f for f in fields if f not in known]
        if unknown:
            raise ValueError('ModelCheckpoint: the file name %r uses {%s}, which this fit does '
                             'not log (it logs: %s)%s' % (
                                 self.filepath, unknown[0], ', '.join(known),
                                 '; fit with validation data for val_* values'
                                 if unknown[0].startswith('val_') else ''))

    def on_epoch_end(self, epoch, logs={}):
        filepath = self.filepath.format(epoch=epoch, **logs)

        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None:
                warnings.warn("Can save best model only with %s available, skipping."
                              % self.monitor, RuntimeWarning)
            elif current < self.best:
                if self.verbose > 0:
                    print("Epoch %05d: %s improved from %0.5f to %0.5f, saving model to %s"
                          % (epoch, self.monitor, self.best, current, filepath))
                self.best = current
                self.model.save_weights(filepath, overwrite=True)
            elif self.verbose > 0:
                print("Epoch %05d: %s did not improve" % (epoch, self.monitor))
        else:
            if self.verbose > 0:
                print("Epoch %05d: saving model to %s" % (epoch, filepath))
            self.model.save_weights(filepath, overwrite=True)


class EarlyStopping(Callback):
    """Set `model.stop_training` once `monitor` (lower is better) has not improved
    for more than `patience` epochs."""

    def __init__(self, monitor='val_loss', patience=0, verbose=0):
        super(EarlyStopping, self).__init__()
        self.monitor = monitor
        self.patience = patience
        self.verbose = verbose
        self.best = np.inf
        self.wait = 0

    def on_epoch_end(self, epoch, logs={}):
        current = logs.get(self.monitor)
        if current is None:
            # Keras went on to compare None < best, a TypeError on Python 3.
            warnings.warn("Early stopping requires %s available!" % self.monitor,
                          RuntimeWarning)
            return
        if current < self.best:
            self.best = current
            self.wait = 0
        else:
            if self.wait >= self.patience:
                if self.verbose > 0:
                    print("Epoch %05d: early stopping" % epoch)
                self.model.stop_training = True
            self.wait += 1


class LearningRateScheduler(Callback):
    """At each epoch start, set the optimizer's `lr` to `schedule(epoch)` (0-based)."""

    def __init__(self, schedule):
        super(LearningRateScheduler, self).__init__()
        self.schedule = schedule

    def on_epoch_begin(self, epoch, logs={}):
        lr = self.model.optimizer.lr
        lr.set_value(np.asarray(self.schedule(epoch), dtype=lr.dtype))


class RemoteMonitor(EpochTotals):
    """At each epoch end, POST the epoch's mean batch logs and its epoch logs as JSON (form
    field `data`) to `root + '/publish/epoch/end/'` (2015's hualos dashboard protocol).

    2015 used `requests` without a timeout; this uses the standard library with one, so an
    unreachable server costs at most `timeout` seconds and a printed warning, as in 2015."""

    def __init__(self, root='http://localhost:9000', timeout=5.0):
        super(RemoteMonitor, self).__init__()
        self.root = root
        self.timeout = timeout

    def epoch_record(self, epoch, logs):
        """What is sent: the epoch, its mean batch logs, then its epoch logs."""
        send = {'epoch': epoch}
        for k, v in self.totals.items():
            send[k] = float(v / self.seen)
        for k, v in logs.items():
            send[k] = float(v)
        return send

    def on_epoch_end(self, epoch, logs={}):
        import json
        import urllib.parse
        import urllib.request
        body = urllib.parse.urlencode({'data': json.dumps(self.epoch_record(epoch, logs))})
        try:
            urllib.request.urlopen(self.root + '/publish/epoch/end/', body.encode('ascii'),
                                   timeout=self.timeout).close()
        except (OSError, ValueError):
            print('Warning: could not reach RemoteMonitor root server at ' + str(self.root))
