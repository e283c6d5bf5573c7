"""Python 2 semantics for the script the runner runs (2015 scripts were written for Python 2).

Two differences would stop a 2015 script on Python 3, and both are handled here, for the
script file itself (not for the modules it imports):

* builtins that Python 3 removed (`xrange`, `raw_input`, `unicode`, `long`, `basestring`,
  `unichr`, `reduce`, `intern`) are put in the script's globals;
* `/` between two integers (Python ints, numpy integer scalars or arrays) floors, as in
  Python 2: `Dense(nb_filters * (shapex / nb_pool) ** 2, 128)` gets an int and
  `X[:len(X) - len(X) / 10]` an integer index. A script that says
  `from __future__ import division` keeps true division.

`python -m legacy_bn --py3 SCRIPT.py` runs the script with plain Python 3 semantics instead.
"""
import ast
import copy
import functools
import sys

PY2_BUILTINS = {
    'xrange': range, 'raw_input': input, 'unicode': str, 'long': int, 'basestring': str,
    'unichr': chr, 'reduce': functools.reduce, 'intern': sys.intern,
}
DIV, IDIV = '__legacy_bn_classic_div__', '__legacy_bn_classic_idiv__'


def _integral(value):
    if isinstance(value, int):      # bool included, as in Python 2
        return True
    # numpy integer scalars and arrays (checked without importing numpy); symbolic
    # variables also have a dtype but keep their own division
    return type(value).__module__ == 'numpy' and getattr(value, 'dtype', None) is not None \
        and value.dtype.kind in 'biu'


def classic_div(a, b):
    """a / b as Python 2 computed it."""
    return a // b if _integral(a) and _integral(b) else a / b


def classic_idiv(a, b):
    """a /= b as Python 2 computed it (in place where the type does it in place)."""
    if _integral(a) and _integral(b):
        a //= b
    else:
        a /= b
    return a


class ClassicDivision(ast.NodeTransformer):
    """`a / b` -> classic_div(a, b); `t /= b` -> t = classic_idiv(t, b)."""

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if not isinstance(node.op, ast.Div):
            return node
        call = ast.Call(func=ast.Name(id=DIV, ctx=ast.Load()), args=[node.left, node.right],
                        keywords=[])
        return ast.copy_location(call, node)

    def visit_AugAssign(self, node):
        self.generic_visit(node)
        if not isinstance(node.op, ast.Div):
            return node
        current = copy.deepcopy(node.target)
        for sub in ast.walk(current):
            if hasattr(sub, 'ctx'):
                sub.ctx = ast.Load()
        call = ast.Call(func=ast.Name(id=IDIV, ctx=ast.Load()), args=[current, node.value],
                        keywords=[])
        assign = ast.Assign(targets=[node.target], value=ast.copy_location(call, node))
        return ast.copy_location(assign, node)


def _imports_true_division(tree):
    return any(isinstance(n, ast.ImportFrom) and n.module == '__future__'
               and any(a.name == 'division' for a in n.names) for n in tree.body)


def compile_py2(source, filename):
    """Compile a script with Python 2 division (unless it imports true division)."""
    tree = ast.parse(source, filename)
    if not _imports_true_division(tree):
        tree = ast.fix_missing_locations(ClassicDivision().visit(tree))
    return compile(tree, filename, 'exec', dont_inherit=True)


def install(namespace):
    """The helpers and removed builtins, in a script's globals."""
    namespace.update(PY2_BUILTINS)
    namespace[DIV] = classic_div
    namespace[IDIV] = classic_idiv
