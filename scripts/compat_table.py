"""The status table of docs/compat.md: every module of Keras 4e1ec93 and the classes and
functions it defines, with what legacy_bn has of them today.

    python scripts/compat_table.py            # print the table
    python scripts/compat_table.py --write    # replace the table in docs/compat.md

The names come from legacy_bn/keras2015.py (the 2015 surface); a name is "here" when
`from keras.<module> import <name>` works under the runner, that is, when
legacy_bn.<module> has it. tests/test_compat_table.py checks that the table in
docs/compat.md lists every 2015 module and name once and claims nothing that is missing.
"""
import argparse
import importlib
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from legacy_bn.aliases import target_name  # noqa: E402
from legacy_bn.keras2015 import MODULES  # noqa: E402

DOC = os.path.join(ROOT, 'docs', 'compat.md')
BEGIN, END = '<!-- status-table -->', '<!-- /status-table -->'
HEADER = ('| 4e1ec93 module | status | here | not here yet |\n'
          '| --- | --- | --- | --- |\n')


def status(module_name):
    """(module imports?, names here, names missing) for one 2015 module."""
    try:
        module = importlib.import_module(target_name(module_name))
    except ImportError:
        return False, [], list(MODULES[module_name])
    here = [n for n in MODULES[module_name] if has(module, n)]
    return True, here, [n for n in MODULES[module_name] if n not in here]


def has(module, name):
    try:
        getattr(module, name)
    except Exception:       # AttributeError, or an optional dependency that is missing
        return False
    return True


def row(module_name):
    imports, here, missing = status(module_name)
    if not imports:
        state = 'not yet'
    elif missing:
        state = 'partly'
    else:
        state = 'yes'
    code = lambda names: ', '.join('`%s`' % n for n in names) or '-'  # noqa: E731
    return '| `%s` | %s | %s | %s |\n' % (module_name, state, code(here), code(missing))


def table():
    return HEADER + ''.join(row(m) for m in sorted(MODULES))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--write', action='store_true', help='update docs/compat.md in place')
    args = parser.parse_args()
    text = table()
    if not args.write:
        sys.stdout.write(text)
        return
    with open(DOC) as f:
        doc = f.read()
    start, end = doc.index(BEGIN) + len(BEGIN), doc.index(END)
    with open(DOC, 'w') as f:
        f.write(doc[:start] + '\n' + text + doc[end:])


if __name__ == '__main__':
    main()
