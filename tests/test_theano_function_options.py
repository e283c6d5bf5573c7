"""theano.function's givens, In/Param, no_default_updates and name; theano.config's
2015 attributes (values recorded from Theano 0.8.2)."""
import subprocess
import sys
import warnings

import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn.theano import config
from legacy_bn.theano.errors import UnusedInputError


def _minibatch_model():
    data = theano.shared(np.arange(12.).reshape(6, 2), name='data')
    W = theano.shared(np.ones(2), name='W')
    x, i = T.matrix('x'), T.lscalar('i')
    cost = T.dot(x, W).sum()
    return data, W, x, i, cost


def test_givens_minibatch_idiom_and_its_gradient_update():
    data, W, x, i, cost = _minibatch_model()
    f = theano.function([i], cost, updates=[(W, W - 0.1 * T.grad(cost, W))],
                        givens={x: data[i * 2:(i + 1) * 2]})
    assert f(1) == 4 + 5 + 6 + 7
    np.testing.assert_allclose(W.get_value(), 1 - 0.1 * np.array([4 + 6, 5 + 7]))
    # the caller's graph is untouched: x is still an input there
    assert theano.function([x], cost)(np.ones((1, 2))) == W.get_value().sum()


def test_givens_replace_all_at_once_and_may_replace_a_shared_variable():
    y = T.vector('y')
    w = theano.shared(np.ones(2), name='w')
    z = T.vector('z')
    f = theano.function([y], (w * z).sum(), givens=[(w, y * 2), (z, y + w)])
    # z -> y + w with the ORIGINAL w (not y * 2): replacements are not searched
    np.testing.assert_allclose(f(np.array([3., 4.])), (6 * 4 + 8 * 5))


def test_givens_inside_a_scan_closure():
    data = theano.shared(np.arange(6.).reshape(3, 2))
    x, k = T.vector('x'), T.lscalar('k')
    h, _ = theano.scan(lambda s, acc: acc + s * x, sequences=[data],
                       outputs_info=[T.zeros((2,))])
    f = theano.function([k], h[-1], givens={x: data[k]})
    np.testing.assert_allclose(f(1), data.get_value().sum(0) * data.get_value()[1])


@pytest.mark.parametrize('replacement, words', [
    (lambda data, i: data[i], ['givens', "'x' (float64 matrix)", '2 dimensions']),
    (lambda data, i: T.cast(data[i:i + 2], 'float32'), ['givens', "'x'", 'float32', 'T.cast']),
])
def test_givens_of_the_wrong_type_name_the_variable(replacement, words):
    data, W, x, i, cost = _minibatch_model()
    with pytest.raises(TypeError) as err:
        theano.function([i], cost, givens={x: replacement(data, i)})
    for w in words:
        assert w in str(err.value)


def test_givens_key_not_in_the_graph_is_an_error_unless_allowed():
    data, W, x, i, cost = _minibatch_model()
    y = T.vector('y')
    with pytest.raises(UnusedInputError, match="givens: 'y' .* not used"):
        theano.function([i], cost, givens={x: data[i:i + 2], y: data[0]})
    f = theano.function([i], cost, givens={x: data[i:i + 2], y: data[0]},
                        on_unused_input='ignore')
    assert f(0) == 0 + 1 + 2 + 3
    with pytest.raises(TypeError, match='givens key must be a symbolic'):
        theano.function([i], cost, givens={'x': data[i:i + 2]})


def test_givens_of_the_wrong_shape_fail_at_the_call_and_change_nothing():
    data, W, x, i, cost = _minibatch_model()
    f = theano.function([i], cost, updates=[(W, W + 1)], givens={x: data[i:i + 3].T})
    with pytest.raises(ValueError, match='dot'):
        f(0)
    np.testing.assert_array_equal(W.get_value(), np.ones(2))


def test_in_and_param_defaults_names_and_strictness():
    x, y = T.vector('x'), T.vector('y')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        f = theano.function([x, theano.Param(y, default=np.ones(2))], x.sum() + y.sum())
    assert f(np.zeros(2)) == 2 and f(np.zeros(2), np.zeros(2)) == 0
    assert f(np.zeros(2), y=np.full(2, 3.)) == 6
    g = theano.function([x, theano.In(y, value=np.ones(2), name='yy')], x.sum() + y.sum())
    assert g(np.zeros(2), yy=np.zeros(2)) == 0
    with pytest.raises(TypeError, match="unknown input name 'y' .*yy"):
        g(np.zeros(2), y=np.zeros(2))
    with pytest.raises(TypeError, match='missing input 0'):
        g(yy=np.zeros(2))
    s = theano.function([theano.In(x, strict=True)], x.sum())
    with pytest.raises(TypeError, match='int64'):
        s(np.arange(2))
    v = T.fvector('v')
    d = theano.function([theano.In(v, allow_downcast=True)], v * 2)
    assert d(np.array([0.1])).dtype == np.float32
    with pytest.raises(TypeError, match='the default of input 1'):
        theano.function([x, theano.In(y, value=np.ones((2, 2)))], x + y)


def test_name_and_no_default_updates():
    x = T.vector('x')
    c = theano.shared(np.zeros(()), name='c')
    c.default_update = c + 1
    f = theano.function([x], x.sum() + c, name='counter')
    assert f.name == 'counter'
    f(np.zeros(1)), f(np.zeros(1))
    assert c.get_value() == 2
    theano.function([x], x.sum() + c, no_default_updates=True)(np.zeros(1))
    theano.function([x], x.sum() + c, no_default_updates=[c])(np.zeros(1))
    assert c.get_value() == 2
    theano.function([x], x.sum() + c, updates=[(c, c * 10)])(np.zeros(1))  # explicit wins
    assert c.get_value() == 20


def test_config_has_theano_082_defaults():
    assert (config.device, config.mode, config.optimizer, config.exception_verbosity,
            config.linker, config.on_unused_input) == ('cpu', 'Mode', 'fast_run', 'low', 'cvm',
                                                       'raise')
    assert config.warn.sum_div_dimshuffle_bug is False and config.warn.ignore_bug_before == '0.7'
    assert config.lib.cnmem == 0.0 and config.traceback.limit == 8
    assert config.compiledir.startswith(config.base_compiledir)
    config.warn.sum_div_dimshuffle_bug = False       # 2015 scripts assign these


def test_config_reads_dotted_theano_flags_in_the_defaults_types():
    code = ('from legacy_bn.theano import config as c; '
            'print(c.device, c.lib.cnmem, c.warn.sum_div_dimshuffle_bug, c.traceback.limit, '
            'c.floatX, c.base_compiledir)')
    env = {'THEANO_FLAGS': 'device=gpu0,lib.cnmem=0.5,warn.sum_div_dimshuffle_bug=True,'
                           'traceback.limit=3,floatX=float32,base_compiledir=/tmp/tc',
           'PATH': '/usr/bin:/bin'}
    import os
    env['PYTHONPATH'] = os.pathsep.join(sys.path)
    out = subprocess.run([sys.executable, '-c', code], env=env, capture_output=True, text=True)
    assert out.stdout.split() == ['gpu0', '0.5', 'True', '3', 'float32', '/tmp/tc'], out.stderr
