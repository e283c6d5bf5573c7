#!/usr/bin/env python
"""Train one network on MNIST with no normalization, the 2015 BatchNormalization (mode 0),
the paper's batch normalization (batch statistics), layer normalization and, on LeNet,
group and instance normalization, at batch sizes 128, 8 and 2, through the 2015 Keras
API; compare test accuracy, and the paper BN's training-mode against test-mode accuracy.

    python scripts/train_mnist.py              # the MLP comparison (~105 s of CPU, one thread)
    python scripts/train_mnist.py --arch lenet # the same on a LeNet-style CNN, with GN and IN
    python scripts/train_mnist.py --arch lstm  # LSTM vs LSTM_LN vs LSTM + BN on image rows
    python scripts/train_mnist.py --quick      # a smoke test, well under a minute
    python scripts/train_mnist.py --full       # every batch size on all 60000 images (long)
    python scripts/train_mnist.py --plot-only  # redraw the plots from results.json

Every run makes the same number of updates: --steps-per-epoch updates per epoch (default
468 = 60000 // 128), so a run at batch size B trains on the first 468 * B training images
(all of MNIST at 128, 3744 images at 8, 936 at 2), for the same number of epochs. --full
instead trains every batch size on all 60000 images (small batches then make 64 times the
updates of batch 128).

The networks are the rows of ARCHS: adding one is a function building its layers around
a given normalization, the shape of one sample, and its defaults.

Each run seeds np.random with --seed just before its model is built, so the same
arguments give the same numbers. Prints a progress bar per run, then the test accuracy
and loss after every epoch, the paper BN's accuracy on the test images in training mode
(each batch of B test images normalized by its own statistics) against test mode (the
running statistics), and the seconds per epoch; writes results.json, results.csv and (with
matplotlib) curves.png and accuracy_vs_batch.png to --out.
"""
import argparse
import collections
import csv
import json
import os
import platform
import sys
import textwrap
import time

# run from a checkout without installing: use the legacy_bn beside this script
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if os.path.isdir(os.path.join(_ROOT, 'legacy_bn')) and _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

VARIANTS = {  # name -> label (the layers each one adds: normalization() below)
    'none': 'no normalization',
    'bn0': 'BN 2015 mode 0',
    'bn1': 'BN 2015 mode 1',
    'bn': 'BN (batch statistics)',
    'ln': 'LayerNormalization',
    'gn': 'GroupNormalization',
    'in': 'InstanceNormalization',
}
LABEL_WIDTH = max(len(label) for label in VARIANTS.values())

# One learning rate for every run, since the experiment varies only the normalization and
# the batch size: 0.01 with momentum 0.9 trains every variant without diverging down to
# batch size 2. Updates, not epochs, are what the batch sizes share: 468 per epoch
# (60000 // 128), so batch 128 sees all of MNIST once per epoch and batch 2 its first 936
# images. 256-unit layers and float32, as Keras's examples cast MNIST. One BLAS thread:
# the matrix products are too small to gain from two, and two threads were ~5x slower
# while other processes ran.
DEFAULTS = dict(models='none,bn0,bn,ln', batch_sizes='128,8,2', epochs=5, steps_per_epoch=468,
                lr=0.01, momentum=0.9, clipnorm=0.0, hidden='256,256', seed=1337,
                floatx='float32', subset=None, test_subset=None,
                out=os.path.join('runs', 'train_mnist'), blas_threads=1)
QUICK = dict(epochs=2, steps_per_epoch=40, hidden='64', test_subset=500)
FULL = dict(steps_per_epoch=0)      # 0: every batch size on all the training images
EVAL_BATCH = 500   # test-mode evaluation: no variant's test output depends on the batch


# ---------------------------------------------------------------- the networks

def normalization(norm, shape):
    """The layers a variant puts after a linear layer whose output sample has `shape`:
    (units,) after a Dense, (channels, rows, cols) after a convolution.

    After a convolution: the 2015 BN keeps statistics per element, as a 2015 script got
    it; the paper BN per feature map (axis=1); LN is GroupNormalization(1), all of a
    sample's feature maps together (Ba et al.'s layer normalization of a convolutional
    layer); GN has two channels per group; IN one. After a Dense layer GN and IN, which are
    defined on feature maps, fall back to LN (GN's one-group case); 2015 mode 1 has no
    meaning on feature maps and adds nothing there."""
    from legacy_bn.layers.normalization import (BatchNormalization, GroupNormalization,
                                                InstanceNormalization, LayerNormalization)
    conv = len(shape) == 3
    if norm == 'bn0':
        return [BatchNormalization(shape, mode=0)]
    if norm == 'bn1':
        return [] if conv else [BatchNormalization(shape, mode=1)]
    if norm == 'bn':
        return [BatchNormalization(shape, axis=1 if conv else None, batch_statistics=True)]
    if not conv:
        return [LayerNormalization()] if norm in ('ln', 'gn', 'in') else []
    if norm == 'ln':
        return [GroupNormalization(1, input_shape=shape)]
    if norm == 'gn':
        return [GroupNormalization(shape[0] // 2, input_shape=shape)]
    if norm == 'in':
        return [InstanceNormalization(input_shape=shape)]
    return []


def mlp_layers(norm, hidden):
    """784 -> [Dense -> (normalization) -> relu] per hidden size -> Dense(10) -> softmax."""
    from legacy_bn.layers.core import Activation, Dense
    layers, n_in = [], 784
    for n_out in hidden:
        layers += [Dense(n_in, n_out)] + normalization(norm, (n_out,)) + [Activation('relu')]
        n_in = n_out
    return layers + [Dense(n_in, 10), Activation('softmax')]


def lenet_layers(norm, hidden):
    """1x28x28 -> conv 6@5x5 -> (normalization) -> tanh -> max-pool 2 -> conv 16@5x5 ->
    (normalization) -> tanh -> max-pool 2 (16x4x4) -> [Dense -> (normalization) -> tanh]
    per hidden size -> Dense(10) -> softmax. The normalization sits between each linear
    layer and its nonlinearity, as in the papers."""
    from legacy_bn.layers.convolutional import Convolution2D, MaxPooling2D
    from legacy_bn.layers.core import Activation, Dense, Flatten
    layers, channels, side = [], 1, 28
    for filters in (6, 16):
        side -= 4
        layers += [Convolution2D(filters, channels, 5, 5)] + \
            normalization(norm, (filters, side, side)) + [Activation('tanh'), MaxPooling2D((2, 2))]
        channels, side = filters, side // 2
    layers.append(Flatten())
    n_in = channels * side * side
    for n_out in hidden:
        layers += [Dense(n_in, n_out)] + normalization(norm, (n_out,)) + [Activation('tanh')]
        n_in = n_out
    return layers + [Dense(n_in, 10), Activation('softmax')]


def lstm_layers(norm, hidden):
    """28 rows of 28 pixels, one row per timestep -> LSTM(hidden[0]) (LSTM_LN for 'ln',
    the normalization inside the recurrence) -> (a BatchNormalization on the LSTM's output
    for 'bn0'/'bn1'/'bn') -> Dense(10) -> softmax."""
    from legacy_bn.layers.core import Activation, Dense
    from legacy_bn.layers.recurrent import LSTM, LSTM_LN
    size = hidden[0]
    if norm == 'ln':
        layers = [LSTM_LN(28, size)]
    else:
        layers = [LSTM(28, size)] + normalization(norm, (size,))
    return layers + [Dense(size, 10), Activation('softmax')]


Arch = collections.namedtuple('Arch', ['layers', 'sample_shape', 'title', 'variants',
                                         'defaults', 'quick'])
# name -> how to build it around a normalization, the shape of one input sample, the start
# of the description ({hidden}: the hidden sizes), the variants it offers, and its own
# defaults (over DEFAULTS) and --quick settings (over QUICK).
ARCHS = {
    'mlp': Arch(mlp_layers, (784,), 'MLP 784-{hidden}-10 relu', ('none', 'bn0', 'bn1', 'bn', 'ln'),
                {}, {}),
    'lenet': Arch(lenet_layers, (1, 28, 28),
                  'LeNet conv 6@5x5-pool 2-conv 16@5x5-pool 2-dense {hidden}-10 tanh',
                  tuple(VARIANTS),
                  dict(models='none,bn0,bn,ln,gn,in', epochs=3, hidden='120,84',
                       out=os.path.join('runs', 'train_mnist_lenet')),
                  dict(hidden='120,84', test_subset=300)),
    # LSTM: a 2015 recurrent setup - lr 0.1 with gradient norm clipping at 1 for every
    # variant (LSTM_LN needs the clipping: MNIST's blank top rows keep h and c at exactly
    # zero, where each layer normalization scales the gradient by 1/sqrt(epsilon); see
    # docs/experiments.md). 117 updates per epoch (15000 images at batch 128).
    'lstm': Arch(lstm_layers, (28, 28), 'LSTM {hidden} over 28 rows of 28 pixels',
                 ('none', 'bn0', 'bn1', 'bn', 'ln'),
                 dict(models='none,bn1,bn,ln', epochs=3, steps_per_epoch=117, hidden='128',
                      lr=0.1, clipnorm=1.0, out=os.path.join('runs', 'train_mnist_lstm')),
                 dict(hidden='32', test_subset=300)),
}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--arch', choices=list(ARCHS), default='mlp',
                   help='the network (default: %(default)s); each has its own defaults')
    p.add_argument('--models', help='comma-separated, from: %s (mlp and lstm: the first five); '
                   'default: none,bn0,bn,ln (lenet: also gn,in; lstm: none,bn1,bn,ln)'
                   % ', '.join(VARIANTS))
    p.add_argument('--batch-sizes', help='comma-separated batch sizes (default: %(batch_sizes)s)'
                   % DEFAULTS)
    p.add_argument('--epochs', type=int, help='default: %(epochs)s (lenet and lstm 3)' % DEFAULTS)
    p.add_argument('--steps-per-epoch', type=int,
                   help='updates per epoch for every batch size: a run at batch size B trains '
                        'on the first steps * B training images; 0 for all of them (default: '
                        '%(steps_per_epoch)s = 60000 // 128; lstm 117)' % DEFAULTS)
    p.add_argument('--full', action='store_true',
                   help='the long version: every batch size on all the training images '
                        '(--steps-per-epoch 0), the same epochs')
    p.add_argument('--lr', type=float, help='SGD learning rate (default: %(lr)s)' % DEFAULTS)
    p.add_argument('--momentum', type=float, help='SGD momentum (default: %(momentum)s)' % DEFAULTS)
    p.add_argument('--clipnorm', type=float,
                   help="SGD's gradient norm clipping, 0 for none (default: 0; lstm: 1)")
    p.add_argument('--hidden', help='comma-separated sizes of the hidden Dense layers (default: '
                                    '%(hidden)s; lenet: 120,84)' % DEFAULTS)
    p.add_argument('--seed', type=int,
                   help='np.random seed, set before each model is built (default: %(seed)s)'
                   % DEFAULTS)
    p.add_argument('--floatx', choices=['float32', 'float64'],
                   help='Theano floatX; sets THEANO_FLAGS before legacy_bn.theano is imported '
                        '(default: %(floatx)s)' % DEFAULTS)
    p.add_argument('--subset', type=int,
                   help='use at most the first N training images (default: all 60000)')
    p.add_argument('--test-subset', type=int,
                   help='test on the first N test images (default: all 10000)')
    p.add_argument('--out', help='directory for results.json, results.csv and the plots '
                                 '(default: %(out)s)' % DEFAULTS)
    p.add_argument('--blas-threads', type=int,
                   help='BLAS threads, 0 for the library default (default: %(blas_threads)s: '
                        'these matrix products are too small to gain from more)' % DEFAULTS)
    p.add_argument('--mnist', metavar='FILE',
                   help='read MNIST from FILE (any format load_data reads; a part of MNIST '
                        'under a name other than the standard ones) instead of the cache')
    p.add_argument('--plot-only', action='store_true',
                   help='do not train: redraw the plots from the results.json in --out')
    p.add_argument('--quick', action='store_true',
                   help='smoke test in seconds: %s' % ', '.join(
                       '--%s %s' % (k.replace('_', '-'), v) for k, v in QUICK.items()))
    args = p.parse_args(argv)
    if args.quick and args.full:
        p.error('--quick and --full contradict each other; choose one')
    arch = ARCHS[args.arch]
    quick = list(arch.quick.items()) + list(QUICK.items()) if args.quick else []
    full = list(FULL.items()) if args.full else []
    for key, value in quick + full + list(arch.defaults.items()) + list(DEFAULTS.items()):
        if getattr(args, key) is None:  # explicit options win over --quick/--full, those
            setattr(args, key, value)   # over defaults, and the arch's over the common ones
    args.models = _split(args.models, str)
    unknown = [m for m in args.models if m not in arch.variants]
    if unknown:
        p.error('unknown model(s) %s for --arch %s; choose from %s'
                % (', '.join(unknown), args.arch, ', '.join(arch.variants)))
    args.batch_sizes = _split(args.batch_sizes, int)
    args.hidden = _split(args.hidden, int)
    if any(b < 1 for b in args.batch_sizes) or args.steps_per_epoch < 0 or args.epochs < 1:
        p.error('batch sizes and --epochs must be positive, --steps-per-epoch >= 0')
    return args


def training_images(args, available, batch_size):
    """How many of the first training images a run at `batch_size` trains on."""
    if args.steps_per_epoch:
        return min(available, args.steps_per_epoch * batch_size)
    return available


def _split(text, kind):
    return [kind(t) for t in str(text).split(',') if t.strip()]


def configure_environment(args):
    """Must run before numpy and legacy_bn.theano are imported: both read these once."""
    flags = [f for f in os.environ.get('THEANO_FLAGS', '').split(',')
             if f and not f.strip().startswith('floatX=')]
    os.environ['THEANO_FLAGS'] = ','.join(flags + ['floatX=' + args.floatx])
    if args.blas_threads:
        for var in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS'):
            os.environ[var] = str(args.blas_threads)


def load_mnist(args, floatX):
    """Keras's mnist_mlp / mnist_cnn preprocessing: the arch's sample shape (flat or
    1x28x28), scaled to [0, 1], one-hot labels."""
    from legacy_bn.datasets import mnist
    from legacy_bn.utils import np_utils
    (X_train, y_train), (X_test, y_test) = mnist.load_data(path=args.mnist)
    X_train, y_train = X_train[:args.subset], y_train[:args.subset]
    X_test, y_test = X_test[:args.test_subset], y_test[:args.test_subset]
    shape = ARCHS[args.arch].sample_shape
    X_train = X_train.reshape((len(X_train),) + shape).astype(floatX) / 255
    X_test = X_test.reshape((len(X_test),) + shape).astype(floatX) / 255
    return (X_train, np_utils.to_categorical(y_train, 10)), \
        (X_test, np_utils.to_categorical(y_test, 10))


def build_model(arch, variant, hidden, lr, momentum, clipnorm=0.0):
    """The arch's layers around the variant's normalization, in a compiled Sequential."""
    from legacy_bn.models import Sequential
    from legacy_bn.optimizers import SGD
    model = Sequential()
    for layer in ARCHS[arch].layers(variant, hidden):
        model.add(layer)
    model.compile(loss='categorical_crossentropy',
                  optimizer=SGD(lr=lr, momentum=momentum, clipnorm=clipnorm))
    return model


def uses_batch_statistics(model):
    return any(getattr(layer, 'batch_statistics', False) for layer in model.layers)


def training_mode_accuracy(model, predict_train, X, Y, batch_size):
    """Accuracy on (X, Y) with the network in training mode: each batch of `batch_size`
    samples (in order) normalized by its own statistics, as in training; no updates."""
    hits = 0
    for start in range(0, len(X), batch_size):
        out = predict_train(X[start:start + batch_size])
        hits += int((out.argmax(axis=-1) == Y[start:start + batch_size].argmax(axis=-1)).sum())
    return hits / len(X)


def make_test_callback(test, batch_size, predict_train):
    """A Keras callback that tests the model after each epoch: accuracy and loss on the test
    images in test mode (logged as val_acc and val_loss for the callbacks after it) and,
    for a network with batch statistics, the accuracy in training mode at `batch_size`."""
    from legacy_bn.callbacks import Callback

    class TestEvaluation(Callback):
        def on_train_begin(self, logs={}):
            self.test_loss, self.test_acc, self.train_mode_acc = [], [], []

        def on_epoch_end(self, epoch, logs={}):
            loss, acc = self.model.evaluate(test[0], test[1], batch_size=EVAL_BATCH,
                                            show_accuracy=True, verbose=0)
            self.test_loss.append(float(loss))
            self.test_acc.append(float(acc))
            logs['val_loss'], logs['val_acc'] = loss, acc
            if predict_train is not None:
                self.train_mode_acc.append(training_mode_accuracy(
                    self.model, predict_train, test[0], test[1], batch_size))

    return TestEvaluation()


def make_progress_callback(description):
    """A Keras callback: one tqdm bar per run (one line per epoch when stderr is not a
    terminal), and the training seconds of each epoch."""
    from tqdm import tqdm
    from legacy_bn.callbacks import Callback
    from legacy_bn.utils.generic_utils import on_terminal

    class Progress(Callback):
        def on_train_begin(self, logs={}):
            p = self.params
            per_epoch = (p['nb_sample'] + p['batch_size'] - 1) // p['batch_size']
            self.lines = not on_terminal(sys.stderr)
            self.bar = tqdm(total=p['nb_epoch'] * per_epoch, desc=description, unit='batch',
                            file=sys.stderr, dynamic_ncols=True, disable=self.lines)
            self.train_seconds = []

        def on_epoch_begin(self, epoch, logs={}):
            self.started = time.perf_counter()

        def on_batch_end(self, batch, logs={}):
            self.bar.update()
            self.last_batch_end = time.perf_counter()  # testing runs after this

        def on_epoch_end(self, epoch, logs={}):
            self.train_seconds.append(self.last_batch_end - self.started)
            self.bar.set_postfix_str('epoch %d test acc %.4f' % (epoch + 1, logs['val_acc']))
            if self.lines:
                print('%s epoch %d/%d test acc %.4f (%.1f s)'
                      % (description, epoch + 1, self.params['nb_epoch'], logs['val_acc'],
                         self.train_seconds[-1]), file=sys.stderr, flush=True)

        def on_train_end(self, logs={}):
            self.bar.close()

    return Progress()


def run(variant, batch_size, args, train, test):
    import numpy as np
    import legacy_bn.theano as theano
    np.random.seed(args.seed)  # same seed -> same weights and the same shuffles
    model = build_model(args.arch, variant, args.hidden, args.lr, args.momentum, args.clipnorm)
    predict_train = None
    if uses_batch_statistics(model):
        predict_train = theano.function([model.X_train], model.y_train, allow_input_downcast=True)
    n = training_images(args, len(train[0]), batch_size)
    tests = make_test_callback(test, batch_size, predict_train)
    progress = make_progress_callback('%-4s bs %-4d' % (variant, batch_size))
    started = time.perf_counter()
    history = model.fit(train[0][:n], train[1][:n], batch_size=batch_size, nb_epoch=args.epochs,
                        verbose=0, shuffle=True, show_accuracy=True, callbacks=[tests, progress])
    seconds = time.perf_counter() - started
    h = history.history
    result = {'model': variant, 'label': VARIANTS[variant], 'batch_size': batch_size,
              'n_train': n, 'updates': args.epochs * -(-n // batch_size),
              'epoch': [e + 1 for e in history.epoch],
              'train_loss': _floats(h['loss']), 'train_acc': _floats(h['acc']),
              'test_loss': tests.test_loss, 'test_acc': tests.test_acc,
              'final_test_loss': tests.test_loss[-1], 'final_test_acc': tests.test_acc[-1],
              'train_seconds_per_epoch': progress.train_seconds, 'total_seconds': seconds}
    if predict_train is not None:
        result['train_mode_test_acc'] = tests.train_mode_acc
    return result


def _floats(values):
    return [float(v) for v in values]


# ---------------------------------------------------------------- reporting

def _row_head(r):
    return '%-*s %4d  ' % (LABEL_WIDTH, r['label'], r['batch_size'])


def results_table(runs):
    """Test accuracy (%) and loss after each epoch, the final ones, the accuracy by batch
    size, and the paper BN's training-mode against test-mode accuracy: deterministic."""
    epochs = len(runs[0]['test_acc'])
    head = '%-*s %4s  ' % (LABEL_WIDTH, 'model', 'bs')
    lines = ['Test accuracy (%) after each epoch',
             head + ' '.join('%6d' % (e + 1) for e in range(epochs)) + '   final  loss']
    for r in runs:
        lines.append(_row_head(r) + ' '.join('%6.2f' % (100 * a) for a in r['test_acc']) +
                     '  %6.2f %.4f' % (100 * r['final_test_acc'], r['final_test_loss']))
    lines += ['', 'Test loss after each epoch',
              head + ' '.join('%6d' % (e + 1) for e in range(epochs))]
    for r in runs:
        lines.append(_row_head(r) + ' '.join('%6.4f' % l for l in r['test_loss']))
    return '\n'.join(lines + ['', by_batch_size_table(runs), '', train_mode_table(runs)])


def by_batch_size_table(runs):
    """Final test accuracy (%), one row per model and one column per batch size."""
    sizes = sorted({r['batch_size'] for r in runs}, reverse=True)
    final = {(r['model'], r['batch_size']): r['final_test_acc'] for r in runs}
    lines = ['Final test accuracy (%) by batch size',
             '%-*s ' % (LABEL_WIDTH, 'model') + ' '.join('%7s' % ('bs %d' % b) for b in sizes)]
    for model in dict.fromkeys(r['model'] for r in runs):
        lines.append('%-*s ' % (LABEL_WIDTH, VARIANTS[model]) + ' '.join(
            '%7.2f' % (100 * final[model, b]) if (model, b) in final else '%7s' % '-'
            for b in sizes))
    return '\n'.join(lines)


def train_mode_table(runs):
    """For each run with batch statistics: the test images' accuracy in training mode
    (batches of B normalized by their own statistics) and in test mode (the running
    statistics), and the gap between them, after the last epoch."""
    lines = ['Batch statistics: test accuracy (%) in training mode (batches of bs) vs test '
             'mode (running statistics)',
             '%-*s %4s  %8s %8s %8s' % (LABEL_WIDTH, 'model', 'bs', 'train', 'test', 'gap')]
    rows = [r for r in runs if 'train_mode_test_acc' in r]
    for r in rows:
        train_mode = r['train_mode_test_acc'][-1]
        lines.append(_row_head(r) + '%8.2f %8.2f %+8.2f' % (
            100 * train_mode, 100 * r['final_test_acc'], 100 * (train_mode - r['final_test_acc'])))
    return '\n'.join(lines) if rows else '(no run with batch statistics)'


def timing_table(runs):
    """Seconds per epoch: these vary from run to run, so they are printed apart."""
    lines = ['Seconds per epoch (training only; mean over epochs) and per run (with testing)',
             '%-*s %4s  %8s %8s' % (LABEL_WIDTH, 'model', 'bs', 's/epoch', 's/run')]
    for r in runs:
        per_epoch = sum(r['train_seconds_per_epoch']) / len(r['train_seconds_per_epoch'])
        lines.append(_row_head(r) + '%8.2f %8.1f' % (per_epoch, r['total_seconds']))
    return '\n'.join(lines)


def write_outputs(out, setup, runs):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'results.json'), 'w') as f:
        json.dump({'setup': setup, 'runs': runs}, f, indent=1)
    with open(os.path.join(out, 'results.csv'), 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['model', 'batch_size', 'epoch', 'train_loss', 'train_acc', 'test_loss',
                    'test_acc', 'train_mode_test_acc', 'train_seconds'])
        for r in runs:
            for i, e in enumerate(r['epoch']):
                train_mode = r.get('train_mode_test_acc')
                w.writerow([r['model'], r['batch_size'], e, repr(r['train_loss'][i]),
                            repr(r['train_acc'][i]), repr(r['test_loss'][i]),
                            repr(r['test_acc'][i]), repr(train_mode[i]) if train_mode else '',
                            '%.3f' % r['train_seconds_per_epoch'][i]])
    return plot_all(out, setup, runs)


def _pyplot():
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    return plt


def plot_all(out, setup, runs):
    """curves.png and accuracy_vs_batch.png in `out`; [] without matplotlib."""
    paths = [plot_curves(os.path.join(out, 'curves.png'), setup, runs),
             plot_accuracy_vs_batch(os.path.join(out, 'accuracy_vs_batch.png'), setup, runs)]
    return [p for p in paths if p]


def plot_curves(path, setup, runs):
    """Test accuracy and loss against epoch, one column per batch size (the paper BN's
    training-mode accuracy dashed); None without matplotlib."""
    plt = _pyplot()
    if plt is None:
        return None
    from matplotlib.ticker import MaxNLocator
    sizes = sorted({r['batch_size'] for r in runs}, reverse=True)
    colors = _colors(runs)
    # one y-scale per row, so the batch sizes compare by eye
    fig, axes = plt.subplots(2, len(sizes), figsize=(5 * len(sizes), 7), squeeze=False,
                             sharey='row')
    for col, bs in enumerate(sizes):
        for r in (r for r in runs if r['batch_size'] == bs):
            color = colors[r['model']]
            axes[0][col].plot(r['epoch'], [100 * a for a in r['test_acc']], marker='o',
                              color=color, label=r['label'])
            if r.get('train_mode_test_acc'):
                axes[0][col].plot(r['epoch'], [100 * a for a in r['train_mode_test_acc']],
                                  linestyle='--', color=color,
                                  label=r['label'] + ', training mode')
            axes[1][col].plot(r['epoch'], r['test_loss'], marker='o', color=color,
                              label=r['label'])
        axes[0][col].set_title('batch size %d' % bs)
        axes[0][col].set_ylabel('test accuracy (%)')
        axes[1][col].set_ylabel('test loss')
        axes[1][col].set_xlabel('epoch')
        if col == 0:
            axes[0][col].legend(fontsize='small')
        for ax in axes[:, col]:
            ax.grid(alpha=0.3)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))   # epochs are whole
    _finish(plt, fig, path, setup, 60 * len(sizes))
    return path


def plot_accuracy_vs_batch(path, setup, runs):
    """Final test accuracy against batch size (log scale), one line per normalization,
    the paper BN's training-mode accuracy dashed; None without matplotlib."""
    plt = _pyplot()
    if plt is None:
        return None
    colors = _colors(runs)
    fig, ax = plt.subplots(figsize=(7, 5))
    for model in dict.fromkeys(r['model'] for r in runs):
        mine = sorted((r for r in runs if r['model'] == model), key=lambda r: r['batch_size'])
        sizes = [r['batch_size'] for r in mine]
        ax.plot(sizes, [100 * r.get('final_test_acc', r['test_acc'][-1]) for r in mine], marker='o',
                color=colors[model], label=VARIANTS[model])
        if all(r.get('train_mode_test_acc') for r in mine):
            ax.plot(sizes, [100 * r['train_mode_test_acc'][-1] for r in mine], marker='x',
                    linestyle='--', color=colors[model],
                    label=VARIANTS[model] + ', training mode')
    ax.set_xscale('log', base=2)
    all_sizes = sorted({r['batch_size'] for r in runs})
    ax.set_xticks(all_sizes)
    ax.set_xticklabels([str(b) for b in all_sizes])
    ax.set_xlabel('batch size (every run: the same number of updates)')
    ax.set_ylabel('final test accuracy (%)')
    ax.grid(alpha=0.3)
    ax.legend(fontsize='small')
    _finish(plt, fig, path, setup, 80)
    return path


def _colors(runs):
    models = list(VARIANTS)
    return {m: 'C%d' % models.index(m) for m in models}


def _finish(plt, fig, path, setup, width):
    fig.suptitle(textwrap.fill(setup['description'], width), fontsize='small')
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def replot(out):
    """The plots from the results.json that an earlier run wrote to `out`."""
    with open(os.path.join(out, 'results.json')) as f:
        report = json.load(f)
    pngs = plot_all(out, report['setup'], report['runs'])
    _report_plots(pngs)
    return pngs


def _report_plots(pngs):
    for png in pngs:
        print('Wrote %s' % png)
    if not pngs:
        print('No plot: matplotlib is not installed (pip install legacy_bn[plot])')


def describe(args, title, floatX, n_train, n_test):
    """The setup, printed first and drawn above the plots: what every run shares."""
    counts = ', '.join('%d on %d' % (b, training_images(args, n_train, b))
                       for b in args.batch_sizes)
    if args.steps_per_epoch:
        budget = ('%d updates per epoch at every batch size (batch size on training images: '
                  '%s)' % (args.steps_per_epoch, counts))
    else:
        budget = 'all %d training images at every batch size' % n_train
    return ('%s, SGD lr=%g momentum=%g%s, %d epochs of %s, %s, seed %d, %d test images'
            % (title, args.lr, args.momentum,
               ' clipnorm=%g' % args.clipnorm if args.clipnorm else '', args.epochs, budget,
               floatX, args.seed, n_test))


def main(argv=None):
    args = parse_args(argv)
    if args.plot_only:
        return replot(args.out)
    configure_environment(args)
    import numpy as np
    import legacy_bn.theano as theano
    floatX = theano.config.floatX
    train, test = load_mnist(args, floatX)
    title = ARCHS[args.arch].title.format(hidden='-'.join(map(str, args.hidden)))
    description = describe(args, title, floatX, len(train[0]), len(test[0]))
    print(description)
    runs = [run(variant, bs, args, train, test)
            for bs in args.batch_sizes for variant in args.models]
    setup = {'description': description, 'arch': args.arch, 'args': vars(args), 'floatX': floatX,
             'n_train': len(train[0]), 'n_test': len(test[0]), 'numpy': np.__version__,
             'python': platform.python_version(), 'machine': platform.machine(),
             'cpus': os.cpu_count()}
    print()
    print(results_table(runs))
    print()
    print(timing_table(runs))
    pngs = write_outputs(args.out, setup, runs)
    print()
    print('Wrote %s and %s' % (os.path.join(args.out, 'results.json'),
                               os.path.join(args.out, 'results.csv')))
    _report_plots(pngs)
    return runs


if __name__ == '__main__':
    main()
