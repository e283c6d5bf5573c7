"""Keras's SGD step with momentum, committed in one pass over each parameter.

SGD updates a velocity m <- mu * m + v and its parameter p <- p + (mu * m + v), where v
is -lr * g (fusion.scale_sgd_gradients makes the velocity the node momentum_step(m, v,
mu)). As nodes, the new velocity is a fresh array (one pass over m and v) that the commit
then adds into p (a second pass, over p and the new velocity). When a function's updates
are exactly such a pair, the velocity node is left out of the schedule and the commit
writes the new velocity into m's own array and adds it into p: one pass with the
accelerator, three in-place numpy passes without it; no new array either way. The
roundings are the node's: mu * m, then + v, then p + that.

Nothing changes before the commit point. A pair whose values do not fit at a call (not
arrays of one shape and dtype, read-only or overlapping arrays, a momentum whose type
would change the result's dtype, or momentum 0, whose step skips 0 * m) is evaluated as
the node it is, before the commit, and committed as every other update.
"""
import numpy as np

from . import accel
from .fused import momentum_step


class MomentumPair:
    """The updates m <- node and p <- p + node for node = momentum_step(m, v, mu)."""

    def __init__(self, node, m_index, p_index):
        self.node, self.m_index, self.p_index = node, m_index, p_index
        self.m, self.p = node.inputs[0], None     # p is set by find_pairs

    def place(self, slot):
        """The value slots of the node and of its v and mu, once the schedule is made."""
        self.slot = slot[id(self.node)]
        self.v_slot, self.mu_slot = slot[id(self.node.inputs[1])], slot[id(self.node.inputs[2])]


def find_pairs(updates, update_values, accumulates, outputs, nodes):
    """The MomentumPairs among the function's updates: momentum_step nodes used by
    nothing but the update of their own m and the in-place add into one other p."""
    used_by_nodes = set(id(i) for n in nodes for i in n.inputs)
    output_ids = set(map(id, outputs))
    index_of = {}                                    # id(value) -> update indices
    for k, value in enumerate(update_values):
        index_of.setdefault(id(value), []).append(k)
    pairs = []
    for m_index, ((sv, value), accumulate) in enumerate(zip(updates, accumulates)):
        if accumulate is not None or value.op != 'momentum_step' or value.inputs[0] is not sv \
                or id(value) in used_by_nodes or id(value) in output_ids:
            continue
        others = [k for k in index_of[id(value)] if k != m_index]
        if len(others) != 1 or accumulates[others[0]] is None or updates[others[0]][0] is sv:
            continue
        pair = MomentumPair(value, m_index, others[0])
        pair.p = updates[others[0]][0]
        pairs.append(pair)
    return pairs


def prepare(pairs, values, evaluate):
    """Per call, before the commit point: the (p, m, v, mu) arrays of the pairs that can be
    committed in place, and the update indices they take over. The others' node is
    evaluated into `values` now (evaluate(node, fn, args) names the node on error)."""
    steps, taken = [], set()
    for pair in pairs:
        m, p, v, mu = pair.m._value, pair.p._value, values[pair.v_slot], values[pair.mu_slot]
        if _fits(m, p, v, mu):
            steps.append((p, m, v, mu))
            taken.add(pair.m_index)
            taken.add(pair.p_index)
        else:
            values[pair.slot] = evaluate(pair.node, momentum_step.fun, [m, v, mu])
    return steps, taken


def _fits(m, p, v, mu):
    dtype = getattr(m, 'dtype', None)
    if type(mu) is np.ndarray:
        if mu.ndim or mu.dtype != dtype:
            return False
    elif type(mu) not in (float, int) and not (isinstance(mu, np.floating) and mu.dtype == dtype):
        return False
    if mu == 0:
        return False
    if not (type(m) is np.ndarray and type(p) is np.ndarray and type(v) is np.ndarray
            and m.shape == p.shape == v.shape and dtype == p.dtype == v.dtype
            and dtype.kind == 'f' and m.flags.writeable and p.flags.writeable):
        return False
    return not (np.may_share_memory(m, p) or np.may_share_memory(m, v)
                or np.may_share_memory(p, v))


def commit(steps):
    """After the commit point: m <- mu * m + v; p <- p + m, in place (cannot fail)."""
    for p, m, v, mu in steps:
        kernels = accel.kernels_for(m.dtype)
        if kernels is not None and m.flags.c_contiguous and p.flags.c_contiguous \
                and v.flags.c_contiguous:
            kernels.momentum_commit(p.reshape(-1), m.reshape(-1), v.reshape(-1),
                                    np.float32(mu))
        else:
            np.multiply(m, mu, out=m)
            np.add(m, v, out=m)
            np.add(p, m, out=p)
