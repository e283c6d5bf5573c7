"""`theano.scan`: a symbolic loop, one node in the graph.

`scan(fn, sequences, outputs_info, non_sequences, ...)` calls `fn` ONCE, on
fresh placeholder variables, and records the graph it returns as a step
program. Everything that graph reads from outside (shared weights the step
closes over, outer expressions) becomes an input of the scan node, so `T.grad`
reaches it like any other input.

At run time the scan node is one autograd primitive:
  * forward: a Python loop of `n_steps` iterations, each evaluating the step
    program on numpy arrays (one flat schedule of raw op implementations);
  * backward (its VJP): back-propagation through time, each step running the
    step program's own reverse schedule - the VJP rule of every op called
    directly on the values saved in the forward loop, no per-step tracing.
So the per-timestep Python cost is one pass over the step's ops each way.

The results of the node are a tuple (one stacked array per output); the
`scan_output` op picks one.
"""
from collections import OrderedDict
from operator import itemgetter

import numpy as np
from autograd.builtins import SequenceBox, TupleVSpace
from autograd.core import defvjp, defvjp_argnums, make_vjp, primitive_vjps
from autograd.extend import primitive

from .graph import Variable, as_variable, clone_replace, depends_on, toposort
from .ops import OPS, Op, raw_impl
from .primitives import unbroadcast
from .rewrite import PASSES, _freeze

__all__ = ['scan']


# -- the user-facing call ---------------------------------------------------------------
def scan(fn, sequences=None, outputs_info=None, non_sequences=None, n_steps=None,
         truncate_gradient=-1, go_backwards=False, mode=None, name=None, profile=False,
         allow_gc=None, strict=False):
    """theano.scan: apply `fn` over the leading axis of `sequences`.

    `fn` receives, in order: the current slice of every sequence (one argument
    per tap), the previous value(s) of every output fed back by `outputs_info`
    (one per tap), then `non_sequences`. Returns `(outputs, updates)` with the
    outputs stacked over time (a bare variable when there is one output) and
    `updates` an empty OrderedDict.
    """
    seqs = [_sequence_entry(s) for s in _as_list(sequences)]
    non_seqs = [as_variable(v) for v in _as_list(non_sequences)]
    infos = None if outputs_info is None else [_output_entry(o) for o in _as_list(outputs_info)]

    # placeholders the step function is traced on
    args = []
    for k, (seq, taps) in enumerate(seqs):
        if seq.ndim < 1:
            raise TypeError('scan: sequence %d, %s, is a scalar; a sequence needs a leading '
                            'time axis' % (k, seq.describe()))
        args += [_placeholder(seq.dtype, seq.ndim - 1, '%s[t%+d]' % (seq.name or 'seq%d' % k, tap))
                 for tap in taps]
    for k, entry in enumerate(infos or []):
        if entry is not None:
            init, taps = entry
            ndim = init.ndim if taps == [-1] else init.ndim - 1
            args += [_placeholder(init.dtype, ndim, 'out%d[t%d]' % (k, tap)) for tap in taps]
    args += [_placeholder(v.dtype, v.ndim, v.name) for v in non_seqs]

    outputs = _step_outputs(fn(*args))
    if infos is None:
        infos = [None] * len(outputs)
    if len(infos) != len(outputs):
        raise ValueError('scan: outputs_info has %d entries but the step function returned %d '
                         'outputs' % (len(infos), len(outputs)))
    _check_states(infos, outputs)
    outputs = _step_gradients(outputs, args)
    n_user = len(outputs)
    generators, args, outputs = _thread_generators(args, outputs, len(non_seqs))
    infos = infos + [(g, [-1]) for g in generators]

    if n_steps is not None and not isinstance(n_steps, Variable):
        n_steps = int(n_steps)
    elif n_steps is None and not seqs:
        raise ValueError('scan: no sequences and no n_steps: give n_steps, the number of '
                         'steps to run')
    spec = _ScanSpec(args, outputs, seqs, infos, len(non_seqs), truncate_gradient,
                     go_backwards, n_steps)
    outer = ([n_steps] if isinstance(n_steps, Variable) else []) + [s for s, _ in seqs] + \
        [e[0] for e in infos if e is not None] + non_seqs + spec.free_nodes
    first = outputs[0]
    node = Variable('scan', outer, {'spec': spec}, first.dtype, first.ndim + 1, name=name)
    stacked = [Variable('scan_output', (node,), {'index': k}, o.dtype, o.ndim + 1)
               for k, o in enumerate(outputs)]
    # each generator drawn from in the step: its state after the last step
    updates = OrderedDict((g, stacked[n_user + k][-1]) for k, g in enumerate(generators))
    stacked = stacked[:n_user]
    result = stacked[0] if len(stacked) == 1 else stacked
    return result, updates


def _step_gradients(outputs, placeholders):
    """T.grad called inside the step: each cost's grad nodes that depend on the step's
    values become one node that calls a function compiled from the cost's graph (its
    inputs: the symbolic inputs that graph reads) at every step. No gradient passes back
    through such a node (a scan of a step gradient is not differentiated again)."""
    nodes = toposort(outputs)
    if not any(n.op == 'grad' for n in nodes):
        return outputs
    inside = depends_on(outputs, placeholders)
    by_cost = OrderedDict()
    for n in nodes:
        if n.op == 'grad' and id(n) in inside:
            by_cost.setdefault(id(n.inputs[0]), (n.inputs[0], []))[1].append(n)
    from .compile import function
    replace = {}
    for cost, grads in by_cost.values():
        ins = [n for n in toposort([cost] + [g.inputs[1] for g in grads]) if n.op == 'input']
        fn = function(ins, list(grads), on_unused_input='ignore')
        call = Variable('step_gradients', ins, {'fn': fn}, object, 0)
        for k, g in enumerate(grads):
            replace[id(g)] = Variable('pick', (call,), {'index': k}, g.dtype, g.ndim)
    return clone_replace(outputs, replace)


OPS['step_gradients'] = Op(lambda *args, fn: fn(*args), None, differentiable=False)
OPS['pick'] = Op(lambda values, index: values[index], None, differentiable=False)


def _thread_generators(args, outputs, n_non_seqs):
    """Random draws in the step advance their generator at every step, as Theano's
    scan made them: each generator (a RandomStreams shared RandomState) becomes a state
    of the loop - a placeholder the step's draws read, and the draws' next state as an
    extra output fed back. Returns (generators, placeholders, outputs)."""
    nodes = toposort(outputs)
    if any(n.op in ('mrg_uniform', 'mrg_normal') for n in nodes):
        raise NotImplementedError(
            'scan: MRG_RandomStreams draws inside a scan step are not supported; draw the '
            'random numbers outside the step (one draw of shape (n_steps, ...)) and pass them '
            'as a sequence, or use theano.tensor.shared_randomstreams.RandomStreams, whose '
            'draws scan threads through the steps')
    draws = [n for n in nodes if n.op == 'rs_draw']
    if not draws:
        return [], args, outputs
    generators = []
    for d in draws:
        if all(d.inputs[0] is not g for g in generators):
            generators.append(d.inputs[0])
    if len(generators) != len(draws):
        raise NotImplementedError('scan: one generator drawn from twice in a step')
    holders = [_placeholder(object, 0, 'rng%d' % k) for k in range(len(generators))]
    next_states = [Variable('rs_state', (d,), {}, object, 0) for d in draws]
    replace = {id(g): h for g, h in zip(generators, holders)}
    roots = clone_replace(outputs + next_states, replace)
    cut = len(args) - n_non_seqs
    return generators, args[:cut] + holders + args[cut:], roots


def _as_list(x):
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _sequence_entry(s):
    if isinstance(s, dict):
        taps = list(s.get('taps', [0]) or [0])
        return as_variable(s['input']), taps
    return as_variable(s), [0]


def _output_entry(o):
    """None (not fed back) or (initial, taps)."""
    if o is None:
        return None
    if isinstance(o, dict):
        if o.get('initial') is None:
            return None
        taps = list(o.get('taps', [-1]) or [-1])
        if any(t >= 0 for t in taps):
            raise ValueError('scan: an output can only be fed back from past steps; taps %s '
                             'must all be negative' % taps)
        return as_variable(o['initial']), taps
    return as_variable(o), [-1]


def _placeholder(dtype, ndim, name):
    return Variable('input', dtype=dtype, ndim=ndim, name=name)


def _step_outputs(result):
    """What fn returned -> a list of output variables (updates must be empty)."""
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], dict):
        if result[1]:
            raise NotImplementedError('scan: updates returned by the step function are not '
                                      'supported')
        result = result[0]
    elif isinstance(result, dict):
        raise NotImplementedError('scan: a step function returning only updates is not supported')
    outs = list(result) if isinstance(result, (list, tuple)) else [result]
    if not outs:
        raise ValueError('scan: the step function returned no outputs')
    return [as_variable(o) for o in outs]


def _check_states(infos, outputs):
    for k, (entry, out) in enumerate(zip(infos, outputs)):
        if entry is None:
            continue
        init, taps = entry
        ndim = init.ndim if taps == [-1] else init.ndim - 1
        if out.dtype != init.dtype:
            raise TypeError('scan: output %d is fed back, but the step function returns %s '
                            'while its initial state (outputs_info) is %s; this can happen when '
                            'the step upcasts or downcasts - cast one of them'
                            % (k, out.dtype, init.dtype))
        if out.ndim != ndim:
            raise TypeError('scan: output %d is fed back, but the step function returns %d '
                            'dimensions while its initial state (outputs_info) gives %d'
                            % (k, out.ndim, ndim))


# -- the step program -------------------------------------------------------------------
class _ScanSpec:
    """Everything fixed about one scan node: the step program and the loop layout.

    Outer inputs of the node: [n_steps if symbolic] + sequences + initial states
    (fed-back outputs only) + non_sequences + free variables of the step.
    """

    def __init__(self, placeholders, outputs, seqs, infos, n_non_seqs, truncate_gradient,
                 go_backwards, n_steps):
        roots = list(outputs)
        for rewrite in PASSES:
            roots = rewrite(roots)
        hit = depends_on(roots, placeholders)
        nodes = toposort(roots)
        # free variables: values from outside the step (shared weights, outer expressions)
        self.free_nodes = []
        free_ids = set()
        ph_ids = set(map(id, placeholders))
        for n in nodes:
            consumers_inside = id(n) in hit
            for i in (n.inputs if consumers_inside else ()):
                if id(i) not in hit and i.op != 'constant' and id(i) not in free_ids:
                    free_ids.add(id(i))
                    self.free_nodes.append(i)
        for r in roots:
            if id(r) not in hit and r.op != 'constant' and id(r) not in free_ids:
                free_ids.add(id(r))
                self.free_nodes.append(r)
        leaves = list(placeholders) + self.free_nodes
        self.program = _StepProgram(leaves, roots, n_invariant=n_non_seqs + len(self.free_nodes))

        self.seq_taps = [taps for _, taps in seqs]
        self.n_seqs = len(seqs)
        self.states = [(k, taps, taps == [-1]) for k, e in enumerate(infos) if e is not None
                       for taps in [e[1]]]
        self.fed = [e is not None for e in infos]
        self.n_outputs = len(outputs)
        self.out_types = [(o.dtype, o.ndim) for o in outputs]
        self.n_params = n_non_seqs + len(self.free_nodes)
        self.truncate = truncate_gradient
        self.go_backwards = bool(go_backwards)
        self.n_steps = n_steps if not isinstance(n_steps, Variable) else None
        self.symbolic_n_steps = isinstance(n_steps, Variable)
        self.merge_key = self._structure(placeholders, nodes, hit)

    def _structure(self, placeholders, nodes, hit):
        """A value key: two scans built from equal step graphs over the same inputs
        merge (Keras builds a layer's output graph more than once)."""
        index = {id(p): ('in', k) for k, p in enumerate(placeholders)}
        index.update((id(f), ('free', k)) for k, f in enumerate(self.free_nodes))
        key = []
        for n in nodes:
            if id(n) in index:
                continue
            if n.op == 'constant':
                index[id(n)] = ('const', _freeze(n.attrs['value']), n.dtype)
                continue
            key.append((n.op, _freeze(n.attrs), n.dtype, n.ndim,
                        tuple(index[id(i)] for i in n.inputs)))
            index[id(n)] = ('node', len(key) - 1)
        outs = tuple(index[id(r)] for r in self.program.roots)
        return ('scan', tuple(key), outs, tuple(map(tuple, self.seq_taps)),
                tuple((k, tuple(t)) for k, t, _ in self.states), self.n_outputs,
                self.truncate, self.go_backwards, self.n_steps)

    # -- the loop ----------------------------------------------------------------------
    def split(self, args):
        k = 0
        n_steps = self.n_steps
        if self.symbolic_n_steps:
            n_steps, k = int(args[0]), 1
        seqs = args[k:k + self.n_seqs]
        k += self.n_seqs
        inits = args[k:k + len(self.states)]
        params = args[k + len(self.states):]
        return n_steps, seqs, inits, params

    def seq_windows(self, seqs):
        """Per sequence and tap, the (start, stop) of the part that tap reads, as
        Theano cut it: the window spans taps min(taps, 0) .. max(taps, 0)."""
        windows = []
        for s, taps in zip(seqs, self.seq_taps):
            lo, hi = min(min(taps), 0), max(max(taps), 0)
            windows.append([(tap - lo, len(s) - (hi - tap)) for tap in taps])
        return windows

    def count_steps(self, n_steps, windows):
        lengths = [w[0][1] - w[0][0] for w in windows]
        if n_steps is None:
            return max(min(lengths), 0)
        if n_steps < 0:
            raise ValueError('scan: n_steps is %d; it must be >= 0' % n_steps)
        if lengths and min(lengths) < n_steps:
            raise ValueError('scan: n_steps is %d but a sequence only has enough entries for %d '
                             'steps' % (n_steps, min(lengths)))
        return n_steps

    def seq_reads(self, windows):
        """(sequence, first index, direction) for each sequence tap the step reads;
        step t reads index first + direction * t."""
        reads = []
        for k, w in enumerate(windows):
            for start, stop in w:
                reads.append((k, stop - 1, -1) if self.go_backwards else (k, start, 1))
        return reads

    def forward(self, args):
        """Run the loop; returns (tuple of stacked outputs, tape)."""
        n_steps, seqs, inits, params = self.split(args)
        windows = self.seq_windows(seqs)
        n = self.count_steps(n_steps, windows)
        seq_reads = [(seqs[k], first, step) for k, first, step in self.seq_reads(windows)]
        # history of each fed-back output: its initial values, then one entry per step
        history = {}
        for (k, taps, single), init in zip(self.states, inits):
            history[k] = [init] if single else list(init[:-min(taps)])
        outs = [None] * self.n_outputs
        tapes = []
        program = self.program
        state_reads = [(k, taps, -min(taps)) for k, taps, _ in self.states]
        params = list(params)
        for t in range(n):
            ins = [s[first + step * t] for s, first, step in seq_reads]
            for k, taps, depth in state_reads:
                h = history[k]
                for tap in taps:
                    ins.append(h[depth + t + tap])
            ins += params
            values = program.run(ins)
            tapes.append(values)
            for k, slot in enumerate(program.out_slots):
                v = values[slot]
                if outs[k] is None:
                    outs[k] = self._allocate(k, v, n, history.get(k))
                if np.shape(v) != outs[k].shape[1:]:
                    raise ValueError('scan: step %d returned output %d with shape %s, but %s '
                                     'has shape %s; a scan output keeps its shape'
                                     % (t, k, np.shape(v), 'its initial state' if k in history
                                        else 'step 0', outs[k].shape[1:]))
                outs[k][t] = v
                if k in history:
                    history[k].append(outs[k][t])
        for k in range(self.n_outputs):
            if outs[k] is None:          # zero steps
                if k not in history:
                    raise ValueError('scan: zero steps, so the shape of output %d (not fed '
                                     'back) is unknown' % k)
                first = history[k][0]
                outs[k] = np.zeros((0,) + np.shape(first), dtype=self.out_types[k][0])
        return tuple(outs), (n, seqs, windows, inits, params, history, tapes)

    def _allocate(self, k, v, n, history):
        shape = np.shape(v) if history is None else np.shape(history[0])
        return np.empty((n,) + shape, dtype=self.out_types[k][0])

    def leaves_of(self, argnums):
        """The step program's leaves whose gradients the outer args `argnums` need
        (fed-back states always: the gradient flows back through them)."""
        per_arg = []
        k = 0
        if self.symbolic_n_steps:
            per_arg.append([])
        for taps in self.seq_taps:
            per_arg.append(list(range(k, k + len(taps))))
            k += len(taps)
        states = []
        for _, taps, _ in self.states:
            per_arg.append(list(range(k, k + len(taps))))
            states += per_arg[-1]
            k += len(taps)
        per_arg += [[k + i] for i in range(self.n_params)]
        return frozenset(states + [leaf for a in argnums for leaf in per_arg[a]])

    def backward(self, tape, g_outs, argnums, args):
        """Back-propagation through time; returns a gradient for each of argnums."""
        n, seqs, windows, inits, params, history, tapes = tape
        program = self.program
        plan = program.plan(self.leaves_of(argnums))
        g_outs = [None if g is None else np.asarray(g) for g in g_outs]
        # gradient of each fed-back output's history (initial entries, then steps)
        g_hist = {}
        for k, taps, _ in self.states:
            depth = -min(taps)
            g_hist[k] = [None] * depth + ([g_outs[k][t] for t in range(n)]
                                          if g_outs[k] is not None else [None] * n)
        g_seqs = [np.zeros(s.shape, dtype=s.dtype) if s.dtype.kind == 'f' else None for s in seqs]
        g_params = [None] * len(params)
        seq_reads = [(g_seqs[k], first, step) for k, first, step in self.seq_reads(windows)]
        state_reads = [(k, taps, -min(taps)) for k, taps, _ in self.states]
        step_reads = [(k, -min(taps)) if k in g_hist else (k, None) for k in range(self.n_outputs)
                      for taps in [self.states_taps(k) if k in g_hist else None]]
        start = 0 if self.truncate is None or self.truncate < 0 else max(0, n - self.truncate)
        n_param_start = len(program.leaf_slots) - len(params)
        deferred = plan.new_records()
        for t in range(n - 1, start - 1, -1):
            g_step = [g_hist[k][depth + t] if depth is not None else
                      None if g_outs[k] is None else g_outs[k][t] for k, depth in step_reads]
            g_in = program.backward(tapes[t], g_step, plan, deferred)
            for j, (gs, first, step) in enumerate(seq_reads):
                if gs is not None and g_in[j] is not None:
                    gs[first + step * t] += g_in[j]
            j = len(seq_reads)
            for k, taps, depth in state_reads:
                gh = g_hist[k]
                for tap in taps:
                    g = g_in[j]
                    if g is not None:
                        p = depth + t + tap
                        gh[p] = g if gh[p] is None else gh[p] + g
                    j += 1
            for i in range(len(params)):
                g = g_in[n_param_start + i]
                if g is not None:
                    g_params[i] = g.copy() if g_params[i] is None else _iadd(g_params[i], g)
        for leaf, g in plan.finish(deferred, params, n_param_start):
            i = leaf - n_param_start
            g_params[i] = g if g_params[i] is None else _iadd(g_params[i], g)
        # assemble in the order of the node's inputs
        grads = []
        if self.symbolic_n_steps:
            grads.append(None)
        grads += g_seqs
        for ((k, taps, single), init) in zip(self.states, inits):
            depth = -min(taps)
            gh = g_hist[k][:depth]
            if single:
                grads.append(gh[0])
            else:
                full = np.zeros(np.shape(init), dtype=init.dtype)
                for p, g in enumerate(gh):
                    if g is not None:
                        full[p] = g
                grads.append(full)
        grads += g_params
        all_args = list(args)
        result = []
        for a in argnums:
            g = grads[a]
            x = all_args[a]
            if g is None:
                g = np.zeros(np.shape(x), dtype=getattr(x, 'dtype', np.float64))
            elif getattr(x, 'dtype', None) is not None and g.dtype != x.dtype:
                g = g.astype(x.dtype)
            result.append(g)
        return result

    def states_taps(self, k):
        for kk, taps, _ in self.states:
            if kk == k:
                return taps
        raise KeyError(k)


def _iadd(acc, g):
    if acc.shape == np.shape(g):
        acc += g
        return acc
    return acc + g


class _StepProgram:
    """The step graph as a flat schedule: `run` evaluates it on numpy values and
    returns all slot values (the tape); `backward` walks a reverse plan calling
    each op's VJP rule on those values. The last `n_invariant` leaves are the
    same at every step (non_sequences, free variables)."""

    def __init__(self, leaves, roots, n_invariant):
        self.roots = roots
        self.leaves = list(leaves)
        nodes = toposort(roots)
        slot = {}
        for n in leaves:
            slot.setdefault(id(n), len(slot))
        for n in nodes:
            slot.setdefault(id(n), len(slot))
        self.slot = slot
        self.template = [None] * len(slot)
        for n in nodes:
            if n.op == 'constant':
                self.template[slot[id(n)]] = n.attrs['value']
        self.leaf_slots = [slot[id(n)] for n in leaves]
        self.invariant = {slot[id(n)]: k for k, n in enumerate(leaves)
                          if k >= len(leaves) - n_invariant}
        leaf_ids = set(map(id, leaves))
        inside = depends_on(roots, leaves)     # not the ancestors of free variables
        self.nodes = [n for n in nodes if id(n) in inside and id(n) not in leaf_ids]
        # (function, the getter of its arguments from the slot list, output slot)
        self.steps = [(_bound(raw_impl(n.op), n.attrs), _getter([slot[id(i)] for i in n.inputs]),
                       slot[id(n)]) for n in self.nodes]
        self.out_slots = [slot[id(r)] for r in roots]
        self.n_slots = len(slot)
        self._plans = {}

    def run(self, inputs):
        values = list(self.template)
        for s, v in zip(self.leaf_slots, inputs):
            values[s] = v
        try:
            for fn, args, out in self.steps:
                values[out] = fn(*args(values))
        except Exception as e:
            from .compile import _explain
            node = self.nodes[next(k for k, step in enumerate(self.steps) if step[0] is fn)]
            raise _explain(node, args(values), e) from e
        return values

    def plan(self, needed):
        """The reverse schedule for the gradients of the leaves in `needed` (cached)."""
        if needed not in self._plans:
            self._plans[needed] = _ReversePlan(self, needed)
        return self._plans[needed]

    def backward(self, values, g_outs, plan, deferred):
        grads = [None] * self.n_slots
        for s, g in zip(self.out_slots, g_outs):
            if g is not None:
                grads[s] = g if grads[s] is None else grads[s] + g
        for rules, maker, argnums, ins, out, attrs, defer in plan.entries:
            g = grads[out]
            if g is None:
                continue
            if defer is not None:
                deferred.products[defer].append((values[ins[0]], g))
            if not argnums:
                continue
            args = [values[i] for i in ins]
            if rules is not None:
                # an elementwise primitive's own rules, called directly
                ans = values[out]
                for a, rule in zip(argnums, rules):
                    ga = rule(g, ans, *args)
                    x = args[a]
                    s = ins[a]
                    if ga.shape != x.shape or ga.dtype != x.dtype:
                        if s in self.invariant and ga.shape != x.shape:
                            deferred.add_broadcast(s, ga, x)    # summed once, after the loop
                            continue
                        ga = unbroadcast(ga, x)
                    grads[s] = ga if grads[s] is None else grads[s] + ga
                continue
            for a, ga in zip(argnums, maker(argnums, values[out], args, attrs)(g)):
                s = ins[a]
                dtype = getattr(args[a], 'dtype', None)
                if dtype is not None and getattr(ga, 'dtype', dtype) != dtype:
                    ga = np.asarray(ga, dtype=dtype)
                grads[s] = ga if grads[s] is None else grads[s] + ga
        return [grads[s] for s in self.leaf_slots]


class _ReversePlan:
    """Nodes on a differentiable path from the needed leaves, last first.

    A `dot(a, P)` with P a loop-invariant matrix does not form its gradient
    a_t.T @ g_t at every step: the pairs are recorded and `finish` forms the sum
    over steps as one product of the stacked a's and g's (one BLAS call instead
    of one per step)."""

    def __init__(self, program, needed):
        slot = program.slot
        self.invariant = program.invariant
        live = depends_on(program.roots, [program.leaves[k] for k in needed])
        self.entries = []
        self.deferred_leaf = []
        for n in reversed(program.nodes):
            if id(n) not in live or not OPS[n.op].differentiable:
                continue
            argnums = tuple(k for k, i in enumerate(n.inputs) if id(i) in live)
            ins = [slot[id(i)] for i in n.inputs]
            defer = None
            if n.op == 'dot' and 1 in argnums and ins[1] in program.invariant \
                    and n.inputs[0].ndim == 2 and n.inputs[1].ndim == 2:
                defer = len(self.deferred_leaf)
                self.deferred_leaf.append(program.invariant[ins[1]])
                argnums = tuple(a for a in argnums if a != 1)
            rules = getattr(OPS[n.op].impl, 'rules', None)
            if rules is not None and not n.attrs:
                rules = [rules[a] for a in argnums]
            else:
                rules = None
            self.entries.append((rules, _vjp_maker(n), argnums, ins, slot[id(n)], n.attrs,
                                 defer))

    def new_records(self):
        return _Deferred(len(self.deferred_leaf))

    def finish(self, records, params, n_param_start):
        """(leaf index, summed gradient) for each deferred product and broadcast sum."""
        stacked = []                 # (the a's of some steps, those a's stacked)
        for leaf, pairs in zip(self.deferred_leaf, records.products):
            if pairs:
                a = _stack_once([p[0] for p in pairs], stacked)   # an LSTM's 4 U's share h
                g = np.concatenate([p[1] for p in pairs])
                yield leaf, np.dot(a.T, g)
        for slot, total in records.broadcast.items():
            leaf = self.invariant[slot]
            yield leaf, unbroadcast(total, params[leaf - n_param_start])


def _stack_once(arrays, stacked):
    """np.concatenate(arrays), reusing an earlier result for the very same arrays."""
    for earlier, result in stacked:
        if len(earlier) == len(arrays) and all(x is y for x, y in zip(earlier, arrays)):
            return result
    result = np.concatenate(arrays)
    stacked.append((arrays, result))
    return result


class _Deferred:
    """One backward pass's postponed parameter gradients: the (a, g) pairs of each
    deferred dot, and the not-yet-reduced gradient of each broadcast loop-invariant
    (a gain added to every sample: summing over the samples once, after the loop,
    instead of at every step)."""

    def __init__(self, n_products):
        self.products = [[] for _ in range(n_products)]
        self.broadcast = {}

    def add_broadcast(self, slot, g, target):
        total = self.broadcast.get(slot)
        if total is None:
            self.broadcast[slot] = np.array(g)          # a copy: g may be another's
        elif total.shape == g.shape:
            total += g
        else:
            self.broadcast[slot] = unbroadcast(total, target) + unbroadcast(g, target)


def _getter(slots):
    """values -> the tuple of values[s] for s in slots (operator.itemgetter, always a tuple)."""
    if len(slots) == 1:
        only = slots[0]
        return lambda values: (values[only],)
    return itemgetter(*slots) if slots else (lambda values: ())


def _bound(fn, attrs):
    if attrs:
        return lambda *args: fn(*args, **attrs)
    return fn


def _vjp_maker(node):
    """maker(argnums, ans, args, attrs) -> (g -> gradients for argnums)."""
    impl = OPS[node.op].impl
    maker = primitive_vjps.get(impl)
    if maker is not None:
        return maker
    # an op written with autograd.numpy (subtensor, dimshuffle, reshape ...): trace this
    # one node. autograd.core.make_vjp(fun, x) -> (vjp, value); x is the tuple of the
    # differentiated arguments, so vjp gives one gradient per argnum.

    def traced(argnums, ans, args, attrs):
        def partial(diff):
            full = list(args)
            for a, v in zip(argnums, diff):
                full[a] = v
            return impl(*full, **attrs)
        vjp, _ = make_vjp(partial, tuple(args[a] for a in argnums))
        return vjp
    return traced


# -- the scan node in the op table -----------------------------------------------------
class _ScanResult(tuple):
    """The stacked outputs of one scan call, carrying the tape of that call (every
    step's values) to the VJP; dropped with the result when no gradient is taken."""


SequenceBox.register(_ScanResult)
TupleVSpace.register(_ScanResult)


@primitive
def _scan(*args, spec):
    outs, tape = spec.forward(args)
    result = _ScanResult(outs)
    result.tape = tape
    return result


defvjp_argnums(_scan, lambda argnums, ans, args, kwargs:
               lambda g: kwargs['spec'].backward(ans.tape, g, argnums, args))


@primitive
def _scan_output(outs, index):
    return outs[index]


def _scan_output_vjp(ans, outs, index):
    # the other outputs get a zero that costs nothing (a broadcast view)
    def vjp(g):
        return tuple(g if k == index else np.broadcast_to(np.zeros((), o.dtype), o.shape)
                     for k, o in enumerate(outs))
    return vjp


defvjp(_scan_output, _scan_output_vjp)

# the scan rows of the op table (their types are given by scan() when it builds the nodes)
OPS['scan'] = Op(_scan, None)
OPS['scan_output'] = Op(_scan_output, None)
