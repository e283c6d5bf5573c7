"""The status tables of docs/compat.md: every module of Keras 4e1ec93, 0.3.3 and 0.2.0 and the
classes and functions it defines, with what legacy_bn has of them today.

    python scripts/compat_table.py                    # print 4e1ec93's table
    python scripts/compat_table.py --release 0.3.3    # print 0.3.3's
    python scripts/compat_table.py --write            # replace every table in docs/compat.md

The names come from legacy_bn/keras2015.py (each release's surface); a name is "here" when
`from keras.<module> import <name>` works under the runner with that release chosen, that
is, when the release's package (legacy_bn, legacy_bn.keras03, legacy_bn.keras02) has it.
What legacy_bn will never provide (keras2015.NOT_PROVIDED: pydot, TensorFlow) is listed as
"not provided" with the reason. tests/test_compat_table*.py check that each table in
docs/compat.md lists every module and name once and claims nothing that is missing.
"""
import argparse
import importlib
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from legacy_bn.aliases import DEFAULT_RELEASE, RELEASES  # noqa: E402
from legacy_bn.keras2015 import NOT_PROVIDED  # noqa: E402

DOC = os.path.join(ROOT, 'docs', 'compat.md')


def markers(release=DEFAULT_RELEASE):
    """The comments around a release's table in docs/compat.md."""
    if release == DEFAULT_RELEASE:
        return '<!-- status-table -->', '<!-- /status-table -->'
    return '<!-- status-table %s -->' % release, '<!-- /status-table %s -->' % release


def header(release=DEFAULT_RELEASE):
    return ('| %s module | status | here | not here yet |\n'
            '| --- | --- | --- | --- |\n' % release)


def legacy_name(module_name, release=DEFAULT_RELEASE):
    """keras.x -> the module standing in for it under `release` (legacy_bn.keras03.x ...)."""
    return RELEASES[release][0] + module_name[len('keras'):]


def status(module_name, release=DEFAULT_RELEASE):
    """(module imports?, names here, names missing) for one module of a release."""
    names = RELEASES[release][1][module_name]
    if module_name in NOT_PROVIDED:
        return False, [], list(names)
    try:
        module = importlib.import_module(legacy_name(module_name, release))
    except ImportError:
        return False, [], list(names)
    here = [n for n in names if has(module, n)]
    return True, here, [n for n in names if n not in here]


def has(module, name):
    try:
        getattr(module, name)
    except Exception:       # AttributeError, or an optional dependency that is missing
        return False
    return True


def row(module_name, release=DEFAULT_RELEASE):
    imports, here, missing = status(module_name, release)
    if module_name in NOT_PROVIDED:
        state = 'not provided: ' + NOT_PROVIDED[module_name]
    elif not imports or (missing and not here):
        state = 'not yet'
    elif missing:
        state = 'partly'
    else:
        state = 'yes'
    code = lambda names: ', '.join(  # noqa: E731
        '`%s`' % n + (' (not provided)' if '%s.%s' % (module_name, n) in NOT_PROVIDED else '')
        for n in names) or '-'
    return '| `%s` | %s | %s | %s |\n' % (module_name, state, code(here), code(missing))


def table(release=DEFAULT_RELEASE):
    return header(release) + ''.join(row(m, release) for m in sorted(RELEASES[release][1]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--release', default=DEFAULT_RELEASE, choices=sorted(RELEASES))
    parser.add_argument('--write', action='store_true', help='update docs/compat.md in place')
    args = parser.parse_args()
    if not args.write:
        sys.stdout.write(table(args.release))
        return
    with open(DOC) as f:
        doc = f.read()
    for release in RELEASES:
        begin, end_marker = markers(release)
        if begin not in doc:
            continue
        start, end = doc.index(begin) + len(begin), doc.index(end_marker)
        doc = doc[:start] + '\n' + table(release) + doc[end:]
    with open(DOC, 'w') as f:
        f.write(doc)


if __name__ == '__main__':
    main()
