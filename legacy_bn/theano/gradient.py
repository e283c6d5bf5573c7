"""`T.grad`: symbolic gradients, computed by autograd's reverse mode.

`grad(cost, wrt)` returns a 'grad' node per wrt variable. Nothing is
differentiated then: `function()` groups the grad nodes of one cost and, on
each call, evaluates the part of the graph between the wrt variables and the
cost once and runs one reverse pass for all of them (backprop.py), calling the
primitives' VJPs directly and tracing composite ops with autograd
(`trace_vjp`).
"""
import warnings

import numpy as np
from autograd.core import VJPNode, add_outgrads
from autograd.tracer import isbox, new_box, trace_stack
from autograd.util import toposort as autograd_toposort

from .errors import DisconnectedInputError
from .graph import Variable, apply, as_variable, clone_replace, depends_on


def grad(cost, wrt, consider_constant=None, disconnected_inputs='raise',
         add_names=True, known_grads=None, return_disconnected='zero', null_gradients='raise'):
    """theano.grad: d cost / d wrt for one variable or a list of them.

    consider_constant: variables through which no gradient flows (their value is used, as
    if they were constants): the cost is rebuilt with each one behind disconnected_grad.
    disconnected_inputs: for a wrt the cost does not depend on, 'raise' (default,
    DisconnectedInputError), 'warn' (a warning, then zeros) or 'ignore' (zeros).
    """
    if known_grads:
        raise NotImplementedError('grad(): known_grads is not supported; write the cost whose '
                                  'gradient you want, or use consider_constant')
    if disconnected_inputs not in ('raise', 'warn', 'ignore'):
        raise ValueError("grad(): disconnected_inputs must be 'raise', 'warn' or 'ignore', got %r"
                         % (disconnected_inputs,))
    cost = as_variable(cost)
    if cost.ndim != 0:
        raise TypeError('grad(): the cost must be a scalar, but %s has %d dimensions'
                        % (cost.describe(), cost.ndim))
    if np.dtype(cost.dtype).kind != 'f':
        raise TypeError('grad(): the cost %s is not a float; it has no gradient' % cost.describe())
    single = isinstance(wrt, Variable)
    wrts = [wrt] if single else list(wrt)
    connected = depends_on([cost], wrts)
    if consider_constant:
        constants = list(consider_constant) if isinstance(consider_constant, (list, tuple)) \
            else [consider_constant]
        for c in constants:
            if not isinstance(c, Variable):
                raise TypeError('grad(): consider_constant must list symbolic variables, got %r'
                                % (c,))
        cost = clone_replace([cost], {id(c): disconnected_grad(c) for c in constants})[0]
    grads = []
    for w in wrts:
        if not isinstance(w, Variable):
            raise TypeError('grad(): wrt must be symbolic variables, got %r' % (w,))
        if id(w) not in connected:
            msg = ('grad(): the cost %s does not depend on %s, so its gradient is undefined '
                   '(pass disconnected_inputs="ignore" for zeros)' % (cost.describe(), w.describe()))
            if disconnected_inputs == 'raise':
                raise DisconnectedInputError(msg)
            if disconnected_inputs == 'warn':
                warnings.warn(msg)
            grads.append(apply('zeros_like', w))
            continue
        name = ('(d%s/d%s)' % (cost.name, w.name)) if add_names and cost.name and w.name else None
        grads.append(Variable('grad', (cost, w), {}, w.dtype, w.ndim, name))
    return grads[0] if single else grads


def disconnected_grad(x):
    """x, through which no gradient flows (theano.gradient.disconnected_grad)."""
    x = as_variable(x)
    return apply('disconnected_grad', x, out_type=(x.dtype, x.ndim))


zero_grad = consider_constant = disconnected_grad


def trace_vjp(fn, args, argnums):
    """Evaluate fn(*args) under an autograd trace of the arguments at `argnums`; return
    (value, vjp) where vjp(g) gives d<fn, g>/d args[k] for each k in argnums (None
    where the value does not depend on that argument). For composite ops, whose impl
    makes several autograd calls; primitives are differentiated without tracing
    (backprop.py)."""
    with trace_stack.new_trace() as trace:
        roots = [VJPNode.new_root() for _ in argnums]
        args = list(args)
        for k, root in zip(argnums, roots):
            args[k] = new_box(args[k], trace, root)
        end = fn(*args)
    if not (isbox(end) and end._trace == trace):
        return end, lambda g: [None] * len(argnums)

    def vjp(g):
        grads = [None] * len(argnums)
        root_index = {r: i for i, r in enumerate(roots)}
        outgrads = {end._node: (g, False)}
        for node in autograd_toposort(end._node):
            og = outgrads.pop(node)[0]
            if node in root_index:
                grads[root_index[node]] = og
                continue
            for parent, ingrad in zip(node.parents, node.vjp(og)):
                outgrads[parent] = add_outgrads(outgrads.get(parent), ingrad)
        return grads
    return end._value, vjp
