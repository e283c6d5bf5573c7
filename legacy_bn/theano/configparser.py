"""`theano.config`: read from THEANO_FLAGS exactly as Theano 0.8 read it.

THEANO_FLAGS is a comma-separated list of `key=value`; later entries win. Only
`floatX` changes what legacy_bn computes; every other flag (device, mode,
base_compiledir, ...) is accepted and kept so old launch scripts keep working.
"""
import os

FLOATX_CHOICES = ('float64', 'float32')


def parse_flags(text):
    """'a=1,b=2' -> {'a': '1', 'b': '2'}; a bare word counts as `word=True` like Theano."""
    flags = {}
    for item in text.split(','):
        item = item.strip()
        if not item:
            continue
        key, sep, value = item.partition('=')
        flags[key.strip()] = value.strip() if sep else 'True'
    return flags


class Config:
    def __init__(self, flags):
        self.flags = dict(flags)
        floatX = self.flags.get('floatX', 'float64')
        if floatX not in FLOATX_CHOICES:
            raise ValueError('THEANO_FLAGS: floatX=%s is not supported; use one of %s'
                             % (floatX, ', '.join(FLOATX_CHOICES)))
        self.floatX = floatX
        self.device = self.flags.get('device', 'cpu')
        self.mode = self.flags.get('mode', 'FAST_RUN')

    def __repr__(self):
        return 'Config(floatX=%r)' % self.floatX


config = Config(parse_flags(os.environ.get('THEANO_FLAGS', '')))
