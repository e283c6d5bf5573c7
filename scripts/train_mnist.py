#!/usr/bin/env python
"""Train one network on MNIST with no normalization, BatchNormalization (mode 0 and mode 1)
and LayerNormalization, at two batch sizes, through the 2015 Keras API; compare the curves.

    python scripts/train_mnist.py            # the MLP comparison (see README for timings)
    python scripts/train_mnist.py --arch lenet   # the same comparison on a LeNet-style CNN
    python scripts/train_mnist.py --arch lstm    # LSTM vs LSTM_LN vs LSTM + BN on image rows
    python scripts/train_mnist.py --quick    # a smoke test, well under a minute
    python scripts/train_mnist.py --plot-only  # redraw curves.png from results.json

The networks are the rows of ARCHS: adding one is a function building its layers around
a given normalization, the shape of one sample, and its defaults.

Each run seeds np.random with --seed just before its model is built, so the same
arguments give the same numbers. Prints a progress bar per run, then the test accuracy
and loss after every epoch, the final test accuracy and loss, and the seconds per epoch;
writes results.json and results.csv (and curves.png if matplotlib is installed) to --out.
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

VARIANTS = {  # name -> (label, the layer after each hidden Dense, or None)
    'none': ('no normalization', None),
    'bn0': ('BatchNormalization mode 0', 'bn0'),
    'bn1': ('BatchNormalization mode 1', 'bn1'),
    'ln': ('LayerNormalization', 'ln'),
}

# Defaults measured on a 2-core machine: the whole comparison takes about 8 minutes and the
# unnormalized MLP ends at 97.7% (batch 128) and 98.1% (batch 8). One learning rate for
# every run, since the control experiment varies only the normalization and the batch
# size: 0.01 with momentum 0.9 is stable at batch size 8 (0.02 made the unnormalized
# net's test loss climb there, ending at 96.5%). 512-unit layers gain ~0.2% at batch 128
# but double the batch-8 time. float32, as Keras's examples cast MNIST. One BLAS thread:
# two gain ~20% at batch 128 on an idle machine, nothing at batch 8 (tiny matrices), and
# made batch-128 epochs ~5x slower while other processes were running.
DEFAULTS = dict(models='none,bn0,bn1,ln', batch_sizes='128,8', epochs=15, lr=0.01,
                momentum=0.9, clipnorm=0.0, hidden='256,256', seed=1337, floatx='float32', subset=None,
                test_subset=None, out=os.path.join('runs', 'train_mnist'), blas_threads=1)
QUICK = dict(epochs=2, hidden='64', subset=1000, test_subset=500)


# ---------------------------------------------------------------- the networks

def normalization(norm, size):
    """The layers a variant puts after a hidden layer of `size` units: none, the 2015
    BatchNormalization (mode 0 or 1) or LayerNormalization."""
    from legacy_bn.layers.normalization import BatchNormalization, LayerNormalization
    if norm in ('bn0', 'bn1'):
        return [BatchNormalization((size,), mode=int(norm[-1]))]
    if norm == 'ln':
        return [LayerNormalization()]
    return []


def mlp_layers(norm, hidden):
    """784 -> [Dense -> (normalization) -> relu] per hidden size -> Dense(10) -> softmax."""
    from legacy_bn.layers.core import Activation, Dense
    layers, n_in = [], 784
    for n_out in hidden:
        layers += [Dense(n_in, n_out)] + normalization(norm, n_out) + [Activation('relu')]
        n_in = n_out
    return layers + [Dense(n_in, 10), Activation('softmax')]


def lenet_layers(norm, hidden):
    """1x28x28 -> conv 6@5x5 tanh -> max-pool 2 -> conv 16@5x5 tanh -> max-pool 2 (16x4x4)
    -> [Dense tanh -> (normalization)] per hidden size -> Dense(10) -> softmax."""
    from legacy_bn.layers.convolutional import Convolution2D, MaxPooling2D
    from legacy_bn.layers.core import Activation, Dense, Flatten
    layers = [Convolution2D(6, 1, 5, 5, activation='tanh'), MaxPooling2D((2, 2)),
              Convolution2D(16, 6, 5, 5, activation='tanh'), MaxPooling2D((2, 2)), Flatten()]
    n_in = 16 * 4 * 4
    for n_out in hidden:
        layers += [Dense(n_in, n_out, activation='tanh')] + normalization(norm, n_out)
        n_in = n_out
    return layers + [Dense(n_in, 10), Activation('softmax')]


def lstm_layers(norm, hidden):
    """28 rows of 28 pixels, one row per timestep -> LSTM(hidden[0]) (LSTM_LN for 'ln',
    the normalization inside the recurrence) -> (BatchNormalization on the LSTM's output
    for 'bn0'/'bn1', as a 2015 user would have tried) -> Dense(10) -> softmax."""
    from legacy_bn.layers.core import Activation, Dense
    from legacy_bn.layers.recurrent import LSTM, LSTM_LN
    size = hidden[0]
    if norm == 'ln':
        layers = [LSTM_LN(28, size)]
    else:
        layers = [LSTM(28, size)] + normalization(norm, size)
    return layers + [Dense(size, 10), Activation('softmax')]


Arch = collections.namedtuple('Arch', ['layers', 'sample_shape', 'title', 'defaults', 'quick'])
# name -> how to build it around a normalization, the shape of one input sample, the start
# of the description ({hidden}: the hidden sizes), and its own defaults (over DEFAULTS) and
# --quick settings (over QUICK).
ARCHS = {
    'mlp': Arch(mlp_layers, (784,), 'MLP 784-{hidden}-10 relu', {}, {}),
    # LeNet: 3 epochs of the 8 runs took 8 min 10 s on 2 cores shared with other work
    # (load average 6; 2 epochs 6.5 min at 7), well within a 20-minute budget (README).
    'lenet': Arch(lenet_layers, (1, 28, 28),
                  'LeNet conv 6@5x5-pool 2-conv 16@5x5-pool 2-dense {hidden}-10 tanh',
                  dict(epochs=3, hidden='120,84', out=os.path.join('runs', 'train_mnist_lenet')),
                  dict(hidden='120,84', subset=600, test_subset=300)),
    # LSTM: a 2015 recurrent setup - lr 0.1 with gradient norm clipping at 1 for every
    # variant (LSTM_LN needs the clipping: MNIST's blank top rows keep h and c at exactly
    # zero, where each layer normalization scales the gradient by 1/sqrt(epsilon); see
    # the README). 15000 images x 3 epochs keep the six runs within 20 minutes on 2 busy
    # cores (2 epochs took 8 min at a load average of 6; LSTM_LN at batch 8 is half of it).
    'lstm': Arch(lstm_layers, (28, 28), 'LSTM {hidden} over 28 rows of 28 pixels',
                 dict(models='none,bn1,ln', epochs=3, subset=15000, hidden='128', lr=0.1,
                      clipnorm=1.0, out=os.path.join('runs', 'train_mnist_lstm')),
                 dict(hidden='32', subset=500, test_subset=300)),
}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--arch', choices=list(ARCHS), default='mlp',
                   help='the network (default: %(default)s); each has its own defaults')
    p.add_argument('--models',
                   help='comma-separated, from: %s (default: all)' % ', '.join(VARIANTS))
    p.add_argument('--batch-sizes', help='comma-separated batch sizes (default: %(batch_sizes)s)'
                   % DEFAULTS)
    p.add_argument('--epochs', type=int, help='default: %(epochs)s' % DEFAULTS)
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
                   help='train on the first N training images (default: all 60000)')
    p.add_argument('--test-subset', type=int,
                   help='test on the first N test images (default: all 10000)')
    p.add_argument('--out', help='directory for results.json, results.csv and curves.png '
                                 '(default: %(out)s)' % DEFAULTS)
    p.add_argument('--blas-threads', type=int,
                   help='BLAS threads, 0 for the library default (default: %(blas_threads)s: '
                        'these matrix products are too small to gain from more)' % DEFAULTS)
    p.add_argument('--mnist', metavar='FILE',
                   help='read MNIST from FILE (any format load_data reads; a part of MNIST '
                        'under a name other than the standard ones) instead of the cache')
    p.add_argument('--plot-only', action='store_true',
                   help='do not train: redraw curves.png from the results.json in --out')
    p.add_argument('--quick', action='store_true',
                   help='smoke test in seconds: %s' % ', '.join(
                       '--%s %s' % (k.replace('_', '-'), v) for k, v in QUICK.items()))
    args = p.parse_args(argv)
    arch = ARCHS[args.arch]
    quick = list(arch.quick.items()) + list(QUICK.items()) if args.quick else []
    for key, value in quick + list(arch.defaults.items()) + list(DEFAULTS.items()):
        if getattr(args, key) is None:  # explicit options win over --quick, --quick over
            setattr(args, key, value)   # defaults, and the arch's over the common ones
    args.models = _split(args.models, str)
    unknown = [m for m in args.models if m not in VARIANTS]
    if unknown:
        p.error('unknown model(s) %s; choose from %s' % (', '.join(unknown), ', '.join(VARIANTS)))
    args.batch_sizes = _split(args.batch_sizes, int)
    args.hidden = _split(args.hidden, int)
    return args


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
    for layer in ARCHS[arch].layers(VARIANTS[variant][1], hidden):
        model.add(layer)
    model.compile(loss='categorical_crossentropy',
                  optimizer=SGD(lr=lr, momentum=momentum, clipnorm=clipnorm))
    return model


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
            self.last_batch_end = time.perf_counter()  # validation runs after this

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
    np.random.seed(args.seed)  # same seed -> same weights and the same shuffles
    model = build_model(args.arch, variant, args.hidden, args.lr, args.momentum, args.clipnorm)
    progress = make_progress_callback('%-4s bs %-4d' % (variant, batch_size))
    started = time.perf_counter()
    history = model.fit(train[0], train[1], batch_size=batch_size, nb_epoch=args.epochs,
                        verbose=0, shuffle=True, validation_data=test, show_accuracy=True,
                        callbacks=[progress])
    seconds = time.perf_counter() - started
    test_loss, test_acc = model.evaluate(test[0], test[1], batch_size=batch_size,
                                         show_accuracy=True, verbose=0)
    h = history.history
    return {'model': variant, 'label': VARIANTS[variant][0], 'batch_size': batch_size,
            'epoch': [e + 1 for e in history.epoch],
            'train_loss': _floats(h['loss']), 'train_acc': _floats(h['acc']),
            'test_loss': _floats(h['val_loss']), 'test_acc': _floats(h['val_acc']),
            'final_test_loss': float(test_loss), 'final_test_acc': float(test_acc),
            'train_seconds_per_epoch': progress.train_seconds, 'total_seconds': seconds}


def _floats(values):
    return [float(v) for v in values]


# ---------------------------------------------------------------- reporting

def results_table(runs):
    """Test accuracy (%) and loss after each epoch, and the final ones: deterministic."""
    epochs = len(runs[0]['test_acc'])
    head = '%-27s %4s  ' % ('model', 'bs')
    lines = ['Test accuracy (%) after each epoch',
             head + ' '.join('%6d' % (e + 1) for e in range(epochs)) + '   final  loss']
    for r in runs:
        lines.append('%-27s %4d  ' % (r['label'], r['batch_size']) +
                     ' '.join('%6.2f' % (100 * a) for a in r['test_acc']) +
                     '  %6.2f %.4f' % (100 * r['final_test_acc'], r['final_test_loss']))
    lines += ['', 'Test loss after each epoch',
              head + ' '.join('%6d' % (e + 1) for e in range(epochs))]
    for r in runs:
        lines.append('%-27s %4d  ' % (r['label'], r['batch_size']) +
                     ' '.join('%6.4f' % l for l in r['test_loss']))
    return '\n'.join(lines)


def timing_table(runs):
    """Seconds per epoch: these vary from run to run, so they are printed apart."""
    lines = ['Seconds per epoch (training only; mean over epochs) and per run (with testing)',
             '%-27s %4s  %8s %8s' % ('model', 'bs', 's/epoch', 's/run')]
    for r in runs:
        per_epoch = sum(r['train_seconds_per_epoch']) / len(r['train_seconds_per_epoch'])
        lines.append('%-27s %4d  %8.2f %8.1f' % (r['label'], r['batch_size'], per_epoch,
                                                 r['total_seconds']))
    return '\n'.join(lines)


def write_outputs(out, setup, runs):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'results.json'), 'w') as f:
        json.dump({'setup': setup, 'runs': runs}, f, indent=1)
    with open(os.path.join(out, 'results.csv'), 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['model', 'batch_size', 'epoch', 'train_loss', 'train_acc', 'test_loss',
                    'test_acc', 'train_seconds'])
        for r in runs:
            for i, e in enumerate(r['epoch']):
                w.writerow([r['model'], r['batch_size'], e, repr(r['train_loss'][i]),
                            repr(r['train_acc'][i]), repr(r['test_loss'][i]),
                            repr(r['test_acc'][i]), '%.3f' % r['train_seconds_per_epoch'][i]])
    return plot_curves(os.path.join(out, 'curves.png'), setup, runs)


def plot_curves(path, setup, runs):
    """Test accuracy and loss against epoch, one column per batch size; None without matplotlib."""
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        return None
    sizes = sorted({r['batch_size'] for r in runs}, reverse=True)
    # one y-scale per row, so the batch sizes compare by eye
    fig, axes = plt.subplots(2, len(sizes), figsize=(5 * len(sizes), 7), squeeze=False,
                             sharey='row')
    for col, bs in enumerate(sizes):
        for r in (r for r in runs if r['batch_size'] == bs):
            axes[0][col].plot(r['epoch'], [100 * a for a in r['test_acc']], marker='o',
                              label=r['label'])
            axes[1][col].plot(r['epoch'], r['test_loss'], marker='o', label=r['label'])
        axes[0][col].set_title('batch size %d' % bs)
        axes[0][col].set_ylabel('test accuracy (%)')
        axes[1][col].set_ylabel('test loss')
        axes[1][col].set_xlabel('epoch')
        axes[0][col].legend(fontsize='small')
        for ax in axes[:, col]:
            ax.grid(alpha=0.3)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))   # epochs are whole
    fig.suptitle(textwrap.fill(setup['description'], 60 * len(sizes)), fontsize='small')
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def replot(out):
    """curves.png from the results.json that an earlier run wrote to `out`."""
    with open(os.path.join(out, 'results.json')) as f:
        report = json.load(f)
    png = plot_curves(os.path.join(out, 'curves.png'), report['setup'], report['runs'])
    print('Wrote %s' % png if png else
          'No plot: matplotlib is not installed (pip install legacy_bn[plot])')
    return png


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
    description = ('%s, SGD lr=%g momentum=%g%s, %d epochs, %s, seed %d, '
                   '%d training / %d test images'
                   % (title, args.lr, args.momentum,
                      ' clipnorm=%g' % args.clipnorm if args.clipnorm else '', args.epochs,
                      floatX, args.seed, len(train[0]), len(test[0])))
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
    png = write_outputs(args.out, setup, runs)
    print()
    print('Wrote %s and %s' % (os.path.join(args.out, 'results.json'),
                               os.path.join(args.out, 'results.csv')))
    print('Wrote %s' % png if png else
          'No plot: matplotlib is not installed (pip install legacy_bn[plot])')
    return runs


if __name__ == '__main__':
    main()
