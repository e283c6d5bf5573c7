"""scipy.misc's image functions on Pillow (runner shim) against scipy 0.19.1 + Pillow 7.2.

REFERENCE was recorded by running the same calls (see outputs()) with the oracle's
scipy 0.19.1 (Python 3.6, numpy 1.12) and Pillow 7.2: scipy.misc.imresize/imsave/imread/
toimage/bytescale/imrotate; the shim must give the same arrays, dtypes and shapes.
"""
import os

import numpy as np
import pytest

pytest.importorskip('PIL')
from legacy_bn.runner.shims import scipy_misc as misc  # noqa: E402

REFERENCE = {'bytescale': [[28, 21, 15, 10, 6, 3], [1, 0, 0, 2, 4, 8], [12, 18, 25, 32, 41, 51],
               [62, 74, 88, 102, 117, 134], [151, 170, 189, 210, 232, 255]],
 'bytescale_args': [[58, 45, 35, 26, 20, 15], [11, 10, 11, 13, 17, 23],
                    [30, 40, 51, 64, 79, 96], [114, 135, 157, 181, 200, 200],
                    [200, 200, 200, 200, 200, 200]],
 'imread_flatten': ['<f4',
                    [[174.50100708007812, 179.04400634765625, 184.35899353027344,
                      190.26100158691406, 196.34800720214844, 202.6199951171875],
                     [146.08299255371094, 149.60499572753906, 153.1269989013672,
                      157.23599243164062, 162.302001953125, 167.18299865722656],
                     [132.51800537109375, 134.06199645996094, 137.14999389648438,
                      140.23800659179688, 143.3260040283203, 147.18600463867188],
                     [133.62100219726562, 134.7310028076172, 135.84100341796875,
                      137.13600158691406, 139.7899932861328, 141.85699462890625],
                     [149.97900390625, 149.29600524902344, 149.38499450683594,
                      149.65899658203125, 150.52000427246094, 151.96800231933594]]],
 'imread_mode_L': [[175, 179, 184, 190, 196, 203], [146, 150, 153, 157, 162, 167],
                   [133, 134, 137, 140, 143, 147], [134, 135, 136, 137, 140, 142],
                   [150, 149, 149, 150, 151, 152]],
 'imread_palette': [[5, 7, 3], [[0, 0, 0], [7, 7, 7], [14, 14, 14]]],
 'imrotate': [[0, 35, 84, 133, 182, 231, 0], [0, 28, 77, 126, 175, 224, 0],
              [0, 21, 70, 119, 168, 217, 0], [0, 14, 63, 112, 161, 210, 0],
              [0, 7, 56, 105, 154, 203, 0]],
 'imrotate30': [[0, 15, 10, 4, 8, 0], [21, 15, 2, 2, 41, 51], [1, 0, 25, 32, 117, 134],
                [12, 18, 88, 88, 210, 232], [0, 62, 74, 189, 210, 0]],
 'imsave_float_read': [[28, 21, 15, 10, 6, 3], [1, 0, 0, 2, 4, 8], [12, 18, 25, 32, 41, 51],
                       [62, 74, 88, 102, 117, 134], [151, 170, 189, 210, 232, 255]],
 'imsave_rgb_read': ['|u1', [5, 6, 3],
                     [[134, 134, 121], [136, 136, 119], [140, 140, 115], [144, 144, 111],
                      [148, 148, 107], [153, 153, 102]]],
 'resize_float': [[19, 12, 7, 5], [6, 10, 15, 24], [45, 59, 75, 94], [135, 160, 188, 217]],
 'resize_rgb': [[[134, 194, 122], [131, 217, 125]], [[142, 142, 113], [151, 151, 104]],
                [[194, 134, 61], [217, 131, 38]]],
 'resize_u8_bilinear': [[25, 36, 48, 59], [102, 113, 125, 136], [179, 190, 202, 213]],
 'resize_u8_fraction': [[0, 0, 6, 11, 16, 20, 25, 30, 36, 39],
                        [24, 27, 33, 38, 43, 47, 52, 57, 63, 66],
                        [63, 66, 72, 77, 82, 86, 91, 96, 102, 105],
                        [98, 101, 107, 112, 117, 121, 126, 131, 137, 140],
                        [133, 136, 142, 147, 152, 156, 161, 166, 172, 175],
                        [172, 175, 181, 186, 191, 195, 200, 205, 211, 214],
                        [199, 202, 208, 213, 218, 222, 227, 232, 238, 241]],
 'resize_u8_nearest': [[7, 21, 35], [7, 21, 35], [56, 70, 84], [105, 119, 133], [105, 119, 133],
                       [154, 168, 182], [203, 217, 231], [203, 217, 231]],
 'resize_u8_percent': [[55, 70, 85], [153, 168, 183]],
 'toimage_I': [[110, 82, 58, 38, 22, 10], [3, 0, 1, 6, 15, 29], [47, 69, 96, 126, 161, 200],
               [244, 291, 343, 399, 459, 524], [593, 665, 743, 824, 910, 999]],
 'toimage_P': ['P', [6, 5]]}


def outputs(folder):
    """The calls the reference was recorded with (same data, same order)."""
    from PIL import Image
    out = {}
    g = (np.arange(35).reshape(5, 7) * 7 % 256).astype(np.uint8)
    f = np.linspace(-1.0, 3.0, 30).reshape(5, 6) ** 2
    rgb = np.stack([f, f[::-1], -f], axis=2)
    out['resize_u8_bilinear'] = misc.imresize(g, (3, 4)).tolist()
    out['resize_u8_nearest'] = misc.imresize(g, (8, 3), interp='nearest').tolist()
    out['resize_u8_percent'] = misc.imresize(g, 50).tolist()
    out['resize_u8_fraction'] = misc.imresize(g, 1.5, interp='bicubic').tolist()
    out['resize_float'] = misc.imresize(f, (4, 4)).tolist()
    out['resize_rgb'] = misc.imresize(rgb, (3, 2)).tolist()
    out['bytescale'] = misc.bytescale(f).tolist()
    out['bytescale_args'] = misc.bytescale(f, cmin=0, cmax=4, high=200, low=10).tolist()
    misc.imsave(os.path.join(folder, 'f.png'), f)
    out['imsave_float_read'] = misc.imread(os.path.join(folder, 'f.png')).tolist()
    misc.imsave(os.path.join(folder, 'rgb.png'), rgb)
    a = misc.imread(os.path.join(folder, 'rgb.png'))
    out['imsave_rgb_read'] = [a.dtype.str, list(a.shape), a[2].tolist()]
    fl = misc.imread(os.path.join(folder, 'rgb.png'), flatten=True)
    out['imread_flatten'] = [fl.dtype.str, fl.tolist()]
    out['imread_mode_L'] = misc.imread(os.path.join(folder, 'rgb.png'), mode='L').tolist()
    Image.fromarray(g).convert('P').save(os.path.join(folder, 'p.png'))
    p = misc.imread(os.path.join(folder, 'p.png'))
    out['imread_palette'] = [list(p.shape), p[0, :3].tolist()]
    out['imrotate'] = misc.imrotate(g, 90).tolist()
    out['imrotate30'] = misc.imrotate(f, 30, interp='nearest').tolist()
    im = misc.toimage(f, mode='P')
    out['toimage_P'] = [im.mode, list(im.size)]
    out['toimage_I'] = np.array(misc.toimage(f, mode='I', high=1000, low=0)).tolist()
    return out


def test_same_arrays_as_scipy_0_19_on_pillow(tmp_path):
    got = outputs(str(tmp_path))
    assert sorted(got) == sorted(REFERENCE)
    for key in REFERENCE:
        assert got[key] == REFERENCE[key], key


def test_imresize_returns_uint8_and_byte_scales_floats():
    small = np.array([[0.0, 0.5], [0.25, 1.0]])
    out = misc.imresize(small, (2, 2), interp='nearest')
    assert out.dtype == np.uint8
    assert out.tolist() == [[0, 128], [64, 255]]      # min -> 0, max -> 255, half up


def test_bytescale_errors_name_the_arguments():
    with pytest.raises(ValueError, match='low=0, high=300'):
        misc.bytescale(np.zeros(3), high=300)
    with pytest.raises(ValueError, match='cmax=0 is smaller than cmin=1'):
        misc.bytescale(np.zeros(3), cmin=1, cmax=0)
    with pytest.raises(ValueError, match=r'shape \(2, 2, 5\)'):
        misc.toimage(np.zeros((2, 2, 5)))


def test_missing_pillow_names_the_pip_command(monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_pil(name, *args, **kwargs):
        if name == 'PIL' or name.startswith('PIL.'):
            raise ImportError('No module named PIL')
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, '__import__', no_pil)
    with pytest.raises(ImportError, match='pip install Pillow'):
        misc.imread('x.png')
