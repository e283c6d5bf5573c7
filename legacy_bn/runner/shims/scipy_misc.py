"""scipy.misc's image functions (removed in scipy 1.2/1.3) on Pillow, as scipy 0.19 ran them.

What 2015 code relies on: imread gives uint8 arrays (H, W) or (H, W, 3/4), palette images
expanded to RGB(A), flatten=True a float32 grey image (ITU-R 601-2 luma); imresize and
imsave/toimage turn any non-uint8 array into uint8 by *byte-scaling* (min -> 0, max -> 255),
so `imresize(float_image, 0.5)` does not keep the values; imresize's size is a percentage
(int), a fraction (float) or a (rows, cols) tuple, with bilinear interpolation by default.
"""
import numpy as np

RESAMPLE = {'nearest': 0, 'lanczos': 1, 'bilinear': 2, 'bicubic': 3, 'cubic': 3}


def _pil():
    try:
        from PIL import Image
    except ImportError:
        from . import missing
        raise missing('PIL', "scipy.misc's image functions") from None
    return Image


def bytescale(data, cmin=None, cmax=None, high=255, low=0):
    """An array as uint8: [cmin, cmax] (default: its min and max) mapped linearly onto
    [low, high], clipped and rounded half up; a uint8 array is returned as it is."""
    data = np.asarray(data)
    if data.dtype == np.uint8:
        return data
    if high > 255 or low < 0 or high < low:
        raise ValueError('bytescale: need 0 <= low <= high <= 255, got low=%r, high=%r'
                         % (low, high))
    cmin = data.min() if cmin is None else cmin
    cmax = data.max() if cmax is None else cmax
    span = cmax - cmin
    if span < 0:
        raise ValueError('bytescale: cmax=%r is smaller than cmin=%r' % (cmax, cmin))
    scale = float(high - low) / (span if span != 0 else 1)
    return (((data - cmin) * scale + low).clip(low, high) + 0.5).astype(np.uint8)


def fromimage(im, flatten=False, mode=None):
    """A copy of a PIL image as an array (see imread)."""
    Image = _pil()
    if not isinstance(im, Image.Image):
        raise TypeError('fromimage: expected a PIL image, got %s' % type(im).__name__)
    if mode is not None and mode != im.mode:
        im = im.convert(mode)
    elif mode is None and im.mode == 'P':
        im = im.convert('RGBA' if 'transparency' in im.info else 'RGB')
    if flatten:
        im = im.convert('F')
    elif im.mode == '1':
        im = im.convert('L')
    return np.array(im)


def imread(name, flatten=False, mode=None):
    """The image file `name` as an array: uint8 (H, W) grey, (H, W, 3) RGB, (H, W, 4) RGBA;
    flatten=True: float32 (H, W) grey; mode: convert to that PIL mode first."""
    return fromimage(_pil().open(name), flatten=flatten, mode=mode)


def _bad_shape(what):
    return ValueError('toimage: %s' % what)


def toimage(arr, high=255, low=0, cmin=None, cmax=None, pal=None, mode=None,
            channel_axis=None):
    """A PIL image of a 2-D array (mode 'L', or 'P' with pal, 'F', 'I', '1') or of a 3-D
    array with 3 or 4 channels on channel_axis (default: the first axis of length 3, else 4)."""
    Image = _pil()
    data = np.asarray(arr)
    if np.iscomplexobj(data):
        raise ValueError('toimage: cannot convert a complex-valued array')
    shape = data.shape
    if not (data.ndim == 2 or (data.ndim == 3 and (3 in shape or 4 in shape))):
        raise _bad_shape('arr has shape %s; expected (H, W) or (H, W, 3|4)' % (shape,))
    if data.ndim == 2:
        size = (shape[1], shape[0])
        if mode == 'F':
            return Image.frombytes('F', size, data.astype(np.float32).tobytes())
        if mode in (None, 'L', 'P'):
            image = Image.frombytes('L', size, bytescale(data, cmin, cmax, high, low).tobytes())
            if pal is None and mode == 'P':       # a grey palette
                pal = np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1)
            if pal is not None:
                image.putpalette(np.asarray(pal, dtype=np.uint8).tobytes())
            return image
        if mode == '1':          # `high` is the threshold
            return Image.frombytes('1', size, (data > high).tobytes())
        cmin = data.min() if cmin is None else cmin
        cmax = data.max() if cmax is None else cmax
        scaled = (data * 1.0 - cmin) * (high - low) / (cmax - cmin) + low
        if mode == 'I':
            return Image.frombytes('I', size, scaled.astype(np.uint32).tobytes())
        raise _bad_shape('mode %r does not fit a 2-D array' % (mode,))
    if channel_axis is None:
        axis = shape.index(3) if 3 in shape else shape.index(4)
    else:
        axis = channel_axis
    channels = shape[axis]
    if channels not in (3, 4):
        raise _bad_shape('axis %d has %d channels; expected 3 or 4' % (axis, channels))
    pixels = np.moveaxis(bytescale(data, cmin, cmax, high, low), axis, 2)
    mode = mode or ('RGB' if channels == 3 else 'RGBA')
    wanted = {'RGB': 3, 'YCbCr': 3, 'RGBA': 4, 'CMYK': 4}.get(mode)
    if wanted != channels:
        raise _bad_shape('mode %r does not fit %d channels' % (mode, channels))
    return Image.frombytes(mode, (pixels.shape[1], pixels.shape[0]),
                           np.ascontiguousarray(pixels).tobytes())


def imsave(name, arr, format=None):
    """Save an array as an image (byte-scaled as toimage does); format from the file name
    unless given."""
    image = toimage(arr, channel_axis=2)
    if format is None:
        image.save(name)
    else:
        image.save(name, format)


def imresize(arr, size, interp='bilinear', mode=None):
    """The array resized as a uint8 image: size an int (percent), a float (fraction) or
    (rows, cols); interp 'nearest', 'lanczos', 'bilinear', 'bicubic' or 'cubic'."""
    image = toimage(arr, mode=mode)
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        size = tuple((np.array(image.size) * (size / 100.0)).astype(int))
    elif isinstance(size, (float, np.floating)):
        size = tuple((np.array(image.size) * size).astype(int))
    else:
        size = (size[1], size[0])
    return fromimage(image.resize(tuple(int(s) for s in size), resample=RESAMPLE[interp]))


def imrotate(arr, angle, interp='bilinear'):
    """The array rotated counter-clockwise by `angle` degrees, as a uint8 image."""
    return fromimage(toimage(np.asarray(arr)).rotate(angle, resample=RESAMPLE[interp]))


def adapt(misc):
    from . import add_module_names
    import scipy.special
    names = {f.__name__: f for f in (imread, imsave, imresize, toimage, fromimage, bytescale,
                                     imrotate)}
    names.update(logsumexp=scipy.special.logsumexp, comb=scipy.special.comb,
                 factorial=scipy.special.factorial)
    add_module_names(misc, names)
