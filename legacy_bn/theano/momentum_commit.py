"""Keras's SGD step with momentum, committed in one pass over each parameter.

SGD updates a velocity m <- mu * m - lr * g and its parameter p <- p + (the new m). The
rewrites make the velocity one node: momentum_step(m, v, mu) = mu * m + v, where v is
already -lr * g (fusion.scale_sgd_gradients), or sgd_velocity(m, g, mu, lr) where they
cannot (a clipped gradient, several costs). As nodes, the new velocity is a fresh array
(one pass over m and the gradient) that the commit then adds into p (a second pass, over
p and the new velocity). When a function's updates are exactly such a pair, the velocity
node is left out of the schedule and the commit writes the new velocity into m's own
array and adds it into p: one pass with the accelerator, in-place numpy passes without
it; no new parameter-sized array either way. The roundings are the node's: mu * m, then
+ v (or - lr * g), then p + that.

Nothing changes before the commit point. A pair whose values do not fit at a call (not
arrays of one shape and dtype, read-only or overlapping arrays, a momentum or learning
rate whose type would change the result's dtype, or momentum 0, whose step skips 0 * m)
is evaluated as the node it is, before the commit, and committed as every other update;
with momentum 0 a momentum_step's value is its v itself, handed on without the call
(SGD's default: ten calls a step for a three-layer model).
"""
import numpy as np

from . import accel
from .fused import momentum_step, momentum_step_is_v, scalar_keeps_dtype, sgd_velocity

VELOCITY_OPS = {'momentum_step': momentum_step.fun, 'sgd_velocity': sgd_velocity.fun}


class MomentumPair:
    """The updates m <- node and p <- p + node for a velocity node of m."""

    def __init__(self, node, m_index, p_index, p):
        self.node, self.m_index, self.p_index = node, m_index, p_index
        self.m, self.p = node.inputs[0], p
        self.velocity = VELOCITY_OPS[node.op]
        # SGD without momentum: the node's value is its input v (no call, no checks of _fits)
        self.may_be_v = node.op == 'momentum_step'

    def place(self, slot):
        """The value slots of the node and its inputs (m's is m's own), once the schedule is
        made."""
        self.slot = slot[id(self.node)]
        self.input_slots = [slot[id(i)] for i in self.node.inputs[1:]]


def find_pairs(updates, update_values, accumulates, outputs, nodes):
    """The MomentumPairs among the function's updates: velocity nodes used by nothing but
    the update of their own m and the in-place add into one other p."""
    used_by_nodes = set(id(i) for n in nodes for i in n.inputs)
    output_ids = set(map(id, outputs))
    index_of = {}                                    # id(value) -> update indices
    for k, value in enumerate(update_values):
        index_of.setdefault(id(value), []).append(k)
    pairs = []
    for m_index, ((sv, value), accumulate) in enumerate(zip(updates, accumulates)):
        if accumulate is not None or value.op not in VELOCITY_OPS or value.inputs[0] is not sv \
                or id(value) in used_by_nodes or id(value) in output_ids:
            continue
        others = [k for k in index_of[id(value)] if k != m_index]
        if len(others) != 1 or accumulates[others[0]] is None or updates[others[0]][0] is sv:
            continue
        pairs.append(MomentumPair(value, m_index, others[0], updates[others[0]][0]))
    return pairs


def prepare(pairs, values, evaluate):
    """Per call, before the commit point: (p, m, gradient, mu, lr or None) for each pair
    that can be committed in place, and the update indices they take over. A momentum_step
    whose value is its v (momentum 0) gets v without a call; the others' node is evaluated
    into `values` now (evaluate(node, fn, args) names the node on error)."""
    steps, taken = [], set()
    for pair in pairs:
        m = pair.m._value
        args = [values[s] for s in pair.input_slots]          # v, mu / g, mu, lr
        if pair.may_be_v and momentum_step_is_v(m, *args):
            values[pair.slot] = args[0]
            continue
        p = pair.p._value
        if _fits(m, p, *args):
            lr = args[2] if len(args) == 3 else None
            steps.append((p, m, args[0], args[1], lr))
            taken.add(pair.m_index)
            taken.add(pair.p_index)
        else:
            values[pair.slot] = evaluate(pair.node, pair.velocity, [m] + args)
    return steps, taken


def _fits(m, p, v, mu, lr=None):
    dtype = getattr(m, 'dtype', None)
    if not (scalar_keeps_dtype(mu, dtype) and (lr is None or scalar_keeps_dtype(lr, dtype))) \
            or not mu:                                       # a scalar (above), so == 0
        return False
    if not (type(m) is np.ndarray and type(p) is np.ndarray and type(v) is np.ndarray
            and m.shape == p.shape == v.shape and dtype == p.dtype == v.dtype
            and dtype.kind == 'f' and m.flags.writeable and p.flags.writeable):
        return False
    return not (np.may_share_memory(m, p) or np.may_share_memory(m, v)
                or np.may_share_memory(p, v))


def commit(steps):
    """After the commit point: m <- mu * m + v (or mu * m - lr * g); p <- p + m, in place
    (cannot fail)."""
    for p, m, v, mu, lr in steps:
        kernels = accel.kernels_for(m.dtype)
        if kernels is not None and m.flags.c_contiguous and p.flags.c_contiguous \
                and v.flags.c_contiguous:
            # (-lr) * g is -(lr * g) exactly, and 1 * v is v
            scale = np.float32(1) if lr is None else -np.float32(lr)
            kernels.momentum_commit(p.reshape(-1), m.reshape(-1), v.reshape(-1),
                                    np.float32(mu), scale)
            continue
        np.multiply(m, mu, out=m)
        if lr is None:
            np.add(m, v, out=m)
        else:
            np.subtract(m, np.multiply(lr, v, dtype=m.dtype), out=m)
        np.add(p, m, out=p)
