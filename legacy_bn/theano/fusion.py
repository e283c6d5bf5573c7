"""Fusion rewrites: replace common subgraphs by the fused ops of fused.py, as Theano's
graph optimizer replaced them by its fused Elemwise and GEMM ops.

`fuse(roots)` is one pass of function()'s pass list. It visits every node once, each
after its inputs, and offers it to the RULES in order (a fused node again, until no rule
applies); then it runs again on the result until nothing changes. A rule looks at the
node and the nodes just below it and returns None or (op, inputs[, attrs[, name]]). A rule only absorbs
an inner node that nothing else uses (otherwise the fused op would compute it a
second time), and the replacement has the dtype and ndim of the node it replaces.
Like every pass, it never mutates the caller's graph.
"""
from .graph import Variable, apply, toposort
from .ops import Slot

LEAVES = ('input', 'shared', 'constant')


def fuse(roots):
    fired = True
    while fired:        # again on the fused graph: absorbed nodes no longer count as uses
        roots, fired = _fuse_once(roots, RULES)
    # then the rewrites of nodes that the rules above look for as they are (a batch mean)
    return _fuse_once(roots, LATE_RULES)[0]


def _fuse_once(roots, rules):
    any_fired = False
    uses = {}
    for node in toposort(roots):
        for i in node.inputs:
            uses[id(i)] = uses.get(id(i), 0) + 1
    for r in roots:
        uses[id(r)] = uses.get(id(r), 0) + 1
    replaced, use = {}, {}
    for node in toposort(roots):
        if node.op in LEAVES:
            replaced[id(node)] = node
            use[id(node)] = uses.get(id(node), 0)
            continue
        inputs = tuple(replaced[id(i)] for i in node.inputs)
        new = node if all(a is b for a, b in zip(inputs, node.inputs)) else \
            Variable(node.op, inputs, node.attrs, node.dtype, node.ndim, node.name)
        use[id(new)] = uses.get(id(node), 0)
        ctx = Context(use)
        fired = True
        while fired:                # a fused node is offered to the rules again
            fired = False
            for rule in rules:
                out = rule(new, ctx)
                if out is not None:
                    # a rule may name the node (errors then name the layer's op, not the add)
                    new = Variable(out[0], out[1], out[2] if len(out) > 2 else {}, node.dtype,
                                   node.ndim, out[3] if len(out) > 3 else node.name)
                    use[id(new)] = uses.get(id(node), 0)
                    fired = any_fired = True
                    break
        replaced[id(node)] = new
    return [replaced[id(r)] for r in roots], any_fired


class Context:
    """What a rule may ask about the graph around a node."""

    def __init__(self, use):
        self._use = use

    def only_used_here(self, node):
        return self._use.get(id(node), 0) == 1

    def used_times(self, node):
        return self._use.get(id(node), 0)


def _is(node, op):
    return node.op == op


def _const(node, value):
    """A constant node equal to `value` (Python number or 0-d array)."""
    if node.op != 'constant':
        return False
    v = node.attrs['value']
    try:
        return v.shape == () and float(v) == value if hasattr(v, 'shape') else v == value
    except TypeError:
        return False


def _scalar(node):
    return node.ndim == 0


def _float(node):
    return node.dtype.startswith('float')


def _pairs(node):
    """The two inputs of a commutative node, in both orders."""
    a, b = node.inputs
    return ((a, b), (b, a))


# -- the rules ----------------------------------------------------------------------------
def dense(node, ctx):
    """add(dot(x, W), b) -> dense(x, W, b): one step, the bias added into the product."""
    if not _is(node, 'add'):
        return None
    for prod, b in _pairs(node):
        if _is(prod, 'dot') and ctx.only_used_here(prod) and b.ndim == 1 and _float(node):
            x, W = prod.inputs
            if x.ndim == 2 and W.ndim == 2:
                return 'dense', (x, W, b)
    return None


def keras_relu(node, ctx):
    """true_div(add(x, abs(x)), 2) -> keras_relu(x): Keras 0.1's relu, kink gradient 0.5."""
    if not (_is(node, 'true_div') and _const(node.inputs[1], 2) and _float(node)):
        return None
    total = node.inputs[0]
    if not (_is(total, 'add') and ctx.only_used_here(total)):
        return None
    for x, a in _pairs(total):
        if _is(a, 'abs') and a.inputs[0] is x and ctx.only_used_here(a) and x.dtype == node.dtype:
            return 'keras_relu', (x,)
    return None


def normalize_affine(node, ctx):
    """add(mul(gamma, true_div(sub(x, m), d)), beta) (either operand order) ->
    scale_shift(normalize(x, m, d), gamma, beta): BatchNormalization and
    LayerNormalization in two steps (the normalized x is kept for gamma's gradient)."""
    if not (_is(node, 'add') and _float(node)):
        return None
    for scaled, beta in _pairs(node):
        if not (_is(scaled, 'mul') and ctx.only_used_here(scaled)):
            continue
        for gamma, ratio in _pairs(scaled):
            if _is(ratio, 'true_div') and ctx.only_used_here(ratio):
                centred, d = ratio.inputs
                if _is(centred, 'sub') and ctx.only_used_here(centred):
                    x, m = centred.inputs
                    if x.ndim == node.ndim:
                        xn = Variable('normalize', (x, m, d), {}, ratio.dtype, ratio.ndim)
                        return 'scale_shift', (xn, gamma, beta)
    return None


def clip_affine(node, ctx):
    """clip(add(mul(x, a), b), lo, hi), a, b, lo, hi scalar constants -> clip_affine(x, a, b,
    lo, hi): Theano's hard_sigmoid (the gates of Keras's GRU and LSTM) in one step."""
    if not (_is(node, 'clip') and _float(node)):
        return None
    shifted, lo, hi = node.inputs
    if not (_is(shifted, 'add') and ctx.only_used_here(shifted) and _constant_scalar(lo)
            and _constant_scalar(hi)):
        return None
    for scaled, b in _pairs(shifted):
        if _is(scaled, 'mul') and ctx.only_used_here(scaled) and _constant_scalar(b):
            for x, a in _pairs(scaled):
                if _constant_scalar(a) and x.ndim == node.ndim and not _constant_scalar(x):
                    return 'clip_affine', (x, a, b, lo, hi)
    return None


def _constant_scalar(node):
    return node.op == 'constant' and node.ndim == 0


def layer_norm(node, ctx):
    """true_div(c, sqrt(add(mean(sqr(c)), eps))) with c = sub(x, mean(x)), every mean over
    the last axis with keepdims -> layer_norm(x, eps): layer normalization before its gain
    and bias (layers.normalization.layer_normalize)."""
    if not (_is(node, 'true_div') and _float(node)):
        return None
    centred, d = node.inputs
    if not (_is(centred, 'sub') and _is(d, 'sqrt') and ctx.only_used_here(d)
            and ctx.used_times(centred) == 2):
        return None
    x, m = centred.inputs
    last = {'axis': (x.ndim - 1,), 'keepdims': True}
    if not (x.ndim >= 1 and _is(m, 'mean') and m.inputs[0] is x and m.attrs == last
            and ctx.only_used_here(m) and x.dtype == node.dtype):
        return None
    shifted = d.inputs[0]
    if not (_is(shifted, 'add') and ctx.only_used_here(shifted)):
        return None
    for var, eps in _pairs(shifted):
        if _is(var, 'mean') and var.attrs == last and ctx.only_used_here(var) and \
                eps.op == 'constant' and _scalar(eps):
            square = var.inputs[0]
            if _is(square, 'sqr') and square.inputs[0] is centred and ctx.only_used_here(square):
                return 'layer_norm', (x, eps)
    return None


def batch_std(node, ctx):
    """pow(mean(add(pow(sub(x, m), 2), eps), axis=0), 0.5) -> batch_std(x, m, eps):
    the 2015 BatchNormalization's running-std statistic."""
    if not (_is(node, 'pow') and _const(node.inputs[1], 0.5)):
        return None
    mean = node.inputs[0]
    if not (_is(mean, 'mean') and mean.attrs == {'axis': (0,), 'keepdims': False}
            and ctx.only_used_here(mean)):
        return None
    shifted = mean.inputs[0]
    if not (_is(shifted, 'add') and ctx.only_used_here(shifted)):
        return None
    square, eps = shifted.inputs
    if not (_is(square, 'pow') and _const(square.inputs[1], 2) and ctx.only_used_here(square)
            and _scalar(eps)):
        return None
    centred = square.inputs[0]
    if _is(centred, 'sub') and ctx.only_used_here(centred) and _float(node):
        x, m = centred.inputs
        return 'batch_std', (x, m, eps)
    return None


def _two_products(node, op, ctx):
    """(a, x, c, y) when node is op(mul(a, x), mul(c, y)) with scalar a, c and the two
    products used nowhere else; else None."""
    if not (_is(node, op) and _float(node)):
        return None
    left, right = node.inputs
    if _is(left, 'mul') and _is(right, 'mul') and ctx.only_used_here(left) \
            and ctx.only_used_here(right):
        (a, x), (c, y) = left.inputs, right.inputs
        if _scalar(a) and _scalar(c) and not _scalar(x) and not _scalar(y):
            return a, x, c, y
    return None


def blend(node, ctx):
    """add(mul(a, x), mul(c, y)) with scalar a, c -> blend(a, x, c, y): running averages."""
    found = _two_products(node, 'add', ctx)
    return None if found is None else ('blend', found)


def sgd_velocity(node, ctx):
    """sub(mul(momentum, m), mul(lr, g)) with scalar momentum and lr -> sgd_velocity."""
    found = _two_products(node, 'sub', ctx)
    if found is None:
        return None
    mu, m, lr, g = found
    if m.ndim == g.ndim == node.ndim:
        return 'sgd_velocity', (m, g, mu, lr)
    return None


def advanced_subtensor1(node, ctx):
    """subtensor(x, i) with index (i,) for an integer vector i -> advanced_subtensor1(x, i)."""
    index = node.attrs.get('index')
    if _is(node, 'subtensor') and len(node.inputs) == 2 and len(index) == 1 \
            and type(index[0]) is Slot:
        index = node.inputs[1]
        if index.ndim == 1 and index.dtype.startswith(('int', 'uint')):
            return 'advanced_subtensor1', node.inputs
    return None


def clipped_crossentropy(node, ctx):
    """categorical_crossentropy(q / q.sum(-1, keepdims=True), y), q = clip(p, lo, hi) with
    constant bounds -> clipped_crossentropy(p, y, lo, hi): Keras's objective."""
    if not _is(node, 'categorical_crossentropy'):
        return None
    ratio, y = node.inputs
    if not (_is(ratio, 'true_div') and ctx.only_used_here(ratio) and y.ndim == ratio.ndim):
        return None
    q, total = ratio.inputs
    if not (_is(q, 'clip') and _is(total, 'sum') and total.inputs[0] is q
            and total.attrs == {'axis': (q.ndim - 1,), 'keepdims': True}
            and ctx.only_used_here(total) and ctx._use.get(id(q)) == 2):
        return None
    p, lo, hi = q.inputs
    if lo.op == 'constant' and hi.op == 'constant' and _float(p):
        return 'clipped_crossentropy', (p, y, lo, hi)
    return None


def weighted_mean(node, ctx):
    """true_div(sum(mul(w, v)), sum(w)) (full sums) -> weighted_mean(w, v): the weighting
    of Keras's objectives."""
    if not (_is(node, 'true_div') and _float(node)):
        return None
    num, den = node.inputs
    full = {'axis': None, 'keepdims': False}
    if _is(num, 'sum') and _is(den, 'sum') and num.attrs == full and den.attrs == full \
            and ctx.only_used_here(num) and ctx.only_used_here(den):
        prod = num.inputs[0]
        if _is(prod, 'mul') and ctx.only_used_here(prod) and prod.inputs[0] is den.inputs[0]:
            w, v = prod.inputs
            if w.ndim == v.ndim and _float(w) and _float(v):
                return 'weighted_mean', (w, v)
    return None


def weighted_crossentropy(node, ctx):
    """weighted_mean(w[w.nonzero()], clipped_crossentropy(p[rows], y[rows], lo, hi)) with
    rows = w.nonzero()[0] -> weighted_crossentropy(p, y, w, lo, hi): Keras's
    weighted_objective around categorical_crossentropy, seven nodes in one."""
    if not _is(node, 'weighted_mean'):
        return None
    w_kept, per_sample = node.inputs
    if not (_is(w_kept, 'subtensor') and _is(per_sample, 'clipped_crossentropy')
            and ctx.only_used_here(w_kept) and ctx.only_used_here(per_sample)
            and len(w_kept.inputs) == 3 and w_kept.attrs['index'] == (0, 1)):
        return None
    w, rows, cols = w_kept.inputs
    p_kept, y_kept, lo, hi = per_sample.inputs
    if not (w.ndim == 2 and _is(rows, 'nonzero') and _is(cols, 'nonzero')
            and rows.inputs[0] is w and cols.inputs[0] is w
            and rows.attrs == {'axis': 0} and cols.attrs == {'axis': 1}
            and ctx._use.get(id(rows)) == 3 and ctx.only_used_here(cols)):
        return None
    for kept in (p_kept, y_kept):
        if not (_is(kept, 'advanced_subtensor1') and kept.inputs[1] is rows
                and ctx.only_used_here(kept)):
            return None
    return 'weighted_crossentropy', (p_kept.inputs[0], y_kept.inputs[0], w, lo, hi)


def softmax_crossentropy(node, ctx):
    """weighted_crossentropy(softmax(z), ...) -> softmax_crossentropy(z, ...), whose
    gradient is one closed-form expression. The softmax may be used elsewhere too (the
    accuracy): the fused op computes it again, a pass over (batch, classes)."""
    if _is(node, 'weighted_crossentropy') and _is(node.inputs[0], 'softmax'):
        return 'softmax_crossentropy', (node.inputs[0].inputs[0],) + node.inputs[1:]
    return None


def conv2d_bias(node, ctx):
    """add(conv2d(x, w), dimshuffle(b, ('x', 0, 'x', 'x'))) -> conv2d_bias(x, w, b), and
    tanh(conv2d_bias(x, w, b)) -> conv2d_bias(x, w, b, activation='tanh'): Keras's
    Convolution2D in one step (the bias and tanh in place on the product)."""
    if _is(node, 'tanh') and _is(node.inputs[0], 'conv2d_bias') and \
            ctx.only_used_here(node.inputs[0]) and node.inputs[0].attrs['activation'] is None \
            and node.dtype == node.inputs[0].dtype:
        inner = node.inputs[0]
        return 'conv2d_bias', inner.inputs, dict(inner.attrs, activation='tanh'), \
            inner.name or node.name
    if not (_is(node, 'add') and _float(node)):
        return None
    for conv, bias in _pairs(node):
        if _is(conv, 'conv2d') and ctx.only_used_here(conv) and _is(bias, 'dimshuffle') \
                and bias.attrs == {'pattern': ('x', 0, 'x', 'x'), 'drop': ()} \
                and conv.dtype == bias.dtype == node.dtype:
            return 'conv2d_bias', conv.inputs + bias.inputs, dict(conv.attrs, activation=None), \
                conv.name or node.name
    return None


def normalize_affine_relu(node, ctx):
    """keras_relu(scale_shift(normalize(x, m, d), gamma, beta)) -> normalize_affine_relu(x, m,
    d, gamma, beta): BatchNormalization followed by Keras's relu, one op each way."""
    if not (_is(node, 'keras_relu') and _is(node.inputs[0], 'scale_shift')):
        return None
    affine = node.inputs[0]
    xn, gamma, beta = affine.inputs
    if ctx.only_used_here(affine) and _is(xn, 'normalize') and ctx.only_used_here(xn) \
            and affine.dtype == node.dtype and xn.ndim == node.ndim:
        return ('normalize_affine_relu', xn.inputs + (gamma, beta))
    return None


# The LSTM rules need the helpers above.
from .fusion_lstm import lstm_projections, lstm_scan  # noqa: E402

RULES = [dense, keras_relu, normalize_affine, layer_norm, clip_affine, batch_std, blend, sgd_velocity, advanced_subtensor1,
         clipped_crossentropy, weighted_mean, weighted_crossentropy, softmax_crossentropy, lstm_scan,
         lstm_projections]
RULES.append(conv2d_bias)          # after the others: they see the results of those above
RULES.append(normalize_affine_relu)
from .fusion_lstm_ln import lstm_ln_projections, lstm_ln_scan  # noqa: E402
RULES += [lstm_ln_scan, lstm_ln_projections]
from .fusion_keras03 import KERAS03_RULES  # noqa: E402  (Keras 0.3.3's graph shapes)
RULES += KERAS03_RULES


def column_mean(node, ctx):
    """mean(x, axis=0) of a 2-D float x -> column_mean(x): the batch mean (a product with
    ones). Late: BatchNormalization's rules recognise the statistics by their mean nodes."""
    if _is(node, 'mean') and node.attrs == {'axis': (0,), 'keepdims': False} and \
            node.inputs[0].ndim == 2 and _float(node.inputs[0]) and node.dtype == node.inputs[0].dtype:
        return 'column_mean', node.inputs
    return None


LATE_RULES = [column_mean]


# -- a whole-graph rewrite -------------------------------------------------------------------
def scale_sgd_gradients(roots):
    """When every gradient of a cost is used only as `sgd_velocity(m, g, momentum, lr)`
    with one and the same lr (Keras's SGD without nesterov or clipping), differentiate
    -lr * cost instead: the reverse pass then yields -lr * g directly (the scale rides on
    the small output gradient into each weight-gradient product) and each velocity
    becomes momentum_step(m, -lr * g, momentum): with momentum 0 no pass over the
    parameters at all before the in-place p += v. The scaling happens at the start of
    the reverse pass instead of at the end: equal up to float rounding."""
    nodes = toposort(roots)
    consumers = {}
    for n in nodes:
        for k, i in enumerate(n.inputs):
            consumers.setdefault(id(i), []).append((n, k))
    root_ids = set(map(id, roots))
    grads_of = {}
    for n in nodes:
        if n.op == 'grad':
            grads_of.setdefault(id(n.inputs[0]), []).append(n)
    lr_of = {}                          # id(cost) -> the lr node of all its velocities
    for cost_id, grads in grads_of.items():
        lrs = []
        for g in grads:
            users = consumers.get(id(g), [])
            if id(g) in root_ids or len(users) != 1 or users[0][0].op != 'sgd_velocity' \
                    or users[0][1] != 1:
                break
            lrs.append(users[0][0].inputs[3])
        else:
            if all(lr is lrs[0] for lr in lrs):
                lr_of[cost_id] = lrs[0]
    if not lr_of:
        return roots

    replaced, scaled = {}, {}
    for node in nodes:
        if node.op in LEAVES:
            replaced[id(node)] = node
            continue
        inputs = tuple(replaced[id(i)] for i in node.inputs)
        if node.op == 'grad' and id(node.inputs[0]) in lr_of:
            cost = inputs[0]
            if id(cost) not in scaled:
                # the lr expression depends on nothing rewritten here: used as it is
                scaled[id(cost)] = apply('mul', apply('neg', lr_of[id(node.inputs[0])]), cost)
            new = Variable('grad', (scaled[id(cost)], inputs[1]), {}, node.dtype, node.ndim,
                           node.name)
        elif node.op == 'sgd_velocity' and inputs[1].op == 'grad' and \
                inputs[1] is not node.inputs[1]:
            m, v, momentum, _ = inputs
            new = Variable('momentum_step', (m, v, momentum), {}, node.dtype, node.ndim,
                           node.name)
        elif all(a is b for a, b in zip(inputs, node.inputs)):
            new = node
        else:
            new = Variable(node.op, inputs, node.attrs, node.dtype, node.ndim, node.name)
        replaced[id(node)] = new
    return [replaced[id(r)] for r in roots]
