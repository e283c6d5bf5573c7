"""MRG31k3p arithmetic: hand-written recurrence, jumps, Theano's constants, golden draws."""
import os

import numpy as np
import pytest

from legacy_bn.theano.sandbox import mrg31k3p as g

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden')

M1 = 2**31 - 1
M2 = 2**31 - 21069

# Theano 0.8.2 rng_mrg.py's precomputed jump matrices (A^(2^72), A^(2^134)).
A1P72 = [[1516919229, 758510237, 499121365],
         [1884998244, 1516919229, 335398200],
         [601897748, 1884998244, 358115744]]
A2P72 = [[1228857673, 1496414766, 954677935],
         [1133297478, 1407477216, 1496414766],
         [2002613992, 1639496704, 1407477216]]
A1P134 = [[1702500920, 1849582496, 1656874625],
          [828554832, 1702500920, 1512419905],
          [1143731069, 828554832, 102237247]]
A2P134 = [[796789021, 1464208080, 607337906],
          [1241679051, 1431130166, 1464208080],
          [1401213391, 1178684362, 1431130166]]


def step_by_hand(state):
    """One MRG31k3p step with Python ints: (output k, new state)."""
    x11, x12, x13, x21, x22, x23 = (int(v) for v in state)
    n1 = (2**22 * x12 + 129 * x13) % M1
    n2 = (2**15 * x21 + (2**15 + 1) * x23) % M2
    k = n1 - n2 if n1 > n2 else n1 - n2 + M1
    return k, [n1, x11, x12, n2, x21, x22]


def draw_by_hand(states, count):
    """Row-major draws, value i from stream i % n, with Python ints."""
    states = [list(s) for s in np.asarray(states).tolist()]
    ints = []
    for i in range(count):
        k, states[i % len(states)] = step_by_hand(states[i % len(states)])
        ints.append(k)
    return ints, states


BIG = [M1 - 1, M1 - 2, M1 - 3, M2 - 1, M2 - 2, M2 - 3]


def test_one_step_matches_recurrence_written_out():
    ints, new = g.draw_ints(np.array([[1, 2, 3, 4, 5, 6]]), 1)
    # n1 = 2^22*2 + 129*3 = 8388995, n2 = 2^15*4 + 32769*6 = 327686
    assert ints.tolist() == [8388995 - 327686]
    assert new.tolist() == [[8388995, 1, 2, 327686, 4, 5]]
    # Near-modulus values: products need reducing, and here n1 <= n2 wraps by M1.
    ints, new = g.draw_ints(np.array([BIG]), 1)
    k, expected = step_by_hand(BIG)
    assert ints.tolist() == [k] and new.tolist() == [expected]


def test_equal_components_give_M1_never_0():
    ints, _ = g.draw_ints(np.array([[5, 0, 0, 0, 7, 0]]), 1)  # n1 = n2 = 0
    assert ints.tolist() == [M1]
    assert g.uniform_from_ints(ints, 'float32')[0] < 1  # Theano's float32 scale keeps it < 1
    assert g.uniform_from_ints(ints, 'float64')[0] == M1 / 2.0**31


def test_jump_by_one_and_two_steps():
    state = np.array(BIG)
    _, one = step_by_hand(BIG)
    _, two = step_by_hand(one)
    assert g.jump(state, 0).tolist() == one
    assert g.jump(state, 1).tolist() == two
    assert g.jump(state[None], 1).tolist() == [two]  # (n, 6) keeps its shape


def test_jump_2_to_10_equals_1024_steps():
    state = np.array([[12345, 678, 91011, 1213, 1415, 1617]])
    _, stepped = g.draw_ints(state, 1024)
    assert g.jump(state, 10).tolist() == stepped.tolist()


@pytest.mark.parametrize('e, a1, a2', [(72, A1P72, A2P72), (134, A1P134, A2P134)])
def test_jump_matrices_match_theano_constants(e, a1, a2):
    # Jumping unit vectors reads off the columns of A^(2^e).
    units = np.concatenate([np.eye(3, dtype=np.int64)] * 2, axis=1)
    cols = g.jump(units, e)
    assert cols[:, :3].T.tolist() == a1
    assert cols[:, 3:].T.tolist() == a2


def test_next_object_state_is_jump_2_134():
    state = g.check_seed(99)
    assert g.next_object_state(state).tolist() == g.jump(state, 134).tolist()


def test_check_seed():
    assert g.check_seed(1234).tolist() == [1234] * 6
    assert g.check_seed(np.int64(M2 - 1)).dtype == np.int64


@pytest.mark.parametrize('seed', [0, M2, -5])
def test_check_seed_rejects_out_of_range(seed):
    msg = 'MRG_RandomStreams: seed must satisfy 0 < seed < 2147462579, got %d' % seed
    with pytest.raises(ValueError, match='^%s$' % msg):
        g.check_seed(seed)


@pytest.mark.parametrize('size, n', [
    (None, 15360), ((5, 7), 5), ((2, 3), 6), ((6,), 6), ((7,), 1), ((1,), 1),
    ((300, 1000), 15360), ((200, 100000), 15360),
    # Theano 0.8.2 only trusts Python ints: a numpy integer means "unknown".
    ((np.int64(5), 7), 15360),
])
def test_n_streams_for(size, n):
    assert g.n_streams_for(size) == n


def test_substream_states_are_successive_2_72_jumps():
    state = g.check_seed(4321)
    rows = g.substream_states(state, 37)
    assert rows.shape == (37, 6) and rows.dtype == np.int64
    expected = [state]
    for _ in range(36):
        expected.append(g.jump(expected[-1], 72))
    assert rows.tolist() == np.array(expected).tolist()
    assert g.substream_states(state, 1).tolist() == [state.tolist()]


def test_draw_ints_is_pure_and_row_major_with_partial_round():
    states = g.substream_states(g.check_seed(7), 3)
    before = states.copy()
    ints, new = g.draw_ints(states, 7)  # rounds of 3, 3, then 1
    assert np.array_equal(states, before)
    expected_ints, expected_states = draw_by_hand(before, 7)
    assert ints.tolist() == expected_ints
    assert new.tolist() == expected_states
    assert new[1:].tolist() == g.jump(before[1:], 1).tolist()  # streams 1, 2 stepped twice
    none, same = g.draw_ints(states, 0)
    assert none.shape == (0,) and same.tolist() == before.tolist()


def test_draw_ints_rejects_bad_state_shape():
    with pytest.raises(ValueError, match=r'^draw_ints: states must have shape \(n, 6\), got \(6,\)$'):
        g.draw_ints(np.ones(6, dtype=np.int64), 1)


def test_uniform_scales():
    ints = np.array([1, 2**30, M1])
    assert g.uniform_from_ints(ints, 'float64').tolist() == [2.0**-31, 0.5, M1 / 2.0**31]
    u32 = g.uniform_from_ints(ints, 'float32')
    assert u32.dtype == np.float32
    # float32(k) * 4.6566126e-10f in float32, not float64(k * 2**-31) rounded:
    assert u32.tolist() == [np.float32(4.6566126e-10), np.float32(2.0**30) * np.float32(4.6566126e-10),
                            np.float32(2.0**31) * np.float32(4.6566126e-10)]
    assert u32[2] < 1 and u32[2] != np.float32(M1 / 2.0**31)
    with pytest.raises(ValueError):
        g.uniform_from_ints(ints, 'float16')


def test_binomial_rounds_p_to_floatX():
    edge = np.float32(0.7)  # 0.699999988..., just below 0.7
    assert g.binomial_from_uniform(np.array([edge]), 0.7, 'float32', 'float32').tolist() == [0.0]
    assert g.binomial_from_uniform(np.array([edge], dtype=np.float64), 0.7, 'int64', 'float64').tolist() == [1]
    b = g.binomial_from_uniform(np.array([0.1, 0.9], dtype=np.float32), 0.7, 'int8', 'float32')
    assert b.dtype == np.int8 and b.tolist() == [1, 0]


def test_seed_from_randint_is_what_dropout_draws():
    saved = np.random.get_state()
    try:
        np.random.seed(1337)
        seed = np.random.randint(10e6)
    finally:
        np.random.set_state(saved)
    for floatX in ('float64', 'float32'):
        golden = np.load(os.path.join(GOLDEN, floatX, 'mrg_binomial.npz'))
        assert golden['seed_from_randint'] == seed


@pytest.mark.parametrize('floatX', ['float64', 'float32'])
def test_golden_mrg_binomial_scenario(floatX):
    """tests/golden/scenarios/mrg_binomial.py, simulated with the arithmetic alone."""
    golden = np.load(os.path.join(GOLDEN, floatX, 'mrg_binomial.npz'))
    checked = 0
    for tag, seed in [('seed1234', 1234), ('seed_randint', int(golden['seed_from_randint']))]:
        state = g.check_seed(seed)
        # srng.binomial(x.shape, ...): symbolic size -> a 15360-stream set,
        # advancing across the three calls of f.
        streams = g.substream_states(state, g.n_streams_for(None))
        state = g.next_object_state(state)
        for i, shape in enumerate([(16, 16), (8, 16), (16, 16)]):
            ints, streams = g.draw_ints(streams, int(np.prod(shape)))
            u = g.uniform_from_ints(ints, floatX)
            mask = g.binomial_from_uniform(u, 0.7, floatX, floatX).reshape(shape)
            expected = golden['%s_binomial%d' % (tag, i)]
            assert mask.dtype == expected.dtype and np.array_equal(mask, expected)
            checked += 1
        # srng.uniform((5, 7)) takes the next stream set (5 streams), evaluated twice.
        streams = g.substream_states(state, g.n_streams_for((5, 7)))
        for i in range(2):
            ints, streams = g.draw_ints(streams, 35)
            u = g.uniform_from_ints(ints, floatX).reshape(5, 7)
            expected = golden['%s_uniform%d' % (tag, i)]
            assert u.dtype == expected.dtype and np.array_equal(u, expected)
            checked += 1
    assert checked == 10
