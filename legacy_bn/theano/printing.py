"""theano.printing: text views of a graph (pprint, debugprint) and Print, the identity
that prints its value when a function evaluates it.

The text names legacy_bn's ops (add, dot, subtensor, scan ...), not Theano's classes
(Elemwise{add,no_inplace}, ...): the layout is Theano's, the names are this core's."""
import sys

import numpy as np
from autograd.extend import defvjp, primitive

from .graph import Variable, apply, as_variable
from .ops import OPS, Op

_INFIX = {'add': '+', 'sub': '-', 'mul': '*', 'true_div': '/', 'floor_div': '//', 'pow': '**',
          'mod': '%', 'lt': '<', 'le': '<=', 'gt': '>', 'ge': '>=', 'eq': '==', 'neq': '!=',
          'and_': '&', 'or_': '|', 'xor': '^', 'dot': '\\dot'}


def pprint(var):
    """An infix text of the expression: '(x + (W \\dot y))'."""
    return _pp(as_variable(var), {})


def _pp(v, memo):
    if id(v) in memo:
        return memo[id(v)]
    if v.op in ('input', 'shared'):
        text = v.name or '<%s %s>' % (v.op, v.dtype)
    elif v.op == 'constant':
        value = v.attrs['value']
        text = repr(value.tolist() if isinstance(value, np.ndarray) else value)
    elif v.op in _INFIX and len(v.inputs) == 2:
        text = '(%s %s %s)' % (_pp(v.inputs[0], memo), _INFIX[v.op], _pp(v.inputs[1], memo))
    elif v.op == 'grad':
        text = 'grad(%s, %s)' % (_pp(v.inputs[0], memo), _pp(v.inputs[1], memo))
    else:
        text = '%s(%s)' % (v.op, ', '.join(_pp(i, memo) for i in v.inputs))
    memo[id(v)] = text
    return text


def debugprint(obj, depth=-1, print_type=False, file=None, ids='CHAR', stop_on_name=False,
               done=None, print_storage=False):
    """The graph as an indented tree, one node a line ('add [id A] ''' then its inputs
    one level deeper), a node met again printed by its id only. obj: a variable, a list
    of them, or a compiled function. file=None prints to stdout and returns it;
    file='str' returns the text."""
    from .compile import Function
    if isinstance(obj, Function):
        roots = obj.toposort()[-1:] if not obj._output_slots else \
            [obj._nodes[s] for s in obj._output_slots]
        roots += [v for _, v in obj.updates]
    elif isinstance(obj, (list, tuple)):
        roots = [as_variable(o) for o in obj]
    else:
        roots = [as_variable(obj)]
    names, lines = {}, []
    for r in roots:
        _tree(r, '', depth, print_type, stop_on_name, names, lines)
    text = '\n'.join(lines) + '\n'
    if file == 'str':
        return text
    stream = sys.stdout if file is None else file
    stream.write(text)
    return stream


def _label(k):
    s = ''
    k += 1
    while k:
        k, r = divmod(k - 1, 26)
        s = chr(65 + r) + s
    return s


def _tree(v, indent, depth, print_type, stop_on_name, names, lines):
    stack = [(v, indent, depth)]
    while stack:
        node, ind, d = stack.pop()
        seen = id(node) in names
        if not seen:
            names[id(node)] = _label(len(names))
        kind = node.op if node.op not in ('input', 'shared', 'constant') else \
            (node.name or ('%s' % node.op if node.op != 'constant' else
                           'Constant{%s}' % _pp(node, {})))
        text = '%s%s [id %s] %r' % (ind, kind, names[id(node)],
                                     node.name if node.op not in ('input', 'shared') and node.name
                                     else '')
        if print_type:
            text += ' <%s, %dd>' % (node.dtype, node.ndim)
        lines.append(text.rstrip())
        if seen or d == 0 or (stop_on_name and node.name and ind):
            continue
        child_indent = ind + ' |'
        for i in reversed(node.inputs):
            stack.append((i, child_indent, d - 1))


@primitive
def _print_value(x, message, attrs):
    parts = ['%s %s' % (a, getattr(np.asarray(x), a)) for a in attrs]
    sys.stdout.write('%s __str__ = %s\n' % (message, ' '.join(parts) or str(x)))
    return x


defvjp(_print_value, lambda ans, x, message, attrs: lambda g: g)
OPS['print'] = Op(_print_value, None)


class Print:
    """theano.printing.Print(message, attrs=('__str__',))(x): x, printed (message, then the
    value or the listed attributes such as 'shape') whenever a function evaluates it."""

    def __init__(self, message='', attrs=('__str__',), global_fn=None):
        self.message = message
        self.attrs = tuple(a for a in attrs if a != '__str__')

    def __call__(self, x):
        x = as_variable(x)
        return apply('print', x, message=self.message, attrs=self.attrs,
                     out_type=(x.dtype, x.ndim))
