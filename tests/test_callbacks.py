"""Callbacks driven the way `fit` drives them (a scripted fake training loop)."""
import re
import warnings

import pytest

from legacy_bn import callbacks as cbks
from legacy_bn import optimizers

# two epochs of batches (size, loss, acc); validation results per epoch
EPOCHS = [
    [(4, 1.0, 0.25), (4, 0.5, 0.5), (2, 0.25, 1.0)],
    [(4, 0.4, 0.5), (4, 0.2, 0.75), (2, 0.1, 1.0)],
]
VAL = [{'val_loss': 0.9, 'val_acc': 0.5}, {'val_loss': 0.3, 'val_acc': 0.75}]


class FakeModel(object):
    def __init__(self):
        self.optimizer = optimizers.SGD(lr=0.1)
        self.saved = []
        self.stop_training = False

    def save_weights(self, filepath, overwrite=False):
        self.saved.append((filepath, overwrite))


def fit(callbacks, verbose=0, epochs=EPOCHS, val=VAL, model=None):
    """Call the hooks in fit's order; return the model."""
    model = model or FakeModel()
    cl = cbks.CallbackList(callbacks)
    cl._set_model(model)
    cl._set_params({'batch_size': 4, 'nb_epoch': len(epochs), 'nb_sample': 10,
                    'verbose': verbose, 'do_validation': True,
                    'metrics': ['loss', 'acc', 'val_loss', 'val_acc']})
    cl.on_train_begin()
    for epoch, batches in enumerate(epochs):
        cl.on_epoch_begin(epoch)
        for i, (size, loss, acc) in enumerate(batches):
            logs = {'batch': i, 'size': size}
            cl.on_batch_begin(i, logs)
            logs['loss'] = loss
            logs['acc'] = acc
            cl.on_batch_end(i, logs)
        cl.on_epoch_end(epoch, dict(val[epoch]))
        if model.stop_training:
            break
    cl.on_train_end()
    return model


def test_history_records_batch_weighted_epoch_means():
    h = cbks.History()
    fit([h])
    assert h.epoch == [0, 1]
    assert h.history['loss'] == pytest.approx([(4 * 1.0 + 4 * 0.5 + 2 * 0.25) / 10,
                                               (4 * 0.4 + 4 * 0.2 + 2 * 0.1) / 10])
    assert h.history['acc'] == pytest.approx([(1.0 + 2.0 + 2.0) / 10, (2.0 + 3.0 + 2.0) / 10])
    assert h.history['val_loss'] == [0.9, 0.3]
    assert h.history['val_acc'] == [0.5, 0.75]
    # Keras averaged every batch log, bookkeeping keys included
    assert h.history['size'] == pytest.approx([3.6, 3.6])
    assert set(h.history) == {'loss', 'acc', 'val_loss', 'val_acc', 'batch', 'size'}


def test_history_restarts_on_train_begin():
    h = cbks.History()
    fit([h])
    fit([h], epochs=EPOCHS[:1], val=VAL[:1])
    assert h.epoch == [0] and len(h.history['loss']) == 1


def test_callback_hooks_are_called_in_order():
    calls = []

    class Recorder(cbks.Callback):
        def on_train_begin(self, logs={}):
            calls.append('train_begin')

        def on_epoch_begin(self, epoch, logs={}):
            calls.append('epoch_begin %d' % epoch)

        def on_batch_begin(self, batch, logs={}):
            calls.append('batch_begin %d' % batch)

        def on_batch_end(self, batch, logs={}):
            calls.append('batch_end %d loss=%s' % (batch, logs['loss']))

        def on_epoch_end(self, epoch, logs={}):
            calls.append('epoch_end %d %s' % (epoch, logs['val_loss']))

        def on_train_end(self, logs={}):
            calls.append('train_end')

    r = Recorder()
    model = fit([r], epochs=EPOCHS[:1], val=VAL[:1])
    assert r.model is model and r.params['nb_sample'] == 10
    assert calls == ['train_begin', 'epoch_begin 0',
                     'batch_begin 0', 'batch_end 0 loss=1.0',
                     'batch_begin 1', 'batch_end 1 loss=0.5',
                     'batch_begin 2', 'batch_end 2 loss=0.25',
                     'epoch_end 0 0.9', 'train_end']


def test_base_logger_verbose2_prints_one_line_per_epoch(capsys):
    fit([cbks.BaseLogger()], verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert re.fullmatch(r'Epoch 1/2 - \d+s - loss: 0\.6500 - acc: 0\.5000 - val_loss: 0\.9000'
                        r' - val_acc: 0\.5000', lines[0]), lines[0]
    assert re.fullmatch(r'Epoch 2/2 - \d+s - loss: 0\.2600 - acc: 0\.7000 - val_loss: 0\.3000'
                        r' - val_acc: 0\.7500', lines[1]), lines[1]


def test_base_logger_is_silent_at_verbose_0(capsys):
    logger = cbks.BaseLogger()
    fit([logger], verbose=0)
    assert capsys.readouterr().out == ''
    # the epoch summary is still available
    assert logger.epoch_values(VAL[1]) == [('loss', pytest.approx(0.26)), ('acc', pytest.approx(0.7)),
                                           ('val_loss', 0.3), ('val_acc', 0.75)]


def test_base_logger_draws_a_progress_bar_at_verbose_1(capsys, terminal):
    fit([cbks.BaseLogger()], verbose=1)
    out = capsys.readouterr().out
    # one tqdm bar per epoch, over nb_sample samples, ending with the epoch's metrics
    assert 'Epoch 1/2' in out and 'Epoch 2/2' in out
    assert '10/10' in out
    assert 'loss: 0.2600 - acc: 0.7000 - val_loss: 0.3000 - val_acc: 0.7500' in out


def test_early_stopping_after_patience():
    val = [{'val_loss': v} for v in [1.0, 0.5, 0.6, 0.7, 0.8, 0.9]]
    epochs = [EPOCHS[0]] * len(val)
    h = cbks.History()
    fit([cbks.EarlyStopping(patience=1), h], epochs=epochs, val=val)
    # best at epoch 1; epoch 2 waits (wait 0 -> 1), epoch 3 stops
    assert h.epoch == [0, 1, 2, 3]
    h = cbks.History()
    fit([cbks.EarlyStopping(patience=0), h], epochs=epochs, val=val)
    assert h.epoch == [0, 1, 2]


def test_early_stopping_without_the_monitored_value_warns():
    with pytest.warns(RuntimeWarning, match='Early stopping requires val_loss available!'):
        model = fit([cbks.EarlyStopping()], val=[{}, {}])
    assert model.stop_training is False


def test_model_checkpoint_every_epoch_and_best_only(capsys):
    model = fit([cbks.ModelCheckpoint('w.{epoch:02d}.{val_loss:.1f}.hdf5')])
    assert model.saved == [('w.00.0.9.hdf5', True), ('w.01.0.3.hdf5', True)]
    val = [{'val_loss': v} for v in [0.5, 0.7, 0.4]]
    model = fit([cbks.ModelCheckpoint('best.hdf5', save_best_only=True, verbose=1)],
                epochs=[EPOCHS[0]] * 3, val=val)
    assert model.saved == [('best.hdf5', True), ('best.hdf5', True)]
    out = capsys.readouterr().out
    assert 'Epoch 00001: val_loss did not improve' in out
    assert 'Epoch 00002: val_loss improved from 0.50000 to 0.40000, saving model to best.hdf5' in out


def test_model_checkpoint_best_only_without_monitor_warns():
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        model = fit([cbks.ModelCheckpoint('x', save_best_only=True)], val=[{}, {}])
    assert model.saved == []
    assert [str(x.message) for x in w] == ['Can save best model only with val_loss available, skipping.'] * 2


def test_learning_rate_scheduler_sets_the_optimizer_lr():
    seen = []

    class LrProbe(cbks.Callback):
        def on_epoch_begin(self, epoch, logs={}):
            seen.append(float(self.model.optimizer.lr.get_value()))

    model = fit([cbks.LearningRateScheduler(lambda epoch: 0.5 / (epoch + 1)), LrProbe()])
    assert seen == [0.5, 0.25]
    assert model.optimizer.lr.dtype == optimizers.SGD().lr.dtype
