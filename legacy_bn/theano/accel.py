"""The optional compiled accelerator (issue 18): numba kernels (accel_numba.py)
for the elementwise work of the LSTM and LSTM_LN loops' steps, around the same numpy
products, and for BatchNormalization (2015's and 0.3.3's), relu's gradient and the softmax
cross-entropy of a batch.

Off by default: the pure-numpy loops are what the tests and the numerics tables describe.
`LEGACY_BN_ACCEL=numba` in the environment, or `use('numba')`, turns it on (`pip install
numba`). It serves float32 only: its tanh is a float32 approximation (within 3.3e-7 of the
exact value, see accel_numba.py), so float64 keeps numpy's everywhere.
"""
import os

import numpy as np

ENVIRONMENT_VARIABLE = 'LEGACY_BN_ACCEL'
CHOICES = ('none', 'numba')
_chosen = {'name': None, 'kernels': None}


def use(name):
    """Choose the accelerator: 'numba', or 'none' / '' / None for the pure-numpy loops.
    Choosing numba loads (and on first use compiles) its kernels now, so a missing
    numba is reported here rather than in the middle of a training step."""
    name = _checked(name, 'accel.use: name')
    kernels = None
    if name == 'numba':
        try:
            from . import accel_numba as kernels
        except ImportError as err:
            raise ImportError('the numba accelerator (%s=numba or accel.use(\'numba\')) needs '
                              'numba: pip install numba (%s)' % (ENVIRONMENT_VARIABLE, err)) from err
    _chosen['name'], _chosen['kernels'] = name, kernels
    return name


def current():
    """The accelerator in use: 'none' or 'numba' (the environment's choice until use())."""
    if _chosen['name'] is None:
        use(_checked(os.environ.get(ENVIRONMENT_VARIABLE), '$' + ENVIRONMENT_VARIABLE))
    return _chosen['name']


def kernels_for(dtype):
    """The kernel module for a loop of this dtype, or None for numpy's loop. (Asked a
    dozen times a training step: the common case decides without a call.)"""
    kernels = _chosen['kernels']
    if kernels is None:
        if _chosen['name'] is not None:
            return None              # 'none' chosen
        current()
        kernels = _chosen['kernels']
    return kernels if kernels is not None and dtype == _FLOAT32 else None


_FLOAT32 = np.dtype(np.float32)


def _checked(name, what):
    name = (name or 'none').strip().lower()
    if name not in CHOICES:
        raise ValueError('%s: expected one of %s, got %r' % (what, ', '.join(CHOICES), name))
    return name
