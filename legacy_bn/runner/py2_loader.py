"""The runner's import hook: the script's own modules are Python 2 or Python 3, file by file.

install(root, force) puts a Py2Finder on sys.meta_path (only `python -m legacy_bn` does:
never `import legacy_bn` or install_aliases()). For a .py file under `root` (the script's
real folder) that is not legacy_bn's own and not in an installed location, Py2Loader reads the
source, asks py2_source.decide() which Python it is, and for Python 2 compiles the translated
source with classic division and runs it with PY2 builtins (Python 2's names, and an
`__import__` that gives Python 2's module names). Code objects carry the real path and the
user's line numbers; the user's source is what linecache shows. No .pyc is written for a
Python 2 file (plain `python` must never pick up a translation).
"""
import builtins
import importlib.abc
import importlib.machinery
import os
import sys

from .. import py2compat
from . import py2_source
from . import py2_modules
from .py2_modules import py2_import

_call_with_frames_removed = getattr(importlib._bootstrap, '_call_with_frames_removed',
                                    lambda f, *args: f(*args))

_hook = None        # the installed Py2Finder


def excluded_folders():
    """Folders never treated: legacy_bn itself and the interpreter's installed locations."""
    here = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    places = {here, sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    return tuple(os.path.realpath(p) + os.sep for p in places if p)


def _execfile(filename, globals=None, locals=None):
    """Python 2's execfile: the file is decided and translated like an imported one."""
    if globals is None:
        frame = sys._getframe(1)
        globals, locals = frame.f_globals, frame.f_locals if locals is None else locals
    with open(filename, 'rb') as f:
        data = f.read()
    force = _hook.force if _hook is not None else None
    code, python = compile_file(os.path.abspath(filename), data, force)
    if python == 2:
        globals.setdefault('__builtins__', PY2_BUILTINS)
    exec(code, globals, globals if locals is None else locals)


CO_FUTURE_DIVISION = 0x20000


def _caller_namespaces(globals, locals, depth=2):
    frame = sys._getframe(depth)
    true_division = bool(frame.f_code.co_flags & CO_FUTURE_DIVISION)
    if globals is None:
        globals, locals = frame.f_globals, frame.f_locals if locals is None else locals
    return globals, globals if locals is None else locals, true_division


def _exec(code, globals=None, locals=None, **options):
    """exec as a Python 2 file's `exec "..."` statement ran it: the string is Python 2."""
    globals, locals, true_division = _caller_namespaces(globals, locals)
    if isinstance(code, (str, bytes)):
        data = code.encode('utf-8') if isinstance(code, str) else code
        decision = py2_source.decide('<string>', data, 2)
        code = py2compat.compile_py2(decision.source, '<string>', 'exec', true_division,
                                     decision.lines)
    return exec(code, globals, locals, **options)


def _eval(expression, globals=None, locals=None):
    """eval with Python 2 division (what input() and eval gave a Python 2 file)."""
    globals, locals, true_division = _caller_namespaces(globals, locals)
    if isinstance(expression, (str, bytes)):
        text = expression.decode('utf-8') if isinstance(expression, bytes) else expression
        expression = py2compat.compile_py2(text.strip(), '<string>', 'eval', true_division)
    return eval(expression, globals, locals)


PY2_BUILTINS = dict(builtins.__dict__, __import__=py2_import, execfile=_execfile, eval=_eval,
                    **py2compat.PY2_BUILTINS)
PY2_BUILTINS['exec'] = _exec
PY2_BUILTINS[py2compat.DIV] = py2compat.classic_div
PY2_BUILTINS[py2compat.IDIV] = py2compat.classic_idiv


def compile_file(path, data, force=None, decision=None):
    """-> (code object, 2 or 3). SyntaxErrors name the user's file, line and source line."""
    if decision is None:
        decision = py2_source.decide(path, data, force)
    if _hook is not None:
        _hook.note(path, decision)
    try:
        if decision.python == 2:
            return py2compat.compile_py2(decision.source, path, lines=decision.lines), 2
        return compile(decision.source, path, 'exec', dont_inherit=True), 3
    except SyntaxError as error:
        if decision.translated and error.lineno:       # show the user's line, not ours
            lines = py2_source._text(data).splitlines()
            if 0 < error.lineno <= len(lines):
                error.text = lines[error.lineno - 1] + '\n'
        raise


class Py2Loader(importlib.machinery.SourceFileLoader):
    """A source loader that decides the file's Python, translating Python 2 on the way."""

    def exec_module(self, module):
        path = self.get_filename(self.name)
        data = self.get_data(path)
        decision = py2_source.decide(path, data, _hook.force if _hook else None)
        if decision.python == 3 and not decision.translated:
            return super().exec_module(module)        # Python 3: the usual .pyc caching
        code, _ = compile_file(path, data, decision=decision)
        module.__builtins__ = PY2_BUILTINS
        module.__cached__ = None
        # (the name importlib looks for when it trims its own frames from a traceback)
        _call_with_frames_removed(exec, code, module.__dict__)

    def get_code(self, fullname):
        path = self.get_filename(fullname)
        data = self.get_data(path)
        decision = py2_source.decide(path, data, _hook.force if _hook else None)
        if decision.python == 3:
            return super().get_code(fullname)
        return compile_file(path, data, decision=decision)[0]


class Py2Finder(importlib.abc.MetaPathFinder):
    """Finds the script's own modules (under root) and hands them to Py2Loader."""

    def __init__(self, root, force=None):
        self.root = os.path.realpath(root) + os.sep
        self.force = force
        # a library folder on sys.path (PYTHONPATH, a user site) inside the script's tree is
        # not the script's own: a script in ~ must not translate ~/lib/somepackage
        inside = {os.path.realpath(p) + os.sep for p in sys.path if p and isinstance(p, str)}
        self.excluded = excluded_folders() + tuple(
            p for p in inside if p.startswith(self.root) and p != self.root)
        self.decisions = {}           # real path -> Decision, in the order seen
        self.reported = set()

    def owns(self, path):
        real = os.path.realpath(path)
        return (real.startswith(self.root) and real.endswith('.py')
                and not real.startswith(self.excluded)
                and not any(part in ('site-packages', 'dist-packages')
                            for part in real[len(self.root):].split(os.sep)))

    def find_spec(self, fullname, path=None, target=None):
        if path is not None and not any(os.path.realpath(p).startswith(self.root)
                                        for p in path if isinstance(p, str)):
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or not spec.origin or not self.owns(spec.origin):
            return None
        spec.loader = Py2Loader(fullname, spec.origin)
        return spec

    def note(self, path, decision):
        self.decisions[os.path.realpath(path)] = decision
        if self.reported and decision.python == 2 and decision.reasons \
                and os.path.realpath(path) not in self.reported:
            self.report([path])         # a module the first report could not foresee

    def describe(self, path):
        real = os.path.realpath(path)
        shown = os.path.relpath(real, self.root) if real.startswith(self.root) else path
        return '%s (%s)' % (shown, '; '.join(self.decisions[real].reasons))

    def report(self, paths):
        """One stderr line naming the files treated as Python 2 and why (nothing to say: no
        line)."""
        shown = []
        for path in paths:
            real = os.path.realpath(path)
            self.reported.add(real)
            decision = self.decisions.get(real)
            if decision is not None and decision.python == 2 and decision.reasons:
                shown.append(self.describe(path))
        if shown:
            sys.stderr.write('legacy_bn: Python 2 semantics for %s; --py3 for Python 3\n'
                             % ', '.join(shown))
            sys.stderr.flush()

    def prescan(self, path, data, limit=200):
        """Decide the script's statically visible imports of its own folder tree, so that the
        first report names them too. -> the paths decided, script first."""
        import re
        pattern = re.compile(r'^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+([\w, \t]+)'
                             r'|import[ \t]+([\w., \t]+))', re.M)
        executed = re.compile(r'\bexecfile\(\s*[\'"]([^\'"]+)[\'"]')
        seen, todo = [], [(path, data)]
        while todo and len(seen) < limit:
            current, content = todo.pop(0)
            real = os.path.realpath(current)
            if real in seen:
                continue
            seen.append(real)
            if real not in self.decisions:
                try:
                    self.note(real, py2_source.decide(real, content, self.force))
                except (SyntaxError, ImportError):
                    continue           # reported when the import really happens
            text = content.decode('latin-1')
            for name in executed.findall(text):        # execfile('settings.py')
                found = os.path.join(os.path.dirname(real), name)
                if os.path.isfile(found) and self.owns(found):
                    with open(found, 'rb') as f:
                        todo.append((found, f.read()))
            for match in pattern.finditer(text):
                for found in self._candidates(real, match):
                    if os.path.realpath(found) not in seen and self.owns(found):
                        try:
                            with open(found, 'rb') as f:
                                todo.append((found, f.read()))
                        except OSError:
                            pass
        return seen

    def _candidates(self, importer, match):
        folders = [self.root.rstrip(os.sep), os.path.dirname(importer)]
        if match.group(3):
            names = [n.split()[0] for n in match.group(3).split(',') if n.strip()]
        else:
            base = match.group(1)
            if base.startswith('.'):
                dots = len(base) - len(base.lstrip('.'))
                folder = os.path.dirname(importer)
                for _ in range(dots - 1):
                    folder = os.path.dirname(folder)
                folders, base = [folder], base.lstrip('.')
            subs = [n.split()[0] for n in match.group(2).split(',') if n.strip()]
            names = [base + '.' + s if base else s for s in subs] + ([base] if base else [])
        for folder in folders:
            for name in names:
                parts = name.split('.')
                for i in range(1, len(parts) + 1):
                    stem = os.path.join(folder, *parts[:i])
                    for found in (stem + '.py', os.path.join(stem, '__init__.py')):
                        if os.path.isfile(found):
                            yield found


def install(root, force=None):
    """Put the hook on sys.meta_path (before the PathFinder, after legacy_bn's aliases)."""
    global _hook
    if _hook is None:
        _hook = Py2Finder(root, force)
        index = next((i for i, f in enumerate(sys.meta_path)
                      if f is importlib.machinery.PathFinder), len(sys.meta_path))
        sys.meta_path.insert(index, _hook)
    return _hook


OWN_FILES = {__file__, py2_modules.__file__}


def hide_own_frames(tb):
    """A traceback without the runner's frames (its loader and __import__ between `import x`
    and x.py, and importlib's that they leave)."""
    first = previous = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename not in OWN_FILES and not filename.startswith('<frozen importlib'):
            if previous is None:
                first = tb
            else:
                previous.tb_next = tb
            previous = tb
        tb = tb.tb_next
    if previous is not None:
        previous.tb_next = None
    return first
