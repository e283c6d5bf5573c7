"""Graph rewrites applied by function() before scheduling.

A pass takes the list of root nodes and returns an equivalent list. Passes
never mutate the caller's nodes (a graph may be shared by several functions):
a node whose inputs change is copied.
"""
import numpy as np

from .graph import Variable, toposort


def _freeze(value):
    """A hashable, value-based key for node attrs (arrays compare by content)."""
    if isinstance(value, np.ndarray):
        return ('ndarray', value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, (tuple, list)):
        return (type(value).__name__,) + tuple(_freeze(v) for v in value)
    if isinstance(value, slice):
        return ('slice', _freeze(value.start), _freeze(value.stop), _freeze(value.step))
    if hasattr(value, 'merge_key'):          # e.g. a scan's step program
        return value.merge_key
    if value is None or isinstance(value, (str, bool, int, float, complex, np.generic)):
        return (type(value).__name__, value)
    return ('object', id(value))     # e.g. a random stream set: equal only to itself


def merge_identical(roots):
    """Merge nodes with the same op, attrs and (merged) inputs, like Theano's
    MergeOptimizer. Keras builds the forward graph once for the loss and again
    for BatchNormalization's updates; after this pass it is evaluated once."""
    canonical = {}
    replaced = {}
    for node in toposort(roots):
        if node.op in ('input', 'shared'):
            replaced[id(node)] = node
            continue
        inputs = tuple(replaced[id(i)] for i in node.inputs)
        key = (node.op, tuple(map(id, inputs)), _freeze(node.attrs), node.dtype, node.ndim)
        found = canonical.get(key)
        if found is None:
            if any(a is not b for a, b in zip(inputs, node.inputs)):
                found = Variable(node.op, inputs, node.attrs, node.dtype, node.ndim, node.name)
            else:
                found = node
            canonical[key] = found
        replaced[id(node)] = found
    return [replaced[id(r)] for r in roots]


from .fusion import fuse, scale_sgd_gradients  # noqa: E402  (fusion needs the op table)

PASSES = [merge_identical, fuse, scale_sgd_gradients]


def passes_for(mode):
    """The passes function(mode=...) runs: all of them by default ('FAST_RUN'); only the
    merge under 'FAST_COMPILE', as in Theano (how tests and the bench get the unfused
    graph to compare with)."""
    return PASSES[:1] if mode == 'FAST_COMPILE' else PASSES
