"""The reverse pass of one cost, planned once in function().

A grad group (compile.py) lists the nodes between its wrt variables and its cost. The
plan decides, when the function is built, which inputs of each node carry a gradient
and how each node's gradient is computed:
  * a node whose op is an autograd primitive runs its plain numpy function forward,
    and backward calls the primitive's registered VJPs directly, for the carrying
    inputs only: no boxes, no trace, no per-call graph walk;
  * a node whose op is composite (written with several autograd calls: reshape, scan,
    ...) is traced by autograd on its own (`gradient.trace_vjp`) when it carries a
    gradient;
  * nodes no gradient passes through run on plain values.
A call runs the forward steps in order, then walks the carrying nodes backwards once,
summing each node's incoming gradients (a gradient used once is passed on as it is,
never added to a zero-filled accumulator).
"""
import numpy as np
from autograd.core import primitive_vjps, vspace

from .gradient import trace_vjp

# how a traced node is evaluated
PRIMITIVE, COMPOSITE, PLAIN, STATEFUL = range(4)


class ReversePlan:
    """forward + backward for the cost of one grad group over a flat list of slots.

    steps: (node, kind, fn, ins, out) in topological order, where fn is the node's
    plain function with its attrs bound (PRIMITIVE: the raw numpy function; COMPOSITE:
    the autograd-aware impl). carrying: the slots whose values depend differentiably
    on a wrt."""

    def __init__(self, steps, wrt_slots, cost_slot, carrying, evaluate):
        self.wrt_slots = wrt_slots
        self.cost_slot = cost_slot
        self._evaluate = evaluate       # evaluate(node, fn, args): errors name the node
        self.forward = []
        for node, kind, fn, ins, out in steps:
            needs = tuple(k for k, i in enumerate(ins) if i in carrying) \
                if kind in (PRIMITIVE, COMPOSITE) else ()
            if kind == COMPOSITE and not needs:
                kind = PLAIN             # nothing to differentiate: run it untraced
            vjp_maker = primitive_vjps[node_impl(node)] if kind == PRIMITIVE and needs else None
            self.forward.append((node, kind, fn, ins, out, needs, vjp_maker))
        self.backward = [s for s in reversed(self.forward) if s[5]]

    def run(self, values, pending):
        """Evaluate the forward steps into `values`; return d cost / d wrt per wrt slot."""
        tapes = {}
        evaluate = self._evaluate
        for node, kind, fn, ins, out, needs, _ in self.forward:
            args = [values[i] for i in ins]
            if kind == COMPOSITE:
                values[out], tapes[out] = evaluate(node, lambda *a: trace_vjp(fn, a, needs), args)
            elif kind == STATEFUL:
                values[out], commit = evaluate(node, fn, args)
                pending.append(commit)
            else:
                values[out] = evaluate(node, fn, args)
        return self.reverse(values, tapes)

    def reverse(self, values, tapes):
        cost = values[self.cost_slot]
        grads = {self.cost_slot: np.ones_like(cost)}
        for node, kind, fn, ins, out, needs, vjp_maker in self.backward:
            g = grads.pop(out, None)
            if g is None:
                continue                 # the cost does not depend on it differentiably
            if kind == COMPOSITE:
                ingrads = tapes[out](g)
            else:
                ingrads = vjp_maker(needs, values[out], [values[i] for i in ins], node.attrs)(g)
            for k, ingrad in zip(needs, ingrads):
                slot = ins[k]
                grads[slot] = _sum(grads[slot], ingrad) if slot in grads else ingrad
        return [grads.get(s) for s in self.wrt_slots]


def _sum(a, b):
    """Two gradients of one value; tuples (a scan node's outputs) add elementwise."""
    if isinstance(a, np.ndarray) or np.isscalar(a):
        return a + b
    return vspace(a).add(a, b)


def node_impl(node):
    from .ops import OPS
    return OPS[node.op].impl


def is_primitive(impl):
    return impl in primitive_vjps
