"""Benchmark: a compiled legacy_bn.theano training step against the same step in plain autograd.

One run measures, for floatX in (float64, float32) and batch in (128, 8):
  (a) a `theano.function` SGD step of a 784-512-512-10 relu/softmax MLP with Keras's
      clipped categorical cross-entropy, built with the Theano-style API;
  (b) the same maths written directly with `autograd.value_and_grad` and a numpy update;
alternating (a) and (b) inside every repetition so machine noise hits both alike, and
prints samples/s (median over repetitions) and the compiled/direct ratio (median of the
per-repetition ratios). It also times the per-call overhead of a tiny graph, and checks
once, untimed, that one compiled step and one direct step move the weights identically,
so a wrong-but-fast graph cannot look good (exit status 1 if they disagree).

Each floatX runs in its own subprocess with THEANO_FLAGS=floatX=...: floatX is read
once at import, and that is how Keras code selects it, so the measured graph is exactly
what `THEANO_FLAGS=floatX=float32 python train.py` builds (default dtypes, floatX-typed
constants such as the objective's epsilon) with no hand-written dtype that could
disagree with the rest of the graph.

BLAS is pinned to one thread by default (timings at two threads on a shared machine vary
several-fold); the thread variables are set before numpy is imported, here and in the
worker processes, which inherit them.

    python scripts/bench.py                 # full run, ~20 s
    python scripts/bench.py --quick         # smoke run, a few seconds
    python scripts/bench.py --threads 2 --reps 7 --steps 40
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

THREAD_VARS = ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS')
FLOATXS = ('float64', 'float32')
BATCHES = (128, 8)
LAYERS = (784, 512, 512, 10)
LR = 0.01
SEED = 1337
RESULT_TAG = 'BENCH-RESULT '
# First-step agreement: max |update_compiled - update_direct| / max |update_direct|, per
# parameter. A wrong gradient gives O(1); float32 rounding of `p - lr*g` gives ~1e-4.
AGREE_TOL = {'float64': 1e-9, 'float32': 2e-3}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--threads', type=int, default=1,
                   help='BLAS/OpenMP threads (default 1: single-thread timings are reproducible)')
    p.add_argument('--reps', type=int, default=5, help='timed repetitions (default 5)')
    p.add_argument('--steps', type=int, default=20,
                   help='steps per repetition at batch 128 (default 20); batch 8 runs 16x as '
                        'many, so every repetition sees the same number of samples')
    p.add_argument('--quick', action='store_true',
                   help='tiny smoke run (2 reps of 2 steps); the numbers mean nothing')
    p.add_argument('--floatx', choices=FLOATXS, action='append',
                   help='run only this floatX (repeatable; default both)')
    p.add_argument('--worker', choices=FLOATXS, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.quick:
        args.reps, args.steps = 2, 2
    if args.reps < 1 or args.steps < 1 or args.threads < 1:
        p.error('--reps, --steps and --threads must be positive')
    return args


def pin_threads(n):
    """Must run before numpy is first imported: BLAS reads these once, at load time."""
    for var in THREAD_VARS:
        os.environ[var] = str(n)


# ---------------------------------------------------------------------------------------
# Worker: one floatX, in its own process.
# ---------------------------------------------------------------------------------------
def make_data(np, floatX, batch, n_batches=8):
    """A seeded pool of MNIST-shaped batches (pixels in [0, 1), one-hot labels)."""
    rng = np.random.RandomState(SEED + batch)
    pool = []
    for _ in range(n_batches):
        X = rng.uniform(0, 1, (batch, LAYERS[0])).astype(floatX)
        Y = np.eye(LAYERS[-1], dtype=floatX)[rng.randint(0, LAYERS[-1], batch)]
        pool.append((X, Y))
    return pool


def init_weights(np, floatX):
    """Glorot-uniform weights, zero biases, seeded: [W1, b1, W2, b2, W3, b3]."""
    rng = np.random.RandomState(SEED)
    weights = []
    for fan_in, fan_out in zip(LAYERS[:-1], LAYERS[1:]):
        scale = np.sqrt(6.0 / (fan_in + fan_out))
        weights.append(rng.uniform(-scale, scale, (fan_in, fan_out)).astype(floatX))
        weights.append(np.zeros(fan_out, dtype=floatX))
    return weights


def build_compiled(weights, floatX):
    """(a) The step as 2015 Keras wrote it, against the Theano-style API."""
    import legacy_bn.theano as theano
    import legacy_bn.theano.tensor as T
    assert theano.config.floatX == floatX, (theano.config.floatX, floatX)
    eps = 1e-9 if floatX == 'float64' else 1e-7          # Keras objectives.epsilon

    params = [theano.shared(w.copy()) for w in weights]
    X, Y = T.matrix('X'), T.matrix('Y')
    h = X
    for k in range(0, len(params) - 2, 2):
        z = T.dot(h, params[k]) + params[k + 1]
        h = (z + abs(z)) / 2                              # Keras's relu
    p = T.nnet.softmax(T.dot(h, params[-2]) + params[-1])
    p = T.clip(p, eps, 1 - eps)
    p = p / p.sum(axis=-1, keepdims=True)
    loss = T.nnet.categorical_crossentropy(p, Y).mean()
    grads = T.grad(loss, params)
    updates = [(w, w - LR * g) for w, g in zip(params, grads)]
    train = theano.function([X, Y], loss, updates=updates)

    def get():
        return [w.get_value() for w in params]

    def reset(values):
        for w, v in zip(params, values):
            w.set_value(v)
    return train, get, reset


def build_direct(weights, floatX):
    """(b) The same maths in plain autograd, written to stay in floatX: autograd's
    `mean` and `max` gradients return float64 for float32 input under numpy 2, which
    would turn the whole float32 backward pass into float64 and flatter the compiled
    side. So the batch mean is `sum / n` and the softmax shift is a constant (softmax
    is shift-invariant, so its gradient is unchanged)."""
    import autograd.numpy as anp
    from autograd import value_and_grad
    from autograd.tracer import getval
    eps = 1e-9 if floatX == 'float64' else 1e-7

    def loss_fn(ws, X, Y):
        h = X
        for k in range(0, len(ws) - 2, 2):
            z = anp.dot(h, ws[k]) + ws[k + 1]
            h = (z + anp.abs(z)) / 2
        z = anp.dot(h, ws[-2]) + ws[-1]
        e = anp.exp(z - anp.max(getval(z), axis=-1, keepdims=True))
        p = e / anp.sum(e, axis=-1, keepdims=True)
        p = anp.clip(p, eps, 1 - eps)
        p = p / anp.sum(p, axis=-1, keepdims=True)
        return -anp.sum(Y * anp.log(p)) / X.shape[0]

    loss_and_grads = value_and_grad(loss_fn)
    state = [[w.copy() for w in weights]]

    def train(X, Y):
        loss, grads = loss_and_grads(state[0], X, Y)
        state[0] = [w - LR * g for w, g in zip(state[0], grads)]
        return loss

    def get():
        return [w.copy() for w in state[0]]

    def reset(values):
        state[0] = [v.copy() for v in values]
    return train, get, reset


def first_step_agreement(np, compiled, direct, weights, X, Y):
    """Worst per-parameter max|dc - dd| / max|dd| of the first update, plus dtypes kept."""
    worst, dtypes_ok = 0.0, True
    for _, _, reset in (compiled, direct):
        reset(weights)
    loss_c, loss_d = compiled[0](X, Y), direct[0](X, Y)
    for w0, wc, wd in zip(weights, compiled[1](), direct[1]()):
        dtypes_ok &= wc.dtype == wd.dtype == w0.dtype
        dc = wc.astype(np.float64) - w0
        dd = wd.astype(np.float64) - w0
        worst = max(worst, float(np.max(np.abs(dc - dd)) / max(np.max(np.abs(dd)), 1e-300)))
    loss_rel = abs(float(loss_c) - float(loss_d)) / abs(float(loss_d))
    return max(worst, loss_rel), dtypes_ok


def run_steps(train, pool, n):
    t0 = time.perf_counter()
    for i in range(n):
        train(*pool[i % len(pool)])
    return time.perf_counter() - t0


def time_pair(compiled, direct, pool, batch, reps, steps):
    """Alternate compiled and direct within each repetition (order swapped every other
    repetition); returns median samples/s of each and the median per-repetition ratio."""
    n = steps * max(1, 128 // batch)
    warm = max(2, n // 10)
    run_steps(compiled, pool, warm)
    run_steps(direct, pool, warm)
    rates_c, rates_d, ratios = [], [], []
    for r in range(reps):
        if r % 2 == 0:
            tc, td = run_steps(compiled, pool, n), run_steps(direct, pool, n)
        else:
            td, tc = run_steps(direct, pool, n), run_steps(compiled, pool, n)
        rates_c.append(n * batch / tc)
        rates_d.append(n * batch / td)
        ratios.append(td / tc)
    return statistics.median(rates_c), statistics.median(rates_d), statistics.median(ratios)


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


def worker(args):
    import numpy as np
    import autograd
    floatX = args.worker
    weights = init_weights(np, floatX)
    compiled = build_compiled(weights, floatX)
    direct = build_direct(weights, floatX)
    rows = []
    for batch in BATCHES:
        pool = make_data(np, floatX, batch)
        agree, dtypes_ok = first_step_agreement(np, compiled, direct, weights, *pool[0])
        rate_c, rate_d, ratio = time_pair(compiled[0], direct[0], pool, batch,
                                          args.reps, args.steps)
        rows.append(dict(floatX=floatX, batch=batch, compiled=rate_c, direct=rate_d,
                         ratio=ratio, agree=agree,
                         ok=bool(dtypes_ok and agree <= AGREE_TOL[floatX])))
    fn_us, np_us = call_overhead(np, floatX, args.quick)
    result = dict(rows=rows, overhead_us=fn_us, numpy_us=np_us, numpy=np.__version__,
                  autograd=_version('autograd', autograd), blas=_blas_name(np),
                  threads={v: os.environ.get(v) for v in THREAD_VARS})
    print(RESULT_TAG + json.dumps(result), flush=True)


def _version(dist, module):
    try:
        from importlib.metadata import version
        return version(dist)
    except Exception:
        return getattr(module, '__version__', '?')


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
    cmd = [sys.executable, os.path.abspath(__file__), '--worker', floatX,
           '--threads', str(args.threads), '--reps', str(args.reps), '--steps', str(args.steps)]
    if args.quick:
        cmd.append('--quick')
    env = dict(os.environ, THEANO_FLAGS=theano_flags_with(floatX))
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, universal_newlines=True)
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_TAG):
            return json.loads(line[len(RESULT_TAG):])
        print(line)
    sys.exit('bench: the %s worker failed (exit status %d)' % (floatX, proc.returncode))


def report(results, args):
    first = results[0]
    print('legacy_bn bench: python %s, numpy %s (%s), autograd %s'
          % (sys.version.split()[0], first['numpy'], first['blas'], first['autograd']))
    print('threads: %s' % ', '.join('%s=%s' % kv for kv in first['threads'].items()))
    print('MLP %s, relu, softmax, clipped categorical cross-entropy, SGD lr=%g; '
          '%d reps x %d steps at batch 128 (x16 steps at batch 8), medians'
          % ('-'.join(map(str, LAYERS)), LR, args.reps, args.steps))
    print()
    header = ('floatX', 'batch', 'compiled samples/s', 'direct samples/s', 'compiled/direct',
              'first step agrees')
    widths = [7, 5, 18, 16, 15, 17]
    print('  '.join(h.rjust(w) for h, w in zip(header, widths)))
    ok = True
    for res in results:
        for row in res['rows']:
            ok &= row['ok']
            cells = (row['floatX'], str(row['batch']), '%.0f' % row['compiled'],
                     '%.0f' % row['direct'], '%.2f' % row['ratio'],
                     '%s (%.1e)' % ('yes' if row['ok'] else 'NO', row['agree']))
            print('  '.join(c.rjust(w) for c, w in zip(cells, widths)))
    print()
    for res in results:
        print('tiny graph function([x], x + 1), length-3 %s vector: %.1f us/call '
              '(numpy x + 1 alone: %.2f us)'
              % (res['rows'][0]['floatX'], res['overhead_us'], res['numpy_us']))
    at_128 = [row['ratio'] for res in results for row in res['rows'] if row['batch'] == 128]
    print('target compiled/direct >= 0.8 at batch 128: %s'
          % ('met' if min(at_128) >= 0.8 else 'NOT met (worst %.2f)' % min(at_128)))
    if not ok:
        print('ERROR: the compiled and direct first steps disagree (see "first step agrees")')
    return ok


def main(argv=None):
    args = parse_args(argv)
    pin_threads(args.threads)
    if args.worker:
        worker(args)
        return 0
    results = [run_worker(fx, args) for fx in (args.floatx or FLOATXS)]
    return 0 if report(results, args) else 1


if __name__ == '__main__':
    sys.exit(main())
