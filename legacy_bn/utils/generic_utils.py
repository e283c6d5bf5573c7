"""Name lookup and console progress, as Keras 0.1 `keras.utils.generic_utils`."""
import sys
import time

import numpy as np
from tqdm import tqdm


# Functions of those modules that are helpers, not something a config or a string names.
HELPER_NAMES = frozenset(['get', 'get_fans', 'clip_norm', 'kl_divergence'])


def lookup_table(module_params):
    """What a name may resolve to in `module_params`: a registry dict is taken as it is; a
    module's globals() give the public functions and classes defined in a module of that
    name, this one or the same module of another release that it reuses (legacy_bn.activations
    for legacy_bn.keras03.activations), so 'np', 'T', '__builtins__' or a class imported from
    elsewhere never resolve."""
    module = module_params.get('__name__')
    if not isinstance(module, str):
        return module_params
    leaf = module.rsplit('.', 1)[-1]
    return {name: obj for name, obj in module_params.items()
            if not name.startswith('_') and name not in HELPER_NAMES and callable(obj)
            and str(getattr(obj, '__module__', '')).rsplit('.', 1)[-1] == leaf}


def get_from_module(identifier, module_params, module_name, instantiate=False, kwargs=None):
    """Resolve `identifier` in `module_params` (a module's globals(), or a registry dict) if
    it is a string; see lookup_table() for what a module's names may resolve to.

    Non-strings (functions, optimizer or regularizer objects) are returned unchanged.
    With `instantiate`, the name is called (with `kwargs` if given), so 'sgd' gives SGD().
    An unknown name raises ValueError('Invalid <module_name>: <name>' and the valid names) —
    Keras raised a bare Exception with that message; ValueError is a subclass, so old
    handlers still work.
    """
    if isinstance(identifier, str):
        table = lookup_table(module_params)
        res = table.get(identifier)
        if not res:
            raise ValueError('Invalid %s: %s (valid: %s)'
                             % (module_name, identifier, ', '.join(sorted(table))))
        if instantiate and not kwargs:
            return res()
        elif instantiate and kwargs:
            return res(**kwargs)
        return res
    return identifier


def make_tuple(*args):
    return args


def printv(v, prefix=''):
    """Print a nested config dict/list, one entry a line (Keras's debugging helper)."""
    if type(v) == dict:
        if 'name' in v:
            print(prefix + '#' + v['name'])
            del v['name']
        prefix += '...'
        for nk, nv in v.items():
            if type(nv) in [dict, list]:
                print(prefix + nk + ':')
                printv(nv, prefix)
            else:
                print(prefix + nk + ':' + str(nv))
    elif type(v) == list:
        prefix += '...'
        for i, nv in enumerate(v):
            print(prefix + '#' + str(i))
            printv(nv, prefix)
    else:
        prefix += '...'
        print(prefix + str(v))


class Progbar(object):
    """Keras's text progress bar, kept for scripts that use it directly.

    (legacy_bn's own `fit` draws its verbose=1 bar with tqdm.) `update(current,
    values)` takes `values` as (name, value_for_last_step) pairs and shows their
    running averages weighted by the steps each covered.
    """

    def __init__(self, target, width=30, verbose=1):
        self.width = width
        self.target = target
        self.sum_values = {}
        self.unique_values = []
        self.start = time.time()
        self.total_width = 0
        self.seen_so_far = 0
        self.verbose = verbose

    def update(self, current, values=[]):
        for k, v in values:
            if k not in self.sum_values:
                self.sum_values[k] = [v * (current - self.seen_so_far), current - self.seen_so_far]
                self.unique_values.append(k)
            else:
                self.sum_values[k][0] += v * (current - self.seen_so_far)
                self.sum_values[k][1] += (current - self.seen_so_far)
        self.seen_so_far = current

        now = time.time()
        if self.verbose == 1:
            prev_total_width = self.total_width
            sys.stdout.write("\b" * prev_total_width)
            sys.stdout.write("\r")

            numdigits = int(np.floor(np.log10(self.target))) + 1
            barstr = '%%%dd/%%%dd [' % (numdigits, numdigits)
            bar = barstr % (current, self.target)
            prog = float(current) / self.target
            prog_width = int(self.width * prog)
            if prog_width > 0:
                bar += ('=' * (prog_width - 1))
                bar += '>' if current < self.target else '='
            bar += ('.' * (self.width - prog_width))
            bar += ']'
            sys.stdout.write(bar)
            self.total_width = len(bar)

            time_per_unit = (now - self.start) / current if current else 0
            eta = time_per_unit * (self.target - current)
            info = ''
            if current < self.target:
                info += ' - ETA: %ds' % eta
            else:
                info += ' - %ds' % (now - self.start)
            for k in self.unique_values:
                info += ' - %s: %.4f' % (k, self.sum_values[k][0] / max(1, self.sum_values[k][1]))

            self.total_width += len(info)
            if prev_total_width > self.total_width:
                info += ((prev_total_width - self.total_width) * " ")

            sys.stdout.write(info)
            sys.stdout.flush()
            if current >= self.target:
                sys.stdout.write("\n")

        if self.verbose == 2:
            if current >= self.target:
                info = '%ds' % (now - self.start)
                for k in self.unique_values:
                    info += ' - %s: %.4f' % (k, self.sum_values[k][0] / max(1, self.sum_values[k][1]))
                sys.stdout.write(info + "\n")

    def add(self, n, values=[]):
        self.update(self.seen_so_far + n, values)


def on_terminal(stream=None):
    """Whether `stream` (sys.stdout by default, looked up now) is a terminal. Progress bars
    redraw themselves with carriage returns only there: in a log file every redraw stays."""
    stream = sys.stdout if stream is None else stream
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):    # no isatty, or a closed file
        return False


def sample_progress(total, desc, verbose):
    """Progress over `total` samples on stdout at verbose=1 (evaluate, predict): a tqdm bar
    labelled `desc` on a terminal, else one line when done."""
    if verbose != 1:
        return tqdm(total=total, disable=True)
    if on_terminal():
        return tqdm(total=total, desc=desc, unit='sample', file=sys.stdout)
    return _DoneLine(total, desc)


class _DoneLine(object):
    """The tqdm calls the loops make; prints 'evaluate: 10000/10000 samples - 1s' at close."""

    def __init__(self, total, desc):
        self.total, self.desc, self.n, self.start = total, desc, 0, time.time()

    def update(self, n):
        self.n += n

    def close(self):
        print('%s: %d/%d samples - %ds' % (self.desc, self.n, self.total, time.time() - self.start))
        sys.stdout.flush()
