"""MRG_RandomStreams.normal: Theano 0.8.2's Box-Muller layout, draw for draw.

The numbers were printed by the real Theano 0.8.2 (the oracle) for the calls
written next to them; each function was called twice (the stream advances).
"""
import numpy as np
import pytest

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T
from legacy_bn.theano.sandbox import mrg31k3p
from legacy_bn.theano.sandbox.rng_mrg import MRG_RandomStreams

# RS(seed=1234); f = function([], RS.normal((5,)))  - an odd size, evened to 6 draws
CONST5 = {
    'float64': [[-0.5928351856695951, 0.17036411127695922, 1.0048077115956522,
                 1.2740491175162239, -0.8994620022636569],
                [1.4125167423104672, -0.19035805354873545, -0.11146332550954312,
                 -0.2133566902185098, -1.53940778682512]],
    'float32': [[-0.5928348898887634, 0.17036360502243042, 1.0048078298568726,
                 1.2740494012832642, -0.8994622230529785],
                [1.412516713142395, -0.1903587430715561, -0.1114635020494461,
                 -0.21335691213607788, -1.5394078493118286]],
}
# RS(seed=7); function([], RS.normal((7,), nstreams=3))
NSTREAMS3 = {
    'float64': [[-0.46710771379558474, 1.8983394587194788, -1.2133540261935376,
                 -0.7348324714838773, -2.897943071664828, 0.3630881753168356,
                 -0.09921500778545313],
                [-0.8750873462703134, 1.435708445463874, 0.8845017766785039,
                 0.16807033163529245, 2.2608067834787113, 0.23952235342778927,
                 0.9052231989589571]],
    'float32': [[-0.467109352350235, 1.8983395099639893, -1.2133541107177734,
                 -0.7348323464393616, -2.8979427814483643, 0.3630881905555725,
                 -0.09921493381261826],
                [-0.8750872611999512, 1.4357085227966309, 0.8845018744468689,
                 0.16807037591934204, 2.2608067989349365, 0.23952233791351318,
                 0.9052232503890991]],
}
# RS(seed=99); X = T.matrix(); function([X], RS.normal(X.shape, avg=0.0, std=0.3)) on (3, 5)
SYM35_CALL1 = {
    'float64': [[-0.16239286168018294, -0.07664499249179134, -0.6901529638321595,
                 -0.4416998334135184, 0.017286526817538086],
                [0.1574780910193393, 0.2590883218453082, -0.29746468871754916,
                 0.5217610007865935, -0.11546170006541591],
                [-0.4212042307011813, -0.2577306482680531, 0.2100211212891242,
                 -0.14735689208331, 0.36318057506036744]],
    'float32': [[-0.16239280998706818, -0.07664505392313004, -0.6901532411575317,
                 -0.4416998624801636, 0.017286546528339386],
                [0.15747806429862976, 0.259088397026062, -0.29746466875076294,
                 0.5217610001564026, -0.11546172946691513],
                [-0.42120397090911865, -0.2577306032180786, 0.21002115309238434,
                 -0.14735698699951172, 0.36318057775497437]],
}
SYM35_CALL2_ROW0 = {
    'float64': [0.11913990750521136, -0.205275254649187, -0.24750416472993908,
                0.7280070240332234, -0.026648274264165526],
    'float32': [0.11913993209600449, -0.20527532696723938, -0.24750418961048126,
                0.7280070781707764, -0.02664823643863201],
}
# RS(seed=7); a = RS.normal((2,)); b = RS.normal((3,)); f = function([], [a, b])
TWO_NODES = {
    'float64': [[[1.658003033940799, 2.422248872915544],
                 [-1.0338938031874056, 1.0484345964011133, -0.18232588749749257]],
                [[-0.4673849753099695, -2.8996632061454206],
                 [-0.9407765736710308, -1.8452997275948309, 0.33937733537040216]]],
    'float32': [[[1.6580032110214233, 2.4222488403320312],
                 [-1.0338939428329468, 1.0484347343444824, -0.1823255568742752]],
                [[-0.4673866331577301, -2.899662971496582],
                 [-0.9407765865325928, -1.8453000783920288, 0.33937761187553406]]],
}
DTYPES = ['float64', 'float32']


@pytest.mark.parametrize('dtype', DTYPES)
def test_odd_constant_size_bit_exact(dtype):
    f = theano.function([], MRG_RandomStreams(seed=1234).normal((5,), dtype=dtype))
    for expected in CONST5[dtype]:
        out = f()
        assert out.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(out, np.array(expected, dtype=dtype))


@pytest.mark.parametrize('dtype', DTYPES)
def test_given_stream_count_bit_exact(dtype):
    f = theano.function([], MRG_RandomStreams(seed=7).normal((7,), nstreams=3, dtype=dtype))
    for expected in NSTREAMS3[dtype]:
        np.testing.assert_array_equal(f(), np.array(expected, dtype=dtype))


@pytest.mark.parametrize('dtype', DTYPES)
def test_symbolic_size_scaled_bit_exact(dtype):
    X = T.matrix(dtype=dtype)
    f = theano.function([X], MRG_RandomStreams(seed=99).normal(X.shape, avg=0.0, std=0.3,
                                                                dtype=dtype))
    x = np.zeros((3, 5), dtype=dtype)
    np.testing.assert_array_equal(f(x), np.array(SYM35_CALL1[dtype], dtype=dtype))
    np.testing.assert_array_equal(f(x)[0], np.array(SYM35_CALL2_ROW0[dtype], dtype=dtype))


@pytest.mark.parametrize('dtype', DTYPES)
def test_each_call_takes_its_own_stream_set(dtype):
    srng = MRG_RandomStreams(seed=7)
    f = theano.function([], [srng.normal((2,), dtype=dtype), srng.normal((3,), dtype=dtype)])
    for expected in TWO_NODES[dtype]:
        for out, want in zip(f(), expected):
            np.testing.assert_array_equal(out, np.array(want, dtype=dtype))


def test_layout_is_box_muller_over_one_even_uniform_draw():
    # Written out from the uniforms: 5 values need 6 uniforms u; with h = 3,
    # z = [r * cos(2 pi u[3:]), r * sin(2 pi u[3:])][:5], r = sqrt(-2 log u[:3]).
    srng = MRG_RandomStreams(seed=1234)
    state = srng.rstate.copy()
    z = theano.function([], srng.normal((5,), dtype='float64'))()
    ints, _ = mrg31k3p.draw_ints(mrg31k3p.substream_states(state, mrg31k3p.MAX_STREAMS), 6)
    u = mrg31k3p.uniform_from_ints(ints, 'float64')
    r = np.sqrt(-2 * np.log(u[:3]))
    expected = np.concatenate([r * np.cos(2 * np.pi * u[3:]), r * np.sin(2 * np.pi * u[3:])])[:5]
    np.testing.assert_allclose(z, expected, rtol=1e-15)


def test_moments_and_shape():
    srng = MRG_RandomStreams(seed=5)
    z = theano.function([], srng.normal((200, 101), avg=2.0, std=3.0))()
    assert z.shape == (200, 101)
    assert abs(z.mean() - 2.0) < 0.05 and abs(z.std() - 3.0) < 0.05


def test_dtype_rules():
    srng = MRG_RandomStreams(seed=5)
    fx = theano.config.floatX
    assert srng.normal((3,)).dtype == fx
    assert srng.normal((3,), std=0.3).dtype == fx          # Python floats count as floatX
    assert srng.normal((3,), std=np.float64(0.5)).dtype == 'float64'
    assert srng.normal((3,), dtype='float32').dtype == 'float32'
    # a symbolic std computed from a Python float stays in floatX, as in Theano
    assert srng.normal((3,), std=T.sqrt(0.4 / 0.6)).dtype == fx


def test_bad_size_is_refused_before_the_state_moves():
    srng = MRG_RandomStreams(seed=5)
    before = srng.rstate.copy()
    with pytest.raises(ValueError, match='dimension <= 0'):
        srng.normal((3, 0))
    np.testing.assert_array_equal(srng.rstate, before)
