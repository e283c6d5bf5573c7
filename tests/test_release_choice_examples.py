"""The release detection on the releases' own examples (from ../shared/reference/keras-*.tar.gz,
or $KERAS_REFERENCE_DIR): every 0.3.3 and 0.2.0 example is read as a 0.2+ script, every 4e1ec93
and 0.1.0 example as a 0.1 one -- except skipgram_word_embeddings.py, whose model code is the
same in 0.1 and 0.2 (WordContextProduct and Embedding only): no form tells, so the default."""
import os
import tarfile

import pytest

from legacy_bn.runner.release_choice import choose

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFERENCE = os.environ.get('KERAS_REFERENCE_DIR') or os.path.join(ROOT, '..', 'shared',
                                                                   'reference')
FAMILY = {'0.3.3': {'0.3.3', '0.2.0'}, '0.2.0': {'0.3.3', '0.2.0'}, '4e1ec93': {'4e1ec93'},
          '0.1.0': {'4e1ec93'}}
UNDECIDABLE = 'skipgram_word_embeddings.py'


@pytest.mark.parametrize('release', sorted(FAMILY))
def test_every_example_is_read_as_its_family(release, tmp_path):
    tarball = os.path.join(REFERENCE, 'keras-%s.tar.gz' % release)
    if not os.path.exists(tarball):
        pytest.skip('%s not found (set KERAS_REFERENCE_DIR to the reference tarballs)' % tarball)
    with tarfile.open(tarball) as tar:
        members = [m for m in tar.getmembers()
                   if '/examples/' in m.name and m.name.endswith('.py')]
        tar.extractall(tmp_path, members=members, filter='data')
    chosen = {}
    for member in members:
        choice = choose(str(tmp_path / member.name))
        chosen[os.path.basename(member.name)] = choice and choice.release
    assert len(chosen) >= 6
    assert chosen.pop(UNDECIDABLE, None) is None
    wrong = {name: got for name, got in chosen.items() if got not in FAMILY[release]}
    assert not wrong
