"""Benchmark: legacy_bn training steps against the same steps in PyTorch eager.

Each benchmark case (see CASES below) times one training step of a Keras 2015 model,
`model.train_on_batch(X, y)` as a user calls it, against PyTorch's eager equivalent
(same layer sizes, same optimizer, one `optimizer.step()` per batch), for floatX in
(float32, float64) and batch in (128, 8). Within every repetition the two sides run
one after the other (order swapped every other repetition) so machine noise hits both
alike; the table gives samples/s (medians over repetitions) and legacy/torch, the
median of the per-repetition ratios (above 1: legacy_bn is faster).

The k03_* cases are the mlp, lenet and lstm models written on the Keras 0.3.3 surface
(legacy_bn.keras03), against the same PyTorch steps; each also times the 0.1 surface's
model of the same case in the same repetitions, and a line after the table gives
0.3.3/0.1 (the two surfaces compared directly: PyTorch's own speed moves by up to a
fifth between cases of one run, too much to compare the surfaces through it). After
that, the time of model.compile for the MLP and LSTM cases, the first compile in a
fresh process and a second one.

Before timing, each case checks once, untimed, that one step of its model moves the
weights as the same model compiled with mode='FAST_COMPILE' (no fusing rewrites) does,
so a wrong-but-fast rewrite cannot look good (exit status 1 if they disagree).

PyTorch is optional (`pip install "legacy_bn[bench]"`); without it the legacy_bn side
is timed alone and a message says so. `--accel numba` times legacy_bn with its optional
compiled accelerator (legacy_bn/theano/accel.py: the float32 LSTM and LSTM_LN loops'
elementwise work as numba kernels, `pip install numba`); the workers get it as
LEGACY_BN_ACCEL, as a user's script would, and the header says which one ran. The
first-step check then also compares the accelerated step with the unrewritten graph.
Each floatX runs in its own subprocess with THEANO_FLAGS=floatX=... (floatX is read once
at import, as in Theano), so the graph is exactly what `THEANO_FLAGS=floatX=float32
python train.py` builds. BLAS (and PyTorch) run one thread by default: two-thread
timings on a shared machine vary several-fold.

    python scripts/bench.py                 # every case, ~1 min
    python scripts/bench.py --quick         # smoke run, a few seconds; numbers mean nothing
    python scripts/bench.py --case mlp --floatx float32 --reps 9
    python scripts/bench.py --case lstm --case lstm_ln --floatx float32 --accel numba

Adding a case: subclass Case, set `name` and `title`, define `keras_model` (a compiled
legacy_bn model; seeded by the caller) and `torch_step`, and decorate it with @register.
"""
import argparse
import atexit
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

# run from a checkout without installing: use the legacy_bn beside this script
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if os.path.isdir(os.path.join(_ROOT, 'legacy_bn')) and _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

THREAD_VARS = ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS')
FLOATXS = ('float32', 'float64')
BATCHES = (128, 8)
SEED = 1337
RESULT_TAG = 'BENCH-RESULT '
# First-step agreement with the unrewritten graph: max |dw_fast - dw_plain| / max |dw_plain|
# per weight array, beyond one float spacing of the new weight (the rewrites may round
# differently). A wrong gradient gives O(1); float32 rounding of the update ~1e-4.
AGREE_TOL = {'float64': 1e-9, 'float32': 2e-3}
ZERO_UPDATE = 1e-3
NO_TORCH = 'PyTorch is not installed: timing legacy_bn alone (pip install "legacy_bn[bench]")'
# legacy_bn.theano.accel's choices and variable, spelled here too: the parent must not
# import legacy_bn (numpy) before pin_threads
ACCELS = ('none', 'numba')
ACCEL_VARIABLE = 'LEGACY_BN_ACCEL'


# ---------------------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------------------
CASES = {}


def register(cls):
    CASES[cls.name] = cls()
    return cls


class Case:
    """One benchmark. `keras_model(theano_mode)` returns a legacy_bn model compiled by
    `self.compile` (the caller seeds np.random first); `torch_step(torch, dtype)` returns
    step(*tensors) doing one PyTorch training step. `data` makes a pool of batches as numpy
    arrays (X, y); `to_torch` converts one of them for the PyTorch side."""
    name = title = None
    relative_steps = 1.0            # a slow case times this fraction of --steps
    default = True                  # run when no --case is given
    compile_timed = False           # report model.compile's time (fresh process, twice)
    compile_seconds = None          # of the last self.compile
    reference = None                # a case whose legacy_bn model is timed alongside

    def compile(self, model, optimizer, theano_mode=None):
        """model.compile as a 2015 user calls it (categorical cross-entropy), timed."""
        t0 = time.perf_counter()
        model.compile(loss='categorical_crossentropy', optimizer=optimizer,
                      **self.mode_keywords(theano_mode))
        self.compile_seconds = time.perf_counter() - t0
        return model

    def mode_keywords(self, theano_mode):
        """Keras 0.1's compile(theano_mode=...): the Theano mode of the compiled functions."""
        return {'theano_mode': theano_mode}

    def data(self, np, floatX, batch, n_batches=8):
        """MNIST-shaped by default: pixels in [0, 1), one-hot labels of 10 classes."""
        rng = np.random.RandomState(SEED + batch)
        return [(rng.uniform(0, 1, (batch, 784)).astype(floatX),
                 np.eye(10, dtype=floatX)[rng.randint(0, 10, batch)]) for _ in range(n_batches)]

    def to_torch(self, torch, X, y):
        """Class indices for CrossEntropyLoss."""
        return torch.from_numpy(X), torch.from_numpy(y.argmax(axis=-1))

    def keras_model(self, theano_mode=None):
        raise NotImplementedError

    def torch_step(self, torch, dtype):
        raise NotImplementedError


def torch_sgd_step(torch, net, loss_fn, lr):
    """step(X, target): forward, loss, backward, optimizer.step(); returns the loss."""
    opt = torch.optim.SGD(net.parameters(), lr=lr)

    def step(X, target):
        opt.zero_grad()
        loss = loss_fn(net(X), target)
        loss.backward()
        opt.step()
        return loss.item()
    return step


@register
class MLP(Case):
    name = 'mlp'
    compile_timed = True
    title = ('2015 Keras MLP 784-512-BN-relu-512-BN-relu-10 softmax, categorical '
             'cross-entropy, SGD lr=0.01 (PyTorch: BatchNorm1d, CrossEntropyLoss, optim.SGD)')
    hidden = (512, 512)
    lr = 0.01

    def keras_model(self, theano_mode=None):
        from legacy_bn.layers.core import Activation, Dense
        from legacy_bn.layers.normalization import BatchNormalization
        from legacy_bn.models import Sequential
        from legacy_bn.optimizers import SGD
        model, n_in = Sequential(), 784
        for n_out in self.hidden:
            model.add(Dense(n_in, n_out))
            model.add(BatchNormalization((n_out,)))
            model.add(Activation('relu'))
            n_in = n_out
        model.add(Dense(n_in, 10))
        model.add(Activation('softmax'))
        return self.compile(model, SGD(lr=self.lr), theano_mode)

    def torch_step(self, torch, dtype):
        nn, layers, n_in = torch.nn, [], 784
        for n_out in self.hidden:
            layers += [nn.Linear(n_in, n_out), nn.BatchNorm1d(n_out), nn.ReLU()]
            n_in = n_out
        net = nn.Sequential(*layers, nn.Linear(n_in, 10)).to(dtype)
        return torch_sgd_step(torch, net, nn.CrossEntropyLoss(), self.lr)


@register
class LSTMCase(Case):
    name = 'lstm'
    title = ('2015 Keras LSTM(128) over 28 rows of 28 pixels (hard_sigmoid gates, masks) -> '
             'Dense 10 softmax, SGD lr=0.01 (PyTorch: nn.LSTM, last output, Linear)')
    lr = 0.01
    relative_steps = 0.25          # an LSTM step costs several MLP steps
    compile_timed = True

    def data(self, np, floatX, batch, n_batches=8):
        rng = np.random.RandomState(SEED + batch)
        return [(rng.uniform(0, 1, (batch, 28, 28)).astype(floatX),
                 np.eye(10, dtype=floatX)[rng.randint(0, 10, batch)]) for _ in range(n_batches)]

    layer = 'LSTM'

    def keras_model(self, theano_mode=None):
        from legacy_bn.layers import recurrent
        from legacy_bn.layers.core import Activation, Dense
        from legacy_bn.models import Sequential
        from legacy_bn.optimizers import SGD
        model = Sequential()
        model.add(getattr(recurrent, self.layer)(28, 128))
        model.add(Dense(128, 10))
        model.add(Activation('softmax'))
        return self.compile(model, SGD(lr=self.lr), theano_mode)

    def torch_step(self, torch, dtype):
        nn = torch.nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.lstm = nn.LSTM(28, 128, batch_first=True)
                self.dense = nn.Linear(128, 10)

            def forward(self, X):
                return self.dense(self.lstm(X)[0][:, -1])
        return torch_sgd_step(torch, Net().to(dtype), nn.CrossEntropyLoss(), self.lr)


@register
class LSTMLNCase(LSTMCase):
    """Not in the default set: LSTM_LN against the same PyTorch nn.LSTM (it has no LN)."""
    default = False
    compile_timed = False
    name = 'lstm_ln'
    title = 'LSTM_LN(128), otherwise as lstm (PyTorch: the plain nn.LSTM)'
    layer = 'LSTM_LN'


@register
class LeNetCase(Case):
    name = 'lenet'
    title = ('2015 Keras LeNet: Convolution2D 6@5x5 tanh, MaxPooling2D 2, Convolution2D 16@5x5 '
             'tanh, MaxPooling2D 2, Dense 120 tanh, Dense 84 tanh, Dense 10 softmax, SGD '
             'lr=0.01 (PyTorch: Conv2d, MaxPool2d, Linear, CrossEntropyLoss)')
    lr = 0.01
    relative_steps = 0.25          # a LeNet step costs several MLP steps

    def data(self, np, floatX, batch, n_batches=8):
        rng = np.random.RandomState(SEED + batch)
        return [(rng.uniform(0, 1, (batch, 1, 28, 28)).astype(floatX),
                 np.eye(10, dtype=floatX)[rng.randint(0, 10, batch)]) for _ in range(n_batches)]

    def keras_model(self, theano_mode=None):
        from legacy_bn.layers.convolutional import Convolution2D, MaxPooling2D
        from legacy_bn.layers.core import Dense, Flatten
        from legacy_bn.models import Sequential
        from legacy_bn.optimizers import SGD
        model = Sequential()
        for layer in (Convolution2D(6, 1, 5, 5, activation='tanh'), MaxPooling2D((2, 2)),
                      Convolution2D(16, 6, 5, 5, activation='tanh'), MaxPooling2D((2, 2)),
                      Flatten(), Dense(256, 120, activation='tanh'),
                      Dense(120, 84, activation='tanh'), Dense(84, 10, activation='softmax')):
            model.add(layer)
        return self.compile(model, SGD(lr=self.lr), theano_mode)

    def torch_step(self, torch, dtype):
        nn = torch.nn
        net = nn.Sequential(nn.Conv2d(1, 6, 5), nn.Tanh(), nn.MaxPool2d(2),
                            nn.Conv2d(6, 16, 5), nn.Tanh(), nn.MaxPool2d(2), nn.Flatten(),
                            nn.Linear(256, 120), nn.Tanh(), nn.Linear(120, 84), nn.Tanh(),
                            nn.Linear(84, 10)).to(dtype)
        return torch_sgd_step(torch, net, nn.CrossEntropyLoss(), self.lr)


class Keras03:
    """Mixin: the same model written on the Keras 0.3.3 surface (legacy_bn.keras03, 0.3.3's
    constructors and numerics: BatchNormalization on batch statistics, categorical
    cross-entropy rescaled then clipped at 1e-7), against the same PyTorch step.
    compile(mode=...) reaches theano.function through K.function, as in 0.3.3. The
    worker points HOME at a keras.json with its floatX before the backend is imported."""

    def keras_model(self, theano_mode=None):
        from legacy_bn.keras03.models import Sequential
        from legacy_bn.keras03.optimizers import SGD
        model = Sequential()
        for layer in self.keras03_layers():
            model.add(layer)
        return self.compile(model, SGD(lr=self.lr), theano_mode)

    def mode_keywords(self, theano_mode):
        """0.3.3's compile passes its keyword arguments to K.function (theano.function)."""
        return {} if theano_mode is None else {'mode': theano_mode}

    def keras03_layers(self):
        raise NotImplementedError


@register
class K03MLP(Keras03, MLP):
    name = 'k03_mlp'
    reference = 'mlp'
    title = 'mlp on the Keras 0.3.3 surface (Dense(512, input_dim=784), BatchNormalization())'

    def keras03_layers(self):
        from legacy_bn.keras03.layers.core import Activation, Dense
        from legacy_bn.keras03.layers.normalization import BatchNormalization
        layers, shape = [], {'input_dim': 784}
        for n_out in self.hidden:
            layers += [Dense(n_out, **shape), BatchNormalization(), Activation('relu')]
            shape = {}
        return layers + [Dense(10, **shape), Activation('softmax')]


@register
class K03LSTM(Keras03, LSTMCase):
    name = 'k03_lstm'
    reference = 'lstm'
    title = 'lstm on the Keras 0.3.3 surface (LSTM(128, input_shape=(28, 28)))'

    def keras03_layers(self):
        from legacy_bn.keras03.layers.core import Activation, Dense
        from legacy_bn.keras03.layers.recurrent import LSTM
        return [LSTM(128, input_shape=(28, 28)), Dense(10), Activation('softmax')]


@register
class K03LeNet(Keras03, LeNetCase):
    name = 'k03_lenet'
    reference = 'lenet'
    title = ('lenet on the Keras 0.3.3 surface (Convolution2D(6, 5, 5, activation=\'tanh\', '
             'input_shape=(1, 28, 28)), MaxPooling2D(pool_size=(2, 2)), Dense(120, ...))')

    def keras03_layers(self):
        from legacy_bn.keras03.layers.convolutional import Convolution2D, MaxPooling2D
        from legacy_bn.keras03.layers.core import Dense, Flatten
        return [Convolution2D(6, 5, 5, activation='tanh', input_shape=(1, 28, 28)),
                MaxPooling2D(pool_size=(2, 2)), Convolution2D(16, 5, 5, activation='tanh'),
                MaxPooling2D(pool_size=(2, 2)), Flatten(), Dense(120, activation='tanh'),
                Dense(84, activation='tanh'), Dense(10, activation='softmax')]


# ---------------------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------------------
def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--case', action='append', choices=sorted(CASES),
                   help='run only this case (repeatable; default all but %s)'
                   % ', '.join(name for name, case in CASES.items() if not case.default))
    p.add_argument('--floatx', choices=FLOATXS, action='append',
                   help='run only this floatX (repeatable; default both)')
    p.add_argument('--threads', type=int, default=1,
                   help='BLAS/OpenMP/PyTorch threads (default 1: reproducible timings)')
    p.add_argument('--reps', type=int, default=5, help='timed repetitions (default 5)')
    p.add_argument('--steps', type=int, default=20,
                   help='steps per repetition at batch 128 (default 20); batch 8 runs 16x as '
                        'many, so every repetition sees the same number of samples')
    p.add_argument('--accel', choices=ACCELS, default='none',
                   help='legacy_bn\'s accelerator in the workers (%s; default none, the pure-'
                        'numpy loops; numba: pip install numba)' % ACCEL_VARIABLE)
    p.add_argument('--quick', action='store_true',
                   help='tiny smoke run (2 reps of 2 steps); the numbers mean nothing')
    p.add_argument('--worker', choices=FLOATXS, help=argparse.SUPPRESS)
    p.add_argument('--compile-worker', choices=sorted(CASES), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.quick:
        args.reps, args.steps = 2, 2
    if args.reps < 1 or args.steps < 1 or args.threads < 1:
        p.error('--reps, --steps and --threads must be positive')
    if args.accel == 'numba' and importlib.util.find_spec('numba') is None:
        p.error('--accel numba needs numba: pip install numba')
    args.case = args.case or [name for name, case in CASES.items() if case.default]
    return args


def pin_threads(n):
    """Must run before numpy is first imported: BLAS reads these once, at load time."""
    for var in THREAD_VARS:
        os.environ[var] = str(n)


def keras03_home(floatX):
    """HOME for the worker: a scratch folder whose ~/.keras/keras.json names floatX, so
    legacy_bn.keras03's backend (which reads it once, at import, as 0.3.3's did) computes in
    the worker's floatX, and the user's own ~/.keras is neither read nor written."""
    home = tempfile.mkdtemp(prefix='bench_keras03_')
    os.makedirs(os.path.join(home, '.keras'))
    with open(os.path.join(home, '.keras', 'keras.json'), 'w') as f:
        json.dump({'floatx': floatX, 'epsilon': 1e-07, 'backend': 'theano'}, f)
    atexit.register(shutil.rmtree, home, True)
    os.environ['HOME'] = home
    os.environ['KERAS_BACKEND'] = 'theano'


def import_torch(threads):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    return torch


# ---------------------------------------------------------------------------------------
# Worker: one floatX, in its own process.
# ---------------------------------------------------------------------------------------
def seeded_model(np, case, theano_mode=None):
    np.random.seed(SEED)            # the same initial weights for every build
    return case.keras_model(theano_mode)


def first_step_agreement(np, case, X, y):
    """Worst per-array max|dw_fast - dw_plain| / max|dw_plain| after one step (beyond one
    float spacing of the new weight), where
    `plain` is the model compiled with mode='FAST_COMPILE' (no fusing rewrites); and
    whether every weight kept its dtype. An array whose update is below ZERO_UPDATE of the
    model's largest is measured against that floor instead: its gradient is zero in exact
    arithmetic (the bias of a Dense before a BatchNormalization on batch statistics, which
    subtracts it again), so both updates are rounding noise of different kinds."""
    fast, plain = seeded_model(np, case), seeded_model(np, case, 'FAST_COMPILE')
    before = fast.get_weights()
    loss_fast, loss_plain = fast.train_on_batch(X, y), plain.train_on_batch(X, y)
    dtypes_ok, deltas = True, []
    for w0, wf, wp in zip(before, fast.get_weights(), plain.get_weights()):
        dtypes_ok &= wf.dtype == wp.dtype == w0.dtype
        deltas.append(update_difference(np, w0, wf, wp))
    floor = max(max([d for _, d in deltas] + [0.0]) * ZERO_UPDATE, 1e-300)
    worst = max([float(e / max(d, floor)) for e, d in deltas] + [0.0])
    # Keras 0.1 returns the loss, 0.3.3 a list [loss]
    loss_fast, loss_plain = (float(np.ravel(v)[0]) for v in (loss_fast, loss_plain))
    loss_rel = abs(loss_fast - loss_plain) / max(abs(loss_plain), 1e-300)
    return max(worst, loss_rel), bool(dtypes_ok)


def update_difference(np, w0, w_a, w_b, spacing_dtype=None):
    """(max |dw_a - dw_b| beyond one float spacing of w_b, max |dw_b|) for two new values of
    the weight w0: the two may round to neighbouring floats, and one spacing (of
    spacing_dtype, by default w_b's) is no error."""
    spacing = np.spacing(np.abs(w_b).astype(spacing_dtype or w_b.dtype))
    excess = np.maximum(np.abs(w_a.astype(np.float64) - w_b) - spacing, 0)
    return (np.max(excess, initial=0.0),
            np.max(np.abs(w_b.astype(np.float64) - w0), initial=0.0))


def run_steps(step, pool, n):
    t0 = time.perf_counter()
    for i in range(n):
        step(*pool[i % len(pool)])
    return time.perf_counter() - t0


def time_sides(sides, batch, reps, steps):
    """sides: [(step, pool), ...], the first being legacy_bn's. Within each repetition every
    side runs once, in turn (the order reversed every other repetition), so machine noise
    hits them alike. Returns the median samples/s of each side and, for each side after the
    first, the median of the per-repetition ratios first/that side."""
    rates = alternating_rates(sides, batch, reps, steps)
    medians = [statistics.median(rs) for rs in rates]
    ratios = [statistics.median(a / b for a, b in zip(rates[0], other)) for other in rates[1:]]
    return medians, ratios


def alternating_rates(sides, batch, reps, steps):
    """Samples/s of each side in each repetition: after a warm-up, every side runs
    steps * 128 / batch steps in turn, the order reversed every other repetition."""
    n = steps * max(1, 128 // batch)
    for step, pool in sides:
        run_steps(step, pool, max(2, n // 10))          # warm-up
    rates = [[] for _ in sides]
    for r in range(reps):
        order = range(len(sides)) if r % 2 == 0 else reversed(range(len(sides)))
        for k in order:
            rates[k].append(n * batch / run_steps(sides[k][0], sides[k][1], n))
    return rates


def call_overhead(np, floatX, quick):
    """µs per call of function([x], x + 1) on a length-3 vector, and of numpy's x + 1."""
    import legacy_bn.theano as theano
    import legacy_bn.theano.tensor as T
    x = T.vector('x')
    f = theano.function([x], x + 1)
    v = np.arange(3, dtype=floatX)
    n = 200 if quick else 20000
    f(v)

    def per_call(fn):
        best = float('inf')
        for _ in range(3):
            t0 = time.perf_counter()
            for _ in range(n):
                fn(v)
            best = min(best, time.perf_counter() - t0)
        return best / n * 1e6
    return per_call(f), per_call(lambda a: a + 1)


def accelerator():
    """The accelerator legacy_bn's loops use in this process (what LEGACY_BN_ACCEL chose),
    with its version: 'none' or e.g. 'numba 0.68.1'."""
    from legacy_bn.theano import accel
    name = accel.current()
    if name == 'none':
        return name
    return '%s %s' % (name, getattr(sys.modules.get(name), '__version__', '?'))


def worker(args):
    import numpy as np
    import legacy_bn.theano as theano
    floatX = args.worker
    assert theano.config.floatX == floatX, (theano.config.floatX, floatX)
    accel = accelerator()
    assert accel.split()[0] == args.accel, (accel, args.accel)
    torch = import_torch(args.threads)
    rows = []
    for name in args.case:
        case = CASES[name]
        model = seeded_model(np, case)
        # the 0.1 surface's model of a Keras 0.3.3 case, timed in the same repetitions
        reference = seeded_model(np, CASES[case.reference]) if case.reference else None
        tstep = None
        if torch is not None:
            torch.manual_seed(SEED)
            tstep = case.torch_step(torch, getattr(torch, floatX))
        for batch in BATCHES:
            pool = case.data(np, floatX, batch)
            agree, dtypes_ok = first_step_agreement(np, case, *pool[0])
            sides = [(model.train_on_batch, pool)]
            if tstep:
                sides.append((tstep, [case.to_torch(torch, *b) for b in pool]))
            if reference:
                sides.append((reference.train_on_batch, pool))
            steps = max(1, int(round(args.steps * case.relative_steps)))
            rates, ratios = time_sides(sides, batch, args.reps, steps)
            rows.append(dict(case=name, floatX=floatX, batch=batch, legacy=rates[0],
                             torch=rates[1] if tstep else None,
                             ratio=ratios[0] if tstep else None,
                             vs_reference=ratios[-1] if reference else None, agree=agree,
                             ok=bool(dtypes_ok and agree <= AGREE_TOL[floatX])))
    fn_us, np_us = call_overhead(np, floatX, args.quick)
    result = dict(rows=rows, overhead_us=fn_us, numpy_us=np_us, numpy=np.__version__, accel=accel,
                  torch=torch.__version__ if torch else None, blas=_blas_name(np),
                  threads={v: os.environ.get(v) for v in THREAD_VARS})
    print(RESULT_TAG + json.dumps(result), flush=True)


def compile_worker(args):
    """model.compile's seconds for one case in a fresh process: the first compile (it pays
    whatever a process does once) and a second one of the same model rebuilt."""
    import numpy as np
    case = CASES[args.compile_worker]
    seconds = []
    for _ in range(2):
        seeded_model(np, case)
        seconds.append(case.compile_seconds)
    print(RESULT_TAG + json.dumps(dict(case=case.name, floatX=args.worker, seconds=seconds)),
          flush=True)


def _blas_name(np):
    try:
        blas = np.__config__.CONFIG['Build Dependencies']['blas']
        return '%s %s' % (blas['name'], blas['version'])
    except Exception:
        return '?'


# ---------------------------------------------------------------------------------------
# Parent: one worker per floatX, then the table.
# ---------------------------------------------------------------------------------------
def theano_flags_with(floatX):
    """The caller's THEANO_FLAGS with floatX replaced (other flags kept, as Theano would)."""
    items = [i for i in os.environ.get('THEANO_FLAGS', '').split(',')
             if i.strip() and i.split('=')[0].strip() != 'floatX']
    return ','.join(items + ['floatX=' + floatX])


def run_worker(floatX, args):
    """The timings of one floatX, then model.compile's time for each case that reports it
    (each in a process of its own, so that its first compile is the process's first)."""
    cmd = ['--threads', str(args.threads), '--reps', str(args.reps), '--steps', str(args.steps),
           '--accel', args.accel]
    cmd += [a for name in args.case for a in ('--case', name)]
    if args.quick:
        cmd.append('--quick')
    result = _run(floatX, cmd)
    result['compile'] = [_run(floatX, ['--compile-worker', name, '--threads', str(args.threads),
                                       '--accel', args.accel])
                         for name in args.case if CASES[name].compile_timed]
    return result


def _run(floatX, options):
    cmd = [sys.executable, os.path.abspath(__file__), '--worker', floatX] + options
    # --accel wins over a LEGACY_BN_ACCEL of the caller's (the default none included)
    accel = options[options.index('--accel') + 1]
    env = dict(os.environ, THEANO_FLAGS=theano_flags_with(floatX), **{ACCEL_VARIABLE: accel})
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    # every worker imports Keras 0.3.3's backend, which announces itself; the rest passes
    sys.stderr.write(''.join(line for line in proc.stderr.splitlines(True)
                             if line.strip() != 'Using Theano backend.'))
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_TAG):
            return json.loads(line[len(RESULT_TAG):])
        print(line)
    sys.exit('bench: the %s worker failed (exit status %d)' % (floatX, proc.returncode))


def report(results, args):
    first = results[0]
    print('legacy_bn bench: python %s, numpy %s (%s), torch %s'
          % (sys.version.split()[0], first['numpy'], first['blas'], first['torch'] or '-'))
    print('threads: %s' % ', '.join('%s=%s' % kv for kv in first['threads'].items()))
    print('accelerator: %s' % first['accel'])
    if first['torch'] is None:
        print(NO_TORCH)
    print('%d reps x %d steps at batch 128 (x16 steps at batch 8), medians; legacy/torch > 1: '
          'legacy_bn faster' % (args.reps, args.steps))
    for name in args.case:
        fraction = CASES[name].relative_steps
        print('%s: %s%s' % (name, CASES[name].title,
                            '' if fraction == 1 else ' [%g of the steps]' % fraction))
    print()
    header = ('case', 'floatX', 'batch', 'legacy samples/s', 'torch samples/s', 'legacy/torch',
              'first step agrees')
    widths = [9, 7, 5, 16, 15, 12, 17]
    print('  '.join(h.rjust(w) for h, w in zip(header, widths)))
    ok = True
    for name in args.case:
        for res in results:
            for row in res['rows']:
                if row['case'] != name:
                    continue
                ok &= row['ok']
                cells = (name, row['floatX'], str(row['batch']), '%.0f' % row['legacy'],
                         '-' if row['torch'] is None else '%.0f' % row['torch'],
                         '-' if row['ratio'] is None else '%.2f' % row['ratio'],
                         '%s (%.1e)' % ('yes' if row['ok'] else 'NO', row['agree']))
                print('  '.join(c.rjust(w) for c, w in zip(cells, widths)))
    compared = [(name, row) for name in args.case for res in results for row in res['rows']
                if row['case'] == name and row['vs_reference'] is not None]
    if compared:
        print()
        print('Keras 0.3.3 surface against 0.1 on the same model, timed in the same repetitions '
              '(0.3.3/0.1, median of the per-repetition ratios; 1 or more: 0.3.3 at least as '
              'fast):')
        for name, row in compared:
            print('  %s %s batch %d: %.2f (against %s)' % (name, row['floatX'], row['batch'],
                                                         row['vs_reference'],
                                                         CASES[name].reference))
    print()
    for res in results:
        print('tiny graph function([x], x + 1), length-3 %s vector: %.1f us/call '
              '(numpy x + 1 alone: %.2f us)'
              % (res['rows'][0]['floatX'], res['overhead_us'], res['numpy_us']))
    for res in results:
        for c in res['compile']:
            print('model.compile of %s, %s: %.2f s the first time in a process, %.2f s the '
                  'second' % (c['case'], c['floatX'], c['seconds'][0], c['seconds'][1]))
    if not ok:
        print('ERROR: a step disagrees with the unrewritten graph (see "first step agrees")')
    return ok


def main(argv=None):
    args = parse_args(argv)
    pin_threads(args.threads)
    if args.worker:
        keras03_home(args.worker)
        compile_worker(args) if args.compile_worker else worker(args)
        return 0
    results = [run_worker(fx, args) for fx in (args.floatx or FLOATXS)]
    return 0 if report(results, args) else 1


if __name__ == '__main__':
    sys.exit(main())
