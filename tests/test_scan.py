"""theano.scan: the loop's semantics and its gradients.

Finite differences check T.grad through scan wrt sequences, initial states,
non_sequences and shared variables the step closes over, with taps,
go_backwards and n_steps. Where Theano's semantics are subtle (truncated BPTT,
go_backwards with sequence taps, several output taps) the expected numbers
were produced by the real Theano 0.8.2 and are written down here.
"""
from collections import OrderedDict

import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn.theano import scan_module
from test_tensor_grad import check_grad, numeric_gradient

X = np.array([[0.1, 0.2], [0.3, -0.4], [0.5, 0.1], [-0.2, 0.3], [0.4, 0.4]])
H = np.array([0.3, -0.1])
W_VALUE = np.array([[0.5, -0.3], [0.2, 0.8]])

# Theano 0.8.2: out_t = tanh(x_t + dot(h_{t-1}, W) * a), cost = sum(out**2) + sum(out[-1])
SIMPLE = {
    'plain': dict(
        out=[[0.28673029, -0.05494461], [0.46098733, -0.53345506], [0.59521507, -0.6337092],
             [0.05623914, -0.62202287], [0.2501497, -0.35550842]],
        gx=[[2.25466704, -0.94731811], [1.81804704, -1.15475961], [1.3698462, -0.79844262],
            [1.05035255, -0.31829582], [1.40641835, 0.25245967]],
        gh0=[2.11729343, -0.46038162], ga=1.59803157,
        gW=[[3.80017867, -1.73794243], [-3.89482864, 0.94317628]]),
    # truncate_gradient=k: BPTT runs over the last k steps only; earlier inputs and
    # the initial state get zero, whatever the cost says about earlier outputs
    'truncate2': dict(
        gx=[[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [1.05035255, -0.31829582],
            [1.40641835, 0.25245967]],
        gh0=[0.0, 0.0], ga=0.13236617,
        gW=[[1.05642214, -0.26288454], [-2.31066369, 0.06700695]]),
    # go_backwards: step t reads x[-1 - t]; outputs stay in the order computed
    'backwards': dict(
        out=[[0.53348213, 0.14399227], [0.23861905, 0.22861136], [0.63368367, 0.26078925],
             [0.69289328, -0.35592375], [0.47219609, -0.49216279]],
        gx=[[1.51085271, 0.01187769], [1.30680807, -0.21338523], [1.40245393, 0.61283739],
            [1.18193992, 1.5290443], [0.90522684, 2.42605341]],
        gh0=[-0.41280391, 3.18283214], ga=1.17392949,
        gW=[[4.66759008, 2.34416962], [0.30500634, 0.08668602]]),
    'nsteps3': dict(
        out=[[0.28673029, -0.05494461], [0.46098733, -0.53345506], [0.59521507, -0.6337092]],
        gx=[[1.88674253, -0.33995321], [1.61812672, -0.5971095], [1.4144024, -0.16002655],
            [0.0, 0.0], [0.0, 0.0]],
        gh0=[1.56803584, 0.15807891], ga=0.86041067,
        gW=[[2.52301545, -0.52044834], [-1.54815256, 0.22825536]]),
    'backwards_truncate2': dict(
        gx=[[1.51085271, 0.01187769], [1.30680807, -0.21338523], [0.0, 0.0], [0.0, 0.0],
            [0.0, 0.0]],
        gh0=[0.0, 0.0], ga=0.88828766,
        gW=[[2.81244393, -0.19048314], [-0.2954203, -0.08981419]]),
}
SIMPLE_KW = {'plain': {}, 'truncate2': dict(truncate_gradient=2),
             'backwards': dict(go_backwards=True), 'nsteps3': dict(n_steps=3),
             'backwards_truncate2': dict(go_backwards=True, truncate_gradient=2)}


@pytest.mark.parametrize('case', sorted(SIMPLE))
def test_simple_rnn_matches_theano(case):
    x, h0, a = T.matrix('x'), T.vector('h0'), T.scalar('a')
    W = theano.shared(W_VALUE, name='W')
    out, updates = theano.scan(lambda x_t, h, a: T.tanh(x_t + T.dot(h, W) * a),
                               sequences=x, outputs_info=h0, non_sequences=a, **SIMPLE_KW[case])
    assert isinstance(out, theano.Variable) and out.ndim == 2
    assert isinstance(updates, OrderedDict) and not updates
    cost = (out ** 2).sum() + out[-1].sum()
    got = theano.function([x, h0, a], [out] + T.grad(cost, [x, h0, a, W]))(X, H, 1.5)
    for name, value in zip(['out', 'gx', 'gh0', 'ga', 'gW'], got):
        if name in SIMPLE[case]:
            np.testing.assert_allclose(value, SIMPLE[case][name], atol=2e-8, err_msg=name)


M = np.array([[1., 0.], [0.5, 1.], [1., 1.], [0., 1.], [1., 0.5], [0.2, 0.3]])
H3 = np.array([[0.3, -0.1], [0.2, 0.4], [-0.5, 0.6]])
C = np.array([0.7, -0.2])

# Theano 0.8.2, the SimpleDeepRNN pattern: a sequence read at taps [0, -1] (one entry
# longer than x), an output fed back at taps [-1, -2, -3] from a stacked initial state,
# an output not fed back (None) and one fed back at the default tap.
TAPS = {
    'plain': dict(
        h=[[0.63215655, 0.57836341], [0.94772072, 0.42305502], [0.99552198, 0.77981237],
           [0.99622189, 0.96286873], [0.99965436, 0.99404977]],
        s=[0.17888834, 0.11509421, 0.57574223, 0.08961624, 0.79748165],
        gx=[[1.27805827, 9.62430911], [0.63008651, 5.25527421], [1.18378498, 2.36995663],
            [0.2068767, 0.45301221], [1.59761716, 1.64036166]],
        gm=[[0.10518874, 1.88347683], [-0.23972841, 7.48031958], [0.18969142, 1.83400997],
            [0.03433899, 0.13899661], [0.02010975, 0.112597], [0.00221374, 0.02587612]],
        gc0=[2.65669564, 16.67324834],
        gW=[[0.02626694, 0.10295589], [0.57651532, 9.38150817]]),
    'truncate2': dict(
        gx=[[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.2068767, 0.45301221],
            [1.59761716, 1.64036166]],
        gm=[[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.01342038, 0.05931969],
            [0.02010975, 0.112597], [0.00221374, 0.02587612]],
        gH0=[[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]], gc0=[0.0, 0.0],
        gW=[[0.02883317, 0.15599395], [0.02270259, 0.12519849]]),
    # go_backwards cuts each tap's window from the sequence first and then reverses
    # it, so tap -1 still reads the entry BEFORE tap 0's in the sequence's own order
    'backwards': dict(
        h=[[0.79467774, 0.47692784], [0.92986642, 0.69028362], [0.99705356, 0.88300568],
           [0.99926925, 0.96063895], [0.99966944, 0.994981]],
        s=[0.50864223, 0.0211118, 0.58682735, -0.0844748, 0.29896314],
        gx=[[0.60041179, 0.63607341], [-0.16336383, 0.13583389], [1.19445976, 1.9347626],
            [0.59035727, 3.12138581], [2.17549601, 7.09205188]],
        gm=[[0.00133762, 0.01816701], [0.00439572, 0.1221857], [0.01332846, 0.3356668],
            [-0.1231433, 1.17318006], [0.40824622, 1.76399605], [-0.17772075, 4.16233478]],
        gH0=[[-0.41012481, -1.98206418], [0.51821286, 0.72404829], [-0.46518993, 2.91692877]],
        gc0=[3.06944377, 11.54293202],
        gW=[[0.30802145, 1.41141746], [0.43299448, 2.8495719]]),
}


def _taps_scan(W, **kw):
    x, m, H0, c0 = T.matrix('x'), T.matrix('m'), T.matrix('H0'), T.vector('c0')

    def step(x_t, m0, m1, h1, h2, h3, c1):
        h = T.tanh(x_t + m0 * T.dot(h1, W) + m1 * 0.5 * h2 - 0.3 * h3 + c1)
        return [h, (h * x_t).sum(), c1 * 0.9 + h]
    (h, s, c), _ = theano.scan(step, sequences=[x, dict(input=m, taps=[0, -1])],
                               outputs_info=[dict(initial=H0, taps=[-1, -2, -3]), None, c0], **kw)
    return [x, m, H0, c0], (h, s, c)


@pytest.mark.parametrize('case', sorted(TAPS))
def test_taps_and_unfed_outputs_match_theano(case):
    W = theano.shared(W_VALUE, name='W')
    kw = {'plain': {}, 'truncate2': dict(truncate_gradient=2),
          'backwards': dict(go_backwards=True)}[case]
    inputs, (h, s, c) = _taps_scan(W, **kw)
    cost = (h ** 2).sum() + (s * s).sum() + c[-1].sum() * 2 + h[1].sum()
    got = theano.function(inputs, [h, s, c] + T.grad(cost, inputs + [W]))(X, M, H3, C)
    for name, value in zip(['h', 's', 'c', 'gx', 'gm', 'gH0', 'gc0', 'gW'], got):
        if name in TAPS[case]:
            np.testing.assert_allclose(value, TAPS[case][name], atol=2e-8, err_msg=name)


# -- finite differences ----------------------------------------------------------------------
def _rnn(W_value=W_VALUE, **kw):
    W = theano.shared(np.array(W_value), name='W')

    def build(x, h0, a):
        out, _ = theano.scan(lambda x_t, h, a: T.tanh(x_t + T.dot(h, W) * a + h * 0.1),
                             sequences=x, outputs_info=h0, non_sequences=a, **kw)
        return out
    return build


@pytest.mark.parametrize('kw', [{}, dict(go_backwards=True), dict(n_steps=3),
                                dict(truncate_gradient=9)], ids=str)
def test_gradient_wrt_sequences_initial_state_and_non_sequences(kw):
    check_grad(_rnn(**kw), X, H, 1.5)


def test_gradient_wrt_taps_inputs():
    W = theano.shared(W_VALUE, name='W')

    def build(x, m, H0, c0):
        def step(x_t, m0, m1, h1, h2, h3, c1):
            h = T.tanh(x_t + m0 * T.dot(h1, W) + m1 * 0.5 * h2 - 0.3 * h3 + c1)
            return [h, (h * x_t).sum(), c1 * 0.9 + h]
        (h, s, c), _ = theano.scan(step, sequences=[x, dict(input=m, taps=[0, -1])],
                                   outputs_info=[dict(initial=H0, taps=[-1, -2, -3]), None, c0],
                                   go_backwards=True)
        return T.concatenate([h, s.dimshuffle(0, 'x'), c], axis=1)
    check_grad(build, X, M, H3, C)


def _check_shared_grad(cost, shared_vars):
    """T.grad wrt shared variables the step closes over, against finite differences."""
    f_cost = theano.function([], cost)
    grads = theano.function([], T.grad(cost, shared_vars))()
    for sv, g in zip(shared_vars, grads):
        value = sv.get_value()

        def f(v):
            sv.set_value(v)
            return f_cost()
        numeric = numeric_gradient(f, [value], 0)
        sv.set_value(value)
        np.testing.assert_allclose(g, numeric, rtol=1e-6, atol=1e-8, err_msg=sv.name)


def test_gradient_wrt_shared_variables_closed_over():
    # the 2015 Keras pattern: weights outside the step, some passed as non_sequences,
    # some only closed over, the input projection computed before the loop
    rng = np.random.RandomState(0)
    W = theano.shared(rng.uniform(-1, 1, (2, 3)), name='W')
    U = theano.shared(rng.uniform(-1, 1, (3, 3)), name='U')
    b = theano.shared(rng.uniform(-1, 1, 3), name='b')
    g = theano.shared(rng.uniform(0.5, 1.5, 3), name='g')
    xs = T.constant(rng.uniform(-1, 1, (4, 5, 2)))       # (time, batch, input)

    def step(x_t, h, u):
        return T.tanh(x_t + T.dot(h, u) * g) + b[0]
    out, _ = theano.scan(step, sequences=T.dot(xs, W) + b,
                         outputs_info=T.zeros((5, 3)), non_sequences=U)
    cost = (out * np.arange(1.0, 4.0)).sum()
    _check_shared_grad(cost, [W, U, b, g])


def test_truncate_gradient_at_least_n_steps_is_full_bptt():
    full, trunc = _rnn(), _rnn(truncate_gradient=5)
    x, h0, a = T.matrix(), T.vector(), T.scalar()
    grads = [theano.function([x, h0, a], T.grad(build(x, h0, a).sum(), [x, h0, a]))(X, H, 1.5)
             for build in (full, trunc)]
    for g_full, g_trunc in zip(*grads):
        np.testing.assert_allclose(g_trunc, g_full, rtol=1e-12)


def test_symbolic_n_steps_without_sequences():
    n, h0 = T.iscalar('n'), T.vector('h0')
    W = theano.shared(W_VALUE, name='W')
    out, _ = theano.scan(lambda h: h * W[0] + 1, outputs_info=h0, n_steps=n)
    got, g_h0, g_W = theano.function([h0, n], [out] + T.grad(out.sum(), [h0, W]))(C, 4)
    # closed form: h_t = h_{t-1} * w + 1 elementwise
    w = W_VALUE[0]
    expect = [C * w + 1]
    for _ in range(3):
        expect.append(expect[-1] * w + 1)
    np.testing.assert_allclose(got, expect)
    np.testing.assert_allclose(g_h0, w + w ** 2 + w ** 3 + w ** 4)
    np.testing.assert_allclose(g_W, [[8.025, 1.9576], [0, 0]])      # Theano 0.8.2


# -- types, merging, errors ------------------------------------------------------------------
def test_float32_stays_float32():
    x, h0 = T.tensor3('x', dtype='float32'), T.matrix('h0', dtype='float32')
    U = theano.shared(W_VALUE.astype('float32'), name='U')
    out, _ = theano.scan(lambda x_t, h: T.tanh(x_t + T.dot(h, U)), sequences=x, outputs_info=h0)
    f = theano.function([x, h0], [out] + T.grad(out.sum(), [x, h0, U]))
    values = f(np.ones((3, 4, 2), 'float32'), np.zeros((4, 2), 'float32'))
    assert out.dtype == 'float32'
    assert [v.dtype for v in values] == [np.float32] * 4


def test_identical_scans_are_evaluated_once(monkeypatch):
    # Keras builds a layer's output twice (loss and BatchNormalization's updates)
    U = theano.shared(W_VALUE, name='U')
    x = T.matrix('x')
    outs = [theano.scan(lambda x_t, h: T.tanh(x_t + T.dot(h, U)), sequences=x,
                        outputs_info=T.zeros((2,)))[0] for _ in range(2)]
    calls = []
    forward = scan_module._ScanSpec.forward
    monkeypatch.setattr(scan_module._ScanSpec, 'forward',
                        lambda self, *a, **k: calls.append(1) or forward(self, *a, **k))
    first, second = theano.function([x], outs)(X)
    assert len(calls) == 1
    np.testing.assert_array_equal(first, second)


def test_several_outputs_return_a_list_and_a_single_output_is_bare():
    x = T.vector('x')
    (a, b), _ = theano.scan(lambda x_t: [x_t * 2, x_t + 1], sequences=x)
    single, _ = theano.scan(lambda x_t: [x_t * 2], sequences=x)
    got = theano.function([x], [a, b, single])(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(got[0], [2, 4])
    np.testing.assert_array_equal(got[1], [2, 3])
    np.testing.assert_array_equal(got[2], [2, 4])


def test_fed_back_dtype_mismatch_is_refused():
    h0 = T.vector('h0', dtype='float32')
    with pytest.raises(TypeError, match='output 0 is fed back, but the step function returns '
                                        'float64 while its initial state'):
        theano.scan(lambda h: h * np.float64(2.0) + T.constant(np.ones(2)), outputs_info=h0,
                    n_steps=3)


def test_no_sequences_and_no_n_steps_is_refused():
    with pytest.raises(ValueError, match='no sequences and no n_steps'):
        theano.scan(lambda h: h + 1, outputs_info=T.vector())


def test_too_short_sequence_for_n_steps_is_refused():
    x = T.vector('x')
    out, _ = theano.scan(lambda x_t: x_t * 2, sequences=x, n_steps=4)
    with pytest.raises(ValueError, match='n_steps is 4 but a sequence only has enough entries '
                                         'for 3 steps'):
        theano.function([x], out)(np.ones(3))


def test_output_changing_shape_is_refused():
    h0 = T.vector('h0')
    out, _ = theano.scan(lambda h: T.concatenate([h, h]), outputs_info=[None], non_sequences=[],
                         sequences=T.constant(np.ones((2, 1))))
    assert theano.function([], out)().shape == (2, 2)
    grow, _ = theano.scan(lambda h: T.concatenate([h, h]), outputs_info=h0, n_steps=2)
    with pytest.raises(ValueError, match='returned output 0 with shape'):
        theano.function([h0], grow)(np.ones(1))


def test_importable_where_2015_code_looks():
    from legacy_bn.theano import scan
    from legacy_bn.theano.scan_module import scan as scan_from_module
    assert scan is theano.scan is scan_from_module
