"""Which Keras release a script was written for, read from its source (no code is run).

`python -m legacy_bn script.py` without --keras (and without $LEGACY_BN_KERAS) reads the script
and the .py modules of its own folder that it imports, and looks for constructor forms that
only one family of releases accepts:

* 0.1 (Keras 0.1.x and 4e1ec93): every layer took its input size first -- `Dense(784, 512)`,
  `LSTM(128, 64)`, `Convolution2D(32, 1, 3, 3)`, `BatchNormalization((512,))`, `PReLU((512,))`,
  `Reshape(1, 28, 28)`, `MaxPooling2D(poolsize=...)`, `Graph.add_input(name, ndim=2)`;
* 0.2+ (Keras 0.2.0 and 0.3.x): sizes are inferred -- `Dense(512)`, `Dense(512,
  input_dim=784)`, `Convolution2D(32, 3, 3)`, `BatchNormalization()`, `Reshape((1, 28, 28))`,
  `input_shape=` / `batch_input_shape=` / `input_length=` on a layer, `pool_size=`,
  `add_input(name, input_shape=...)`, `keras.backend`.

Forms both families accept (`Embedding(max_features, 128)`, `Dropout(0.5)`, `nb_epoch=`, a
layer with every size given by keyword) decide nothing. Among 0.2+ scripts, 0.3.3 is chosen
(0.2.0 scripts build the same models with 0.3's constructors) unless the script uses a name that
0.2.0 has and 0.3.3 removed (`JZS1`, `WordContextProduct`, `LRN2D`, `keras.utils.theano_utils`,
...), or a form 0.3.3 refuses (`truncate_gradient=`, `border_mode='full'`), and no name that
only 0.3.3 has: then 0.2.0. A script with forms of both families is refused
with one line of each; a script with no Keras forms at all runs on the default surface,
silently.

The source is parsed with `ast`; a Python 2 file that does not parse is read token by token
(Python 2 statements tokenize like Python 3 ones), which finds the same calls.
"""
import ast
import collections
import io
import os
import re
import sys
import tokenize
import warnings

from ..aliases import ENVIRONMENT_VARIABLE, release_of
from ..keras2015 import MODULES as MODULES_4E1EC93, MODULES_0_2_0, MODULES_0_3_3

OLD, NEW = '0.1', '0.2+'
FAMILY_LABEL = {OLD: 'Keras 0.1', NEW: 'Keras 0.2/0.3'}

# One call in the source: callee's last name, the kinds of its positional arguments ('str',
# 'tuple', 'num', 'other'), its keyword names, whether it has *args/**kwargs, where and what.
Call = collections.namedtuple('Call', 'name positional keywords starred line text values')
Call.__new__.__defaults__ = ({},)      # values: {keyword: its string constant}
# One form that tells the family: which family, the file, the line and the code
Form = collections.namedtuple('Form', 'family path line text')


def _layer_names():
    names = set()
    for table in (MODULES_4E1EC93, MODULES_0_2_0, MODULES_0_3_3):
        for module, defined in table.items():
            if module.startswith('keras.layers'):
                names.update(n for n in defined if n[:1].isupper())
    return names


LAYERS = _layer_names()
SIZED_FIRST = {'Dense', 'TimeDistributedDense', 'MaxoutDense', 'SimpleRNN', 'GRU', 'LSTM',
               'JZS1', 'JZS2', 'JZS3', 'SimpleDeepRNN'}    # 0.1: (input_dim, output_dim, ...)
SHAPE_FIRST = {'BatchNormalization', 'PReLU', 'ParametricSoftplus'}  # 0.1: (input_shape, ...)
VOCABULARY_FIRST = {'Embedding', 'WordContextProduct'}  # input_dim first in every release
CONVOLUTION_SIZES = {'Convolution2D': 4, 'Convolution1D': 3}   # 0.1's positional sizes
INPUT_DIM_IN_0_1 = SIZED_FIRST | VOCABULARY_FIRST | {'Convolution1D'}  # 0.1's own input_dim=


def _names_only_in(table, other):
    """{module: names} that `table` has and `other` lacks; '' stands for a whole module."""
    only = {}
    for module, names in table.items():
        if module not in other:
            only[module] = {''} | set(names)
        elif set(names) - set(other[module]):
            only[module] = set(names) - set(other[module])
    return only


ONLY_0_2 = _names_only_in(MODULES_0_2_0, MODULES_0_3_3)
ONLY_0_3 = _names_only_in(MODULES_0_3_3, MODULES_0_2_0)
# layer classes 0.2.0 had and 0.3.3 dropped (JZS1, WordContextProduct, LRN2D, UpSample2D ...)
CLASSES_ONLY_0_2 = {n for names in ONLY_0_2.values() for n in names if n[:1].isupper()} - {
    n for names in MODULES_0_3_3.values() for n in names}


def form_only_0_2(call):
    """What in this call only 0.2 (and 0.1) accepted, or None: a class 0.3 dropped (named or
    called), `truncate_gradient=` on a recurrent layer, `border_mode='full'`."""
    if call.name in CLASSES_ONLY_0_2:
        return call.name
    if call.name in LAYERS and 'truncate_gradient' in call.keywords:
        return 'truncate_gradient='
    if call.name in LAYERS and call.values.get('border_mode') == 'full':
        return "border_mode='full'"
    return None


def family_of(call):
    """OLD, NEW or None (the call is valid in both, or not a Keras call)."""
    name, pos, kw = call.name, call.positional, set(call.keywords)
    if call.starred:
        return None
    if 'poolsize' in kw:
        return OLD
    if 'pool_size' in kw:
        return NEW
    if name == 'add_input':
        if 'ndim' in kw or pos[1:2] == ['num']:
            return OLD
        if kw & {'input_shape', 'batch_input_shape'} or pos[1:2] == ['tuple']:
            return NEW
        return None
    if name not in LAYERS:
        return None
    if name in SIZED_FIRST:
        if len(pos) >= 2 and pos[1] != 'str' or (len(pos) == 1 and 'output_dim' in kw):
            return OLD
        if len(pos) == 1 or (not pos and 'output_dim' in kw and 'input_dim' not in kw):
            return NEW
    if name in SHAPE_FIRST:
        if pos and pos[0] in ('tuple', 'other'):
            return OLD
        if not pos and 'input_shape' not in kw:
            return NEW
        return None
    if name in CONVOLUTION_SIZES:
        if len(pos) == CONVOLUTION_SIZES[name]:
            return OLD
        if len(pos) == CONVOLUTION_SIZES[name] - 1:
            return NEW
    if name == 'Reshape':
        if len(pos) >= 2:
            return OLD
        if pos == ['tuple']:
            return NEW
    if kw & {'input_shape', 'batch_input_shape', 'input_length'}:
        return NEW
    if 'input_dim' in kw and name not in INPUT_DIM_IN_0_1:
        return NEW
    return None


# --- reading the source: ast, or tokens for Python 2 files ----------------------------------

def _kind_of_node(node):
    if isinstance(node, ast.Constant):
        return 'str' if isinstance(node.value, str) else 'num' if isinstance(
            node.value, (int, float)) else 'other'
    if isinstance(node, (ast.Tuple, ast.List)):
        return 'tuple'
    if isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant):
        return 'num'
    return 'other'


def _short(text):
    text = ' '.join(text.split())
    return text if len(text) <= 70 else text[:67] + '...'


def read_ast(source):
    """(calls, imports) of Python 3 source; imports are (module, name or '') pairs."""
    with warnings.catch_warnings():     # 2015's '\W' in plain strings: the script's business
        warnings.simplefilter('ignore', (SyntaxWarning, DeprecationWarning))
        tree = ast.parse(source)
    calls, imports = [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, 'attr', None)
            if name is None:
                continue
            starred = any(isinstance(a, ast.Starred) for a in node.args) or any(
                k.arg is None for k in node.keywords)
            text = ast.get_source_segment(source, node) or name + '(...)'
            values = {k.arg: k.value.value for k in node.keywords
                      if k.arg and isinstance(k.value, ast.Constant)
                      and isinstance(k.value.value, str)}
            calls.append(Call(name, [_kind_of_node(a) for a in node.args],
                              [k.arg for k in node.keywords if k.arg], starred, node.lineno,
                              _short(text), values))
        elif getattr(node, 'attr', getattr(node, 'id', None)) in CLASSES_ONLY_0_2:
            mention = node.attr if isinstance(node, ast.Attribute) else node.id
            calls.append(Call(mention, [], [], True, node.lineno, mention))
        elif isinstance(node, ast.Import):
            imports += [(alias.name, '', node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            imports += [(node.module or '', alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id == 'keras':
            imports.append(('keras.' + node.attr, '', node.lineno))
    return calls, imports


_IMPORT_FROM = re.compile(r'^\s*from\s+([\w.]+)\s+import\s+\(?([\w\s,]+)')
_IMPORT = re.compile(r'^\s*import\s+([\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*)')


def read_tokens(source):
    """(calls, imports) of source that ast cannot parse (Python 2), from its tokens.

    Each line is tokenized without its indentation, so Python 2's tabs and spaces never stop
    the scan; imports are read line by line."""
    lines = source.splitlines()
    flat = '\n'.join(line.lstrip() for line in lines) + '\n'
    tokens = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(flat).readline):
            if tok.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE):
                tokens.append(tok)
    except (tokenize.TokenError, SyntaxError):
        pass                        # what was read so far is still worth scanning
    flat_lines = flat.splitlines()
    calls = [call for call in (_call_at(tokens, i, flat_lines) for i in range(len(tokens) - 1))
             if call is not None]
    calls += [Call(tok.string, [], [], True, tok.start[0], tok.string) for tok in tokens
              if tok.type == tokenize.NAME and tok.string in CLASSES_ONLY_0_2]
    imports = []
    for number, line in enumerate(lines, 1):
        match = _IMPORT_FROM.match(line)
        if match:
            imports += [(match.group(1), n.strip(), number)
                        for n in match.group(2).split(',') if n.strip()]
            continue
        match = _IMPORT.match(line)
        if match:
            imports += [(n.split()[0], '', number) for n in match.group(1).split(',')]
    return calls, imports


def _call_at(tokens, i, lines):
    """The Call whose callee name is tokens[i], or None (lines: the tokenized text's)."""
    name, paren = tokens[i], tokens[i + 1]
    if name.type != tokenize.NAME or paren.string != '(' or (
            i and tokens[i - 1].string in ('def', 'class')) or name.string in (
            'print', 'if', 'while', 'return', 'and', 'or', 'not', 'in', 'for', 'exec'):
        return None
    depth, args, current = 0, [], []
    for close in tokens[i + 1:]:
        tok = close
        if tok.string in '([{' and tok.type == tokenize.OP:
            depth += 1
            if depth == 1:
                continue
        elif tok.string in ')]}' and tok.type == tokenize.OP:
            depth -= 1
            if depth == 0:
                break
        if depth == 1 and tok.string == ',':
            args.append(current)
            current = []
        else:
            current.append(tok)
    else:
        return None
    if current:
        args.append(current)
    positional, keywords, starred, values = [], [], False, {}
    for arg in args:
        if arg[0].string in ('*', '**'):
            starred = True
        elif len(arg) > 1 and arg[0].type == tokenize.NAME and arg[1].string == '=':
            keywords.append(arg[0].string)
            if len(arg) == 3 and arg[2].type == tokenize.STRING:
                values[arg[0].string] = arg[2].string.strip('\'"')
        elif arg[0].type == tokenize.STRING:
            positional.append('str')
        elif arg[0].string in ('(', '['):
            positional.append('tuple')
        elif arg[0].type == tokenize.NUMBER or (arg[0].string == '-' and len(arg) == 2):
            positional.append('num' if len(arg) <= 2 else 'other')
        else:
            positional.append('other')
    row, column = name.start
    text = lines[row - 1][column:close.end[1] if close.end[0] == row else None]
    return Call(name.string, positional, keywords, starred, row,
                _short(text if close.end[0] == row else text + ' ...'), values)


def read(path):
    with open(path, 'rb') as f:
        source = f.read().decode('utf-8', 'replace')
    try:
        return read_ast(source)
    except SyntaxError:
        return read_tokens(source)


# --- deciding -------------------------------------------------------------------------------

class MixedForms(Exception):
    """The script uses constructor forms of both families."""


class Choice(collections.namedtuple('Choice', 'release form note')):
    """release ('4e1ec93', '0.2.0' or '0.3.3'), the Form that decided it, a note or ''."""

    def message(self, script):
        label = {'4e1ec93': 'Keras 0.1 surface (4e1ec93)', '0.2.0': 'Keras 0.2 surface',
                 '0.3.3': 'Keras 0.3 surface'}[self.release]
        where = '%s:%d %s' % (_show(self.form.path, script), self.form.line, self.form.text)
        return 'legacy_bn: %s (%s%s); --keras to choose' % (label, where, self.note)


def _show(path, script):
    folder = os.path.dirname(os.path.abspath(script))
    return os.path.relpath(path, folder) if path.startswith(folder + os.sep) else path


def _local_modules(path, imports):
    """The .py files of the script's folder that these imports load."""
    folder = os.path.dirname(os.path.abspath(path))
    found = []
    for module, name, _ in imports:
        for dotted in (module, module + '.' + name if name else None):
            if not dotted:
                continue
            candidate = os.path.join(folder, *dotted.split('.')) + '.py'
            if os.path.isfile(candidate) and candidate not in found:
                found.append(candidate)
    return found


def collect(script):
    """(forms, names) of the script and of its folder's modules it imports (transitively):
    every Form that tells a family, and the (module, name, path, line) Keras imports, with
    ('', form, path, line) for each form only 0.2 (and 0.1) accepted."""
    todo, seen, forms, names = [os.path.abspath(script)], set(), [], []
    while todo:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        try:
            calls, imports = read(path)
        except OSError:
            continue
        for call in sorted(calls, key=lambda c: c.line):
            family = family_of(call)
            if family is not None:
                forms.append(Form(family, path, call.line, call.text))
            older = form_only_0_2(call)
            if older:
                names.append(('', older, path, call.line))
        for module, name, line in imports:
            if module == 'keras' or module.startswith('keras.'):
                names.append((module, name, path, line))
                if module.startswith('keras.backend') or (module == 'keras' and name == 'backend'):
                    forms.append(Form(NEW, path, line, 'keras.backend'))
        todo += _local_modules(path, imports)
    return forms, names


def _release_only_name(names, only):
    """The first (module, name, path, line) import that only one release has (`only`)."""
    for module, name, path, line in names:
        full = module + '.' + name if name else module
        if module in only and (name in only[module] or '' in only[module]) or (
                '' in only.get(full, ())):
            return module, name, path, line
    return None


def choose(script):
    """The Choice for a script, None when it has no Keras form at all; MixedForms when it has
    forms of both families."""
    forms, names = collect(script)
    by_family = {}
    for form in forms:
        by_family.setdefault(form.family, form)
    if len(by_family) == 2:
        old, new = by_family[OLD], by_family[NEW]
        raise MixedForms(
            '%s mixes Keras 0.1 forms (%s:%d %s) and Keras 0.2/0.3 forms (%s:%d %s); choose '
            'the release with --keras 0.1, --keras 0.2 or --keras 0.3 (or $%s)'
            % (_show(script, script), _show(old.path, script), old.line, old.text,
               _show(new.path, script), new.line, new.text, ENVIRONMENT_VARIABLE))
    if not by_family:
        return None
    if OLD in by_family:
        return Choice('4e1ec93', by_family[OLD], '')
    forms_0_2 = [entry for entry in names if not entry[0]]     # ('', form, path, line)
    only_0_2 = _release_only_name(names, ONLY_0_2) or (forms_0_2 and forms_0_2[0])
    if only_0_2 and not _release_only_name(names, ONLY_0_3):
        module, name, path, line = only_0_2
        what = '.'.join(part for part in (module, name) if part)
        return Choice('0.2.0', by_family[NEW], '; %s:%d %s is 0.2-only'
                      % (_show(path, script), line, what))
    return Choice('0.3.3', by_family[NEW], '')


def release_for(kind, target, stderr=None):
    """The release the runner installs: $LEGACY_BN_KERAS (set by --keras too) when given, else
    what the script's source says (one line to stderr), else None (the default surface).
    A script mixing both families exits with the error (status 2)."""
    stderr = stderr or sys.stderr
    chosen = os.environ.get(ENVIRONMENT_VARIABLE)
    if chosen:
        try:
            return release_of(chosen)
        except ValueError as error:
            stderr.write('legacy_bn: $%s: %s\n' % (ENVIRONMENT_VARIABLE, error))
            sys.exit(2)
    if kind != 'script' or not os.path.isfile(target):
        return None
    try:
        choice = choose(target)
    except MixedForms as error:
        stderr.write('legacy_bn: %s\n' % error)
        sys.exit(2)
    if choice is None:
        return None
    stderr.write(choice.message(target) + '\n')
    return choice.release


def keras_option(options, value):
    """The runner's `--keras R`: checks R and exports it as $LEGACY_BN_KERAS, so that the
    runner and its child processes (a script's own `python -m legacy_bn ...`) choose the same.
    A bad release exits 2 with the valid ones. (The signature of a runner option handler:
    `options` is not used, the choice travels in the environment.)"""
    try:
        release_of(value)
    except ValueError as error:
        sys.stderr.write('legacy_bn: --keras: %s\n' % error)
        sys.exit(2)
    os.environ[ENVIRONMENT_VARIABLE] = value


def set_release_option(argv, i, fail):
    """`--keras R` / `--keras=R` at argv[i] -> keras_option(R); the index of its last word."""
    if argv[i] == '--keras':
        if i + 1 == len(argv):
            fail('--keras needs a release, e.g. --keras 0.3')
        i += 1
    keras_option(None, argv[i].split('=', 1)[1] if argv[i].startswith('--keras=') else argv[i])
    return i
