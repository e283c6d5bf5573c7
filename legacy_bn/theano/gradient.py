"""`T.grad`: symbolic gradients, computed by autograd's reverse mode.

`grad(cost, wrt)` returns a 'grad' node per wrt variable. Nothing is
differentiated then: `function()` groups the grad nodes of one cost and, on
each call, traces the part of the graph between the wrt variables and the cost
once with autograd boxes and runs one reverse pass for all of them
(`reverse_pass`).
"""
import numpy as np
from autograd.core import VJPNode, add_outgrads
from autograd.tracer import isbox, new_box, trace_stack
from autograd.util import toposort as autograd_toposort

from .errors import DisconnectedInputError
from .graph import Variable, apply, as_variable, depends_on


def grad(cost, wrt, consider_constant=None, disconnected_inputs='raise',
         add_names=True, known_grads=None, return_disconnected='zero'):
    """theano.grad: d cost / d wrt for one variable or a list of them."""
    if consider_constant or known_grads:
        raise NotImplementedError('grad(): consider_constant and known_grads are not supported')
    cost = as_variable(cost)
    if cost.ndim != 0:
        raise TypeError('grad(): the cost must be a scalar, but %s has %d dimensions'
                        % (cost.describe(), cost.ndim))
    if np.dtype(cost.dtype).kind != 'f':
        raise TypeError('grad(): the cost %s is not a float; it has no gradient' % cost.describe())
    single = isinstance(wrt, Variable)
    wrts = [wrt] if single else list(wrt)
    connected = depends_on([cost], wrts)
    grads = []
    for w in wrts:
        if not isinstance(w, Variable):
            raise TypeError('grad(): wrt must be symbolic variables, got %r' % (w,))
        if id(w) not in connected:
            if disconnected_inputs == 'raise':
                raise DisconnectedInputError(
                    'grad(): the cost %s does not depend on %s, so its gradient is undefined '
                    '(pass disconnected_inputs="ignore" for zeros)' % (cost.describe(), w.describe()))
            grads.append(apply('zeros_like', w))
            continue
        name = ('(d%s/d%s)' % (cost.name, w.name)) if add_names and cost.name and w.name else None
        grads.append(Variable('grad', (cost, w), {}, w.dtype, w.ndim, name))
    return grads[0] if single else grads



def reverse_pass(evaluate, wrt_values):
    """Trace `evaluate(boxed_wrt_values) -> cost` and return (cost, [d cost/d wrt]).

    The multi-input form of autograd's make_vjp: one trace, one backward pass,
    one gradient per wrt value, each cast to that value's dtype (autograd's own
    rules can return float64 for float32 inputs under numpy 2).
    """
    with trace_stack.new_trace() as trace:
        roots = [VJPNode.new_root() for _ in wrt_values]
        boxes = [new_box(v, trace, r) for v, r in zip(wrt_values, roots)]
        end = evaluate(boxes)
    grads = [None] * len(wrt_values)
    if isbox(end) and end._trace == trace:
        cost = end._value
        root_index = {r: i for i, r in enumerate(roots)}
        outgrads = {end._node: (np.ones_like(cost), False)}
        for node in autograd_toposort(end._node):
            g = outgrads.pop(node)[0]
            if node in root_index:
                grads[root_index[node]] = g
                continue
            for parent, ingrad in zip(node.parents, node.vjp(g)):
                outgrads[parent] = add_outgrads(outgrads.get(parent), ingrad)
    else:
        cost = end
    result = []
    for v, g in zip(wrt_values, grads):
        if g is None:
            g = np.zeros_like(v)
        result.append(np.asarray(g).astype(v.dtype, copy=False))
    return cost, result
