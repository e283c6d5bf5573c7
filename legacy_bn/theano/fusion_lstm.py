"""Fusion rules for the 2015 LSTM: a scan whose step is Keras's LSTM._step becomes the
one-op loop of fused_lstm.py (see fusion.py for how rules are applied)."""
from .fusion import _is, _pairs


def lstm_scan(node, ctx):
    """A scan whose step is Keras's LSTM step (LSTM._step with hard_sigmoid, sigmoid or
    tanh gates and cell activation) -> lstm_scan over the same inputs: the whole loop as
    one op. The step is recognised by comparing its step program, node for node, with
    the trace of the reference step below (the same structural key that merges equal
    scans), so a step that differs in any node keeps the generic scan."""
    if _is(node, 'scan') and len(node.inputs) in (7, 9):
        return lstm_scan_k03(node, ctx)
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


# -- Keras 0.3's LSTM under K.rnn ----------------------------------------------------------
def lstm_scan_k03(node, ctx):
    """A scan that K.rnn built over Keras 0.3's LSTM.step (no dropout_U constants) ->
    lstm_scan_k03 (lstm_scan_k03_masked with a mask) over the same input, the U's in the
    order i, f, c, o. Recognised, as the 2015 step, by its structural key against the
    trace of a reference step of the same width; go_backwards and truncate_gradient are
    the op's."""
    spec = node.attrs['spec']
    masked = len(node.inputs) == 9
    if spec.n_params != 4 or spec.symbolic_n_steps or spec.n_steps is not None or \
            spec.n_seqs != (2 if masked else 1):
        return None
    dtype = node.inputs[0].dtype
    rest = node.inputs[1:]
    mask_dtype = rest[0].dtype if masked else None
    if not (dtype.startswith('float') and all(v.dtype == dtype for v in rest[masked:])
            and [v.ndim for v in node.inputs] == [3] * (1 + masked) + [2] * (len(rest) - masked)):
        return None
    key = spec.merge_key
    units = _first_slice_width(key)
    if units is None:
        return None
    for inner, activation in _LSTM_KINDS:
        ref_key, u_order = _reference_k03_key(inner, activation, units, dtype, mask_dtype,
                                              spec.go_backwards)
        if u_order and key[:6] == ref_key[:6] and key[7:] == ref_key[7:]:
            us = node.inputs[-4:]
            inputs = node.inputs[:-4] + tuple(us[k] for k in u_order)
            return ('lstm_scan_k03_masked' if masked else 'lstm_scan_k03'), inputs, \
                {'inner': inner, 'activation': activation, 'backwards': spec.go_backwards,
                 'truncate': spec.truncate}
    return None


def _first_slice_width(key):
    """stop - start of the first constant slice in the step's key (the width of a gate's
    columns in K.rnn's [i | f | c | o] input), or None."""
    for entry in key[1]:
        if entry[0] == 'subtensor':
            found = _int_slice(entry[1])
            if found:
                return found[1] - found[0]
    return None


def _int_slice(frozen):
    if isinstance(frozen, tuple):
        # a frozen slice: ('tuple', ('str', 'slice'), ('int', start), ('int', stop), step)
        if len(frozen) >= 4 and frozen[1] == ('str', 'slice') and \
                frozen[2][0] == frozen[3][0] == 'int':
            return frozen[2][1], frozen[3][1]
        for item in frozen:
            found = _int_slice(item)
            if found:
                return found
    return None


_K03_KEYS = {}


def _reference_k03_key(inner, activation, units, dtype, mask_dtype, backwards):
    """The structural key of K.rnn's scan over Keras 0.3's LSTM step, and for each of
    the step's free U's (in the scan's order) which of i, f, c, o it is."""
    cache_key = (inner, activation, units, dtype, mask_dtype, backwards)
    if cache_key not in _K03_KEYS:
        from . import tensor as T
        from .scan_module import scan
        from .tensor import nnet
        fns = {'hard_sigmoid': nnet.hard_sigmoid, 'sigmoid': nnet.sigmoid, 'tanh': T.tanh}
        gate, act = fns[inner], fns[activation]
        us = [T.matrix(dtype=dtype) for _ in 'ifco']
        u_i, u_f, u_c, u_o = us

        def lstm(x, h, c):
            x_i, x_f, x_c, x_o = [x[:, k * units:(k + 1) * units] for k in range(4)]
            i, f = gate(x_i + T.dot(h, u_i)), gate(x_f + T.dot(h, u_f))
            c_t = f * c + i * act(x_c + T.dot(h, u_c))
            h_t = gate(x_o + T.dot(h, u_o)) * act(c_t)
            return h_t, c_t

        def plain(x, h, c):
            h_t, c_t = lstm(x, h, c)
            return [h_t, h_t, c_t]

        def with_mask(x, m, out, h, c):
            h_t, c_t = lstm(x, h, c)
            return [T.switch(m, h_t, out), T.switch(m, h_t, h), T.switch(m, c_t, c)]
        seqs = [T.tensor3(dtype=dtype)] + ([T.tensor3(dtype=mask_dtype)] if mask_dtype else [])
        states = [T.matrix(dtype=dtype) for _ in 'hc']
        outs, _ = scan(with_mask if mask_dtype else plain, sequences=seqs,
                       outputs_info=([T.matrix(dtype=dtype)] if mask_dtype else [None]) + states,
                       go_backwards=backwards)
        spec = outs[0].inputs[0].attrs['spec']
        free = [id(v) for v in spec.free_nodes]
        u_order = [free.index(id(u)) for u in us] if sorted(free) == sorted(map(id, us)) \
            else None
        _K03_KEYS[cache_key] = spec.merge_key, u_order
    return _K03_KEYS[cache_key]
