"""`keras.backend` of Keras 0.3.3 (`from keras import backend as K`), Theano only.

At import, as 0.3.3 did: ~/.keras (or /tmp/.keras when the home folder is not
writable) is created if missing; ~/.keras/keras.json gives floatx, epsilon and
backend, and is written with the defaults (float32, 1e-07, theano) when absent;
KERAS_BACKEND in the environment overrides the file's backend. The functions come
from theano_backend, written on legacy_bn.theano; asking for TensorFlow is an error.
"""
import json
import os
import sys

from .common import epsilon, floatx, set_epsilon, set_floatx, cast_to_floatx  # noqa: F401
from .common import check_floatx
from .. import FIXED_FLOATX

BACKENDS = ('theano', 'tensorflow')


def _keras_dir():
    base = os.path.expanduser('~')
    if not os.access(base, os.W_OK):
        base = '/tmp'
    path = os.path.join(base, '.keras')
    if not os.path.exists(path):
        os.makedirs(path)
    return path


def _read_config(path):
    """(backend named by keras.json at `path`, where it was named), setting floatx and
    epsilon from the file; the file is written with the defaults when it does not exist."""
    if not os.path.exists(path):
        defaults = {'floatx': floatx(), 'epsilon': epsilon(), 'backend': 'theano'}
        with open(path, 'w') as f:
            f.write(json.dumps(defaults) + '\n')
        return 'theano', path
    with open(path) as f:
        try:
            config = json.load(f)
        except ValueError as e:
            raise ValueError('Keras config %s is not valid JSON (%s)' % (path, e)) from None
    where = 'Keras config %s' % path
    value = config.get('floatx', floatx())
    set_floatx(check_floatx(value, where + ', "floatx"'))
    value = config.get('epsilon', epsilon())
    if type(value) is not float:
        raise ValueError('%s: "epsilon" must be a float (as Keras 0.3.3 required), got %r'
                         % (where, value))
    set_epsilon(value)
    name = config.get('backend', 'theano')
    if name not in BACKENDS:
        raise ValueError('%s: unknown backend %r; Keras 0.3.3 knew %s'
                         % (where, name, ', '.join(BACKENDS)))
    return name, where + ', "backend"'


def _check_backend(name, where):
    """name if legacy_bn has that backend; `where` says who asked for it."""
    if name == 'tensorflow':
        raise ImportError('%s asks for the TensorFlow backend: legacy_bn provides only Keras '
                          "0.3.3's Theano backend (on legacy_bn.theano). Set it to \"theano\" "
                          '(or unset KERAS_BACKEND / set KERAS_BACKEND=theano).' % where)
    if name not in BACKENDS:
        raise ValueError('%s: unknown backend %r; Keras 0.3.3 knew %s'
                         % (where, name, ', '.join(BACKENDS)))
    return name


if FIXED_FLOATX is None:
    _config_path = os.path.join(_keras_dir(), 'keras.json')
    _BACKEND, _asked_by = _read_config(_config_path)
else:   # Keras 0.2.0 (legacy_bn.keras02): no keras.json
    set_floatx(FIXED_FLOATX)
    _BACKEND, _asked_by = 'theano', 'Keras 0.2.0'
if 'KERAS_BACKEND' in os.environ:     # the environment wins over the file, as in 0.3.3
    _BACKEND = os.environ['KERAS_BACKEND']
    _asked_by = 'KERAS_BACKEND=%s (environment)' % _BACKEND
_BACKEND = _check_backend(_BACKEND, _asked_by)

if FIXED_FLOATX is None:     # 0.2.0 did not say it
    sys.stderr.write('Using Theano backend.\n')
from .theano_backend import *  # noqa: E402,F401,F403
