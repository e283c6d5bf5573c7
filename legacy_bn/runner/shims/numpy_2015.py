"""numpy names that 2015 code used and numpy 2 removed (numpy 1.9/1.10 was current then).

The aliases of Python's builtins (np.int, np.float, ...) are the builtins, as numpy 1.x
re-exported them: `np.zeros(3, dtype=np.int)` is int64 and `np.float(x)` a Python float.
np.bool and np.long still exist in numpy 2 (as np.bool_ and the C long) and are left alone.

A ragged nested list (`np.array([[1, 2], [3]])`, the padded-later sequences of text scripts)
became an object array of lists up to numpy 1.23; numpy 1.24 refuses it. RAGGED_FALLBACK's
functions, called from the script's own code, fall back to that object array when today's
numpy refuses; every other call is passed through unchanged.
"""
import builtins
import functools
import pickle

RAGGED_FALLBACK = ('array', 'asarray', 'max', 'min', 'amax', 'amin')


def _isin_ravelled(a, b, assume_unique=False, invert=False):
    import numpy as np
    return np.isin(np.ravel(a), b, assume_unique=assume_unique, invert=invert)


def _alen(a):
    import numpy as np
    return len(np.array(a, ndmin=1))


def _asfarray(a, dtype=None):
    import numpy as np
    dtype = np.float64 if dtype is None else dtype
    if not np.issubdtype(dtype, np.inexact):
        dtype = np.float64
    return np.asarray(a, dtype=dtype)


def names(np):
    """2015 name -> object, for this numpy."""
    return {
        'int': builtins.int, 'float': builtins.float, 'complex': builtins.complex,
        'object': builtins.object, 'str': builtins.str, 'unicode': builtins.str,
        'float_': np.float64, 'complex_': np.complex128, 'string_': np.bytes_,
        'unicode_': np.str_, 'int0': np.intp, 'uint0': np.uintp, 'bool8': np.bool_,
        'object0': np.object_, 'longfloat': np.longdouble, 'cfloat': np.complex128,
        'clongfloat': np.clongdouble, 'longcomplex': np.clongdouble,
        'singlecomplex': np.complex64,
        'NaN': np.nan, 'NAN': np.nan, 'Inf': np.inf, 'Infinity': np.inf, 'infty': np.inf,
        'PINF': np.inf, 'NINF': -np.inf, 'PZERO': 0.0, 'NZERO': -0.0,
        'mat': np.asmatrix,
        'product': np.prod, 'cumproduct': np.cumprod, 'sometrue': np.any, 'alltrue': np.all,
        'round_': np.round, 'trapz': getattr(np, 'trapezoid', None), 'in1d': _isin_ravelled,
        'row_stack': np.vstack,
        'asscalar': lambda a: a.item(), 'rank': np.ndim, 'alen': _alen,
        'msort': lambda a: np.sort(a, axis=0), 'asfarray': _asfarray, 'loads': pickle.loads,
    }


def _ragged_fallback(np, name, function):
    from . import called_from_script

    @functools.wraps(function)
    def with_ragged_fallback(a, *args, **kwargs):
        try:
            return function(a, *args, **kwargs)
        except ValueError as error:
            # a ragged list with a dtype was an error in 2015 too
            converts = name in ('array', 'asarray')
            if 'inhomogeneous' not in str(error) or not called_from_script() or \
                    (converts and (args or kwargs.get('dtype') is not None)):
                raise
        if converts:
            return function(a, dtype=object, **kwargs)
        return function(np.array(a, dtype=object), *args, **kwargs)
    with_ragged_fallback.ragged_fallback = True
    return with_ragged_fallback


def adapt(np):
    from . import add_module_names
    add_module_names(np, {k: v for k, v in names(np).items() if v is not None})
    for name in RAGGED_FALLBACK:
        function = getattr(np, name)
        if not getattr(function, 'ragged_fallback', False):
            setattr(np, name, _ragged_fallback(np, name, function))
