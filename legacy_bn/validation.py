"""Checks that make bad arguments and data fail early, with a message naming the layer or
argument, the expected and the actual value - never a half-trained model.

Layers check their constructor arguments here; the training loop shared by the models
checks fit's arguments and data once per call (not per batch), and watches the loss.
"""
import math
import numbers

import numpy as np

from .theano import config

FLOAT32_MAX = float(np.finfo(np.float32).max)



# -- layer arguments ------------------------------------------------------------------------
def positive_int(owner, name, value):
    """`value` as an int if it is an integer >= 1 (numpy ints too, not bools)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError('%s: %s must be a positive integer, got %r' % (owner, name, value))
    return int(value)


def layer_size(owner, name, value):
    """positive_int, also taking an integral float as its int: under Python 3 the 2015
    examples' size arithmetic (`nb_filters * (shapex / nb_pool) * ...`) gives 6272.0, and
    2015's numpy accepted float sizes."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    return positive_int(owner, name, value)


def shape_tuple(owner, name, value, what=' (the shape of one sample, without the batch axis)'):
    """A sample shape (or window size): an int or a tuple/list of positive ints, as a tuple."""
    dims = value if isinstance(value, (tuple, list)) else (value,)
    if not dims or any(isinstance(d, bool) or not isinstance(d, numbers.Integral) or d < 1
                       for d in dims):
        raise ValueError('%s: %s must be a positive integer or a tuple of them%s, got %r'
                         % (owner, name, what, value))
    return tuple(int(d) for d in dims)


def in_unit_interval(owner, name, value):
    if not _is_real(value) or not 0 <= value <= 1:
        raise ValueError('%s: %s must be a number in [0, 1], got %r' % (owner, name, value))
    return value


def non_negative(owner, name, value):
    if not _is_real(value) or not value >= 0:
        raise ValueError('%s: %s must be a number >= 0, got %r' % (owner, name, value))
    return value


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


# -- the model's structure ------------------------------------------------------------------
def check_layer_sizes(where, layers):
    """Each layer that knows its input shape must get it from the layer before (when that
    one's output shape is known too). 2015 found out inside Theano, during the first step.
    Only the trailing axes both shapes have are compared, and only sizes both know: a Dense
    on sequences takes (timesteps, input_dim) for its (input_dim,)."""
    for k in range(1, len(layers)):
        expected = getattr(layers[k], 'input_shape', None)
        given = layers[k - 1].output_shape
        check_shape = getattr(layers[k], 'check_input_shape', None)
        if check_shape is not None and given is not None:
            check_shape(given, where)
        if shapes_conflict(expected, given):
            raise ValueError('%s: layer %d (%s) outputs samples of shape %s, but layer %d (%s) '
                             'expects input of shape %s'
                             % (where, k - 1, layers[k - 1].label(), tuple(given), k,
                                layers[k].label(), tuple(expected)))


def shapes_conflict(expected, given):
    """Whether an input shape a layer expects and the output shape that feeds it disagree:
    only the trailing axes both have, and only sizes both know, are compared."""
    if expected is None or given is None:
        return False
    return any(_known(e) and _known(g) and e != g
               for e, g in zip(reversed(tuple(expected)), reversed(tuple(given))))


def _known(size):
    return isinstance(size, numbers.Integral) and size >= 0


# -- fit's arguments ------------------------------------------------------------------------
def check_batch_size(where, batch_size):
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) \
            or batch_size < 1:
        raise ValueError('%s: batch_size must be a positive integer, got %r'
                         % (where, batch_size))


def check_fit_arguments(batch_size, nb_epoch, validation_split):
    check_batch_size('fit', batch_size)
    if isinstance(nb_epoch, bool) or not isinstance(nb_epoch, numbers.Integral) or nb_epoch < 0:
        raise ValueError('fit: nb_epoch must be an integer >= 0, got %r' % (nb_epoch,))
    if not _is_real(validation_split) or not 0 <= validation_split < 1:
        raise ValueError('fit: validation_split must be a number in [0, 1), got %r'
                         % (validation_split,))


def split_point(nb_sample, validation_split):
    """Where validation_split cuts nb_sample samples: both parts must be non-empty."""
    split_at = int(nb_sample * (1 - validation_split))
    if split_at == 0 or split_at == nb_sample:
        raise ValueError('fit: validation_split=%r of %d samples leaves %d for training and %d '
                         'for validation; both need at least one'
                         % (validation_split, nb_sample, split_at, nb_sample - split_at))
    return split_at


def check_array(where, name, x):
    """`x` (np.asarray of the user's data) must be an array of samples of numbers."""
    if x.ndim == 0:
        raise ValueError('%s: %s must be an array of samples, got %r' % (where, name, x[()]))
    if x.dtype.kind not in 'biuf':
        raise TypeError('%s: %s holds %s, not numbers' % (where, name, x.dtype))


def check_not_empty(where, X):
    """Training and losses need samples: an empty batch would make the loss 0/0 and
    BatchNormalization's running statistics NaN for good."""
    if len(X) == 0:
        raise ValueError('%s: X has 0 samples (shape %s); at least one is needed'
                         % (where, X.shape))


def check_class_weight(class_weight, classes):
    """Every class in `classes` (the labels of y) must have a weight."""
    bad = [(c, w) for c, w in class_weight.items() if not _is_real(w) or not math.isfinite(w)]
    if bad:
        raise ValueError('class_weight: the weight of class %s must be a finite number, got %r'
                         % (_plain(bad[0][0]), bad[0][1]))
    missing = [c for c in np.unique(classes) if c not in class_weight]
    if missing:
        raise ValueError('class_weight has no weight for class %s (y has classes %s; '
                         'class_weight has %s)'
                         % (_plain(missing[0]), ', '.join(str(_plain(c)) for c in np.unique(classes)),
                            ', '.join(str(k) for k in sorted(class_weight, key=str))))


# -- data -----------------------------------------------------------------------------------
def check_finite(where, named_arrays, chunk=1 << 20):
    """NaN or inf in the float arrays of [(name, array, weights)] -> ValueError naming the
    array and the index of the first bad value. Reads each array once, a chunk at a time (an
    on-disk HDF5Matrix a block of rows at a time, never whole). Where `weights`
    (broadcastable to the array, or None) is 0 a bad value is allowed: the loss leaves
    zero-weight samples out, as 2015's did."""
    for name, array, weights in named_arrays:
        if array is None:
            continue
        if not isinstance(array, np.ndarray) and hasattr(array, 'shape'):
            rows = max(1, chunk // max(1, int(np.prod(array.shape[1:]))))
            for start in range(0, len(array), rows):
                block_weights = None if weights is None else np.asarray(weights)[start:start + rows]
                _check_block(where, name, np.asarray(array[start:start + rows]), block_weights,
                             chunk, start)
        else:
            _check_block(where, name, np.asarray(array), weights, chunk, 0)


def _check_block(where, name, array, weights, chunk, first_row):
    if array.dtype.kind not in 'fc':
        return
    flat = array.reshape(-1)
    narrowed = array.dtype.itemsize > 4 and config.floatX == 'float32'
    for start in range(0, flat.size, chunk):
        if narrowed and np.nanmax(np.abs(flat[start:start + chunk]), initial=0) > FLOAT32_MAX:
            index = _first(np.isfinite(array) & (np.abs(array) > FLOAT32_MAX), first_row)
            value = float(array[_local(index, first_row)])
            raise ValueError('%s: %s holds %r at index %s, beyond float32 (floatX) range: the '
                             'model would see inf' % (where, name, value, index))
        part = flat[start:start + chunk] if start or chunk < flat.size else flat
        # all finite: count_nonzero is one C call where .all() goes through Python
        if np.count_nonzero(np.isfinite(part)) != part.size:
            bad = ~np.isfinite(array)
            if weights is not None:
                w = np.asarray(weights) != 0        # per sample (and time step)
                bad &= w.reshape(w.shape + (1,) * (array.ndim - w.ndim))
            if bad.any():
                index = _first(bad, first_row)
                raise ValueError('%s: %s contains %s at index %s; %s' % (
                    where, name, array[_local(index, first_row)], index,
                    'training on it would make the weights NaN' if 'fit' in where
                    or 'train' in where else 'the loss would be NaN'))
            break


def _first(mask, first_row):
    """The index of the first True in `mask`, counted from the whole array's first row."""
    index = [int(i) for i in np.argwhere(mask)[0]]
    index[0] += first_row
    return tuple(index)


def _local(index, first_row):
    return (index[0] - first_row,) + index[1:]


def named_arrays(X, y, sample_weight):
    """(name, array, weights) of fit's data for check_finite: y may hold NaN where the
    sample weight is 0 (the loss leaves those samples out)."""
    names = ['X'] if len(X) == 1 else ['X[%d]' % k for k in range(len(X))]
    weights = None if sample_weight is None else np.asarray(sample_weight)
    return [(name, x, None) for name, x in zip(names, X)] + \
        [('y', y, weights), ('sample_weight', sample_weight, None)]


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value
