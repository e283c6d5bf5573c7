"""docs/compat.md's status tables of Keras 0.3.3 and 0.2.0 list every module and name of the
release once and claim nothing that legacy_bn's surface of it does not have
(scripts/compat_table.py --write regenerates them)."""
import importlib
import os
import re

import pytest

from legacy_bn.aliases import RELEASES
from legacy_bn.keras2015 import NOT_PROVIDED

DOC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'docs',
                   'compat.md')


def table_rows(release):
    text = open(DOC).read()
    table = text[text.index('<!-- status-table %s -->' % release):
                 text.index('<!-- /status-table %s -->' % release)]
    rows = {}
    for line in table.splitlines()[3:]:
        module, state, here, missing = [c.strip() for c in line.strip('|').split('|')]
        assert module.strip('`') not in rows, module
        rows[module.strip('`')] = (state, re.findall(r'`([^`]+)`', here),
                                   re.findall(r'`([^`]+)`', missing))
    return rows


@pytest.mark.parametrize('release', ['0.3.3', '0.2.0'])
def test_every_module_and_name_of_the_release_is_listed_once(release):
    surface = RELEASES[release][1]
    rows = table_rows(release)
    assert sorted(rows) == sorted(surface)
    for module, (state, here, missing) in rows.items():
        assert sorted(here + missing) == sorted(surface[module]), module
        if module in NOT_PROVIDED:
            assert state == 'not provided: ' + NOT_PROVIDED[module] and not here, module
        else:
            assert state in ('yes', 'partly', 'not yet'), module


@pytest.mark.parametrize('release', ['0.3.3', '0.2.0'])
def test_the_table_claims_nothing_that_is_missing(release):
    package = RELEASES[release][0]
    for module, (state, here, missing) in table_rows(release).items():
        if state != 'yes' and state != 'partly':
            assert not here, module
            continue
        legacy = importlib.import_module(package + module[len('keras'):])
        for name in here:
            assert hasattr(legacy, name), '%s.%s' % (module, name)
        assert (state == 'yes') == (not missing), module
