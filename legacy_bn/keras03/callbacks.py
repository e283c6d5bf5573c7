"""keras.callbacks as of Keras 0.3.3.

Callback and CallbackList are 2015's (imported). What 0.3 changed: BaseLogger no longer
prints, it writes the epoch's batch-size-weighted means into the epoch logs (so History,
EarlyStopping and ModelCheckpoint can monitor 'loss' and 'acc'); ProgbarLogger prints;
History records the epoch logs; ModelCheckpoint and EarlyStopping take a `mode`.
"""
import warnings

import numpy as np

from .. import callbacks as _shared
from ..callbacks import Callback, CallbackList  # noqa: F401
from ..utils.generic_utils import Progbar
from . import backend as K


class BaseLogger(_shared.EpochTotals):
    """Adds the epoch's means of the batch logs named in params['metrics'] to the epoch logs."""

    def on_epoch_end(self, epoch, logs={}):
        for k in self.params['metrics']:
            if k in self.totals:
                logs[k] = self.totals[k] / self.seen


class ProgbarLogger(Callback):
    """'Epoch i/n' and a progress bar (verbose=1) or one line per epoch (verbose=2)."""

    def on_train_begin(self, logs={}):
        self.verbose = self.params['verbose']
        self.nb_epoch = self.params['nb_epoch']

    def on_epoch_begin(self, epoch, logs={}):
        if self.verbose:
            print('Epoch %d/%d' % (epoch + 1, self.nb_epoch))
            self.progbar = Progbar(target=self.params['nb_sample'], verbose=self.verbose)
        self.seen = 0
        self.log_values = []

    def on_batch_begin(self, batch, logs={}):
        if self.seen < self.params['nb_sample']:
            self.log_values = []

    def on_batch_end(self, batch, logs={}):
        self.seen += logs.get('size', 0)
        self.log_values += [(k, logs[k]) for k in self.params['metrics'] if k in logs]
        # the last batch is drawn by on_epoch_end, with the validation values
        if self.verbose and self.seen < self.params['nb_sample']:
            self.progbar.update(self.seen, self.log_values)

    def on_epoch_end(self, epoch, logs={}):
        self.log_values += [(k, logs[k]) for k in self.params['metrics'] if k in logs]
        if self.verbose:
            self.progbar.update(self.seen, self.log_values)


class History(Callback):
    """`epoch` (the epoch indices) and `history` (log name -> one value per epoch)."""

    def on_train_begin(self, logs={}):
        self.epoch = []
        self.history = {}

    def on_epoch_end(self, epoch, logs={}):
        self.epoch.append(epoch)
        for k, v in logs.items():
            self.history.setdefault(k, []).append(v)


def monitor_direction(owner, mode, monitor):
    """(comparison, starting best) for mode 'min', 'max' or 'auto' (max for names with 'acc')."""
    if mode not in ('auto', 'min', 'max'):
        warnings.warn('%s mode %s is unknown, fallback to auto mode.' % (owner, mode),
                      RuntimeWarning)
        mode = 'auto'
    if mode == 'max' or (mode == 'auto' and 'acc' in monitor):
        return np.greater, -np.inf
    return np.less, np.inf


class ModelCheckpoint(Callback):
    """Save the weights after every epoch, or only when `monitor` improves (save_best_only).
    `filepath` may hold {epoch} and epoch-log names: 'w.{epoch:02d}-{val_loss:.2f}.hdf5'."""

    def __init__(self, filepath, monitor='val_loss', verbose=0, save_best_only=False,
                 mode='auto'):
        super(ModelCheckpoint, self).__init__()
        self.monitor = monitor
        self.verbose = verbose
        self.filepath = filepath
        self.save_best_only = save_best_only
        self.monitor_op, self.best = monitor_direction('ModelCheckpoint', mode, monitor)

    def on_epoch_end(self, epoch, logs={}):
        filepath = self.filepath.format(epoch=epoch, **logs)
        if not self.save_best_only:
            if self.verbose > 0:
                print('Epoch %05d: saving model to %s' % (epoch, filepath))
            self.model.save_weights(filepath, overwrite=True)
            return
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn('Can save best model only with %s available, skipping.'
                          % self.monitor, RuntimeWarning)
        elif self.monitor_op(current, self.best):
            if self.verbose > 0:
                print('Epoch %05d: %s improved from %0.5f to %0.5f, saving model to %s'
                      % (epoch, self.monitor, self.best, current, filepath))
            self.best = current
            self.model.save_weights(filepath, overwrite=True)
        elif self.verbose > 0:
            print('Epoch %05d: %s did not improve' % (epoch, self.monitor))


class EarlyStopping(Callback):
    """Stop training once `monitor` has not improved for more than `patience` epochs."""

    def __init__(self, monitor='val_loss', patience=0, verbose=0, mode='auto'):
        super(EarlyStopping, self).__init__()
        self.monitor = monitor
        self.patience = patience
        self.verbose = verbose
        self.wait = 0
        self.monitor_op, self.best = monitor_direction('EarlyStopping', mode, monitor)

    def on_epoch_end(self, epoch, logs={}):
        current = logs.get(self.monitor)
        if current is None:
            # 0.3.3 went on to compare None with the best value: a TypeError on Python 3
            warnings.warn('Early stopping requires %s available!' % self.monitor,
                          RuntimeWarning)
            return
        if self.monitor_op(current, self.best):
            self.best = current
            self.wait = 0
            return
        if self.wait >= self.patience:
            if self.verbose > 0:
                print('Epoch %05d: early stopping' % epoch)
            self.model.stop_training = True
        self.wait += 1


class RemoteMonitor(_shared.RemoteMonitor):
    """4e1ec93's, sending the epoch logs only: 0.3.3's BaseLogger has already put the epoch's
    mean batch logs in them."""

    def epoch_record(self, epoch, logs):
        send = {'epoch': epoch}
        send.update((k, float(v)) for k, v in logs.items())
        return send


class LearningRateScheduler(Callback):
    """At each epoch start, set the optimizer's lr to schedule(epoch) (0-based), a float."""

    def __init__(self, schedule):
        super(LearningRateScheduler, self).__init__()
        self.schedule = schedule

    def on_epoch_begin(self, epoch, logs={}):
        if not hasattr(self.model.optimizer, 'lr'):
            raise ValueError('LearningRateScheduler: the optimizer %s has no "lr" attribute'
                             % type(self.model.optimizer).__name__)
        lr = self.schedule(epoch)
        if type(lr) != float:
            raise TypeError('LearningRateScheduler: the schedule function should return a '
                            'float, returned %r for epoch %d' % (lr, epoch))
        K.set_value(self.model.optimizer.lr, lr)


class TensorBoard(Callback):
    """Needs TensorFlow's summaries: refused, as 0.3.3 refused it on the Theano backend."""

    def __init__(self, log_dir='./logs', histogram_freq=0):
        raise RuntimeError('TensorBoard callback only works with the TensorFlow backend; '
                           'legacy_bn runs Keras 0.3.3 on its Theano backend (use History, '
                           'or RemoteMonitor, to follow training)')
