"""Fusion rules for the 2015 LSTM: a scan whose step is Keras's LSTM._step becomes the
one-op loop of fused_lstm.py (see fusion.py for how rules are applied)."""
from .fusion import _is, _pairs


def lstm_scan(node, ctx):
    """A scan whose step is Keras's LSTM step (LSTM._step with hard_sigmoid, sigmoid or
    tanh gates and cell activation) -> lstm_scan over the same inputs: the whole loop as
    one op. The step is recognised by comparing its step program, node for node, with
    the trace of the reference step below (the same structural key that merges equal
    scans), so a step that differs in any node keeps the generic scan."""
    if not _is(node, 'scan') or len(node.inputs) != 11:
        return None
    spec = node.attrs['spec']
    if spec.n_params != 4 or spec.go_backwards or spec.symbolic_n_steps or \
            spec.n_steps is not None:
        return None
    xs, mask, states, us = node.inputs[:4], node.inputs[4], node.inputs[5:7], node.inputs[7:]
    dtype = node.inputs[0].dtype
    if not (dtype.startswith('float') and mask.dtype.startswith(('int', 'uint', 'bool'))
            and all(v.dtype == dtype for v in xs + states + us)
            and [v.ndim for v in node.inputs] == [3] * 5 + [2] * 6):
        return None
    key = spec.merge_key
    for inner, activation in _LSTM_KINDS:
        ref = _reference_lstm_key(inner, activation, dtype, mask.dtype)
        if key[:6] == ref[:6] and key[7:] == ref[7:]:
            return 'lstm_scan', node.inputs, {'inner': inner, 'activation': activation,
                                              'truncate': spec.truncate}
    return None


def lstm_projections(node, ctx):
    """lstm_scan(add(dot(X, w_i), b_i), ... (the four gates, one X), mask, ...) ->
    lstm_scan_projected(X, w_i, .., b_i, .., mask, ...): the inputs' projections of all
    steps and gates as one product inside the op."""
    if not _is(node, 'lstm_scan'):
        return None
    X, ws, bs = None, [], []
    for x in node.inputs[:4]:
        if not (_is(x, 'add') and ctx.only_used_here(x)):
            return None
        for prod, b in _pairs(x):
            if _is(prod, 'dot') and ctx.only_used_here(prod) and b.ndim == 1 and \
                    prod.inputs[1].ndim == 2 and prod.inputs[0].ndim == 3:
                break
        else:
            return None
        if X is None:
            X = prod.inputs[0]
        if prod.inputs[0] is not X or not prod.inputs[1].dtype == b.dtype == node.dtype:
            return None
        ws.append(prod.inputs[1])
        bs.append(b)
    if X.dtype != node.dtype:
        return None
    return 'lstm_scan_projected', (X,) + tuple(ws + bs) + node.inputs[4:], node.attrs


_LSTM_KINDS = [(inner, act) for inner in ('hard_sigmoid', 'sigmoid', 'tanh')
               for act in ('tanh', 'sigmoid', 'hard_sigmoid')]
_LSTM_KEYS = {}


def _reference_lstm_key(inner, activation, dtype, mask_dtype):
    """The structural key of a scan of the 2015 LSTM step (cached per kind and dtypes)."""
    cache_key = (inner, activation, dtype, mask_dtype)
    if cache_key not in _LSTM_KEYS:
        from . import tensor as T
        from .scan_module import scan
        from .tensor import nnet
        fns = {'hard_sigmoid': nnet.hard_sigmoid, 'sigmoid': nnet.sigmoid, 'tanh': T.tanh}
        gate, act = fns[inner], fns[activation]

        def step(xi, xf, xo, xc, mask, h, c, u_i, u_f, u_o, u_c):
            hm, cm = mask * h, mask * c
            i, f = gate(xi + T.dot(hm, u_i)), gate(xf + T.dot(hm, u_f))
            c_t = f * cm + i * act(xc + T.dot(hm, u_c))
            return gate(xo + T.dot(hm, u_o)) * act(c_t), c_t
        seqs = [T.tensor3(dtype=dtype) for _ in range(4)] + [T.tensor3(dtype=mask_dtype)]
        outs, _ = scan(step, sequences=seqs, outputs_info=[T.matrix(dtype=dtype) for _ in 'hc'],
                       non_sequences=[T.matrix(dtype=dtype) for _ in 'ifoc'])
        _LSTM_KEYS[cache_key] = outs[0].inputs[0].attrs['spec'].merge_key
    return _LSTM_KEYS[cache_key]
