"""Keras 0.2.0's convolutional forms on `--keras 0.2` (scripts/conv_forms.py, run in its own
process as test_numerics_0_2_0 explains): 'full' convolutions against numpy loops, pooled
sizes against what the real 0.2.0 (Theano 0.8.2's C pooling) returned, UpSample1D/2D."""
import numpy as np

from .test_numerics_0_2_0 import run_0_2

# (ignore_border, stride, pool, size) -> output size, printed by the real Keras 0.2.0's
# MaxPooling2D (/work/oracle/run.sh 0.2.0 64); the pool as large as the image, every
# stride < pool, gives 2 (Theano's C code truncates a negative quotient toward zero)
ORACLE_POOLS = {
    (False, 2, 3, 3): 2, (False, 2, 4, 4): 2, (False, 3, 4, 4): 2, (False, 2, 3, 5): 2,
    (False, 2, 3, 6): 3, (False, 1, 4, 7): 4, (False, 3, 2, 7): 3, (False, 2, 2, 7): 4,
    (False, 3, 3, 3): 1, (False, 3, 4, 7): 2, (True, 2, 3, 6): 2, (True, 3, 4, 7): 2,
    (True, 1, 3, 3): 1, (True, 2, 2, 7): 3, (True, 3, 1, 7): 3, (True, 2, 4, 5): 1,
}


def correlate_full(x, w, subsample):
    """Theano's 'full' conv2d by loops: the flipped filter at every overlapping offset."""
    n, c, rows, cols = x.shape
    f, _, kr, kc = w.shape
    padded = np.zeros((n, c, rows + 2 * (kr - 1), cols + 2 * (kc - 1)))
    padded[:, :, kr - 1:kr - 1 + rows, kc - 1:kc - 1 + cols] = x
    flipped = w[:, :, ::-1, ::-1]
    out = np.zeros((n, f, rows + kr - 1, cols + kc - 1))
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            window = padded[:, :, i:i + kr, j:j + kc]
            out[:, :, i, j] = np.einsum('nchw,fchw->nf', window, flipped)
    return out[:, :, ::subsample[0], ::subsample[1]]


def test_full_convolutions_pools_and_upsampling_as_keras_0_2_0(tmp_path):
    got, _ = run_0_2('conv_forms.py', tmp_path)

    c2 = {k: np.array(v) for k, v in got['conv2d'].items() if k not in ('shape', 'border_mode')}
    expected = correlate_full(c2['x'], c2['w'], (2, 1)) + c2['b'][None, :, None, None]
    assert expected.shape == (2, 2, 3, 7)
    assert got['conv2d']['shape'] == [None, 2, 3, 7]        # the real 0.2.0's output_shape
    assert got['conv2d']['border_mode'] == 'full'
    np.testing.assert_allclose(got['conv2d']['y'], expected, rtol=1e-8)

    c1 = {k: np.array(v) for k, v in got['conv1d'].items() if k != 'shape'}
    x4 = c1['x'].transpose(0, 2, 1)[..., None]               # (samples, dim, steps, 1)
    expected = correlate_full(x4, c1['w'], (1, 1))[..., 0].transpose(0, 2, 1) + c1['b']
    assert expected.shape == (2, 7, 4) and got['conv1d']['shape'] == [None, None, 4]
    np.testing.assert_allclose(got['conv1d']['y'], expected, rtol=1e-8)

    sizes = {tuple(p[:4]): p[4:] for p in got['pools']}
    for key, n in ORACLE_POOLS.items():
        assert sizes[key] == [n, n, n], key                  # rows, cols, output_shape
    assert all(rows == cols == shape for rows, cols, shape in sizes.values())

    x = np.array(got['pool1d']['x'])                         # windows 0-2, 2-4, 4-6
    expected = np.stack([x[:, s:s + 3].max(axis=1) for s in (0, 2, 4)], axis=1)
    np.testing.assert_allclose(got['pool1d']['y'], expected)
    assert got['pool1d']['config']['ignore_border'] is False
    assert got['pool1d']['config']['stride'] == 2
    # a pool larger than its input with ignore_border=True: the real 0.2.0 said
    # output_shape (None, 1, 0, 0) and returned an empty (2, 1, 0, 0) array; legacy_bn too,
    # with a warning naming the layer
    assert got['too_big']['shape'] == [None, 1, 0, 0]
    assert got['too_big']['y'] == [2, 1, 0, 0]
    assert got['too_big']['warnings'][0] == (
        'MaxPooling2D: a pool of 4x4 is larger than its input (3x3), and ignore_border=True '
        'leaves no output: the result is empty, as in Theano')

    base = np.arange(4.).reshape(2, 2)
    np.testing.assert_array_equal(got['up1'][0], np.repeat(base, 3, axis=0))
    np.testing.assert_array_equal(got['up2'][0][0], np.repeat(np.repeat(base, 2, 0), 3, 1))
    assert got['up_names'] == ['UpSample1D', 'UpSample2D']
