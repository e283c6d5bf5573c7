"""No silent NaN: a step whose loss is not finite is refused before any weight changes, and
NaN in the data or the weights of train/test_on_batch and evaluate is named (issue 17)."""
import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn.layers.core import Dense
from legacy_bn.models import Graph, Sequential
from legacy_bn.optimizers import SGD


def test_before_commit_sees_the_outputs_and_a_refusal_changes_no_shared_variable():
    x = T.vector('x')
    w = theano.shared(np.zeros(3), name='w')
    f = theano.function([x], T.sum(x * w) + T.sum(x), updates=[(w, w + x)])
    seen = []

    def refuse_negative(outputs):
        seen.append(float(outputs[0]))
        if outputs[0] < 0:
            raise FloatingPointError('negative')
    f.before_commit = refuse_negative
    f(np.ones(3))
    assert np.array_equal(w.get_value(), np.ones(3))
    with pytest.raises(FloatingPointError, match='negative'):
        f(-np.ones(3))                           # output -6: refused
    assert np.array_equal(w.get_value(), np.ones(3)) and seen == [3.0, -6.0]


def model(lr=0.1):
    m = Sequential()
    m.add(Dense(3, 2, weights=[np.ones((3, 2)), np.zeros(2)]))
    m.compile(SGD(lr=lr), 'mse')
    return m


def same(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a, b))


def test_train_on_batch_with_nan_data_names_it_and_changes_nothing():
    m = model()
    before = m.get_weights()
    X = np.ones((4, 3))
    X[2, 1] = np.nan
    with pytest.raises(ValueError, match=r'^train_on_batch: X contains nan at index \(2, 1\); training on it would make the weights NaN$'):
        m.train_on_batch(X, np.ones((4, 2)))
    assert same(before, m.get_weights())


def test_train_on_batch_whose_loss_overflows_is_refused_with_weights_unchanged():
    m = model(lr=1e30)
    X, y = np.full((4, 3), 1e10), np.zeros((4, 2))
    with np.errstate(all='ignore'), pytest.raises(FloatingPointError) as e:
        for step in range(10):                   # the weights grow ~1e50x per step
            before = m.get_weights()
            m.train_on_batch(X, y)
    assert 0 < step < 9
    assert str(e.value).startswith('train_on_batch: the training loss is ')
    assert str(e.value).endswith('; no weight was changed (lower the learning rate, or look '
                                 'for extreme values in the data)')
    assert same(before, m.get_weights())


@pytest.mark.parametrize('call', ['test_on_batch', 'evaluate'])
def test_test_on_batch_and_evaluate_name_nan_data_as_fit_does(call):
    m = model()
    y = np.ones((4, 2))
    y[1, 0] = np.inf
    with pytest.raises(ValueError, match=r'%s: y contains inf at index \(1, 0\); the loss would be NaN$' % call):
        getattr(m, call)(np.ones((4, 3)), y)


def test_graph_train_on_batch_and_evaluate_name_nan_inputs():
    g = Graph()
    g.add_input('a', ndim=2)
    g.add_node(Dense(3, 2), name='h', input='a', create_output=True)
    g.compile('sgd', {'h': 'mse'})
    before = g.get_weights()
    a = np.ones((4, 3))
    a[0, 0] = np.nan
    for call in (lambda: g.train_on_batch({'a': a, 'h': np.ones((4, 2))}),
                 lambda: g.evaluate({'a': a, 'h': np.ones((4, 2))})):
        with pytest.raises(ValueError, match="input 'a' contains nan at index \\(0, 0\\)"):
            call()
    assert same(before, g.get_weights())


def test_a_nan_class_weight_or_sample_weight_is_refused_before_any_step():
    m = model()
    before = m.get_weights()
    X, y = np.ones((4, 3)), np.eye(2)[[0, 1, 0, 1]]
    with pytest.raises(ValueError, match='class_weight: the weight of class 1 must be a finite '
                                         'number, got nan'):
        m.fit(X, y, nb_epoch=1, verbose=0, class_weight={0: 1.0, 1: float('nan')})
    with pytest.raises(ValueError, match=r'fit: sample_weight contains nan at index \(1,\)'):
        m.fit(X, y, nb_epoch=1, verbose=0, sample_weight=np.array([1, np.nan, 1, 1]))
    assert same(before, m.get_weights())


def test_a_sample_weight_with_a_column_per_class_is_refused():
    m = model()
    with pytest.raises(ValueError, match=r'sample_weight must hold one weight per sample, shape '
                                         r'\(4,\); got shape \(4, 2\)'):
        m.fit(np.ones((4, 3)), np.ones((4, 2)), nb_epoch=1, verbose=0,
              sample_weight=np.ones((4, 2)))
    m.fit(np.ones((4, 3)), np.ones((4, 2)), nb_epoch=1, verbose=0, sample_weight=np.ones(4))


def test_bn_mode_1_on_a_blank_sample_keeps_the_previous_layers_weights_finite():
    from legacy_bn.layers.normalization import BatchNormalization
    np.random.seed(0)
    m = Sequential()
    m.add(Dense(3, 4))                       # zero input: every unit gives its bias, 0
    m.add(BatchNormalization((4,), mode=1))
    m.add(Dense(4, 2))
    m.compile('sgd', 'mse')
    X = np.zeros((2, 3))
    assert np.allclose(m.predict(X, verbose=0), 0)         # (0 - 0) / (0 + eps), as 2015
    m.train_on_batch(X, np.ones((2, 2)))
    assert all(np.isfinite(w).all() for w in m.get_weights())


def test_bn_mode_1_forward_is_2015s_to_rounding():
    from legacy_bn.layers.normalization import BatchNormalization
    layer = BatchNormalization((5,), mode=1, epsilon=1e-6,
                               weights=[np.ones(5), np.zeros(5), np.zeros(5), np.ones(5)])
    X = np.random.RandomState(1).randn(3, 5) * np.array([[1e-6], [1.0], [1e6]])
    layer.input = T.matrix()
    out = theano.function([layer.input], layer.get_output(train=True))(X)
    want = (X - X.mean(-1, keepdims=True)) / (X.std(-1, keepdims=True) + 1e-6)
    np.testing.assert_allclose(out, want, rtol=1e-12)


def test_float64_data_beyond_float32_range_is_named_for_a_float32_model(monkeypatch):
    from legacy_bn import validation
    monkeypatch.setattr(validation.config, 'floatX', 'float32')
    X = np.zeros((2, 3))
    X[1, 2] = 1e300
    with pytest.raises(ValueError, match=r'^fit: X holds 1e\+300 at index \(1, 2\), beyond '
                                         r'float32 \(floatX\) range'):
        validation.check_finite('fit', [('X', X, None)])
    with pytest.raises(ValueError, match=r'^fit: X contains inf at index \(1, 2\)'):
        validation.check_finite('fit', [('X', X.astype('float32'), None)])
    monkeypatch.setattr(validation.config, 'floatX', 'float64')
    validation.check_finite('fit', [('X', X, None)])
