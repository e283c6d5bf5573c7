"""Write the adapters table of docs/porting.md from the registry (shims.ADAPTERS).

    python -m legacy_bn.runner.shims.docs [docs/porting.md]

The table is the block of `|` lines that follows the `<!-- adapters ... -->` marker (the
prose around it is written by hand); tests/test_shims_runner.py checks it is in sync.
"""
import re
import sys

from . import render_table


def update(text):
    marker = re.search(r'<!-- adapters[^>]*-->\n', text)
    if marker is None:
        raise ValueError('no <!-- adapters ... --> marker in the page')
    head, tail = text[:marker.end()], text[marker.end():]
    table = re.search(r'^\|.*\n(?:\|.*\n)*', tail, re.MULTILINE)
    if table is None:
        return head + '\n' + render_table() + tail
    return head + tail[:table.start()] + render_table() + tail[table.end():]


def main(path='docs/porting.md'):
    with open(path) as f:
        text = f.read()
    with open(path, 'w') as f:
        f.write(update(text))


if __name__ == '__main__':
    main(*sys.argv[1:])
