"""docs/compat.md's status table lists every Keras 4e1ec93 module and name once, and claims
nothing that legacy_bn does not have (scripts/compat_table.py --write regenerates it)."""
import importlib
import os
import re

from legacy_bn.aliases import target_name
from legacy_bn.keras2015 import MODULES

DOC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'docs',
                   'compat.md')


def table_rows():
    text = open(DOC).read()
    table = text[text.index('<!-- status-table -->'):text.index('<!-- /status-table -->')]
    rows = {}
    for line in table.splitlines()[3:]:
        module, state, here, missing = [c.strip() for c in line.strip('|').split('|')]
        rows[module.strip('`')] = (state, re.findall(r'`([^`]+)`', here),
                                   re.findall(r'`([^`]+)`', missing))
    return rows


def test_every_2015_module_and_name_is_listed_once():
    rows = table_rows()
    assert sorted(rows) == sorted(MODULES)
    for module, (state, here, missing) in rows.items():
        assert sorted(here + missing) == sorted(MODULES[module]), module
        assert state in ('yes', 'partly', 'not yet'), module


def test_the_table_claims_nothing_that_is_missing():
    for module, (state, here, missing) in table_rows().items():
        if state == 'not yet':
            assert not here, module
            continue
        legacy = importlib.import_module(target_name(module))
        for name in here:
            assert hasattr(legacy, name), '%s.%s' % (module, name)
        assert (state == 'yes') == (not missing), module
