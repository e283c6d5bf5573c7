"""Sequential (SPEC §3, §4): compile, fit (shuffle modes, validation, History), evaluate,
the predict and *_on_batch methods, weights, JSON, progress output, and the data checks
that fail before any weight changes.

Most expectations come from replaying the training in numpy on a linear model
(Dense + mse + SGD has a closed-form gradient) and from replaying `np.random.shuffle`
on an index array to predict the batch order."""
import json
import re
import warnings

import numpy as np
import pytest

import legacy_bn.theano as theano
from legacy_bn import objectives
from legacy_bn.layers.core import Activation, Dense, Dropout, Flatten, Reshape
from legacy_bn.layers.normalization import BatchNormalization, LayerNormalization
from legacy_bn.models import Sequential, model_from_json
from legacy_bn.optimizers import SGD, Adam

floatX = theano.config.floatX
TOL = dict(rtol=1e-10, atol=1e-12) if floatX == 'float64' else dict(rtol=2e-4, atol=1e-5)
LR = 0.1


# -- a linear model and its numpy replay --------------------------------------------------------
def initial_weights():
    rng = np.random.RandomState(7)
    return [rng.normal(size=(3, 2)), rng.normal(size=2)]


def linear_model(optimizer=None, loss='mse', class_mode='categorical'):
    model = Sequential()
    model.add(Dense(3, 2, weights=initial_weights()))
    model.compile(SGD(lr=LR) if optimizer is None else optimizer, loss, class_mode=class_mode)
    return model


def numbered_data(n, seed=0):
    """X whose first column is the sample index, so a batch reveals which rows it holds."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 3))
    X[:, 0] = np.arange(n)
    return X, rng.normal(size=(n, 2))


def mse_step(W, b, X, y, lr=LR):
    """(loss before the step, accuracy before the step, W, b after one SGD step on mse)."""
    out = X.dot(W) + b
    loss = np.mean((out - y) ** 2)
    acc = np.mean(out.argmax(axis=-1) == y.argmax(axis=-1))
    dout = 2 * (out - y) / out.size
    return loss, acc, W - lr * X.T.dot(dout), b - lr * dout.sum(axis=0)


def replay_fit(X, y, epochs_batches, lr=LR):
    """epochs_batches: per epoch, the list of index arrays of its batches.
    Returns (per-epoch batch-size-weighted mean loss, same for accuracy, final [W, b])."""
    W, b = initial_weights()
    losses, accs = [], []
    for batches in epochs_batches:
        total_loss = total_acc = 0.
        for ids in batches:
            loss, acc, W, b = mse_step(W, b, X[ids], y[ids], lr)
            total_loss += loss * len(ids)
            total_acc += acc * len(ids)
        n = sum(len(ids) for ids in batches)
        losses.append(total_loss / n)
        accs.append(total_acc / n)
    return losses, accs, [W, b]


def consecutive_batches(index_array, batch_size):
    return [index_array[i:i + batch_size].copy() for i in range(0, len(index_array), batch_size)]


def record_calls(model, attr):
    """Wrap a compiled function of `model` so that every call records the sample
    indices (column 0 of X) it was given."""
    seen = []
    original = getattr(model, attr)

    def spy(*ins):
        seen.append(ins[0][:, 0].astype(int).tolist())
        return original(*ins)
    setattr(model, attr, spy)
    return seen


def np_random_state():
    state = np.random.get_state()
    return state[1].copy(), state[2:]


def assert_np_random_state(expected):
    got = np_random_state()
    np.testing.assert_array_equal(got[0], expected[0])
    assert got[1] == expected[1]


def assert_weights_equal(got, expected, **tol):
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        if tol:
            np.testing.assert_allclose(g, e, **tol)
        else:
            np.testing.assert_array_equal(g, e)


# -- fit: batch order --------------------------------------------------------------------------
def test_shuffle_true_shuffles_one_persistent_index_array_every_epoch():
    X, y = numbered_data(10)
    model = linear_model()
    seen = record_calls(model, '_train')
    np.random.seed(42)
    history = model.fit(X, y, batch_size=4, nb_epoch=3, verbose=0, shuffle=True)
    after = np_random_state()

    np.random.seed(42)
    index_array = np.arange(10)
    expected = []
    for _ in range(3):
        np.random.shuffle(index_array)          # the first epoch too; permutations compound
        expected.append(consecutive_batches(index_array.copy(), 4))
    assert_np_random_state(after)
    assert seen == [ids.tolist() for batches in expected for ids in batches]
    # the test can tell compounding from re-shuffling a fresh arange each epoch
    np.random.seed(42)
    fresh = [np.random.permutation(10) for _ in range(3)]
    assert not np.array_equal(np.concatenate(expected[1]), fresh[1])

    losses, _, weights = replay_fit(X, y, expected)
    np.testing.assert_allclose(history.history['loss'], losses, **TOL)
    assert_weights_equal(model.get_weights(), weights, **TOL)
    assert history.epoch == [0, 1, 2]


def test_shuffle_batch_shuffles_whole_batches_and_keeps_the_remainder_last():
    X, y = numbered_data(11)
    model = linear_model()
    seen = record_calls(model, '_train')
    np.random.seed(3)
    model.fit(X, y, batch_size=3, nb_epoch=3, verbose=0, shuffle='batch')
    after = np_random_state()

    np.random.seed(3)
    index_array = np.arange(11)
    expected = []
    for _ in range(3):
        head = index_array[:9].reshape(3, 3)
        np.random.shuffle(head)
        index_array = np.append(head.flatten(), index_array[9:])
        expected += consecutive_batches(index_array, 3)
    assert_np_random_state(after)
    assert seen == [ids.tolist() for ids in expected]
    # each batch is one of the original consecutive batches; the remainder [9, 10] stays last
    originals = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    for epoch in range(3):
        assert sorted(seen[4 * epoch:4 * epoch + 3]) == originals
        assert seen[4 * epoch + 3] == [9, 10]


def test_shuffle_false_draws_nothing_and_keeps_the_order():
    X, y = numbered_data(7)
    model = linear_model()
    seen = record_calls(model, '_train')
    np.random.seed(1)
    before = np_random_state()
    history = model.fit(X, y, batch_size=3, nb_epoch=2, verbose=0, shuffle=False)
    assert_np_random_state(before)
    assert seen == [[0, 1, 2], [3, 4, 5], [6]] * 2
    # the epoch loss weights the last batch (1 sample) by its size, each loss taken before its step
    batches = [np.arange(0, 3), np.arange(3, 6), np.arange(6, 7)]
    losses, _, weights = replay_fit(X, y, [batches, batches])
    np.testing.assert_allclose(history.history['loss'], losses, **TOL)
    assert_weights_equal(model.get_weights(), weights, **TOL)
    unweighted = replay_fit(X, y, [batches])[0][0] * 7 / 3
    assert not np.isclose(unweighted, losses[0])


def test_show_accuracy_records_batch_weighted_training_accuracy():
    X, y = numbered_data(7, seed=4)
    model = linear_model()
    history = model.fit(X, y, batch_size=3, nb_epoch=2, verbose=0, shuffle=False, show_accuracy=True)
    batches = [np.arange(0, 3), np.arange(3, 6), np.arange(6, 7)]
    losses, accs, _ = replay_fit(X, y, [batches, batches])
    np.testing.assert_allclose(history.history['loss'], losses, **TOL)
    np.testing.assert_allclose(history.history['acc'], accs, **TOL)
    assert 'val_loss' not in history.history


# -- fit: validation ---------------------------------------------------------------------------
def test_validation_split_takes_the_last_fraction_without_randomness():
    X, y = numbered_data(8)
    model = linear_model()
    trained = record_calls(model, '_train')
    validated = record_calls(model, '_test')
    np.random.seed(0)
    before = np_random_state()
    history = model.fit(X, y, batch_size=4, nb_epoch=2, verbose=0, shuffle=False,
                        validation_split=0.25)
    assert_np_random_state(before)
    assert trained == [[0, 1, 2, 3], [4, 5]] * 2
    assert validated == [[6, 7]] * 2                      # after the last batch of each epoch
    batches = [np.arange(0, 4), np.arange(4, 6)]
    losses, _, _ = replay_fit(X, y, [batches])
    _, _, w1 = replay_fit(X, y, [batches])
    _, _, w2 = replay_fit(X, y, [batches, batches])
    val = [np.mean((X[6:].dot(W) + b - y[6:]) ** 2) for W, b in (w1, w2)]
    np.testing.assert_allclose(history.history['val_loss'], val, **TOL)
    np.testing.assert_allclose(history.history['loss'][0], losses[0], **TOL)


def test_validation_split_with_shuffle_shuffles_only_the_training_part():
    X, y = numbered_data(10)
    model = linear_model()
    trained = record_calls(model, '_train')
    np.random.seed(9)
    model.fit(X, y, batch_size=4, nb_epoch=1, verbose=0, validation_split=0.2)
    np.random.seed(9)
    index_array = np.arange(8)
    np.random.shuffle(index_array)
    assert trained == [ids.tolist() for ids in consecutive_batches(index_array, 4)]


def test_validation_data_with_accuracy_matches_evaluate_after_the_epoch():
    X, y = numbered_data(6)
    Xv, yv = numbered_data(5, seed=1)
    model = linear_model()
    history = model.fit(X, y, batch_size=4, nb_epoch=1, verbose=0, validation_data=(Xv, yv),
                        show_accuracy=True)
    loss, acc = model.evaluate(Xv, yv, show_accuracy=True, verbose=0)
    assert sorted(history.history) == ['acc', 'batch', 'loss', 'size', 'val_acc', 'val_loss']
    np.testing.assert_allclose(history.history['val_loss'], [loss], **TOL)
    np.testing.assert_allclose(history.history['val_acc'], [acc], **TOL)
    W, b = model.get_weights()
    np.testing.assert_allclose(loss, np.mean((Xv.dot(W) + b - yv) ** 2), **TOL)
    np.testing.assert_allclose(acc, np.mean((Xv.dot(W) + b).argmax(-1) == yv.argmax(-1)), **TOL)


def test_validation_data_with_sample_weights():
    X, y = numbered_data(6)
    Xv, yv = numbered_data(4, seed=1)
    wv = np.array([1., 0., 2., 1.])
    model = linear_model()
    history = model.fit(X, y, batch_size=6, nb_epoch=1, verbose=0, validation_data=(Xv, yv, wv))
    W, b = model.get_weights()
    per_sample = np.mean((Xv.dot(W) + b - yv) ** 2, axis=-1)
    np.testing.assert_allclose(history.history['val_loss'], [np.sum(wv * per_sample) / wv.sum()], **TOL)


def test_validation_data_of_the_wrong_length_is_an_error():
    X, y = numbered_data(6)
    model = linear_model()
    with pytest.raises(ValueError, match=r'validation_data must be \(X_val, y_val\) or '
                                         r'\(X_val, y_val, sample_weight\), got 1 items'):
        model.fit(X, y, verbose=0, validation_data=(X,))


# -- evaluate, predict, *_on_batch ---------------------------------------------------------------
def test_evaluate_weights_batches_by_their_size():
    X, y = numbered_data(7)
    w = np.array([1., 2., 3., 1., 1., 1., 2.])
    model = linear_model()
    W, b = initial_weights()
    per_sample = np.mean((X.dot(W) + b - y) ** 2, axis=-1)
    np.testing.assert_allclose(model.evaluate(X, y, batch_size=3, verbose=0), per_sample.mean(), **TOL)
    # with sample weights each batch is a weighted mean, and batches are averaged by size
    batches = [slice(0, 3), slice(3, 6), slice(6, 7)]
    expected = sum(np.sum(w[s] * per_sample[s]) / np.sum(w[s]) * len(per_sample[s]) for s in batches) / 7
    got = model.evaluate(X, y, batch_size=3, verbose=0, sample_weight=w)
    np.testing.assert_allclose(got, expected, **TOL)
    assert not np.isclose(got, np.sum(w * per_sample) / w.sum())


def test_predict_and_predict_on_batch_are_the_closed_form_in_float64():
    X, _ = numbered_data(5)
    model = linear_model()
    W, b = initial_weights()
    out = model.predict(X, batch_size=2, verbose=0)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, X.dot(W) + b, **TOL)
    np.testing.assert_allclose(model.predict_on_batch(X), X.dot(W) + b, **TOL)


def test_predict_proba_warns_outside_0_1_and_predict_classes_takes_argmax():
    X, _ = numbered_data(5)
    model = linear_model()
    W, b = initial_weights()
    with pytest.warns(UserWarning, match='Network returning invalid probability values'):
        model.predict_proba(X, verbose=0)
    np.testing.assert_array_equal(model.predict_classes(X, verbose=0), (X.dot(W) + b).argmax(-1))

    softmax_model = Sequential()
    softmax_model.add(Dense(3, 2, weights=initial_weights()))
    softmax_model.add(Activation('softmax'))
    softmax_model.compile('sgd', 'categorical_crossentropy')
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        proba = softmax_model.predict_proba(X, verbose=0)
    np.testing.assert_allclose(proba.sum(axis=1), np.ones(5), **TOL)


def test_predict_classes_in_binary_mode_thresholds_at_one_half():
    model = Sequential()
    model.add(Dense(1, 1, weights=[np.ones((1, 1)), np.zeros(1)]))
    model.compile('sgd', 'binary_crossentropy', class_mode='binary')
    classes = model.predict_classes(np.array([[0.2], [0.5], [0.51], [3.]]), verbose=0)
    np.testing.assert_array_equal(classes, [[0], [0], [1], [1]])


def test_binary_accuracy_compares_with_the_rounded_prediction():
    model = Sequential()
    model.add(Dense(1, 1, weights=[np.ones((1, 1)), np.zeros(1)]))
    model.compile('sgd', 'mse', class_mode='binary')
    X = np.array([[0.2], [0.7], [0.4], [0.9]])
    y = np.array([0., 1., 1., 0.])
    loss, acc = model.test_on_batch(X, y, accuracy=True)
    np.testing.assert_allclose(acc, 0.5, **TOL)
    np.testing.assert_allclose(loss, np.mean((X[:, 0] - y) ** 2), **TOL)


def test_train_on_batch_returns_the_pre_step_loss_and_steps():
    X, y = numbered_data(4)
    model = linear_model()
    W, b = initial_weights()
    loss, acc, W1, b1 = mse_step(W, b, X, y)
    got_loss, got_acc = model.train_on_batch(X, y, accuracy=True)
    np.testing.assert_allclose([got_loss, got_acc], [loss, acc], **TOL)
    assert_weights_equal(model.get_weights(), [W1, b1], **TOL)
    loss2, _, _, _ = mse_step(W1, b1, X, y)
    np.testing.assert_allclose(model.train_on_batch(X, y), loss2, **TOL)


def test_test_on_batch_does_not_step():
    X, y = numbered_data(4)
    model = linear_model()
    W, b = initial_weights()
    loss, acc, _, _ = mse_step(W, b, X, y)
    np.testing.assert_allclose(model.test_on_batch(X, y), loss, **TOL)
    np.testing.assert_allclose(model.test_on_batch(X, y, accuracy=True), [loss, acc], **TOL)
    assert_weights_equal(model.get_weights(), [W, b], **TOL)


# -- compile ---------------------------------------------------------------------------------------
def test_compile_with_names_equals_compile_with_objects():
    X, y = numbered_data(5)
    by_name = linear_model(optimizer='sgd', loss='mse')
    by_object = linear_model(optimizer=SGD(lr=0.01), loss=objectives.mean_squared_error)
    for _ in range(3):
        assert by_name.train_on_batch(X, y) == by_object.train_on_batch(X, y)
    assert_weights_equal(by_name.get_weights(), by_object.get_weights())
    W, b = initial_weights()
    for _ in range(3):
        _, _, W, b = mse_step(W, b, X, y, lr=0.01)         # 'sgd' is SGD(lr=0.01)
    assert_weights_equal(by_name.get_weights(), [W, b], **TOL)
    assert by_name.get_config()['loss'] == 'mean_squared_error'


def test_compile_rejects_unknown_names_and_class_modes():
    model = Sequential()
    model.add(Dense(3, 2))
    with pytest.raises(ValueError, match='Invalid optimizer: sgdd'):
        model.compile('sgdd', 'mse')
    with pytest.raises(ValueError, match='Invalid objective: msee'):
        model.compile('sgd', 'msee')
    with pytest.raises(ValueError, match='class_mode must be "categorical" or "binary", got \'multi\''):
        model.compile('sgd', 'mse', class_mode='multi')


def test_using_a_model_before_compile_is_an_error():
    model = Sequential()
    model.add(Dense(3, 2))
    with pytest.raises(RuntimeError, match='predict: compile the model first'):
        model.predict(np.ones((2, 3)))


# -- weights ---------------------------------------------------------------------------------------
def bn_model(seed, momentum=0.9):
    np.random.seed(seed)
    model = Sequential()
    model.add(Dense(4, 3))
    model.add(BatchNormalization((3,), momentum=momentum))
    model.add(Activation('relu'))
    model.add(Dense(3, 2))
    model.add(Activation('softmax'))
    model.compile(SGD(lr=0.1, momentum=0.9, decay=0.01, nesterov=True), 'categorical_crossentropy')
    return model


def some_data(n=6):
    rng = np.random.RandomState(5)
    X = rng.normal(size=(n, 4))
    y = np.eye(2)[rng.randint(0, 2, size=n)]
    return X, y


def test_set_weights_of_get_weights_round_trips_with_batchnorm():
    X, y = some_data()
    source = bn_model(1)
    source.fit(X, y, batch_size=3, nb_epoch=2, verbose=0)    # running statistics move off 0 / 1
    weights = source.get_weights()
    assert [w.shape for w in weights] == [(4, 3), (3,), (3,), (3,), (3,), (3,), (3, 2), (2,)]
    target = bn_model(2)
    target.set_weights(weights)
    assert_weights_equal(target.get_weights(), weights)
    bn = target.layers[1]
    np.testing.assert_array_equal(bn.running_mean.get_value(), weights[4])   # not gamma (the 2015 bug)
    np.testing.assert_array_equal(bn.running_std.get_value(), weights[5])
    np.testing.assert_array_equal(target.predict(X, verbose=0), source.predict(X, verbose=0))


def test_set_weights_with_the_wrong_count_changes_nothing():
    model = bn_model(1)
    before = model.get_weights()
    with pytest.raises(ValueError, match='^Sequential.set_weights: the model has 8 weight arrays, got 6$'):
        model.set_weights(before[:6])      # what 2015's len(layer.params) arithmetic expected
    assert_weights_equal(model.get_weights(), before)


def test_set_weights_with_a_wrong_shape_names_layer_and_position_and_changes_nothing():
    model = bn_model(1)
    before = model.get_weights()
    bad = [w + 1. for w in before]
    bad[4] = np.zeros(4)
    with pytest.raises(ValueError) as err:
        model.set_weights(bad)
    assert str(err.value) == ('Sequential.set_weights: layer 1: BatchNormalization.set_weights: '
                              'weights[2] (running_mean) has shape (4,), expected (3,)')
    assert_weights_equal(model.get_weights(), before)       # layer 0 was not set either


# -- JSON ------------------------------------------------------------------------------------------
def test_to_json_and_model_from_json_round_trip_with_sgd():
    X, y = some_data()
    model = bn_model(1, momentum=0.5)
    config = json.loads(model.to_json())
    # the hyperparameters live in floatX shared variables
    assert config['optimizer'] == {'name': 'SGD', 'lr': float(np.asarray(0.1, floatX)),
                                   'momentum': float(np.asarray(0.9, floatX)),
                                   'decay': float(np.asarray(0.01, floatX)), 'nesterov': True}
    assert config['loss'] == 'categorical_crossentropy' and config['class_mode'] == 'categorical'
    assert [layer['name'] for layer in config['layers']] == ['Dense', 'BatchNormalization', 'Activation',
                                                              'Dense', 'Activation']
    rebuilt = model_from_json(model.to_json())
    assert json.loads(rebuilt.to_json()) == config
    assert isinstance(rebuilt, Sequential)
    # momentum (not in the 2015 config) is kept when it is not the default
    assert rebuilt.layers[1].momentum == 0.5 and model.layers[1].momentum == 0.5
    # identical weights, optimizer and momentum: identical training steps
    model2 = bn_model(1, momentum=0.5)
    model2.set_weights(model.get_weights())
    rebuilt.set_weights(model.get_weights())
    for _ in range(2):
        np.testing.assert_allclose(rebuilt.train_on_batch(X, y), model2.train_on_batch(X, y), **TOL)
    assert_weights_equal(rebuilt.get_weights(), model2.get_weights(), **TOL)


@pytest.mark.parametrize('optimizer', ['sgd', 'rmsprop', 'adagrad', 'adadelta', 'adam'])
def test_every_optimizer_survives_json(optimizer):
    model = linear_model(optimizer=optimizer)
    rebuilt = model_from_json(model.to_json())
    assert rebuilt.optimizer.get_config() == model.optimizer.get_config()
    assert type(rebuilt.optimizer) is type(model.optimizer)


def test_json_round_trip_of_other_layers():
    model = Sequential()
    model.add(Dense(6, 6, init='uniform', activation='tanh'))
    model.add(Dropout(0.25))
    model.add(Reshape(2, 3))
    model.add(LayerNormalization(center=False))
    model.add(Flatten())
    model.compile(Adam(lr=0.01), 'mse')
    rebuilt = model_from_json(model.to_json())
    assert json.loads(rebuilt.to_json()) == json.loads(model.to_json())
    assert rebuilt.layers[3].get_weights()[0].shape == (3,)
    rebuilt.set_weights(model.get_weights())
    X = np.random.RandomState(0).normal(size=(4, 6))
    np.testing.assert_allclose(rebuilt.predict(X, verbose=0), model.predict(X, verbose=0), **TOL)


def test_an_uncompiled_model_is_rebuilt_uncompiled():
    model = Sequential()
    model.add(Dense(3, 2))
    config = json.loads(model.to_json())
    assert 'optimizer' not in config and 'loss' not in config
    rebuilt = model_from_json(model.to_json())
    assert not hasattr(rebuilt, '_train')
    assert rebuilt.layers[0].get_weights()[0].shape == (3, 2)


def test_model_from_json_rejects_unknown_names():
    with pytest.raises(ValueError, match="unrecognized model 'Funnel'"):
        model_from_json('{"name": "Funnel"}')
    with pytest.raises(ValueError, match="unknown layer 'Convolution3D'"):
        model_from_json('{"name": "Sequential", "layers": [{"name": "Convolution3D"}]}')


# -- progress output ----------------------------------------------------------------------------
def test_verbose_0_prints_nothing(capsys):
    X, y = numbered_data(7)
    model = linear_model()
    model.fit(X, y, batch_size=3, nb_epoch=2, verbose=0, validation_split=0.3, show_accuracy=True)
    model.evaluate(X, y, verbose=0)
    model.predict(X, verbose=0)
    assert capsys.readouterr() == ('', '')


def test_verbose_2_prints_one_line_per_epoch(capsys):
    X, y = numbered_data(7)
    model = linear_model()
    history = model.fit(X, y, batch_size=3, nb_epoch=3, verbose=2, shuffle=False)
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 3 and err == ''
    for epoch, line in enumerate(lines):
        assert line.startswith('Epoch %d/3 - ' % (epoch + 1))
        assert line.endswith('loss: %.4f' % history.history['loss'][epoch])


def test_verbose_2_with_validation_announces_the_split_and_reports_val_metrics(capsys):
    X, y = numbered_data(8)
    model = linear_model()
    history = model.fit(X, y, batch_size=3, nb_epoch=1, verbose=2, shuffle=False,
                        validation_split=0.25, show_accuracy=True)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == 'Train on 6 samples, validate on 2 samples'
    h = history.history
    assert lines[1].endswith('loss: %.4f - acc: %.4f - val_loss: %.4f - val_acc: %.4f'
                             % (h['loss'][0], h['acc'][0], h['val_loss'][0], h['val_acc'][0]))


def test_verbose_1_shows_a_progress_bar_with_the_loss(capsys, terminal):
    X, y = numbered_data(7)
    model = linear_model()
    history = model.fit(X, y, batch_size=3, nb_epoch=2, verbose=1, shuffle=False)
    out = capsys.readouterr().out
    for epoch in range(2):
        assert 'Epoch %d/2' % (epoch + 1) in out
        # the bar's postfix ends the epoch with the epoch's loss ('loss: x' or 'loss=x')
        assert re.search(r'loss[:=] ?%.4f' % history.history['loss'][epoch], out)
    assert '7/7' in out and '100%' in out


# -- data checks before any step ------------------------------------------------------------------
BAD_CALLS = [
    ('fit', dict(X=np.ones((8, 3)), y=np.ones((7, 2))), 'fit: X has 8 samples but y has 7'),
    ('fit', dict(X=np.ones((8, 4)), y=np.ones((8, 2))),
     'fit: the first layer (Dense) expects samples of shape (3,), got X of shape (8, 4)'),
    ('fit', dict(X=np.ones((8, 3)), y=np.ones((8, 3))),
     'fit: the last layer (Activation) outputs samples of shape (2,), got y of shape (8, 3)'),
    ('fit', dict(X=np.ones((8, 3, 1)), y=np.ones((8, 2))),
     'fit: the first layer (Dense) expects input with 2 dimensions (batch axis included), '
     'got X of shape (8, 3, 1)'),
    ('fit', dict(X=np.ones((8, 3)), y=np.ones((8, 2)), sample_weight=np.ones(7)),
     'fit: X has 8 samples but sample_weight has 7'),
    ('fit', dict(X=np.ones((8, 3)), y=np.ones((8, 2)), validation_data=(np.ones((2, 3)), np.ones((3, 2)))),
     'fit (validation_data): X has 2 samples but y has 3'),
    ('fit', dict(X=np.ones((8, 3)), y=np.ones((8, 2)), validation_data=(np.ones((2, 5)), np.ones((2, 2)))),
     'fit (validation_data): the first layer (Dense) expects samples of shape (3,), got X of shape (2, 5)'),
    ('evaluate', dict(X=np.ones((8, 3)), y=np.ones((9, 2))), 'evaluate: X has 8 samples but y has 9'),
    ('evaluate', dict(X=np.ones((8, 2)), y=np.ones((8, 2))),
     'evaluate: the first layer (Dense) expects samples of shape (3,), got X of shape (8, 2)'),
    ('evaluate', dict(X=np.ones((8, 3)), y=np.ones((8, 1))),
     'evaluate: the last layer (Activation) outputs samples of shape (2,), got y of shape (8, 1)'),
    ('train_on_batch', dict(X=np.ones((4, 3)), y=np.ones((5, 2))), 'train_on_batch: X has 4 samples but y has 5'),
    ('train_on_batch', dict(X=np.ones((4, 2)), y=np.ones((4, 2))),
     'train_on_batch: the first layer (Dense) expects samples of shape (3,), got X of shape (4, 2)'),
    ('test_on_batch', dict(X=np.ones((4, 3)), y=np.ones((4, 5))),
     'test_on_batch: the last layer (Activation) outputs samples of shape (2,), got y of shape (4, 5)'),
    ('predict', dict(X=np.ones((4, 2))),
     'predict: the first layer (Dense) expects samples of shape (3,), got X of shape (4, 2)'),
    ('predict_on_batch', dict(X=np.ones((4, 2))),
     'predict_on_batch: the first layer (Dense) expects samples of shape (3,), got X of shape (4, 2)'),
]


@pytest.mark.parametrize('method,kwargs,message', BAD_CALLS,
                         ids=['%s-%d' % (c[0], i) for i, c in enumerate(BAD_CALLS)])
def test_bad_data_raises_before_any_weight_change(method, kwargs, message):
    np.random.seed(0)
    model = Sequential()
    model.add(Dense(3, 2))
    model.add(BatchNormalization((2,)))
    model.add(Activation('softmax'))
    model.compile(SGD(lr=0.1, momentum=0.9), 'categorical_crossentropy')
    before = model.get_weights()
    optimizer_state = [u[0].get_value() for u in model.optimizer.updates]
    rng_before = np_random_state()
    if method in ('fit', 'evaluate', 'predict'):
        kwargs = dict(kwargs, verbose=0)
    with pytest.raises(ValueError) as err:
        getattr(model, method)(**kwargs)
    assert str(err.value) == message
    assert_weights_equal(model.get_weights(), before)          # BN running statistics included
    assert_weights_equal([u[0].get_value() for u in model.optimizer.updates], optimizer_state)
    assert_np_random_state(rng_before)                        # fit did not shuffle either


def test_a_named_first_layer_is_named_in_the_error():
    model = Sequential()
    model.add(Dense(3, 2, name='encoder'))
    model.compile('sgd', 'mse')
    with pytest.raises(ValueError, match=r"^fit: the first layer \(Dense 'encoder'\) expects samples "
                                         r"of shape \(3,\), got X of shape \(2, 4\)$"):
        model.fit(np.ones((2, 4)), np.ones((2, 2)), verbose=0)


# -- one seeded end-to-end run, numbers from the real Keras + Theano ---------------------------
# Recorded with the real Keras 0.2.0 + Theano 0.8.2 (float64; float32 agrees within 2e-4) running
# the body of test_seeded_fit_matches_the_real_keras below with the 0.2.0
# constructors Dense(5, input_dim=4), BatchNormalization() (no input_shape, so 0.2.0
# draws gamma once, at add, as 4e1ec93 did), Dense(3).
REAL_KERAS_FIT = {
    'loss': [1.1907818448744765, 1.129753768771859, 1.009698425484244],
    'acc': [0.0, 0.125, 0.375],
    'val_loss': [0.9522064690751284, 0.9492170992453547, 0.924719739085133],
    'val_acc': [0.6666666666666666, 0.3333333333333333, 0.3333333333333333],
}
REAL_KERAS_RUNNING_MEAN = [-0.20828607976629421, -0.51424430512747965, -0.08261128013479188,
                           -0.83650772149488484, 0.59100987039471897]
REAL_KERAS_RUNNING_STD = [1.02157700704151067, 1.02885548783391112, 1.14322050465240554,
                          1.08905862000347353, 0.78723537443624747]
REAL_KERAS_PREDICT = [[0.18004457310462832, 0.53694527040648821, 0.28301015648888361],
                      [0.1494061254154419, 0.43016115428002177, 0.42043272030453643]]
REAL_KERAS_NP_RANDOM_AFTER = [310113157, 143830099, 483437906]


def test_seeded_fit_matches_the_real_keras():
    # shuffle=True, validation_split, show_accuracy, BN + Dropout, SGD with momentum
    np.random.seed(2015)
    rng = np.random.RandomState(99)
    X = rng.normal(1.0, 2.0, size=(11, 4))
    y = np.eye(3)[rng.randint(0, 3, size=11)]
    model = Sequential()
    model.add(Dense(4, 5))
    model.add(BatchNormalization((5,)))
    model.add(Activation('tanh'))
    model.add(Dropout(0.3))
    model.add(Dense(5, 3))
    model.add(Activation('softmax'))
    model.compile(loss='categorical_crossentropy', optimizer=SGD(lr=0.2, momentum=0.5))
    history = model.fit(X, y, batch_size=3, nb_epoch=3, verbose=0, shuffle=True,
                        validation_split=0.2, show_accuracy=True)
    rtol = 1e-8 if floatX == 'float64' else 2e-4
    for key, values in REAL_KERAS_FIT.items():
        np.testing.assert_allclose(history.history[key], values, rtol=rtol, err_msg=key)
    bn = model.layers[1]
    np.testing.assert_allclose(bn.running_mean.get_value(), REAL_KERAS_RUNNING_MEAN, rtol=rtol)
    np.testing.assert_allclose(bn.running_std.get_value(), REAL_KERAS_RUNNING_STD, rtol=rtol)
    np.testing.assert_allclose(model.predict(X[:2], verbose=0), REAL_KERAS_PREDICT, rtol=rtol)
    assert np.random.randint(0, 2 ** 30, size=3).tolist() == REAL_KERAS_NP_RANDOM_AFTER


def test_a_leading_shape_preserving_layer_does_not_hide_the_input_size():
    model = Sequential()
    model.add(Activation('tanh'))
    model.add(Dense(3, 2))
    model.compile('sgd', 'mse')
    before = model.get_weights()
    rng_before = np_random_state()
    with pytest.raises(ValueError, match=r'^fit: .* expects samples of shape \(3,\), got X of shape \(4, 5\)$'):
        model.fit(np.ones((4, 5)), np.ones((4, 2)), verbose=0)
    assert_np_random_state(rng_before)
    assert_weights_equal(model.get_weights(), before)
