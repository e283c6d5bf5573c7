"""keras.preprocessing.image as of Keras 4e1ec93: random image transforms and
ImageDataGenerator, for images laid out (channels, rows, cols).

The random transforms draw from Python's `random` module, as 2015 did, with the same
calls in the same order (and `flow(shuffle=True)` seeds np.random from it), so a
seeded script sees 2015's augmentations. Rotation, shift, zoom
and ZCA whitening need scipy (`pip install "legacy_bn[image]"`); array_to_img and
load_img need Pillow. Resampling reproduces the scipy of 2015 (see _resample_2015).
"""
import math
import os
import random
import re

import numpy as np

from .. import validation


def _ndimage():
    try:
        from scipy import ndimage
    except ImportError:
        raise ImportError('rotating, shifting and zooming images need scipy: '
                          'pip install "legacy_bn[image]" (or pip install scipy)') from None
    return ndimage


def _scipy_linalg():
    try:
        from scipy import linalg
    except ImportError:
        raise ImportError('ZCA whitening needs scipy: pip install "legacy_bn[image]" '
                          '(or pip install scipy)') from None
    return linalg


def _pil_image():
    try:
        from PIL import Image
    except ImportError:
        raise ImportError('array_to_img and load_img need Pillow: pip install "legacy_bn[image]" '
                          '(or pip install Pillow)') from None
    return Image


# -- scipy.ndimage's cubic-spline resampling as it was in 2015 (scipy < 1.6) -------------------
# Since 1.6, scipy pre-filters the spline with the boundary mode and evaluates past the
# edges differently, which moves rotated and zoomed pixels by up to ~0.3 of the range.
# 2015's: coefficients with mirror boundaries (along the resampled axes), 'nearest'
# clamps each coordinate into the image, 'constant' gives cval where one falls outside.
FILL_MODES = ('nearest', 'constant')


def _check_fill_mode(fill_mode):
    """Before anything is drawn, so a bad call leaves `random` where it was."""
    if fill_mode not in FILL_MODES:
        raise ValueError("fill_mode must be one of %s (2015's resampling is reproduced for "
                         "those), got %r" % (', '.join(map(repr, FILL_MODES)), fill_mode))
    _ndimage()


def _resample_2015(x, coords, fill_mode, cval):
    """Every channel of x (channels, rows, cols) sampled at `coords` (2, *out_shape),
    float (row, col) positions in the input plane."""
    ndimage = _ndimage()
    last = (np.array(x.shape[1:], dtype=np.float64) - 1).reshape(2, 1, 1)
    clamped = np.clip(coords, 0, last)
    out = np.empty((x.shape[0],) + coords.shape[1:], dtype=x.dtype)
    for k in range(x.shape[0]):  # 2015 resampled plane by plane
        coeffs = ndimage.spline_filter(np.asarray(x[k], dtype=np.float64), 3, mode='mirror')
        out[k] = ndimage.map_coordinates(coeffs, clamped, order=3, mode='mirror', prefilter=False)
    if fill_mode == 'constant':
        out[:, ~np.all((coords >= 0) & (coords <= last), axis=0)] = cval
    return out


def random_rotation(x, rg, fill_mode="nearest", cval=0.):
    """Rotate the (rows, cols) plane of every channel by an angle uniform in [-rg, rg]
    degrees, about the image centre, keeping the shape."""
    _check_fill_mode(fill_mode)
    return rotate_2015(x, random.uniform(-rg, rg), fill_mode, cval)


def rotate_2015(x, degrees, fill_mode="nearest", cval=0.):
    """Every channel of x rotated by `degrees` about the image centre, shape kept, resampled
    as 2015's scipy.ndimage.rotate did (also used by Keras 0.3.3's random_rotation)."""
    angle = np.pi / 180 * degrees
    rotation = np.array([[math.cos(angle), math.sin(angle)], [-math.sin(angle), math.cos(angle)]])
    centre = np.array([x.shape[1] / 2.0 - 0.5, x.shape[2] / 2.0 - 0.5])
    # output position p reads input position R p + (centre - R centre)
    coords = np.einsum('ij,j...->i...', rotation, np.indices(x.shape[1:], dtype=np.float64))
    coords += (centre - rotation.dot(centre)).reshape(2, 1, 1)
    return _resample_2015(x, coords, fill_mode, cval)


def random_shift(x, wrg, hrg, fill_mode="nearest", cval=0.):
    """Shift down and right by random whole pixels: for each of the two axes, a fraction
    crop ~ U(0, range) of its size is split at s ~ U(0, 1), and the image moves by
    int(s * crop * size) (2015 computed the other part of the split and never used it)."""
    _check_fill_mode(fill_mode)
    shift_rows = shift_cols = 0
    if wrg:
        crop = random.uniform(0., wrg)
        split = random.uniform(0, 1)
        shift_rows = int(split * crop * x.shape[1])
    if hrg:
        crop = random.uniform(0., hrg)
        split = random.uniform(0, 1)
        shift_cols = int(split * crop * x.shape[2])
    coords = np.indices(x.shape[1:], dtype=np.float64)
    coords -= np.array([shift_rows, shift_cols], dtype=np.float64).reshape(2, 1, 1)
    return _resample_2015(x, coords, fill_mode, cval)


def horizontal_flip(x):
    """Mirror every channel left-right (in place, as 2015; the array is returned)."""
    for i in range(x.shape[0]):
        x[i] = np.fliplr(x[i])
    return x


def vertical_flip(x):
    """Mirror every channel upside down (in place; the array is returned)."""
    for i in range(x.shape[0]):
        x[i] = np.flipud(x[i])
    return x


def random_barrel_transform(x, intensity):
    """Not implemented in 2015 either: returns None."""
    return None


def random_shear(x, intensity):
    """Not implemented in 2015 either: returns None."""
    return None


def random_channel_shift(x, rg):
    """Not implemented in 2015 either: returns None."""
    return None


def random_zoom(x, rg, fill_mode="nearest", cval=0.):
    """Zoom rows and cols by factors uniform in [1 - rg, 1]; the result is smaller."""
    _check_fill_mode(fill_mode)
    zoom_w = random.uniform(1. - rg, 1.)
    zoom_h = random.uniform(1. - rg, 1.)
    return zoom_2015(x, zoom_w, zoom_h, fill_mode, cval)


def zoom_2015(x, zoom_w, zoom_h, fill_mode="nearest", cval=0.):
    """Rows and cols of every channel zoomed by zoom_w and zoom_h, resampled as 2015's
    scipy.ndimage.zoom did (also used by Keras 0.3.3's random_zoom)."""
    shape = (int(round(x.shape[1] * zoom_w)), int(round(x.shape[2] * zoom_h)))
    coords = np.indices(shape, dtype=np.float64)
    for axis in (0, 1):  # the corners stay put: output k reads input k (n_in - 1) / (n_out - 1)
        if shape[axis] > 1:
            coords[axis] *= (x.shape[axis + 1] - 1) / float(shape[axis] - 1)
    return _resample_2015(x, coords, fill_mode, cval)


def array_to_img(x, scale=True):
    """A PIL image of a (channels, rows, cols) array: RGB for 3 channels, else the first
    channel as grayscale. scale: shift the minimum to >= 0 and stretch the maximum to 255.
    The array is not modified (2015 rescaled it in place)."""
    Image = _pil_image()
    x = np.array(x, dtype=np.float64).transpose(1, 2, 0)
    if scale:
        x += max(-np.min(x), 0)
        x /= np.max(x)
        x *= 255
    if x.shape[2] == 3:
        return Image.fromarray(x.astype("uint8"), "RGB")
    return Image.fromarray(x[:, :, 0].astype("uint8"), "L")


def img_to_array(img):
    """A float32 (channels, rows, cols) array of a PIL image (1 channel for grayscale)."""
    x = np.asarray(img, dtype='float32')
    if len(x.shape) == 3:
        return x.transpose(2, 0, 1)
    return x.reshape((1, x.shape[0], x.shape[1]))


def load_img(path, grayscale=False):
    """The image file at `path` as a PIL image in 'L' (grayscale) or 'RGB' mode."""
    Image = _pil_image()
    with Image.open(path) as img:  # 2015 opened the file in text mode, which fails on Python 3
        return img.convert('L' if grayscale else 'RGB')


def list_pictures(directory, ext='jpg|jpeg|bmp|png'):
    """Paths of the files in `directory` whose names are word characters + one of `ext`."""
    return [os.path.join(directory, f) for f in os.listdir(directory)
            if os.path.isfile(os.path.join(directory, f))
            and re.match(r'([\w]+\.(?:' + ext + '))', f)]


class ImageDataGenerator(object):
    """Batches of images, randomly transformed, then standardized.

    featurewise_center / featurewise_std_normalization / zca_whitening use statistics
    that `fit` computes over a data set (both featurewise options are on by default, as
    in 2015, so call fit first); samplewise options use each image's own mean and std.
    rotation_range is in degrees, the shift ranges are fractions of the image size.
    """

    def __init__(self, featurewise_center=True, samplewise_center=False,
                 featurewise_std_normalization=True, samplewise_std_normalization=False,
                 zca_whitening=False, rotation_range=0., width_shift_range=0.,
                 height_shift_range=0., horizontal_flip=False, vertical_flip=False):
        self.featurewise_center = featurewise_center
        self.samplewise_center = samplewise_center
        self.featurewise_std_normalization = featurewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.zca_whitening = zca_whitening
        self.rotation_range = rotation_range
        self.width_shift_range = width_shift_range
        self.height_shift_range = height_shift_range
        self.horizontal_flip = horizontal_flip
        self.vertical_flip = vertical_flip
        self.mean = None
        self.std = None
        self.principal_components = None

    def flow(self, X, y, batch_size=32, shuffle=False, seed=None, save_to_dir=None,
             save_prefix="", save_format="jpeg"):
        """Yield (batch of transformed, standardized float64 images, matching y) once
        over the data. shuffle: X and y are shuffled in place together (as 2015), with
        np.random seeded from `random`. save_to_dir: also write each batch's images."""
        validation.positive_int('ImageDataGenerator.flow', 'batch_size', batch_size)
        self._check_fitted('flow')
        if len(X) != len(y):
            raise ValueError('ImageDataGenerator.flow: X has %d samples but y has %d'
                             % (len(X), len(y)))
        if seed:
            random.seed(seed)
        if shuffle:
            seed = random.randint(1, int(10e6))
            np.random.seed(seed)
            np.random.shuffle(X)
            np.random.seed(seed)
            np.random.shuffle(y)

        nb_batch = int(math.ceil(float(X.shape[0]) / batch_size))
        for b in range(nb_batch):
            start = b * batch_size
            nb_samples = min(batch_size, X.shape[0] - start)
            bX = np.zeros((nb_samples,) + tuple(X.shape[1:]))
            for i in range(nb_samples):
                x = self.random_transform(X[start + i].astype("float32"))
                bX[i] = self.standardize(x)
            if save_to_dir:
                for i in range(nb_samples):
                    img = array_to_img(bX[i], scale=True)
                    img.save(os.path.join(save_to_dir, '%s_%d.%s' % (save_prefix, i, save_format)))
            yield bX, y[start:start + nb_samples]

    def standardize(self, x):
        """One image, standardized as configured (x itself may be modified)."""
        if self.featurewise_center:
            x -= self.mean
        if self.featurewise_std_normalization:
            x /= self.std          # fit() made a constant pixel's std 1, not 0 (0/0 = NaN)
        if self.zca_whitening:
            whitex = np.dot(np.reshape(x, x.size), self.principal_components)
            x = np.reshape(whitex, x.shape)
        if self.samplewise_center:
            x -= np.mean(x)
        if self.samplewise_std_normalization:
            x /= np.std(x) or 1.0  # a blank image stays 0 (2015: 0/0 = NaN)
        return x

    def random_transform(self, x):
        """One (channels, rows, cols) image: rotation, shift, then flips, each if enabled."""
        if self.rotation_range:
            x = random_rotation(x, self.rotation_range)
        if self.width_shift_range or self.height_shift_range:
            x = random_shift(x, self.width_shift_range, self.height_shift_range)
        if self.horizontal_flip and random.random() < 0.5:
            x = horizontal_flip(x)
        if self.vertical_flip and random.random() < 0.5:
            x = vertical_flip(x)
        return x

    def fit(self, X, augment=False, rounds=1, seed=None):
        """Compute the featurewise mean and std and the ZCA matrix over X (not modified).

        augment: over `rounds` randomly transformed copies of X instead. (2015 passed
        PIL images, rescaled to 0..255, through transforms written for arrays.)
        seed is accepted and, as in 2015, not used."""
        X = np.array(X)  # a copy; float stays in its precision, as 2015 computed
        if X.dtype.kind != 'f':  # 2015 failed subtracting a float mean in place
            X = X.astype(np.float64)
        if X.ndim != 4:
            raise ValueError('ImageDataGenerator.fit: X must be (nb_samples, channels, rows, '
                             'cols), got shape %s' % (X.shape,))
        if augment:
            aX = np.zeros((rounds * X.shape[0],) + X.shape[1:])
            for r in range(rounds):
                for i in range(X.shape[0]):
                    aX[i + r * X.shape[0]] = self.random_transform(X[i].copy())
            X = aX
        if self.featurewise_center:
            self.mean = np.mean(X, axis=0)
            X -= self.mean
        if self.featurewise_std_normalization:
            self.std = np.std(X, axis=0)
            self.std[self.std == 0] = 1.0   # a constant pixel: centered to 0, then kept 0
            X /= self.std
        if self.zca_whitening:
            flatX = np.reshape(X, (X.shape[0], -1))
            fudge = 10e-6
            sigma = np.dot(flatX.T, flatX) / flatX.shape[1]
            # scipy's SVD, as 2015: for float32 data it works in float32 (numpy's in float64)
            U, S, V = _scipy_linalg().svd(sigma)
            self.principal_components = np.dot(np.dot(U, np.diag(1. / np.sqrt(S + fudge))), U.T)

    def _check_fitted(self, where):
        needed = [name for name, on, value in (
            ('featurewise_center', self.featurewise_center, self.mean),
            ('featurewise_std_normalization', self.featurewise_std_normalization, self.std),
            ('zca_whitening', self.zca_whitening, self.principal_components)) if on and value is None]
        if needed:
            raise ValueError('ImageDataGenerator.%s: %s need%s statistics of the data: call '
                             'fit(X) first' % (where, ' and '.join(needed),
                                               's' if len(needed) == 1 else ''))
