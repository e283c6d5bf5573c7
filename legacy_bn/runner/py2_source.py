"""Python 2 or Python 3? Decide per file, and translate Python 2 source to Python 3.

decide(path, data) -> Decision(python, reasons, source): `python` is 2 or 3, `reasons` says
why (for the runner's one stderr line), `source` is the text to compile (translated for
Python 2, line for line, so that tracebacks and SyntaxErrors point at the user's own lines).

The rules (docs/porting.md has the table):
* Python 3 cannot parse the file -> Python 2 (the first Python 2 marker found says why:
  print statement, `except X, e`, backticks, `<>`, exec statement, 0777, 10L, ur'', tabs
  mixed with spaces as only Python 2 read them).
* It parses, and uses a Python 3-only construct (f-string, print(..., end=/sep=/file=)
  without the print_function import, nonlocal, keyword-only arguments, async/await,
  annotations, yield from, `raise ... from`, a starred assignment, `@`, super() without
  arguments, `:=`, `match`, `{**d}`, an import of a Python 3-only module such as
  urllib.request) -> Python 3.
* It uses a Python 2-only name it does not define itself (xrange, iteritems, unicode,
  raw_input, cPickle, ...) -> Python 2.
* It calls print with several arguments without the print_function import (Python 2 would
  print a tuple: its author expected Python 3) -> Python 3.
* Otherwise it could be either -> Python 2, as the 2015 Keras examples need; a reason is
  given only when the choice changes a result (a `/` that classic division would floor).
`//` decides nothing (both have it). `from __future__ import division` keeps true division
in a Python 2 file (py2compat.compile_py2).

Translation: tabs in indentation expanded as Python 2 read them (to the next multiple of 8),
then the fissix (lib2to3) fixers in FIXERS. fissix is imported only when a translation is
not in the cache (it takes a noticeable time to import). The cache (CACHE_DIR) is keyed by
the file's bytes, legacy_bn's version and TRANSLATOR_VERSION.
"""
import ast
import hashlib
import json
import os
import re

from .. import __version__

# Bump when FIXERS, the tab expansion or the decision rules change: old cache entries die.
TRANSLATOR_VERSION = '9'

# The fixers that change what Python 3 makes of Python 2 code. All but two keep every line
# where it was; for those two, the line map puts tracebacks back on the user's lines:
FIXERS = (
    # syntax Python 3 rejects
    'print', 'except', 'raise', 'exec', 'repr', 'ne', 'numliterals', 'unicode', 'paren',
    'throw',
    # Python 2 methods and attributes that Python 3 renamed or dropped (reached statically)
    'dict',          # d.keys()/.items()/.values() are lists again, iteritems() -> items()
    'has_key', 'next', 'nonzero', 'funcattrs', 'methodattrs', 'getcwdu', 'sys_exc',
    'standarderror', 'types', 'apply', 'asserts', 'input', 'raw_input', 'basestring', 'long',
    # list-returning builtins: map/filter/zip/range give lists where a list is used
    # (np.array(map(f, x)) would silently make a 0-d object array from an iterator)
    'map', 'filter', 'zip', 'xrange',
    # implicit relative imports inside a package of the user's
    'import',
    # these two add or remove lines: the translation then carries a line map (line_map)
    'tuple_params', 'metaclass',
)
# and the runner's own (py2_fixers/): `e.message` of a caught exception
# Left out, and why: imports/imports2/urllib/itertools/itertools_imports (the runner's
# per-module __import__ gives the Python 2 modules instead: cPickle must read Python 2
# pickles); reduce/intern/reload/exitfunc/operator (they insert import lines: the runtime
# provides the names); future (the __future__ imports must stay);
# execfile (the runtime's execfile translates the file it runs); idioms, set_literal,
# ws_comma, isinstance, sorted, buffer (style only, or explicit-only in 2to3).

PY2_NAMES = {
    'xrange', 'unicode', 'raw_input', 'basestring', 'long', 'unichr', 'execfile', 'file',
    'reduce', 'reload', 'cmp', 'intern', 'apply', 'buffer', 'StandardError',
}
PY2_METHODS = {'iteritems', 'iterkeys', 'itervalues', 'has_key', 'viewitems', 'viewkeys',
               'viewvalues'}
PY2_MODULES = {'cPickle', 'cStringIO', 'StringIO', 'urllib2', 'urlparse', 'Queue',
               'ConfigParser', '__builtin__', 'httplib', 'HTMLParser', 'cookielib',
               'Tkinter', 'copy_reg', 'commands'}
# modules that only Python 3 has (no Python 2 backport went by the same name)
PY3_MODULES = {'urllib.request', 'urllib.parse', 'urllib.error', 'http.client', 'asyncio',
               'dataclasses', 'tkinter', 'html.parser', 'importlib.util'}
PY2_ATTRIBUTES = {('sys', 'maxint'), ('sys', 'setdefaultencoding'), ('string', 'letters'),
                  ('string', 'maketrans'), ('string', 'lowercase'), ('string', 'uppercase'),
                  ('itertools', 'izip'), ('itertools', 'imap'), ('itertools', 'ifilter'),
                  ('itertools', 'izip_longest'), ('os', 'getcwdu'), ('urllib', 'urlretrieve'),
                  ('urllib', 'urlopen'), ('urllib', 'urlencode')}

# Lines that only Python 2 reads, in the order they are looked for when Python 3 cannot
# parse a file (the first one found is the reason given).
SYNTAX_MARKERS = (
    ('print statement', re.compile(r'^\s*print\b\s*(>>|[^\s(=.,)\]:]|\(.*\)\s*[^\s#,)])')),
    ('except X, e', re.compile(r'^\s*except\s+[^:#]+,\s*\w+\s*:')),
    ('raise X, message', re.compile(r'^\s*raise\s+[\w.]+\s*,')),
    ('exec statement', re.compile(r'^\s*exec\s+[^\s(=]')),
    ('backticks', re.compile(r'`')),
    ('<> operator', re.compile(r'<>')),
    ('octal literal', re.compile(r'(?<![\w.])0[0-7]+\b')),
    ('long literal', re.compile(r'(?<![\w.])\d+[lL]\b')),
    ("ur'' string", re.compile(r'(?<![\w])[uU][rR][\'"]')),
    ('tuple parameter', re.compile(r'^\s*(def\s+\w+|lambda)\s*\(?\s*\(')),
)
TAB_REASON = 'tabs and spaces mixed as only Python 2 read them'


class Decision:
    """python: 2 or 3; reasons: list of short strings; source: the text to compile."""

    def __init__(self, python, reasons, source, translated=False, lines=None):
        self.python, self.reasons, self.source = python, list(reasons), source
        self.translated = translated
        self.lines = lines      # None, or the user's line of each line of `source`

    def to_json(self):
        return {'python': self.python, 'reasons': self.reasons, 'source': self.source,
                'translated': self.translated, 'lines': self.lines}


class FissixMissing(ImportError):
    pass


# ---------------------------------------------------------------------------- the decision
def _text(data):
    """bytes -> str as Python reads a source file (coding cookie, BOM), else latin-1 as
    Python 2 read a file without one (it never failed on bytes)."""
    import io
    import tokenize
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return data.decode('latin-1')


def _syntax_reason(text, error):
    lines = text.splitlines()
    if isinstance(error, TabError) or 'inconsistent use of tabs' in str(error):
        return '%s, line %s' % (TAB_REASON, error.lineno)
    order = []
    if error.lineno and 0 < error.lineno <= len(lines):
        order.append(error.lineno)
    order.extend(range(1, len(lines) + 1))
    for number in order:          # the line Python 3 stopped at first, then the earliest
        for name, pattern in SYNTAX_MARKERS:
            if pattern.search(_code_part(lines[number - 1])):
                return '%s, line %d' % (name, number)
    return 'Python 3 cannot parse it: %s, line %s' % (error.msg, error.lineno)


def _code_part(line):
    """The line without a trailing comment or the contents of its one-line strings (rough:
    only for choosing which marker to name)."""
    line = re.sub(r'''(?<![\w])[bBuU]?[rR]?("([^"\\]|\\.)*"|'([^'\\]|\\.)*')''',
                  lambda m: m.group(0)[:len(m.group(0)) - len(m.group(1))] + '""', line)
    return line.split('#', 1)[0]


class _Scan(ast.NodeVisitor):
    """Walks a module that Python 3 parsed: Python 3-only constructs, Python 2-only names."""

    def __init__(self, print_function):
        self.print_function = print_function
        self.py3, self.py2, self.bound, self.divisions = [], [], set(), []
        self.weak3 = []       # Python 3 by habit, legal Python 2 with another meaning
        self.loaded = []      # (name, line) of every plain name read

    def mark3(self, what, node):
        self.py3.append('%s, line %d' % (what, node.lineno))

    def visit_JoinedStr(self, node):
        self.mark3('f-string', node)

    def visit_Nonlocal(self, node):
        self.mark3('nonlocal', node)

    def visit_YieldFrom(self, node):
        self.mark3('yield from', node)
        self.generic_visit(node)

    def visit_Await(self, node):
        self.mark3('await', node)
        self.generic_visit(node)

    def visit_AsyncFunctionDef(self, node):
        self.mark3('async def', node)
        self._function(node)

    def visit_AnnAssign(self, node):
        self.mark3('annotation', node)
        self.generic_visit(node)

    def visit_NamedExpr(self, node):
        self.mark3(':=', node)
        self.generic_visit(node)

    def visit_Match(self, node):
        self.mark3('match statement', node)
        self.generic_visit(node)

    def visit_Dict(self, node):
        if any(key is None for key in node.keys):
            self.mark3('{**mapping}', node)
        self.generic_visit(node)

    def visit_Raise(self, node):
        if node.cause is not None:
            self.mark3('raise ... from', node)
        self.generic_visit(node)

    def visit_Starred(self, node):
        if isinstance(node.ctx, ast.Store):
            self.mark3('starred assignment', node)
        self.generic_visit(node)

    def visit_Expr(self, node):
        if isinstance(node.value, ast.Name) and node.value.id == 'print':
            self.py2.append('print statement, line %d' % node.lineno)     # a bare `print`
        self.generic_visit(node)

    def visit_BinOp(self, node):
        if isinstance(node.op, ast.RShift) and isinstance(node.left, ast.Name) \
                and node.left.id == 'print':       # `print >>f, x` parses as a tuple
            self.py2.append('print statement, line %d' % node.lineno)
        if isinstance(node.op, ast.MatMult):
            self.mark3('@ operator', node)
        elif isinstance(node.op, ast.Div):
            self.divisions.append(node.lineno)
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        self.bound.update(n.id for n in ast.walk(node.target) if isinstance(n, ast.Name))
        if isinstance(node.op, ast.Div):
            self.divisions.append(node.lineno)
        self.generic_visit(node)

    def visit_FunctionDef(self, node):
        self._function(node)

    def _function(self, node):
        self.bound.add(node.name)
        args = node.args
        if args.kwonlyargs:
            self.mark3('keyword-only argument', node)
        if node.returns is not None or any(
                a.annotation is not None for a in args.args + args.kwonlyargs
                + args.posonlyargs + [a for a in (args.vararg, args.kwarg) if a]):
            self.mark3('annotation', node)
        if args.posonlyargs:
            self.mark3('positional-only argument', node)
        for a in args.args + args.kwonlyargs + args.posonlyargs:
            self.bound.add(a.arg)
        self.generic_visit(node)

    def visit_Lambda(self, node):
        self.bound.update(a.arg for a in node.args.args)
        self.generic_visit(node)

    def visit_ClassDef(self, node):
        self.bound.add(node.name)
        if any(k.arg == 'metaclass' for k in node.keywords):
            self.mark3('class keyword metaclass=', node)
        self.generic_visit(node)

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Name):
            if func.id == 'print' and not self.print_function and any(
                    k.arg in ('end', 'sep', 'file', 'flush') for k in node.keywords):
                self.mark3('print(..., %s=)' % next(k.arg for k in node.keywords
                                                    if k.arg in ('end', 'sep', 'file', 'flush')),
                           node)
            if func.id == 'print' and not self.print_function and (
                    len(node.args) > 1 or any(isinstance(a, ast.Starred) for a in node.args)):
                # Python 2 would print a tuple: its author expected Python 3
                self.weak3.append('print(a, b), line %d' % node.lineno)
            if func.id == 'super' and not node.args:
                self.mark3('super() without arguments', node)
        elif isinstance(func, ast.Attribute) and func.attr in PY2_METHODS:
            self.py2.append('.%s(), line %d' % (func.attr, node.lineno))
        self.generic_visit(node)

    def visit_Attribute(self, node):
        if isinstance(node.value, ast.Name) and (node.value.id, node.attr) in PY2_ATTRIBUTES:
            self.py2.append('%s.%s, line %d' % (node.value.id, node.attr, node.lineno))
        self.generic_visit(node)

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load):
            self.loaded.append((node.id, node.lineno))
        else:
            self.bound.add(node.id)

    def visit_arg(self, node):
        self.bound.add(node.arg)

    def _imported(self, node, modules):
        for alias in node.names:
            self.bound.add((alias.asname or alias.name).split('.')[0])
        for module in modules:
            if module.split('.')[0] in PY2_MODULES:
                self.py2.append('import %s, line %d' % (module, node.lineno))
            elif module in PY3_MODULES:
                self.mark3('import %s' % module, node)

    def visit_Import(self, node):
        self._imported(node, [a.name for a in node.names])

    def visit_ImportFrom(self, node):
        modules = [node.module] if node.module and not node.level else []
        if node.module == 'urllib' and not node.level and any(
                a.name in ('request', 'parse', 'error') for a in node.names):
            self.mark3('from urllib import %s' % node.names[0].name, node)
        if node.module == 'itertools':
            modules += ['itertools.' + a.name for a in node.names
                        if a.name in ('izip', 'imap', 'ifilter', 'izip_longest')]
            for name in modules[1:]:
                self.py2.append('%s, line %d' % (name, node.lineno))
            modules = []
        self._imported(node, modules)

    def visit_ExceptHandler(self, node):
        if node.name:
            self.bound.add(node.name)
        self.generic_visit(node)

    def finish(self):
        for name, line in self.loaded:
            if name in PY2_NAMES and name not in self.bound:
                self.py2.append('%s, line %d' % (name, line))


def _future_features(tree):
    return {a.name for n in tree.body if isinstance(n, ast.ImportFrom)
            and n.module == '__future__' for a in n.names}


def classify(text, filename='<string>'):
    """-> (python 2 or 3, reasons, needs translation to run at all)."""
    try:
        tree = ast.parse(text, filename)
    except SyntaxError as error:       # TabError included
        return 2, [_syntax_reason(text, error)], True
    features = _future_features(tree)
    scan = _Scan('print_function' in features)
    scan.visit(tree)
    scan.finish()
    if scan.py3:
        return 3, scan.py3[:1], False
    if scan.py2:
        return 2, scan.py2[:2], False
    if scan.weak3:
        return 3, scan.weak3[:1], False
    if scan.divisions and 'division' not in features:
        return 2, ['could be either; `/` at line %d floors int / int' % scan.divisions[0]], False
    return 2, [], False


# -------------------------------------------------------------------------- the translation
def expand_tabs(text):
    """Tabs in the indentation of each line that does not start inside a string, expanded
    as Python 2 read them (to the next multiple of 8 columns)."""
    if '\t' not in text:
        return text
    from fissix.pgen2 import tokenize as tk
    import io
    inside_string = set()      # line numbers (1-based) that start inside a multi-line string
    try:
        for kind, value, start, end, _ in tk.generate_tokens(io.StringIO(text).readline):
            if kind == tk.STRING and end[0] > start[0]:
                inside_string.update(range(start[0] + 1, end[0] + 1))
    except (tk.TokenError, IndentationError):
        pass
    lines = text.splitlines(True)
    for number, line in enumerate(lines, 1):
        if number in inside_string:
            continue
        stripped = line.lstrip(' \t\f')
        indent = line[:len(line) - len(stripped)]
        if '\t' in indent:
            lines[number - 1] = indent.expandtabs(8) + stripped
    return ''.join(lines)


_tool = None


def _fissix_tool():
    global _tool
    if _tool is None:
        from fissix import refactor
        names = ['fissix.fixes.fix_' + name for name in FIXERS]
        own = __name__.rpartition('.')[0] + '.py2_fixers.'
        names.append(own + 'fix_exception_message')
        _tool = refactor.RefactoringTool(names, explicit=names)
    return _tool


def translate(text, path):
    """Python 2 source -> Python 3 source with the same lines. Raises SyntaxError at the
    user's file and line when fissix cannot parse it, FissixMissing without fissix."""
    try:
        import fissix  # noqa: F401
    except ImportError:
        raise FissixMissing(
            '%s is Python 2 source; translating it needs fissix: pip install fissix '
            "(or pip install 'legacy_bn[py2]')" % path) from None
    try:
        tool = _fissix_tool()
    except OSError as error:      # fissix keeps its grammar tables in the user's cache
        raise OSError('%s is Python 2 source, and fissix could not write its grammar cache '
                      '(%s); set XDG_CACHE_HOME to a writable folder' % (path, error)) from None
    from fissix.pgen2.parse import ParseError
    from fissix.pgen2.tokenize import TokenError
    text = expand_tabs(text)
    ends_with_newline = text.endswith('\n')
    try:
        tree = tool.refactor_string(text if ends_with_newline else text + '\n', path)
    except ParseError as error:
        line, column = error.context[1]
        raise _syntax_error('invalid syntax', path, text, line, column) from None
    except (TokenError, IndentationError) as error:
        raise _syntax_error(str(error.args[0]), path, text, *error.args[1][:2]) from None
    out = str(tree)
    return out if ends_with_newline else out[:-1]


def line_map(original, translated):
    """None when the translation kept every line where it was; else, for each translated
    line, the user's line it came from (a fixer that adds a line, as `def f((a, b)):` or
    `__metaclass__` need, maps it to the line before: the def or the class)."""
    before, after = original.splitlines(), translated.splitlines()
    if len(before) == len(after) and 'xxx_todo_changeme' not in translated \
            and 'metaclass=' not in translated:
        return None          # the usual case: no fixer that moves lines did anything
    import difflib
    lines = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(j2 - j1):
            if tag == 'equal' or (tag == 'replace' and i1 + k < i2):
                lines.append(i1 + k + 1)
            else:       # inserted, or a longer replacement: the previous user line
                lines.append(max(1, i2 if tag == 'replace' else i1))
    return None if lines == list(range(1, len(after) + 1)) else lines


def _syntax_error(message, path, text, line, column):
    lines = text.splitlines()
    source_line = lines[line - 1] if 0 < line <= len(lines) else None
    return SyntaxError(message, (path, line, column + 1, source_line))


# --------------------------------------------------------------------------------- the cache
def cache_dir():
    base = os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    return os.path.join(base, 'legacy_bn', 'py2')


def _cache_key(data):
    digest = hashlib.sha256()
    for part in (b'legacy_bn', __version__.encode(), TRANSLATOR_VERSION.encode(), data):
        digest.update(len(part).to_bytes(8, 'little'))
        digest.update(part)
    return digest.hexdigest()


def _cache_read(key):
    try:
        with open(os.path.join(cache_dir(), key + '.json'), encoding='utf-8') as f:
            entry = json.load(f)
        return Decision(entry['python'], entry['reasons'], entry['source'], entry['translated'],
                        entry.get('lines'))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _cache_write(key, decision):
    """Atomic: a temp file in the cache folder, renamed onto the entry. A cache that cannot
    be written only costs time."""
    import tempfile
    folder = cache_dir()
    try:
        os.makedirs(folder, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix='.tmp-', suffix='.json', dir=folder)
    except OSError:
        return
    try:
        with os.fdopen(fd, 'w', encoding='utf-8') as f:
            json.dump(decision.to_json(), f)
        os.replace(temp, os.path.join(folder, key + '.json'))
    except OSError:
        try:
            os.unlink(temp)
        except OSError:
            pass


# ----------------------------------------------------------------------------------- decide
def decide(path, data, force=None):
    """The file's bytes -> Decision. force=2 or 3 overrides the rules (--py2/--py3)."""
    key = _cache_key(data + b'\0force=%r' % force)
    cached = _cache_read(key)
    if cached is not None:
        return cached
    text = _text(data)
    if force == 3:
        return Decision(3, [], text)
    python, reasons, needed = classify(text, path)
    if force == 2:
        python, reasons = 2, reasons if python == 2 else ['--py2']
    if python == 3:
        decision = Decision(3, reasons, text)
    else:
        try:
            source = translate(text, path)
            decision = Decision(2, reasons, source, True, line_map(text, source))
        except FissixMissing:
            if needed:
                raise
            return Decision(2, reasons, text)       # not cached: fissix may come later
        except SyntaxError as error:     # neither Python reads it: Python 3's words if they
            try:                         # are about the same line (they are more precise)
                compile(text, path, 'exec', dont_inherit=True, flags=ast.PyCF_ONLY_AST)
            except SyntaxError as error3:
                if error3.lineno == error.lineno:
                    raise error3 from None
            raise
    _cache_write(key, decision)
    return decision
