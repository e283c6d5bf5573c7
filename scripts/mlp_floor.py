"""How fast numpy itself can run bench.py's MLP step: the floor under legacy_bn's `mlp` case.

Issue 18 asks legacy_bn for 1.2x PyTorch on the bench's MLP at batch 128, on the premise
that hand-written numpy ran that step at about 1.35x. This script measures what numpy and
its BLAS can do here: the same model (2015 Keras: Dense, BatchNormalization mode 0, which
normalizes by its running statistics and updates them from the batch, Keras 0.1's relu,
softmax with categorical cross-entropy, SGD at lr 0.01 without momentum) written out by
hand as one function, every array allocated once, every pass the step needs and nothing
else: no graph, no checks of the data or the loss, no velocity arrays.

Three sides run in turn in each repetition, the order reversed every other one
(bench.py's alternating_rates): this floor, legacy_bn's `model.train_on_batch` and the
PyTorch step of bench.py's `mlp` case. It prints the median time of each and the medians of the
per-repetition ratios. Before timing, one step of the floor and one of legacy_bn from the
same weights and batch are compared (exit status 1 if they disagree), so the floor does
the same arithmetic.

    python scripts/mlp_floor.py                  # batch 128, numpy's path
    python scripts/mlp_floor.py --batch 8 --accel numba --reps 21
"""
import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the cases, the threads and the timing loop are bench.py's)


class FloorMLP:
    """The bench MLP's training step in plain float32 numpy, from the model's get_weights()
    (Dense W, b; BatchNormalization gamma, beta, running mean, running std; twice; then
    the last Dense's W, b). Trains its own copies."""

    def __init__(self, np, weights, batch, lr, momentum=0.9, epsilon=1e-6):
        self.np = np
        w = [np.array(a, dtype=np.float32) for a in weights]
        self.hidden = [w[0:6], w[6:12]]            # W, b, gamma, beta, mean, std
        self.W_out, self.b_out = w[12], w[13]
        self.scale = np.float32(-lr / batch)       # -lr and the mean's 1/batch, folded
        self.keep, self.take = np.float32(momentum), np.float32(1 - momentum)
        self.eps = np.float32(epsilon)
        f = np.float32
        self.ones = np.ones(batch, f)
        units = [layer[0].shape[1] for layer in self.hidden]
        self.pre = [np.empty((batch, n), f) for n in units]       # x W + b
        self.out = [np.empty((batch, n), f) for n in units]       # relu output
        self.work = [np.empty((batch, n), f) for n in units]      # normalized x W + b
        self.grad = [np.empty((batch, n), f) for n in units]
        self.dW = [np.empty(layer[0].shape, f) for layer in self.hidden]
        self.dW_out = np.empty(self.W_out.shape, f)
        self.z = np.empty((batch, self.W_out.shape[1]), f)

    def weights(self):
        return [a for layer in self.hidden for a in layer] + [self.W_out, self.b_out]

    def step(self, x, y):
        np, n = self.np, len(x)
        h, kept = x, []
        for k, (W, b, gamma, beta, mean, std) in enumerate(self.hidden):
            a, xn, out = self.pre[k], self.work[k], self.out[k]
            np.matmul(h, W, out=a)
            a += b
            # mode 0 normalizes by the running statistics as they were before the step
            d = std + self.eps
            np.subtract(a, mean, out=xn)
            xn /= d
            np.multiply(xn, gamma, out=out)
            out += beta
            np.maximum(out, 0, out=out)
            kept.append(gamma / d)
            # the batch's moments, for the running statistics' update
            m = np.dot(self.ones, a) / n
            t = self.grad[k]                       # free until the backward
            np.subtract(a, m, out=t)
            np.multiply(t, t, out=t)
            s = np.sqrt(np.dot(self.ones, t) / n + self.eps)
            mean *= self.keep
            mean += self.take * m
            std *= self.keep
            std += self.take * s
            h = out
        z = self.z
        np.matmul(h, self.W_out, out=z)
        z += self.b_out
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        loss = -np.log(np.maximum(z, 1e-7)[y == 1]).mean()
        z -= y
        z *= self.scale                            # -lr * d loss / d z
        np.matmul(z, self.W_out.T, out=self.grad[-1])
        np.matmul(h.T, z, out=self.dW_out)
        self.W_out += self.dW_out
        self.b_out += np.dot(self.ones, z)
        for k in reversed(range(len(self.hidden))):
            W, b, gamma, beta, mean, std = self.hidden[k]
            g = self.grad[k]
            # relu's gradient (a pre-activation of exactly 0, where Keras 0.1's relu has
            # slope 1/2, is left out: no float32 batch here hits one)
            np.multiply(g, self.out[k] > 0, out=g)
            gamma += np.einsum('ij,ij->j', g, self.work[k])
            beta += np.dot(self.ones, g)
            g *= kept[k]
            if k:
                np.matmul(g, W.T, out=self.grad[k - 1])
            np.matmul((x if k == 0 else self.out[k - 1]).T, g, out=self.dW[k])
            W += self.dW[k]
            b += np.dot(self.ones, g)
        return loss


def agreement(np, model, floor, X, y):
    """Worst max |dw_floor - dw_legacy| / max |dw_legacy| over the weight arrays (the running
    statistics included) after one step of each from the same weights, beyond one float32
    spacing of the new weight (as bench.py's first-step check: the two may round to
    neighbouring floats; the floor computes in float32 whatever the model's floatX)."""
    before = [w.copy() for w in model.get_weights()]
    model.train_on_batch(X, y)
    floor.step(X, y)
    worst = 0.0
    for w0, w_legacy, w_floor in zip(before, model.get_weights(), floor.weights()):
        excess, step = bench.update_difference(np, w0, w_floor, w_legacy, np.float32)
        worst = max(worst, float(excess) / max(step, 1e-30))
    return worst


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--batch', type=int, default=128)
    p.add_argument('--reps', type=int, default=15)
    p.add_argument('--steps', type=int, default=20, help='steps per side and repetition at '
                   'batch 128 (x128/batch at smaller batches, as in bench.py)')
    p.add_argument('--accel', choices=bench.ACCELS, default='none')
    p.add_argument('--threads', type=int, default=1)
    args = p.parse_args(argv)
    if min(args.batch, args.reps, args.steps, args.threads) < 1:
        p.error('--batch, --reps, --steps and --threads must be positive')
    return args


def main(argv=None):
    args = parse_args(argv)
    bench.pin_threads(args.threads)               # before numpy is imported
    os.environ['THEANO_FLAGS'] = bench.theano_flags_with('float32')
    os.environ[bench.ACCEL_VARIABLE] = args.accel
    import numpy as np
    case = bench.CASES['mlp']
    pool = case.data(np, 'float32', args.batch)
    floor = FloorMLP(np, bench.seeded_model(np, case).get_weights(), args.batch, case.lr)
    worst = agreement(np, bench.seeded_model(np, case), floor, *pool[0])
    print('floor against legacy_bn after one step: %.1e (at most %g)'
          % (worst, bench.AGREE_TOL['float32']))
    if worst > bench.AGREE_TOL['float32']:
        print('mlp_floor: the floor does not compute the step legacy_bn does')
        return 1
    sides = {'numpy floor': (floor.step, pool),
             'legacy_bn': (bench.seeded_model(np, case).train_on_batch, pool)}
    torch = bench.import_torch(args.threads)
    if torch is None:
        print(bench.NO_TORCH)
    else:
        torch.manual_seed(bench.SEED)
        sides['torch'] = (case.torch_step(torch, torch.float32),
                          [case.to_torch(torch, *b) for b in pool])
    rates = dict(zip(sides, bench.alternating_rates(list(sides.values()), args.batch,
                                                    args.reps, args.steps)))
    print('mlp, float32, batch %d, accelerator %s, %d reps x %d steps, medians:'
          % (args.batch, args.accel, args.reps, args.steps * max(1, 128 // args.batch)))
    for name, r in rates.items():
        print('  %-12s %7.3f ms a step' % (name, args.batch / statistics.median(r) * 1e3))
    pairs = [('numpy floor', 'torch'), ('legacy_bn', 'torch'), ('legacy_bn', 'numpy floor')]
    for a, b in pairs:
        if a in rates and b in rates:
            ratio = statistics.median(ra / rb for ra, rb in zip(rates[a], rates[b]))
            print('  %s / %s: %.3f (above 1: %s faster)' % (a, b, ratio, a))
    return 0


if __name__ == '__main__':
    sys.exit(main())
