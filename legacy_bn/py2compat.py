"""Python 2 semantics for the runner's Python 2 files (2015 scripts were written for Python 2).

* classic division: `/` between two integers (Python ints, numpy integer scalars or arrays)
  floors, as in Python 2: `Dense(nb_filters * (shapex / nb_pool) ** 2, 128)` gets an int and
  `X[:len(X) - len(X) / 10]` an integer index. A file that says
  `from __future__ import division` keeps true division (compile_py2);
* the builtins that Python 3 removed or changed (PY2_BUILTINS): xrange, raw_input, unicode,
  long, basestring, unichr, reduce, intern, reload, file, execfile (added by the runner),
  cmp, apply, buffer, sorted(cmp=), round as Python 2 rounded (half away from zero, a
  float), and print showing a float as Python 2's str() did (12 significant digits).

They reach a Python 2 file through its own `__builtins__` (legacy_bn/runner/py2_loader.py),
never through the builtins module: installed packages and Python 3 files see Python 3.
"""
import ast
import copy
import functools
import sys



def cmp(a, b):
    """Python 2's cmp: -1, 0 or 1."""
    return (a > b) - (a < b)


def apply(function, args=(), kwargs={}):
    return function(*args, **kwargs)


def reload(module):
    """Python 2's builtin reload. `reload(sys)` (the setdefaultencoding idiom) and the
    runner's stand-in modules give the module back unchanged."""
    import importlib
    if module is sys or module.__name__ == 'sys' or not getattr(module, '__spec__', None):
        return module
    return importlib.reload(module)


def sorted2(iterable, cmp=None, key=None, reverse=False):
    """sorted() that also takes Python 2's cmp= function."""
    if cmp is not None:
        if key is not None:
            raise TypeError('sorted(): give cmp or key, not both (legacy_bn runner)')
        key = functools.cmp_to_key(cmp)
    return sorted(iterable, key=key, reverse=reverse)


def round2(number, ndigits=0):
    """Python 2's round: halves away from zero, on the float's exact value, and a float back
    (Python 3 rounds halves to even and gives an int: round(2.5) is 3.0 in Python 2, 2 in 3)."""
    import decimal
    try:
        number = float(number)
    except TypeError:                     # an array: its own rounding
        return round(number, ndigits)
    if number != number or number in (float('inf'), float('-inf')):
        return number
    exact = decimal.Decimal(number)
    rounded = exact.quantize(decimal.Decimal(1).scaleb(-int(ndigits)),
                             rounding=decimal.ROUND_HALF_UP,
                             context=decimal.Context(prec=1000))
    return float(rounded)


def float_str(value):
    """str(float) as Python 2 wrote it: 12 significant digits ('%.12g', keeping a '.0'):
    `print loss` showed 0.186313230683 where Python 3 shows 0.18631323068335712."""
    value = float(value)
    if value != value or value in (float('inf'), float('-inf')):
        return str(value)
    mantissa, exponent = format(value, '.11e').split('e')
    # Python 2 switched to an exponent one digit early, to leave room for the '.0'
    if not -4 <= int(exponent) < 11:
        return mantissa.rstrip('0').rstrip('.') + 'e' + exponent
    text = format(value, '.12g')
    return text if '.' in text else text + '.0'


def print2(*args, **options):
    """print with Python 2's str() of a float argument (numpy's float64 included, as numpy
    of 2015 printed it); containers show repr() of their items in both Pythons."""
    return print(*[float_str(a) if isinstance(a, float) else a for a in args], **options)


def exception_message(error):
    """`error.message` as Python 2.7 gave it: the single argument, else '' (the runner's
    translation rewrites `e.message` of a caught exception to this)."""
    try:
        return error.message              # a class of the user's that defines it
    except AttributeError:
        return error.args[0] if len(error.args) == 1 else ''


PY2_BUILTINS = {
    'xrange': range, 'raw_input': input, 'unicode': str, 'long': int, 'basestring': str,
    'unichr': chr, 'reduce': functools.reduce, 'intern': sys.intern, 'reload': reload,
    'file': open, 'cmp': cmp, 'apply': apply, 'buffer': memoryview, 'sorted': sorted2,
    'round': round2, 'StandardError': Exception,
    '__legacy_bn_exception_message__': exception_message, 'print': print2,
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
    return isinstance(tree, ast.Module) and any(isinstance(n, ast.ImportFrom) and n.module == '__future__'
               and any(a.name == 'division' for a in n.names) for n in tree.body)


def compile_py2(source, filename, mode='exec', true_division=False, lines=None):
    """Compile Python 3 source (a Python 2 file, translated) with Python 2 division, unless it
    imports true division (or true_division: code exec'd by a file that does). `lines`: the
    user's line of each source line, when the translation moved lines."""
    try:
        tree = ast.parse(source, filename, mode)
    except SyntaxError as error:
        if lines and error.lineno and 0 < error.lineno <= len(lines):
            error.lineno = lines[error.lineno - 1]
        raise
    if lines:
        for node in ast.walk(tree):
            for attribute in ('lineno', 'end_lineno'):
                number = getattr(node, attribute, None)
                if number and 0 < number <= len(lines):
                    setattr(node, attribute, lines[number - 1])
    if not (true_division or _imports_true_division(tree)):
        tree = ast.fix_missing_locations(ClassicDivision().visit(tree))
    return compile(tree, filename, mode, dont_inherit=True)


def install(namespace):
    """The helpers and removed builtins, in a script's globals."""
    namespace.update(PY2_BUILTINS)
    namespace[DIV] = classic_div
    namespace[IDIV] = classic_idiv
