"""Fusion rules for the graph shapes of Keras 0.3.3's layers (legacy_bn.keras03), which
the rules of fusion.py (written for 2015's 0.1) do not recognise. Registered at the end
of fusion.RULES; same contract: a rule returns (op, inputs) or None and absorbs only
nodes used nowhere else.

  theano_relu           0.5 * (x + abs(x))     -> keras_relu(x)    (T.nnet.relu, K.relu)
  batch_norm_statistics the BatchNormalization of 0.3.3 in training (mode 0 over a
                        (batch, features) input) -> batch_norm_train(x, m, s, ...)
  clipped_sqrt_std      sqrt(clip(mean((x - m)**2 + eps, axis 0), 0, inf))
                        -> batch_std(x, m, eps): its std for the running average
  conv_bias_broadcast   the bias of 0.3.3's Convolution2D, reshape(b, [1, n, 1, 1]),
                        -> dimshuffle(b, ('x', 0, 'x', 'x')) as 0.1 added it
  projections_as_one_product
                        the input projections of a 0.3.3 recurrent layer's gates as one
                        product over the stacked weights
  lstm_k03_projections  lstm_scan_k03 over those projections, time-major ->
                        lstm_scan_k03_projected(X, w_i.., b_i.., ...): the product
                        inside the loop op
  weighted_softmax_crossentropy
                        0.3.3's weighted_objective around categorical_crossentropy of
                        a softmax -> softmax_crossentropy_weighted(z, y, w, lo, hi)
"""
import numpy as np

from .fusion import _const, _constant_scalar, _float, _is, _pairs
from .graph import Variable, constant


def theano_relu(node, ctx):
    """mul(0.5, add(x, abs(x))) -> keras_relu(x): the same numbers ((x + |x|) / 2 and
    0.5 * (x + |x|) round alike) and the same gradient, 0.5 at 0."""
    if not (_is(node, 'mul') and _float(node)):
        return None
    for half, total in _pairs(node):
        if _const(half, 0.5) and _is(total, 'add') and ctx.only_used_here(total):
            for x, a in _pairs(total):
                if _is(a, 'abs') and a.inputs[0] is x and ctx.only_used_here(a) \
                        and x.dtype == node.dtype and x.ndim == node.ndim:
                    return 'keras_relu', (x,)
    return None


def _row_of(node, ctx):
    """v when node is reshape(v, [1, n]) of a vector v used only here, else None."""
    if not (_is(node, 'reshape') and ctx.only_used_here(node)):
        return None
    v, shape = node.inputs
    if v.ndim == 1 and shape.op == 'constant':
        value = np.asarray(shape.attrs['value'])
        if value.shape == (2,) and value[0] == 1:
            return v
    return None


AXIS0 = {'axis': (0,), 'keepdims': False}


def _batch_mean(m, x):
    return _is(m, 'mean') and m.attrs == AXIS0 and m.inputs[0] is x


def _std_parts(std, ctx):
    """(centred, eps_in) when std is sqrt(clip(mean(add(sqr(centred), eps), axis 0), 0,
    inf)), the clip and everything below it but `centred` used only there; else None."""
    if not _is(std, 'sqrt'):
        return None
    clipped = std.inputs[0]
    if not (_is(clipped, 'clip') and ctx.only_used_here(clipped) and _const(clipped.inputs[1], 0)
            and _const(clipped.inputs[2], np.inf)):
        return None
    mean = clipped.inputs[0]
    if not (_is(mean, 'mean') and mean.attrs == AXIS0 and ctx.only_used_here(mean)):
        return None
    shifted = mean.inputs[0]
    if not (_is(shifted, 'add') and ctx.only_used_here(shifted)):
        return None
    for square, eps in _pairs(shifted):
        if _is(square, 'sqr') and _constant_scalar(eps) and ctx.only_used_here(square):
            return square.inputs[0], eps
    return None


def _centred(c):
    """(x, m) when c is sub(x, reshape(m, [1, n])) with m = mean(x, axis 0), x a matrix."""
    if not _is(c, 'sub'):
        return None
    x, row = c.inputs
    if x.ndim == 2 and _is(row, 'reshape') and _batch_mean(row.inputs[0], x):
        return x, row.inputs[0]
    return None


def batch_norm_statistics(node, ctx):
    """add(mul(reshape(gamma), true_div(c, add(reshape(s), eps))), reshape(beta)) with
    c = x - reshape(m), m = mean(x, axis 0) and s = sqrt(clip(mean(c**2 + eps_in))) ->
    batch_norm_train(x, m, s, gamma, beta, eps). m and s keep their own nodes (the
    running averages use them); the fused op takes them without a gradient, its VJP for
    x covering their paths."""
    if not (_is(node, 'add') and _float(node) and node.ndim == 2):
        return None
    for scaled, beta_row in _pairs(node):
        beta = _row_of(beta_row, ctx)
        if beta is None or not (_is(scaled, 'mul') and ctx.only_used_here(scaled)):
            continue
        for gamma_row, ratio in _pairs(scaled):
            gamma = _row_of(gamma_row, ctx)
            if gamma is None or not (_is(ratio, 'true_div') and ctx.only_used_here(ratio)):
                continue
            c, d = ratio.inputs
            found = _centred(c)
            if found is None or not (_is(d, 'add') and ctx.only_used_here(d)):
                continue
            x, m = found
            for s_row, eps in _pairs(d):
                s = _row_of(s_row, ctx)
                parts = None if s is None else _std_parts(s, ctx)
                if parts is not None and parts[0] is c and _constant_scalar(eps):
                    stats = [Variable('disconnected_grad', (v,), {}, v.dtype, v.ndim)
                             for v in (m, s)]
                    return 'batch_norm_train', (x, stats[0], stats[1], gamma, beta, eps)
    return None


def clipped_sqrt_std(node, ctx):
    """sqrt(clip(mean(add(sqr(sub(x, reshape(m))), eps), axis 0), 0, inf)), m the batch
    mean of x -> batch_std(x, m, eps) (the clip passes a variance, never negative, as it
    is; np.power(v, 0.5) is np.sqrt(v))."""
    parts = _std_parts(node, ctx) if _float(node) else None
    if parts is None:
        return None
    c, eps = parts
    found = _centred(c)
    if found is None or not (ctx.only_used_here(c) and ctx.only_used_here(c.inputs[1])):
        return None
    x, m = found
    return 'batch_std', (x, m, eps)


def weighted_softmax_crossentropy(node, ctx):
    """mean(true_div(mul(ce, w), mean(cast(neq(w, 0))))) (ce possibly under a mean over
    no axis), ce = categorical_crossentropy(clip(true_div(p, sum(p, -1)), lo, hi), y),
    p = softmax(z), every array per sample -> softmax_crossentropy_weighted(z, y, w, lo,
    hi). The softmax may be used elsewhere too (the accuracy)."""
    if not (_is(node, 'mean') and node.attrs == {'axis': None, 'keepdims': False}
            and _float(node)):
        return None
    ratio = node.inputs[0]
    if not (_is(ratio, 'true_div') and ratio.ndim == 1 and ctx.only_used_here(ratio)):
        return None
    prod, kept = ratio.inputs
    w = _kept_fraction_of(kept, ctx)
    if w is None or not (_is(prod, 'mul') and ctx.only_used_here(prod)):
        return None
    for score, w2 in _pairs(prod):
        if w2 is not w:
            continue
        if _is(score, 'mean') and score.attrs['axis'] == () and ctx.only_used_here(score):
            score = score.inputs[0]
        found = _softmax_ce(score, ctx)
        if found is not None:
            z, y, lo, hi = found
            return 'softmax_crossentropy_weighted', (z, y, w, lo, hi), {'kept_dtype': kept.dtype}
    return None


def _kept_fraction_of(kept, ctx):
    """w when kept is mean(cast(neq(w, 0)), full) of a float vector w, else None."""
    if not (_is(kept, 'mean') and kept.attrs['axis'] is None and ctx.only_used_here(kept)):
        return None
    cast = kept.inputs[0]
    if not (_is(cast, 'cast') and ctx.only_used_here(cast) and cast.dtype == kept.dtype):
        return None
    neq = cast.inputs[0]
    if _is(neq, 'neq') and ctx.only_used_here(neq) and _const(neq.inputs[1], 0):
        w = neq.inputs[0]
        if w.ndim == 1 and _float(w):
            return w
    return None


def _softmax_ce(ce, ctx):
    """(z, y, lo, hi) for categorical_crossentropy(clip(p / sum(p, -1, keepdims), lo, hi),
    y) with p = softmax(z) and constant bounds, else None."""
    if not (_is(ce, 'categorical_crossentropy') and ce.ndim == 1 and ctx.only_used_here(ce)):
        return None
    clipped, y = ce.inputs
    if not (_is(clipped, 'clip') and ctx.only_used_here(clipped)):
        return None
    t, lo, hi = clipped.inputs
    if not (_constant_scalar(lo) and _constant_scalar(hi) and _is(t, 'true_div')
            and ctx.only_used_here(t)):
        return None
    p, total = t.inputs
    if _is(p, 'softmax') and _is(total, 'sum') and total.inputs[0] is p \
            and total.attrs == {'axis': (p.ndim - 1,), 'keepdims': True} \
            and ctx.only_used_here(total) and p.ndim == 2 and y.ndim == 2:
        return p.inputs[0], y, lo, hi
    return None


def conv_bias_broadcast(node, ctx):
    """add(conv2d(x, W), reshape(b, [1, n, 1, 1])) -> add(conv2d(x, W), dimshuffle(b,
    ('x', 0, 'x', 'x'))): 0.3.3's Convolution2D bias in 0.1's form, the same values and
    gradient, so that rules written for 0.1's convolution see it too. Only for a shared
    bias of length n: a bias of length 1 would broadcast where the reshape fails."""
    if not (_is(node, 'add') and _float(node) and node.ndim == 4):
        return None
    for conv, row in _pairs(node):
        if not (_is(conv, 'conv2d') and _is(row, 'reshape') and ctx.only_used_here(row)):
            continue
        b, shape = row.inputs
        if not (b.op == 'shared' and b.ndim == 1 and shape.op == 'constant'):
            continue
        value = np.asarray(shape.attrs['value'])
        if value.shape == (4,) and list(value[[0, 2, 3]]) == [1, 1, 1] \
                and np.shape(b.get_value(borrow=True)) == (value[1],):
            bias = Variable('dimshuffle', (b,), {'pattern': ('x', 0, 'x', 'x'), 'drop': ()},
                            b.dtype, 4)
            return 'add', (conv, bias) if node.inputs[0] is conv else (bias, conv)
    return None


def projections_as_one_product(node, ctx):
    """concatenate(reshape(dense(x, W_k, b_k), [-1, t, n_k]) for each k, axis=2), one x ->
    reshape(dense(x, concatenate(W_k, axis=1), concatenate(b_k)), [-1, t, sum n_k]):
    0.3.3's recurrent layers project their input for every gate (time_distributed_dense)
    and K.rnn concatenates the projections; one product over the stacked weights gives
    the same columns (the weights are stacked anew each call: small next to the product)."""
    if not (_is(node, 'concatenate') and node.attrs == {'axis': 2} and node.ndim == 3
            and _float(node) and len(node.inputs) > 1):
        return None
    x, ws, bs, widths, length = None, [], [], [], None
    for part in node.inputs:
        if not (_is(part, 'reshape') and ctx.only_used_here(part)):
            return None
        prod, shape = part.inputs
        if not (_is(prod, 'dense') and ctx.only_used_here(prod) and shape.op == 'constant'
                and prod.dtype == node.dtype):
            return None
        value = np.asarray(shape.attrs['value'])
        if not (value.shape == (3,) and value[0] == -1 and value[1] > 0 and value[2] > 0):
            return None
        if x is None:
            x, length = prod.inputs[0], value[1]
        if prod.inputs[0] is not x or value[1] != length or prod.inputs[2].ndim != 1:
            return None
        ws.append(prod.inputs[1])
        bs.append(prod.inputs[2])
        widths.append(int(value[2]))
    W = Variable('concatenate', tuple(ws), {'axis': 1}, node.dtype, 2)
    b = Variable('concatenate', tuple(bs), {'axis': 0}, node.dtype, 1)
    shape = constant(np.array([-1, length, sum(widths)], dtype=np.int64))
    return 'reshape', (Variable('dense', (x, W, b), {}, node.dtype, 2), shape)


def lstm_k03_projections(node, ctx):
    """lstm_scan_k03(dimshuffle(reshape(dense(reshape(X, [-1, d]), concatenate(w_i, w_f,
    w_c, w_o, axis=1), concatenate(b_i, .., b_o)), [-1, t, 4 units]), (1, 0, 2)), ...)
    -> lstm_scan_k03_projected(X, w_i, .., b_i, .., ...): what projections_as_one_product
    leaves of 0.3.3's LSTM input (time_distributed_dense per gate, K.rnn's concatenate
    and time-major dimshuffle), absorbed into the loop op: one product for all steps and
    gates inside it, and one each for the gradients of X and the stacked weights. The
    masked form keeps its input: K.rnn also runs a step on the first input outside the
    scan (the zero output before the first step)."""
    if not _is(node, 'lstm_scan_k03'):
        return None
    x = node.inputs[0]
    if not (_is(x, 'dimshuffle') and x.attrs['pattern'] == (1, 0, 2) and not x.attrs['drop']
            and ctx.only_used_here(x)):
        return None
    grouped = x.inputs[0]
    if not (_is(grouped, 'reshape') and ctx.only_used_here(grouped)):
        return None
    prod, shape = grouped.inputs
    if not (_is(prod, 'dense') and ctx.only_used_here(prod) and shape.op == 'constant'):
        return None
    value = np.asarray(shape.attrs['value'])
    if not (value.shape == (3,) and value[0] == -1 and value[1] > 0 and value[2] > 0
            and value[2] % 4 == 0):
        return None
    rows, W, b = prod.inputs
    if not (_is(rows, 'reshape') and ctx.only_used_here(rows) and rows.ndim == 2
            and _is(W, 'concatenate') and W.attrs == {'axis': 1} and len(W.inputs) == 4
            and ctx.only_used_here(W) and _is(b, 'concatenate') and b.attrs == {'axis': 0}
            and len(b.inputs) == 4 and ctx.only_used_here(b)):
        return None
    X, row_shape = rows.inputs
    if not (row_shape.op == 'constant' and X.dtype == node.dtype
            and all(v.dtype == node.dtype and v.ndim == 2 for v in W.inputs)
            and all(v.dtype == node.dtype and v.ndim == 1 for v in b.inputs)):
        return None
    row_value = np.asarray(row_shape.attrs['value'])
    if not (row_value.shape == (2,) and row_value[0] == -1 and row_value[1] > 0):
        return None
    return 'lstm_scan_k03_projected', (X,) + W.inputs + b.inputs + node.inputs[1:], \
        dict(node.attrs, inputs=int(row_value[1]), steps=int(value[1]), units=int(value[2]) // 4)


KERAS03_RULES = [theano_relu, batch_norm_statistics, clipped_sqrt_std,
                 weighted_softmax_crossentropy, conv_bias_broadcast, projections_as_one_product,
                 lstm_k03_projections]
