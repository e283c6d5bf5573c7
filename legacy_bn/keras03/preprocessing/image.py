"""keras.preprocessing.image (Keras 0.3.3): what is the same as 4e1ec93's is shared (array/PIL
conversions, flips, and 2015's scipy resampling for rotation and zoom); what 0.3.3 changed is
here: the random transforms draw from np.random (4e1ec93: Python's `random`), shifts are signed
and resampled to the nearest pixel, shear is implemented, and ImageDataGenerator is an endless
iterator (`flow` returns the generator itself; batches go round the data for ever, as 0.3.3's
fit_generator expects) with standardization in 0.3.3's order and epsilons.

Deliberate difference: fit(augment=True) transforms the arrays themselves; 0.3.3 passed PIL
images through transforms written for (channels, rows, cols) arrays, which rotated and
sheared the wrong axes (docs/compat.md).
"""
import math
import os
import threading

import numpy as np

from ...preprocessing.image import ImageDataGenerator as _ImageDataGenerator4e1ec93
from ...preprocessing.image import (  # noqa: F401
    _check_fill_mode, _ndimage, _scipy_linalg, array_to_img, horizontal_flip, img_to_array,
    list_pictures, load_img, random_barrel_transform, random_channel_shift, rotate_2015,
    vertical_flip, zoom_2015)


def random_rotation(x, rg, fill_mode='nearest', cval=0.):
    """x rotated by an angle uniform in [-rg, rg] degrees (np.random)."""
    _check_fill_mode(fill_mode)
    return rotate_2015(x, np.random.uniform(-rg, rg), fill_mode, cval)


def random_shift(x, wrg, hrg, fill_mode='nearest', cval=0.):
    """x shifted by up to +-wrg of its width (cols) and +-hrg of its height (rows), each a
    uniform fraction (np.random), taking the nearest input pixel."""
    _check_fill_mode(fill_mode)
    shift_cols = np.random.uniform(-wrg, wrg) * x.shape[2] if wrg else 0
    shift_rows = np.random.uniform(-hrg, hrg) * x.shape[1] if hrg else 0
    return _ndimage().shift(x, (0, shift_rows, shift_cols), order=0, mode=fill_mode, cval=cval)


def random_shear(x, intensity, fill_mode='nearest', cval=0.):
    """x sheared by an angle uniform in [-intensity, intensity] radians (np.random), with
    0.3.3's matrix over the (channels, rows, cols) axes, cubic spline resampled as 2015's scipy
    did."""
    _check_fill_mode(fill_mode)
    shear = np.random.uniform(-intensity, intensity)
    matrix = np.array([[1.0, -math.sin(shear), 0.0],
                       [0.0, math.cos(shear), 0.0],
                       [0.0, 0.0, 1.0]])
    coords = np.einsum('ij,j...->i...', matrix, np.indices(x.shape, dtype=np.float64))
    return _affine_2015(x, coords, fill_mode, cval)


def _affine_2015(x, coords, fill_mode, cval):
    """x sampled at coords (x.ndim, *x.shape) with 2015's cubic spline: mirror-boundary
    coefficients, 'nearest' clamping each coordinate, 'constant' giving cval outside."""
    ndimage = _ndimage()
    last = (np.array(x.shape, dtype=np.float64) - 1).reshape((-1,) + (1,) * x.ndim)
    coeffs = ndimage.spline_filter(np.asarray(x, dtype=np.float64), 3, mode='mirror')
    out = ndimage.map_coordinates(coeffs, np.clip(coords, 0, last), order=3, mode='mirror',
                                  prefilter=False).astype(x.dtype)
    if fill_mode == 'constant':
        out[~np.all((coords >= 0) & (coords <= last), axis=0)] = cval
    return out


def random_zoom(x, rg, fill_mode='nearest', cval=0.):
    """Rows and cols zoomed by factors uniform in [1 - rg, 1] (np.random); the result is
    smaller than x, as in 0.3.3."""
    _check_fill_mode(fill_mode)
    zoom_w = np.random.uniform(1. - rg, 1.)
    zoom_h = np.random.uniform(1. - rg, 1.)
    return zoom_2015(x, zoom_w, zoom_h, fill_mode, cval)


class ImageDataGenerator(_ImageDataGenerator4e1ec93):
    """Endless batches of randomly transformed, standardized images (Keras 0.3.3).

    Call fit(X) first for the featurewise options (both on by default) and ZCA whitening;
    flow(X, y) returns the generator itself, to iterate or hand to fit_generator.
    rotation_range in degrees, shift ranges as fractions of the size, shear_range in radians.
    The options are 4e1ec93's (its __init__ is shared) plus shear_range.
    """

    def __init__(self, featurewise_center=True, samplewise_center=False,
                 featurewise_std_normalization=True, samplewise_std_normalization=False,
                 zca_whitening=False, rotation_range=0., width_shift_range=0.,
                 height_shift_range=0., shear_range=0., horizontal_flip=False,
                 vertical_flip=False):
        super(ImageDataGenerator, self).__init__(
            featurewise_center, samplewise_center, featurewise_std_normalization,
            samplewise_std_normalization, zca_whitening, rotation_range, width_shift_range,
            height_shift_range, horizontal_flip, vertical_flip)
        self.shear_range = shear_range
        self.lock = threading.Lock()

    @staticmethod
    def _flow_index(N, batch_size=32, shuffle=False, seed=None):
        """(indices, first position, size) of each batch, for ever: a new order (np.random,
        re-seeded with seed + batches so far when seeded) at each pass; the last batch of a
        pass is short."""
        position, total = 0, 0
        while True:
            if position == 0:
                if seed is not None:
                    np.random.seed(seed + total)
                order = np.random.permutation(N) if shuffle else np.arange(N)
            start = position * batch_size % N
            size = min(batch_size, N - start)
            position = position + 1 if size == batch_size else 0
            total += 1
            yield order[start:start + size], start, size

    def flow(self, X, y, batch_size=32, shuffle=False, seed=None, save_to_dir=None,
             save_prefix='', save_format='jpeg'):
        if len(X) != len(y):
            raise ValueError('ImageDataGenerator.flow: X has %d samples but y has %d'
                             % (len(X), len(y)))
        self.X, self.y = X, y
        self.save_to_dir, self.save_prefix, self.save_format = save_to_dir, save_prefix, save_format
        self.flow_generator = self._flow_index(X.shape[0], batch_size, shuffle, seed)
        return self

    def __iter__(self):
        return self

    def __next__(self):
        with self.lock:     # only the index advances under the lock, as in 0.3.3
            indices, start, size = next(self.flow_generator)
        bX = np.zeros((size,) + tuple(self.X.shape[1:]))
        for i, j in enumerate(indices):
            bX[i] = self.standardize(self.random_transform(self.X[j].astype('float32')))
        if self.save_to_dir:
            for i in range(size):
                name = '%s_%d.%s' % (self.save_prefix, start + i, self.save_format)
                array_to_img(bX[i], scale=True).save(os.path.join(self.save_to_dir, name))
        return bX, self.y[indices]

    next = __next__     # Python 2 scripts call it by this name

    def standardize(self, x):
        """One image (may be modified in place): samplewise, then featurewise, then ZCA."""
        if self.samplewise_center:
            x -= np.mean(x, axis=1, keepdims=True)
        if self.samplewise_std_normalization:
            x /= (np.std(x, axis=1, keepdims=True) + 1e-7)
        if self.featurewise_center:
            x -= self._statistic('mean', 'featurewise_center')
        if self.featurewise_std_normalization:
            x /= (self._statistic('std', 'featurewise_std_normalization') + 1e-7)
        if self.zca_whitening:
            components = self._statistic('principal_components', 'zca_whitening')
            x = np.reshape(np.dot(np.reshape(x, x.size), components), x.shape)
        return x

    def _statistic(self, name, option):
        value = getattr(self, name)
        if value is None:
            raise ValueError('ImageDataGenerator: %s needs statistics of the data: call '
                             'fit(X) first' % option)
        return value

    def random_transform(self, x):
        """One (channels, rows, cols) image: rotation, shift, flips, shear, each if enabled."""
        if self.rotation_range:
            x = random_rotation(x, self.rotation_range)
        if self.width_shift_range or self.height_shift_range:
            x = random_shift(x, self.width_shift_range, self.height_shift_range)
        if self.horizontal_flip and np.random.random() < 0.5:
            x = horizontal_flip(x)
        if self.vertical_flip and np.random.random() < 0.5:
            x = vertical_flip(x)
        if self.shear_range:
            x = random_shear(x, self.shear_range)
        return x

    def fit(self, X, augment=False, rounds=1, seed=None):
        """The featurewise mean and std and the ZCA matrix over X (not modified), or over
        `rounds` randomly transformed copies of it with augment. seed is not used (0.3.3)."""
        X = np.array(X, dtype=np.float64) if np.asarray(X).dtype.kind != 'f' else np.array(X)
        if X.ndim != 4:
            raise ValueError('ImageDataGenerator.fit: X must be (nb_samples, channels, rows, '
                             'cols), got shape %s' % (X.shape,))
        if augment:
            X = np.concatenate([[self.random_transform(x.copy()) for x in X]
                                for _ in range(rounds)]).astype(np.float64)
        if self.featurewise_center:
            self.mean = np.mean(X, axis=0)
            X -= self.mean
        if self.featurewise_std_normalization:
            self.std = np.std(X, axis=0)
            X /= (self.std + 1e-7)
        if self.zca_whitening:
            flat = np.reshape(X, (X.shape[0], -1))
            sigma = np.dot(flat.T, flat) / flat.shape[1]
            U, S, _ = _scipy_linalg().svd(sigma)
            self.principal_components = np.dot(np.dot(U, np.diag(1. / np.sqrt(S + 10e-7))),
                                               U.T)


class GraphImageDataGenerator(ImageDataGenerator):
    """Batches as {'input': images, 'output': targets}, for a Graph with those names."""

    def __next__(self):
        bX, bY = super(GraphImageDataGenerator, self).__next__()
        return {'input': bX, 'output': bY}

    next = __next__
