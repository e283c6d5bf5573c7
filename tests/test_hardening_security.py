"""Model files and dataset files never run code, never write outside the cache and never
exhaust the machine (issue 17, security): what each lookup may resolve to, malformed configs,
YAML alias bombs, get_file's target, archive members, declared array sizes, offline mode."""
import io
import os
import subprocess
import tarfile

import numpy as np
import pytest

from legacy_bn import activations, constraints, initializations, objectives, optimizers, regularizers
from legacy_bn.datasets import data_utils, mnist
from legacy_bn.layers.core import Dense
from legacy_bn.models import Sequential, model_from_json, model_from_yaml


@pytest.mark.parametrize('module, name', [
    (activations, '__builtins__'), (activations, 'T'), (objectives, 'theano'),
    (objectives, 'np'), (optimizers, 'T'), (initializations, 'get_fans'),
    (initializations, 'np'), (regularizers, 'get'), (constraints, 'theano'),
])
def test_a_name_resolves_only_to_what_that_lookup_may_return(module, name):
    with pytest.raises(ValueError) as e:
        module.get(name)
    assert 'Invalid' in str(e.value) and name in str(e.value) and 'valid: ' in str(e.value)


def test_the_2015_names_and_aliases_still_resolve():
    assert activations.get('relu') is activations.relu
    assert objectives.get('mse') is objectives.mean_squared_error
    assert initializations.get('glorot_uniform') is initializations.glorot_uniform
    assert isinstance(optimizers.get('sgd'), optimizers.SGD)
    assert isinstance(optimizers.get('RMSprop', {'lr': 0.01}), optimizers.RMSprop)
    assert isinstance(constraints.get('maxnorm'), constraints.MaxNorm)
    assert isinstance(regularizers.get('l2'), regularizers.WeightRegularizer)


def small_model():
    model = Sequential()
    model.add(Dense(3, 4, activation='tanh'))
    model.compile(loss='mse', optimizer='sgd')
    return model


@pytest.mark.parametrize('config, message', [
    ('[]', 'model config must be a mapping with a "name", got list'),
    ('{"layers": []}', 'model config has no "name"'),
    ('{"name": "Sequential", "layers": 7}', 'needs "layers", a list'),
    ('{"name": "Sequential", "layers": [{"input_dim": 2}]}', 'layer config has no "name"'),
    ('{"name": "Sequential", "layers": [{"name": "MRG_RandomStreams"}]}',
     "unknown layer 'MRG_RandomStreams'"),
    ('{"name": "Sequential", "layers": [{"name": "Variable"}]}', "unknown layer 'Variable'"),
    ('{"name": "Sequential", "layers": [{"name": "Dense", "input_dim": 2, "output_dim": 3, '
     '"activation": "__builtins__"}]}', 'Invalid activation function: __builtins__'),
    ('{"name": "Sequential", "layers": [{"name": "Dense", "input_dim": 2, "output_dim": 3, '
     '"W_regularizer": {"l2": 0.1}}]}', "'W_regularizer' of layer Dense config has no \"name\""),
    ('{"name": "Sequential", "layers": [{"name": "Dense", "input_dim": 2, "output_dim": 3, '
     '"W_constraint": {"name": "SGD"}}]}', 'which is no constraint or regularizer'),
    ('{"name": "Sequential", "layers": [], "optimizer": {"lr": 0.1}, "loss": "mse"}',
     'optimizer config has no "name"'),
    ('{"name": "Sequential", "layers": [{"name": "Dense", "input_dim": 2, "output_dim": 3}], '
     '"optimizer": {"name": "np"}, "loss": "mse"}', 'Invalid optimizer: np'),
])
def test_a_malformed_or_hostile_config_is_a_value_error_naming_the_problem(config, message):
    with pytest.raises(ValueError) as e:
        model_from_json(config)
    assert message in str(e.value)


def test_a_yaml_alias_bomb_is_refused_quickly_and_a_real_config_still_loads():
    pytest.importorskip('yaml')
    doc = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    previous = 'a'
    for name in 'bcdefghi':
        doc += '%s: &%s [%s]\n' % (name, name, ', '.join(['*' + previous] * 9))
        previous = name
    doc += 'name: Sequential\nlayers: [*i]\n'
    assert len(doc) < 700          # 9**9 strings once expanded
    with pytest.raises(ValueError, match='expands to more than 200000 nodes'):
        model_from_yaml(doc)
    model = small_model()
    again = model_from_yaml(model.to_yaml())
    assert [type(layer).__name__ for layer in again.layers] == ['Dense']


@pytest.fixture
def cache(tmp_path, monkeypatch):
    directory = tmp_path / 'cache'
    directory.mkdir()
    monkeypatch.setenv(data_utils.DATA_DIR_ENV, str(directory))
    monkeypatch.setenv(data_utils.OFFLINE_ENV, '1')
    return directory


@pytest.mark.parametrize('fname', ['../escape.bin', 'sub/../../escape.bin', '/tmp/x/escape.bin'])
def test_get_file_never_downloads_outside_the_cache(cache, fname, monkeypatch):
    monkeypatch.setattr(data_utils, 'download', lambda *a: pytest.fail('download attempted'))
    with pytest.raises(ValueError, match='outside the dataset cache'):
        data_utils.get_file(fname, 'https://example.invalid/escape.bin')
    assert not (cache.parent / 'escape.bin').exists()


def test_get_file_still_reads_an_existing_file_given_by_path(cache, tmp_path):
    mine = tmp_path / 'my_imdb.pkl'
    mine.write_bytes(b'x')
    assert data_utils.get_file(str(mine), 'https://example.invalid/imdb.pkl') == str(mine)


def add_file(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def test_an_archive_extracts_only_the_directory_the_loader_wants(cache):
    with tarfile.open(str(cache / 'wanted.tar.gz'), 'w:gz') as tar:
        add_file(tar, 'wanted/data_batch_1', b'123')
        add_file(tar, 'imdb.pkl', b'planted')
        add_file(tar, 'other/x', b'planted')
    path = data_utils.get_file('wanted', 'https://example.invalid/wanted.tar.gz', untar=True)
    assert sorted(os.listdir(str(cache))) == ['wanted', 'wanted.tar.gz']
    assert open(os.path.join(path, 'data_batch_1'), 'rb').read() == b'123'


def test_an_archive_without_the_wanted_directory_names_what_it_holds(cache):
    with tarfile.open(str(cache / 'wanted.tar.gz'), 'w:gz') as tar:
        add_file(tar, 'something/else', b'1')
    with pytest.raises(ValueError, match='does not contain wanted/ .it holds something'):
        data_utils.get_file('wanted', 'https://example.invalid/wanted.tar.gz', untar=True)
    assert sorted(os.listdir(str(cache))) == ['wanted.tar.gz']


def test_extraction_racing_another_process_that_finished_first_is_not_an_error(cache, monkeypatch):
    with tarfile.open(str(cache / 'wanted.tar.gz'), 'w:gz') as tar:
        add_file(tar, 'wanted/a', b'1')
    real_replace = os.replace

    def other_process_wins(src, dst):
        os.makedirs(os.path.join(dst, 'a'))          # the winner's non-empty directory
        return real_replace(src, dst)                 # -> OSError: Directory not empty
    monkeypatch.setattr(data_utils.os, 'replace', other_process_wins)
    data_utils.extract(str(cache / 'wanted.tar.gz'), str(cache / 'wanted'))
    assert os.path.isdir(str(cache / 'wanted' / 'a'))


def test_a_weights_file_declaring_a_huge_array_is_refused_before_allocating(tmp_path):
    h5py = pytest.importorskip('h5py')
    model = small_model()
    path = str(tmp_path / 'w.h5')
    model.save_weights(path)
    before = [w.copy() for w in model.get_weights()]
    with h5py.File(path, 'a') as f:
        del f['layer_0/param_0']
        f['layer_0'].create_dataset('param_0', shape=(10 ** 12,), dtype='float64')
    with pytest.raises(ValueError, match=r'layer_0/param_0 declares shape \(1000000000000,\)'):
        model.load_weights(path)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_a_dataset_pickle_declaring_more_data_than_it_holds_is_refused(tmp_path):
    reduce_fn, args, state = np.zeros(4).__reduce__()
    version, _, dtype, fortran, raw = state

    class Huge(object):
        def __reduce__(self):
            return reduce_fn, args, (version, (10 ** 13,), dtype, fortran, raw)
    import pickle
    path = tmp_path / 'huge.pkl'
    path.write_bytes(pickle.dumps(Huge(), protocol=2))
    with pytest.raises(ValueError, match='cannot be read as a dataset pickle'):
        data_utils.read_pickle(str(path))


def test_offline_mnist_makes_no_network_attempt(cache, monkeypatch):
    def no_subprocess(*args, **kwargs):
        pytest.fail('a subprocess was started offline: %r' % (args,))
    monkeypatch.setattr(subprocess, 'run', no_subprocess)
    with pytest.raises(mnist.MNISTDownloadError, match='downloads are off: LEGACY_BN_OFFLINE'):
        mnist.load_data()
