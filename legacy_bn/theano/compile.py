"""`theano.function` (module `compile`, as in Theano): compile inputs, outputs and updates into a callable.

Compilation decides everything that does not change between calls:
  1. rewrite passes (`rewrite.passes_for(mode)`; the first merges identical subgraphs, as
     Theano's MergeOptimizer did, so the forward graph Keras builds twice -
     once for the loss, once for BatchNormalization's running-statistics
     updates - is evaluated once);
  2. the grad groups: the grad nodes of one cost, and the nodes between their
     wrt variables and that cost, which are the only ones traced by autograd;
  3. a schedule of steps over a flat list of value slots.
A call then runs the schedule once (one forward evaluation, one reverse pass
per distinct cost), and only when every step has succeeded assigns all
updates and random-stream states at once (an optimizer's p <- p + v as an in-place add,
SGD's velocity and parameter pairs in one pass: momentum_commit.py).
"""
import warnings
from collections import OrderedDict

import numpy as np

from .errors import MissingInputError, UnusedInputError
from .graph import (SharedVariable, Variable, as_variable, clone_replace, depends_on, filter_value,
                    toposort)
from .backprop import COMPOSITE, PLAIN, PRIMITIVE, STATEFUL, ReversePlan, is_primitive
from . import momentum_commit
from .ops import OPS, raw_impl
from .rewrite import passes_for

# Ops whose impl returns (value, (holder, new_state)); the state is committed with the updates.
STATEFUL_OPS = set()


def function(inputs, outputs=None, updates=None, givens=None, allow_input_downcast=None,
             mode=None, name=None, on_unused_input='raise', no_default_updates=False):
    """theano.function: compile symbolic `outputs` of `inputs` into a callable.

        x = T.matrix('x'); w = theano.shared(np.zeros(3), name='w')
        f = theano.function([x], T.dot(x, w), updates=[(w, w + 1)])
        f(np.ones((2, 3)))   # -> array([0., 0.]); w is now [1., 1., 1.]

    inputs: a list of symbolic inputs (T.matrix(), ...); call f with one value each,
        positionally or by input name.
    outputs: one variable (f returns one array) or a list (f returns a list), or None.
    updates: (shared variable, new value) pairs or a dict. All new values are computed
        from the values before the call and assigned together at its end - and only if
        the whole call succeeded. An update keeps its variable's number of dimensions, and
        an integer variable takes only integer updates (TypeError, as in Theano).
    givens: {variable: expression} (or pairs): the graph is built with each variable
        replaced by its expression, all at once (the minibatch idiom
        `givens={x: data[i * bs:(i + 1) * bs]}` with a shared `data`). The expression
        must have the variable's dtype and number of dimensions (TypeError otherwise,
        as in Theano); a variable that no output or update uses is an error unless
        on_unused_input is 'warn' or 'ignore' (Theano ignored it silently).
    inputs may also be theano.In / theano.Param: a default value (the argument may then
        be left out), a name for keyword calls, strict / allow_downcast per input.
    allow_input_downcast: True casts any numeric input to the input's dtype; None (the
        default) accepts only safe casts, except that a Python float becomes floatX;
        False accepts only safe casts.
    mode: 'FAST_COMPILE' runs only the merge rewrite; anything else (default 'FAST_RUN')
        all rewrites. The results are the same to floating-point tolerance.
    no_default_updates: False (default) adds the default update of every shared
        variable in the graph that has one (a RandomStreams draw advances its generator);
        True adds none; a list names the shared variables whose default updates are left out.
    name: kept as f.name.
    on_unused_input: 'raise' (default), 'warn' or 'ignore' for inputs nothing depends on.

    Errors at call time name the input (or the node) and the shapes and dtypes involved.
    """
    return Function(inputs, outputs, updates, givens, allow_input_downcast, name, on_unused_input,
                    mode, no_default_updates)


class Function:
    # a check of the outputs run after they are computed and before any update is assigned
    # (legacy_bn's models refuse a non-finite loss there); raising from it changes nothing
    before_commit = None

    def __init__(self, inputs, outputs, updates, givens, allow_input_downcast, name, on_unused_input,
                 mode=None, no_default_updates=False):
        self.name = name
        self.allow_input_downcast = allow_input_downcast
        self.inputs, self._input_specs = self._check_inputs(inputs, allow_input_downcast)
        self.single_output = outputs is not None and not isinstance(outputs, (list, tuple))
        outputs = [] if outputs is None else [outputs] if self.single_output else list(outputs)
        outputs = [as_variable(o) for o in outputs]
        update_pairs = self._check_updates(updates)

        roots = outputs + [value for _, value in update_pairs]
        given_keys = list(givens.keys() if isinstance(givens, dict) else
                          [pair[0] for pair in givens]) if givens else []
        # default updates (RandomStreams draws) first: givens apply to them too
        defaults = _default_updates(roots, update_pairs, no_default_updates,
                                    self.inputs + given_keys)
        if defaults:
            update_pairs += self._check_updates(defaults)
            roots = outputs + [value for _, value in update_pairs]
        if givens:
            roots = clone_replace(roots, _check_givens(givens, roots, on_unused_input))
            update_pairs = [(sv, v) for (sv, _), v in zip(update_pairs, roots[len(outputs):])]
            outputs = roots[:len(outputs)]
        self._check_missing(roots, update_pairs, len(outputs))
        self._check_unused(roots, on_unused_input)
        for rewrite in passes_for(mode):
            roots = rewrite(roots)
        outputs, update_values = roots[:len(outputs)], roots[len(outputs):]
        updates = [(sv, v) for (sv, _), v in zip(update_pairs, update_values)]
        # generators (RandomStreams) are objects, not arrays: assigned as they are
        opaque = [(sv, v) for sv, v in updates if sv.dtype == 'object']
        self.updates = [(sv, v) for sv, v in updates if sv.dtype != 'object']
        update_values, self._accumulates = _accumulating_updates(self.updates)
        self._build_schedule(outputs, update_values, opaque)

    # -- checks made once, when the function is built ---------------------------
    def _check_inputs(self, inputs, allow_input_downcast):
        """The input variables, and per input (name, default or _MISSING, allow_downcast)."""
        if isinstance(inputs, (Variable, In)):
            raise TypeError('function(): inputs must be a list of variables, got the single %s'
                            % (inputs.describe() if isinstance(inputs, Variable) else inputs))
        specs = [In(i) if not isinstance(i, In) else i for i in inputs]
        inputs = [i.variable for i in specs]
        specs = [(i.name, i.value, allow_input_downcast if i.allow_downcast is None
                  else i.allow_downcast) for i in specs]
        for var in inputs:
            if not isinstance(var, Variable) or var.op != 'input':
                what = var.describe() if isinstance(var, Variable) else repr(var)
                raise TypeError('function(): input %s is not a symbolic input (T.matrix() etc.); '
                                'shared variables and expressions cannot be inputs' % what)
        if len(set(map(id, inputs))) != len(inputs):
            raise ValueError('function(): the same input variable is listed twice')
        for k, (var, (_, default, downcast)) in enumerate(zip(inputs, specs)):
            if default is not _MISSING:     # checked now: a bad default fails here, not later
                filter_value(default, var, downcast, 'function(): the default of input %d' % k)
        return inputs, specs

    @staticmethod
    def _check_updates(updates):
        if updates is None:
            return []
        pairs = list(updates.items()) if isinstance(updates, (dict, OrderedDict)) else list(updates)
        seen = set()
        checked = []
        for pair in pairs:
            shared_var, value = pair
            if not isinstance(shared_var, SharedVariable):
                raise TypeError('function(): an update target must be a shared variable, got %r'
                                % (shared_var,))
            if id(shared_var) in seen:
                raise ValueError('function(): %s is updated twice' % shared_var.describe())
            seen.add(id(shared_var))
            value = as_variable(value)
            if value.ndim != shared_var.ndim:
                raise TypeError('function(): the update of %s has %d dimensions, but the shared '
                                'variable has %d; an update may change the shape but not the '
                                'number of dimensions' % (shared_var.describe(), value.ndim,
                                                          shared_var.ndim))
            if not _update_dtype_fits(value.dtype, shared_var.dtype):
                # Theano raised this TypeError; storing would truncate (c + 0.7) or wrap
                # (c / 0.0 -> INT64_MIN). Float updates into float variables are cast.
                raise TypeError('function(): the update of %s has dtype %s, which cannot be '
                                'stored in %s without loss; an update must have the type of '
                                'its shared variable (cast it: T.cast(update, %r))'
                                % (shared_var.describe(), value.dtype, shared_var.dtype,
                                   shared_var.dtype))
            checked.append((shared_var, value))
        return checked

    def _check_missing(self, roots, update_pairs, n_outputs):
        given = set(map(id, self.inputs))
        missing = [n for n in toposort(roots) if n.op == 'input' and id(n) not in given]
        if not missing:
            return
        # only on the error path: which output or update needs it
        k = next(k for k, root in enumerate(roots) if id(missing[0]) in map(id, toposort([root])))
        what = ('output %d' % k) if k < n_outputs else \
            'the update of %s' % update_pairs[k - n_outputs][0].describe()
        raise MissingInputError('function(): %s depends on the input %s, which is not in the '
                                'inputs list' % (what, missing[0].describe()))

    def _check_unused(self, roots, on_unused_input):
        if on_unused_input == 'ignore':
            return
        used = set(id(n) for n in toposort(roots))
        for k, var in enumerate(self.inputs):
            if id(var) not in used:
                msg = ('function(): input %d, %s, is not used by any output or update '
                       '(pass on_unused_input="ignore" to allow this)' % (k, var.describe()))
                if on_unused_input == 'raise':
                    raise UnusedInputError(msg)
                warnings.warn(msg)

    # -- the schedule -----------------------------------------------------------
    def _build_schedule(self, outputs, update_values, opaque):
        update_values = update_values + [v for _, v in opaque]
        nodes = self._nodes = toposort(outputs + update_values)
        slot = {id(n): i for i, n in enumerate(nodes)}
        # SGD's velocity and parameter pairs: the velocity is computed at the commit
        self._momentum_pairs = momentum_commit.find_pairs(
            self.updates, update_values[:len(self.updates)], self._accumulates, outputs, nodes)
        for pair in self._momentum_pairs:
            pair.place(slot)
        deferred = set(id(pair.node) for pair in self._momentum_pairs)
        self._opaque_updates = [(sv, slot[id(v)]) for sv, v in opaque]
        self._template = [None] * len(nodes)
        self._input_slots = [slot.get(id(v)) for v in self.inputs]
        self._input_types = [(np.dtype(v.dtype), v.ndim) for v in self.inputs]
        self._shared_slots = []
        for n in nodes:
            if n.op == 'constant':
                self._template[slot[id(n)]] = n.attrs['value']
            elif n.op == 'shared':
                self._shared_slots.append((slot[id(n)], n))
        self._output_slots = [slot[id(o)] for o in outputs]
        # a leaf output would hand out the caller's array or a shared value itself
        self._output_is_leaf = [o.op in ('input', 'shared', 'constant') for o in outputs]
        # (shared variable, slot of its new value - or of what is added to it in place -,
        # whether that value must be copied: a leaf, or an array also handed out as an output)
        self._update_slots = [(sv, slot[id(v)], v.op in ('input', 'shared', 'constant')
                               or slot[id(v)] in self._output_slots)
                              for (sv, _), v in zip(self.updates, update_values)]  # not opaque

        groups = _grad_groups(nodes)
        owner = {}                      # id(node) -> the group that produces its value
        for g in groups:
            for n in g.traced + g.grad_nodes:
                owner.setdefault(id(n), g)

        def unit_of(n):
            return owner.get(id(n), n)

        def deps(unit):
            if isinstance(unit, _GradGroup):
                return [unit_of(i) for i in unit.outside_inputs] + [unit_of(w) for w in unit.wrts]
            return [unit_of(i) for i in unit.inputs]

        order, state = [], {}
        for root in outputs + update_values:
            _visit(unit_of(root), deps, order, state)
        # leaves need no step: their slots are filled at the start of a call
        self._steps = [unit.build_step(slot) if isinstance(unit, _GradGroup) else _node_step(unit, slot)
                       for unit in order
                       if isinstance(unit, _GradGroup) or unit.op not in ('input', 'shared', 'constant')
                       and id(unit) not in deferred]

    def toposort(self):
        """The nodes this function evaluates, after the rewrites, each after its inputs
        (Theano: f.maker.fgraph.toposort())."""
        return list(self._nodes)

    # -- a call -------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        if kwargs or len(args) != len(self.inputs):
            args = self._merge_keywords(args, kwargs)
        values = list(self._template)
        for k, (var, arg, s, spec, (dtype, ndim)) in enumerate(zip(
                self.inputs, args, self._input_slots, self._input_specs, self._input_types)):
            # an ndarray of the input's exact type passes filter_value unchanged
            value = arg if type(arg) is np.ndarray and arg.dtype == dtype and arg.ndim == ndim \
                else filter_value(arg, var, spec[2], 'input %d' % k)
            if s is not None:
                values[s] = value
        for s, sv in self._shared_slots:
            values[s] = sv._value
        pending = []
        for step in self._steps:
            step(values, pending)
        # before the commit: an in-place update must not change what is handed out
        outputs = [_handed_out(values[s], leaf)
                   for s, leaf in zip(self._output_slots, self._output_is_leaf)]
        in_place, taken = momentum_commit.prepare(self._momentum_pairs, values, _evaluate_node) \
            if self._momentum_pairs else ((), ())
        new_values, given = [], set()
        for k, ((sv, s, copy), accumulate) in enumerate(zip(self._update_slots, self._accumulates)):
            if k in taken:
                new_values.append(_TAKEN)
                continue
            v = values[s]
            if accumulate is not None:
                target = sv._value
                # _can_add_in_place's common case (a step of the target's shape) inline
                if type(v) is np.ndarray and v.shape == target.shape and \
                        v.dtype == target.dtype and target.flags.writeable or \
                        _can_add_in_place(target, v):
                    new_values.append(None)
                    continue
            if accumulate is not None:   # the add node, out of place (errors name it)
                v = _evaluate_node(accumulate, np.add, [sv._value, v])
            if not isinstance(v, np.ndarray) or v.dtype != sv._value.dtype:
                v = np.asarray(v, dtype=sv._value.dtype)
            elif copy or not v.flags.owndata or id(v) in given:
                v = v.copy()         # never alias an input, another shared value or a view
            given.add(id(v))
            new_values.append(v)
        if self.before_commit is not None:   # may refuse the outputs: then nothing changes
            self.before_commit(outputs)
        # Commit point: nothing above changed any state, and nothing below can fail.
        for (sv, s, _), v in zip(self._update_slots, new_values):
            if v is None:
                np.add(sv._value, values[s], out=sv._value)
            elif v is not _TAKEN:
                sv._value = v
        momentum_commit.commit(in_place)
        for sv, s in self._opaque_updates:
            sv._value = values[s]
        for holder, new_state in pending:
            holder.state = new_state
        return outputs[0] if self.single_output else outputs

    def _merge_keywords(self, args, kwargs):
        """The positional arguments completed by the keyword ones (input names) and the
        inputs' default values (theano.In(value=...))."""
        def wrong_count():
            return TypeError('function call: expected %d argument(s) (%s), got %d'
                             % (len(self.inputs), ', '.join(v.describe() for v in self.inputs),
                                len(args)))
        if len(args) > len(self.inputs):
            raise wrong_count()
        by_name = {spec[0]: i for i, spec in enumerate(self._input_specs) if spec[0]}
        merged = list(args) + [_MISSING] * (len(self.inputs) - len(args))
        for key, val in kwargs.items():
            if key not in by_name:
                raise TypeError('function call: unknown input name %r (the named inputs are %s)'
                                % (key, ', '.join(sorted(by_name)) or 'none'))
            k = by_name[key]
            if k < len(args):
                raise TypeError('function call: input %d, %s, is given both positionally and '
                                'by keyword' % (k, self.inputs[k].describe()))
            merged[k] = val
        for k, val in enumerate(merged):
            if val is _MISSING and self._input_specs[k][1] is not _MISSING:
                merged[k] = self._input_specs[k][1]
        missing = ['%d, %s' % (k, self.inputs[k].describe())
                   for k, val in enumerate(merged) if val is _MISSING]
        if missing and not kwargs:
            raise wrong_count()
        if missing:
            raise TypeError('function call: missing input %s' % '; '.join(missing))
        return merged


_TAKEN = object()       # an update the momentum commit makes


class _Missing:
    def __repr__(self):
        return '<no value>'


_MISSING = _Missing()


class In:
    """theano.In: a function input with options.

    value: a default used when the call leaves the argument out; name: the keyword
    the call may use (default: the variable's name); allow_downcast: as function()'s
    allow_input_downcast, for this input; strict=True accepts only data of the exact
    dtype. mutable and borrow are accepted: legacy_bn never writes into an input."""

    def __init__(self, variable, name=None, value=None, update=None, mutable=None,
                 strict=False, allow_downcast=None, autoname=True, implicit=None,
                 borrow=None, shared=False):
        if not isinstance(variable, Variable):
            raise TypeError('In(): variable must be a symbolic input, got %r' % (variable,))
        if update is not None or implicit or shared:
            raise NotImplementedError('In(): update=/implicit=/shared= (an input that keeps '
                                      'state between calls) is not supported; use a shared '
                                      'variable and updates=')
        self.variable = variable
        self.name = name if name is not None else (variable.name if autoname else None)
        self.value = _MISSING if value is None else value     # None: no default, as in Theano
        self.mutable, self.borrow, self.strict = mutable, borrow, strict
        self.allow_downcast = 'strict' if strict else allow_downcast

    def __repr__(self):
        return 'In(%s)' % self.variable.describe()


def Param(variable, default=None, name=None, mutable=False, strict=False,
          allow_downcast=None, implicit=None, borrow=None):
    """theano.Param (Theano 0.7's name): In with `default` for `value`."""
    return In(variable, name=name, value=default, mutable=mutable, strict=strict,
              allow_downcast=allow_downcast, implicit=implicit, borrow=borrow)


def _check_givens(givens, roots, on_unused_input):
    """{id(variable): replacement} from function()'s givens, checked."""
    pairs = list(givens.items()) if isinstance(givens, dict) else list(givens)
    in_graph = set(map(id, toposort(roots)))
    replace = {}
    for pair in pairs:
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
            raise TypeError('function(): givens must be a dict or (variable, expression) pairs, '
                            'got the entry %r' % (pair,))
        var, expr = pair
        if not isinstance(var, Variable) or var.op == 'constant':
            raise TypeError('function(): a givens key must be a symbolic variable (an input or a '
                            'shared variable), got %r' % (var,))
        if id(var) in replace:
            raise ValueError('function(): givens replaces %s twice' % var.describe())
        expr = as_variable(expr)
        if expr.dtype != var.dtype or expr.ndim != var.ndim:
            raise TypeError('function(): givens: %s is replaced by %s, which has another type; '
                            'the replacement must have dtype %s and %d dimensions (cast it, '
                            'T.cast(expr, %r), or index it)'
                            % (var.describe(), expr.describe(), var.dtype, var.ndim, var.dtype))
        if id(var) not in in_graph:
            msg = ('function(): givens: %s is not used by any output or update, so replacing '
                   'it does nothing (pass on_unused_input="ignore" to allow this)'
                   % var.describe())
            if on_unused_input == 'raise':
                raise UnusedInputError(msg)
            if on_unused_input == 'warn':
                warnings.warn(msg)
        replace[id(var)] = expr
    return replace


def _default_updates(roots, update_pairs, no_default_updates, inputs):
    """(shared variable, its default_update) for the shared variables in the graph that
    have one and are not updated explicitly (Theano's default updates)."""
    if no_default_updates is True:
        return []
    skip = set(map(id, no_default_updates or ())) | set(id(sv) for sv, _ in update_pairs)
    given = set(map(id, inputs))
    found = []
    for n in toposort(roots):
        if n.op == 'shared' and getattr(n, 'default_update', None) is not None \
                and id(n) not in skip:
            skip.add(id(n))
            # a generator drawn from inside a scan step: its default update is an
            # expression of the step; scan returns the update to pass instead
            if all(m.op != 'input' or id(m) in given for m in toposort([n.default_update])):
                found.append((n, n.default_update))
    return found


def _update_dtype_fits(update_dtype, shared_dtype):
    """Integer and bool shared variables take only updates that cast to them safely;
    float ones take any number (float64 -> float32 is the usual floatX downcast)."""
    return np.dtype(shared_dtype).kind not in 'biu' or \
        np.can_cast(update_dtype, shared_dtype, 'safe')


def _handed_out(value, leaf):
    """An output the caller may keep: never a leaf's array or a view of another array,
    and C-ordered (a convolution computes batch-last in memory, see conv_primitives)."""
    if leaf or not isinstance(value, np.ndarray) or value.base is not None \
            or not value.flags.c_contiguous:
        return np.array(value, order='C')
    return value


def _accumulating_updates(updates):
    """Updates of the form p <- p + x (an optimizer's step) are committed as an in-place
    add into p's array, with no new array and no second pass over p. Returns the node
    each update needs evaluated (x for those, the new value for the others) and, per
    update, its add node if it accumulates (else None)."""
    roots, accumulates = [], []
    for sv, value in updates:
        step = None
        if value.op == 'add' and value.dtype == sv.dtype:
            a, b = value.inputs
            step = b if a is sv else a if b is sv else None
            if step is not None and (step.dtype != sv.dtype or step.ndim != sv.ndim):
                step = None
        roots.append(value if step is None else step)
        accumulates.append(None if step is None else value)
    return roots, accumulates


def _can_add_in_place(target, step):
    """np.add(target, step, out=target) gives exactly target + step: same dtype, and
    step broadcasts to target's shape. (Only the function writes into a shared array;
    get_value(borrow=True) shares it, as in Theano.)"""
    if not (isinstance(step, np.ndarray) and step.dtype == target.dtype
            and target.flags.writeable):
        return False
    if step.shape == target.shape:
        return True
    try:
        return np.broadcast_shapes(step.shape, target.shape) == target.shape
    except ValueError:
        return False            # the out-of-place add raises, naming the node


def _visit(unit, deps, order, state):
    """Depth-first topological sort of schedule units (iterative, no recursion limit)."""
    if state.get(id(unit)) == 2:
        return
    stack = [(unit, iter(deps(unit)))]
    state[id(unit)] = 1
    while stack:
        u, it = stack[-1]
        for d in it:
            s = state.get(id(d))
            if s == 1:
                raise ValueError('function(): the graph has a cycle through gradients '
                                 '(a cost that depends on its own gradient is not supported)')
            if s is None:
                state[id(d)] = 1
                stack.append((d, iter(deps(d))))
                break
        else:
            stack.pop()
            state[id(u)] = 2
            order.append(u)


def _evaluate_node(node, fn, args):
    try:
        return fn(*args)
    except Exception as e:
        raise _explain(node, args, e) from e


def _node_step(node, slot):
    fn = _bound_impl(node, raw=True)
    ins = [slot[id(i)] for i in node.inputs]
    out = slot[id(node)]
    if node.op in STATEFUL_OPS:
        def step(values, pending):
            value, commit = _evaluate_node(node, fn, [values[i] for i in ins])
            values[out] = value
            pending.append(commit)
    else:
        def step(values, pending):
            args = [values[i] for i in ins]
            try:                        # _evaluate_node, inline: one call less per node
                values[out] = fn(*args)
            except Exception as e:
                raise _explain(node, args, e) from e
    return step


def _bound_impl(node, raw=False):
    impl = raw_impl(node.op) if raw else OPS[node.op].impl
    if node.attrs:
        attrs = node.attrs
        return lambda *args: impl(*args, **attrs)
    return impl


class _GradGroup:
    """The grad nodes of one cost: one trace and one reverse pass per call."""

    def __init__(self, cost, grad_nodes):
        self.cost = cost
        self.grad_nodes = grad_nodes
        self.wrts = []
        for g in grad_nodes:
            if all(g.inputs[1] is not w for w in self.wrts):
                self.wrts.append(g.inputs[1])
        wrt_ids = set(map(id, self.wrts))
        # traced: every node between a wrt and the cost. Non-differentiable ones
        # (shape, comparisons, random draws) run inside the trace on plain values,
        # because differentiable nodes after them need their results.
        hit = depends_on([cost], self.wrts)
        self.traced = [n for n in toposort([cost]) if id(n) in hit and id(n) not in wrt_ids]
        traced_ids = set(map(id, self.traced)) | wrt_ids
        self.outside_inputs = []
        for n in self.traced:
            if n.op == 'grad':
                raise NotImplementedError('function(): gradients of gradients are not supported '
                                          '(the cost %s depends on %s)' % (cost.describe(), n))
            for i in n.inputs:
                if id(i) not in traced_ids:
                    self.outside_inputs.append(i)

    def build_step(self, slot):
        carrying = set(slot[id(w)] for w in self.wrts)
        steps = []
        for n in self.traced:
            kind = _kind(n)
            if kind in (PRIMITIVE, COMPOSITE) and any(slot[id(i)] in carrying for i in n.inputs):
                carrying.add(slot[id(n)])
            steps.append((n, kind, _bound_impl(n, raw=kind != COMPOSITE),
                          [slot[id(i)] for i in n.inputs], slot[id(n)]))
        plan = ReversePlan(steps, [slot[id(w)] for w in self.wrts], slot[id(self.cost)],
                           carrying, _evaluate_node)
        grad_slots = [(slot[id(g)], self.wrts.index(g.inputs[1])) for g in self.grad_nodes]
        wrts = [(slot[id(w)], np.dtype(w.dtype)) for w in self.wrts]

        def step(values, pending):
            grads = plan.run(values, pending)
            for k, (s, dtype) in enumerate(wrts):
                g = grads[k]
                if g is None:
                    g = np.zeros_like(values[s])
                elif not isinstance(g, np.ndarray) or g.dtype != dtype:
                    g = np.asarray(g, dtype=dtype)
                grads[k] = g
            for s, k in grad_slots:
                values[s] = grads[k]
        return step


def _kind(node):
    if node.op in STATEFUL_OPS:
        return STATEFUL
    op = OPS[node.op]
    if not op.differentiable:
        return PLAIN
    return PRIMITIVE if is_primitive(op.impl) else COMPOSITE


def _grad_groups(nodes):
    by_cost = OrderedDict()
    for n in nodes:
        if n.op == 'grad':
            by_cost.setdefault(id(n.inputs[0]), (n.inputs[0], []))[1].append(n)
    return [_GradGroup(cost, grads) for cost, grads in by_cost.values()]


def _explain(node, args, error):
    """Re-raise an op's failure naming the node, its inputs and their shapes/dtypes."""
    parts = []
    for var, val in zip(node.inputs, args):
        val = getattr(val, '_value', val)
        parts.append('%s with %s' % (var.describe(), _shape_text(val)))
    msg = ('error evaluating %s = %s(%s): %s'
           % (node.describe(), node.op, '; '.join(parts), error))
    # the same type (a MemoryError stays one), or its nearest base that takes a message
    for cls in type(error).__mro__:
        try:
            return cls(msg)
        except Exception:
            continue
    return ValueError(msg)


def _shape_text(val):
    if isinstance(val, np.ndarray):
        return 'shape %s %s' % (val.shape, val.dtype)
    return 'value %r' % (val,)
