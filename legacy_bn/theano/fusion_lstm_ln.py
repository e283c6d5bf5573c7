"""Fusion rule for LSTM_LN: a scan whose step is layers.recurrent.LSTM_LN._step becomes
the one-op loop of fused_lstm_ln.py (see fusion.py for how rules are applied, and
fusion_lstm.py for the plain LSTM's rule, which this one follows)."""
import numpy as np

from .fusion import _is, _pairs
from .fusion_lstm import _LSTM_KINDS

# the op's order of the step's free variables (the per-gate gains and biases of the
# recurrent normalizations, then the cell's); the step program lists them in its own order
_ROLES = ('gh_i', 'gh_f', 'gh_o', 'gh_c', 'bh_i', 'bh_f', 'bh_o', 'bh_c', 'g_c', 'b_c')


def lstm_ln_scan(node, ctx):
    """A scan whose step is LSTM_LN's (hard_sigmoid, sigmoid or tanh gates and cell
    activation, any epsilon) -> lstm_ln_scan over the same inputs. Recognised by
    comparing its step program, node for node, with the trace of the reference step
    below; a step that differs in any node keeps the generic scan."""
    if not _is(node, 'scan') or len(node.inputs) != 11 + len(_ROLES):
        return None
    spec = node.attrs['spec']
    if spec.n_params != 4 + len(_ROLES) or spec.go_backwards or spec.symbolic_n_steps or \
            spec.n_steps is not None:
        return None
    floats, mask = node.inputs[:4] + node.inputs[5:], node.inputs[4]
    dtype = node.inputs[0].dtype
    if not (dtype.startswith('float') and mask.dtype.startswith(('int', 'uint', 'bool'))
            and all(v.dtype == dtype for v in floats)
            and [v.ndim for v in node.inputs] == [3] * 5 + [2] * 6 + [1] * len(_ROLES)):
        return None
    key = spec.merge_key
    eps = _epsilon(key)
    if eps is None:
        return None
    for inner, activation in _LSTM_KINDS:
        ref, roles = _reference_lstm_ln(inner, activation, dtype, mask.dtype, eps)
        if key[:6] == ref[:6] and key[7:] == ref[7:]:
            free = node.inputs[11:]
            ordered = tuple(free[roles.index(role)] for role in _ROLES)
            return 'lstm_ln_scan', node.inputs[:11] + ordered, {
                'eps': eps, 'inner': inner, 'activation': activation,
                'truncate': spec.truncate}
    return None


def lstm_ln_projections(node, ctx):
    """lstm_ln_scan(LN(dot(X, w_i)) * gx_i + bx_i + b_i, ... (the four gates, one X, the
    scan's epsilon), mask, ...) -> lstm_ln_scan_projected(X, w_i.., gx_i.., bx_i..,
    b_i.., mask, ...): the inputs' projections of all steps and gates as one product and
    their normalizations as one, inside the op (LSTM_LN._sequences' graph)."""
    if not _is(node, 'lstm_ln_scan'):
        return None
    found = [_projection(x, ctx) for x in node.inputs[:4]]
    if None in found:
        return None
    X = found[0][0]
    if any(f[0] is not X or f[1] != node.attrs['eps'] for f in found) or X.dtype != node.dtype \
            or any(v.dtype != node.dtype for f in found for v in f[2:]):
        return None
    columns = tuple(zip(*(f[2:] for f in found)))       # (w's, gx's, bx's, b's)
    return 'lstm_ln_scan_projected', (X,) + sum(columns, ()) + node.inputs[4:], node.attrs


def _projection(x, ctx):
    """(X, eps, w, gx, bx, b) when x is add(add(mul(layer_norm(dot(X, w), eps), gx), bx), b)
    with X 3-d and nothing else using the inner nodes, else None."""
    for shifted, b in _pairs(x) if _is(x, 'add') and ctx.only_used_here(x) else ():
        for scaled, bx in _pairs(shifted) if _is(shifted, 'add') and \
                ctx.only_used_here(shifted) else ():
            for ln, gx in _pairs(scaled) if _is(scaled, 'mul') and \
                    ctx.only_used_here(scaled) else ():
                if not (_is(ln, 'layer_norm') and ctx.only_used_here(ln) and
                        ln.inputs[1].op == 'constant' and b.ndim == bx.ndim == gx.ndim == 1):
                    continue
                prod = ln.inputs[0]
                if _is(prod, 'dot') and ctx.only_used_here(prod) and \
                        prod.inputs[0].ndim == 3 and prod.inputs[1].ndim == 2:
                    eps = float(np.asarray(ln.inputs[1].attrs['value']))
                    return prod.inputs[0], eps, prod.inputs[1], gx, bx, b
    return None


def _epsilon(key):
    """The one epsilon of the step's layer_norm nodes as a Python float, or None. The
    constant is a Python float, or a 0-d float64 array after the constant passes."""
    found = set()
    for op, _, _, _, inputs in key[1]:
        if op == 'layer_norm':
            kind, value = inputs[1][0], inputs[1][1]
            if kind != 'const':
                return None
            if value[0] in ('float', 'float64'):
                found.add(float(value[1]))
            elif value[:3] == ('ndarray', '<f8', ()):
                found.add(float(np.frombuffer(value[3], '<f8')[0]))
            else:
                return None
    return found.pop() if len(found) == 1 else None


_KEYS = {}


def _reference_lstm_ln(inner, activation, dtype, mask_dtype, eps):
    """The structural key of a scan of LSTM_LN's step and the role of each of its free
    variables (cached per kind, dtypes and epsilon)."""
    cache_key = (inner, activation, dtype, mask_dtype, eps)
    if cache_key not in _KEYS:
        from . import tensor as T
        from .scan_module import scan
        from .tensor import nnet
        fns = {'hard_sigmoid': nnet.hard_sigmoid, 'sigmoid': nnet.sigmoid, 'tanh': T.tanh}
        gate, act = fns[inner], fns[activation]
        params = {role: T.vector(role, dtype=dtype) for role in _ROLES}

        def norm(x, gain, bias):
            centred = x - x.mean(axis=-1, keepdims=True)
            var = T.mean(T.sqr(centred), axis=-1, keepdims=True)
            return centred / T.sqrt(var + eps) * params[gain] + params[bias]

        def step(xi, xf, xo, xc, mask, h, c, u_i, u_f, u_o, u_c):
            hm, cm = mask * h, mask * c

            def rec(g, u):
                return norm(T.dot(hm, u), 'gh_' + g, 'bh_' + g)
            i, f = gate(xi + rec('i', u_i)), gate(xf + rec('f', u_f))
            c_t = f * cm + i * act(xc + rec('c', u_c))
            o = gate(xo + rec('o', u_o))
            return o * act(norm(c_t, 'g_c', 'b_c')), c_t
        seqs = [T.tensor3(dtype=dtype) for _ in range(4)] + [T.tensor3(dtype=mask_dtype)]
        outs, _ = scan(step, sequences=seqs, outputs_info=[T.matrix(dtype=dtype) for _ in 'hc'],
                       non_sequences=[T.matrix(dtype=dtype) for _ in 'ifoc'])
        spec = outs[0].inputs[0].attrs['spec']
        _KEYS[cache_key] = spec.merge_key, [v.name for v in spec.free_nodes]
    return _KEYS[cache_key]
