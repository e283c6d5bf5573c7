"""save_weights / load_weights (SPEC §3, docs/compat.md): the 2015 HDF5 layout, atomic
writes, no silent overwrite without a terminal, all-or-nothing loads, and a clear message
when h5py is missing."""
import builtins
import io
import os
import sys

import numpy as np
import pytest

h5py = pytest.importorskip('h5py')

from legacy_bn.layers.core import Activation, Dense  # noqa: E402
from legacy_bn.layers.normalization import BatchNormalization  # noqa: E402
from legacy_bn.models import Sequential  # noqa: E402
from legacy_bn.optimizers import SGD  # noqa: E402


def bn_model(seed, hidden=3):
    np.random.seed(seed)
    model = Sequential()
    model.add(Dense(4, hidden))
    model.add(BatchNormalization((hidden,)))
    model.add(Activation('relu'))
    model.add(Dense(hidden, 2))
    model.add(Activation('softmax'))
    model.compile(SGD(lr=0.1), 'categorical_crossentropy')
    return model


def trained_model(seed=1):
    """A model whose running statistics are no longer 0 / 1."""
    model = bn_model(seed)
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(6, 4)), np.eye(2)[rng.randint(0, 2, size=6)]
    model.fit(X, y, batch_size=3, nb_epoch=2, verbose=0)
    return model


def assert_weights_equal(got, expected):
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g, e)


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture
def no_terminal(monkeypatch):
    monkeypatch.setattr(sys, 'stdin', io.StringIO())


# -- round trip and layout ----------------------------------------------------------------------
def test_round_trip_restores_every_weight_including_running_statistics(tmp_path):
    path = str(tmp_path / 'w.h5')
    source = trained_model()
    source.save_weights(path)
    target = bn_model(2)
    target.load_weights(path)
    assert_weights_equal(target.get_weights(), source.get_weights())
    X = np.random.RandomState(3).normal(size=(5, 4))
    np.testing.assert_array_equal(target.predict(X, verbose=0), source.predict(X, verbose=0))


def test_file_has_the_2015_layout(tmp_path):
    path = str(tmp_path / 'w.h5')
    model = trained_model()
    model.save_weights(path)
    with h5py.File(path, 'r') as f:
        assert int(f.attrs['nb_layers']) == 5
        assert sorted(f.keys()) == ['layer_%d' % k for k in range(5)]
        for k, layer in enumerate(model.layers):
            g = f['layer_%d' % k]
            weights = layer.get_weights()
            assert int(g.attrs['nb_params']) == len(weights) == [2, 4, 0, 2, 0][k]
            assert sorted(g.keys()) == ['param_%d' % n for n in range(len(weights))]
            for n, w in enumerate(weights):
                np.testing.assert_array_equal(g['param_%d' % n][()], w)
        # BatchNormalization: gamma, beta, running_mean, running_std
        np.testing.assert_array_equal(f['layer_1/param_2'][()], model.layers[1].running_mean.get_value())
        np.testing.assert_array_equal(f['layer_1/param_3'][()], model.layers[1].running_std.get_value())


def test_a_file_written_by_hand_in_the_2015_layout_loads(tmp_path):
    # what 2015 Keras wrote, produced with h5py alone
    path = str(tmp_path / 'w.h5')
    model = bn_model(1)
    arrays = [[np.full((4, 3), 0.5), np.arange(3.)],
              [np.full(3, 2.), np.full(3, -1.), np.arange(3.) + 1, np.full(3, 3.)],
              [],
              [np.ones((3, 2)), np.array([0.25, -0.25])],
              []]
    with h5py.File(path, 'w') as f:
        f.attrs['nb_layers'] = len(arrays)
        for k, ws in enumerate(arrays):
            g = f.create_group('layer_{}'.format(k))
            g.attrs['nb_params'] = len(ws)
            for n, w in enumerate(ws):
                g.create_dataset('param_{}'.format(n), data=w)
    model.load_weights(path)
    assert_weights_equal(model.get_weights(), [w for ws in arrays for w in ws])


def test_saved_file_gets_the_usual_permissions(tmp_path):
    # a weights file is an ordinary output file: mode 0666 minus the umask, as
    # h5py.File(path, 'w') gave in 2015 (a private temporary file must not leak its mode)
    reference = tmp_path / 'reference'
    reference.write_bytes(b'')
    path = tmp_path / 'w.h5'
    bn_model(1).save_weights(str(path))
    assert oct(os.stat(path).st_mode & 0o777) == oct(os.stat(reference).st_mode & 0o777)


# -- atomic write --------------------------------------------------------------------------------
def fail_on_second_dataset(monkeypatch, error=OSError('disk full')):
    original = h5py.Group.create_dataset
    calls = []

    def create_dataset(self, *args, **kwargs):
        calls.append(args[0] if args else kwargs.get('name'))
        if len(calls) == 2:
            raise error
        return original(self, *args, **kwargs)
    monkeypatch.setattr(h5py.Group, 'create_dataset', create_dataset)
    return calls


@pytest.mark.parametrize('error', [OSError('disk full'), KeyboardInterrupt()])
def test_a_failed_save_leaves_no_file_and_no_temporary(tmp_path, monkeypatch, error):
    path = tmp_path / 'w.h5'
    calls = fail_on_second_dataset(monkeypatch, error)
    with pytest.raises(type(error)):
        bn_model(1).save_weights(str(path))
    assert len(calls) == 2                         # it did fail mid-way
    assert os.listdir(str(tmp_path)) == []


def test_a_failed_save_leaves_an_existing_file_untouched(tmp_path, monkeypatch):
    path = tmp_path / 'w.h5'
    old = trained_model()
    old.save_weights(str(path))
    content = path.read_bytes()
    fail_on_second_dataset(monkeypatch)
    with pytest.raises(OSError, match='disk full'):
        bn_model(2).save_weights(str(path), overwrite=True)
    assert path.read_bytes() == content
    assert os.listdir(str(tmp_path)) == ['w.h5']
    monkeypatch.undo()
    fresh = bn_model(3)
    fresh.load_weights(str(path))
    assert_weights_equal(fresh.get_weights(), old.get_weights())


# -- overwriting ---------------------------------------------------------------------------------
def test_existing_file_without_a_terminal_raises_file_exists_error(tmp_path, no_terminal):
    path = tmp_path / 'w.h5'
    path.write_bytes(b'not weights')
    with pytest.raises(FileExistsError, match=r'save_weights: .*w\.h5 exists; pass overwrite=True to replace it'):
        bn_model(1).save_weights(str(path))
    assert path.read_bytes() == b'not weights'
    assert os.listdir(str(tmp_path)) == ['w.h5']


def test_overwrite_true_replaces_the_file(tmp_path, no_terminal):
    path = tmp_path / 'w.h5'
    path.write_bytes(b'not weights')
    model = trained_model()
    model.save_weights(str(path), overwrite=True)
    other = bn_model(4)
    other.load_weights(str(path))
    assert_weights_equal(other.get_weights(), model.get_weights())
    assert os.listdir(str(tmp_path)) == ['w.h5']


@pytest.mark.parametrize('answers,replaced', [(['n'], False), (['y'], True), (['maybe', 'y'], True),
                                              (['', 'n'], False)])
def test_on_a_terminal_the_user_is_asked(tmp_path, monkeypatch, answers, replaced):
    path = tmp_path / 'w.h5'
    path.write_bytes(b'not weights')
    monkeypatch.setattr(sys, 'stdin', FakeTerminal())
    prompts = []

    def fake_input(prompt=''):
        prompts.append(prompt)
        return answers[len(prompts) - 1]
    monkeypatch.setattr(builtins, 'input', fake_input)
    bn_model(1).save_weights(str(path))
    assert len(prompts) == len(answers)
    assert 'already exists - overwrite? [y/n]' in prompts[0]
    assert (path.read_bytes() != b'not weights') == replaced
    assert os.listdir(str(tmp_path)) == ['w.h5']


# -- loading errors --------------------------------------------------------------------------------
def test_wrong_layer_count_raises_and_changes_nothing(tmp_path):
    path = str(tmp_path / 'w.h5')
    small = Sequential()
    small.add(Dense(4, 2))
    small.compile('sgd', 'mse')
    small.save_weights(path)
    model = bn_model(1)
    before = model.get_weights()
    with pytest.raises(ValueError, match=r'^load_weights\(.*w\.h5\): the file has 1 layers, the model has 5$'):
        model.load_weights(path)
    assert_weights_equal(model.get_weights(), before)


def test_wrong_shape_in_a_later_layer_raises_and_sets_no_layer(tmp_path):
    path = str(tmp_path / 'w.h5')
    trained_model().save_weights(path)
    model = bn_model(5)
    # layer 0's arrays fit, one of layer 1's does not
    with h5py.File(path, 'r+') as f:
        del f['layer_1/param_2']
        f['layer_1'].create_dataset('param_2', data=np.zeros(7))
    before = model.get_weights()
    with pytest.raises(ValueError) as err:
        model.load_weights(path)
    msg = str(err.value)
    assert msg.startswith('load_weights(') and 'layer 1: BatchNormalization' in msg
    assert 'weights[2] (running_mean) has shape (7,), expected (3,)' in msg
    assert_weights_equal(model.get_weights(), before)        # layer 0 was not set either


def test_wrong_number_of_arrays_in_a_layer_raises(tmp_path):
    path = str(tmp_path / 'w.h5')
    trained_model().save_weights(path)
    with h5py.File(path, 'r+') as f:
        f['layer_1'].attrs['nb_params'] = 2              # what 2015's params-only code expected
    model = bn_model(1)
    before = model.get_weights()
    with pytest.raises(ValueError, match=r'layer 1: BatchNormalization.set_weights: expected 4 arrays '
                                         r'\(gamma, beta, running_mean, running_std\), got 2'):
        model.load_weights(path)
    assert_weights_equal(model.get_weights(), before)


def test_loading_into_a_different_architecture_raises(tmp_path):
    path = str(tmp_path / 'w.h5')
    bn_model(1, hidden=3).save_weights(path)
    model = bn_model(1, hidden=5)
    before = model.get_weights()
    with pytest.raises(ValueError, match=r'layer 0: Dense.set_weights: weights\[0\] \(param\) has shape '
                                         r'\(4, 3\), expected \(4, 5\)'):
        model.load_weights(path)
    assert_weights_equal(model.get_weights(), before)


# -- without h5py --------------------------------------------------------------------------------
@pytest.mark.parametrize('method', ['save_weights', 'load_weights'])
def test_without_h5py_the_message_names_the_hdf5_extra(tmp_path, monkeypatch, method):
    model = bn_model(1)
    monkeypatch.setitem(sys.modules, 'h5py', None)
    with pytest.raises(ImportError, match=r'need h5py: pip install "legacy_bn\[hdf5\]"'):
        getattr(model, method)(str(tmp_path / 'w.h5'))
    assert os.listdir(str(tmp_path)) == []
