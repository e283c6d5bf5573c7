"""`theano.config`: read from THEANO_FLAGS exactly as Theano 0.8 read it.

THEANO_FLAGS is a comma-separated list of `key=value`; later entries win. Only
`floatX` changes what legacy_bn computes. Every other flag 2015 code reads or sets
(device, mode, optimizer, base_compiledir, exception_verbosity, warn.*, lib.cnmem,
...) is a plain attribute with Theano 0.8.2's default (recorded from it), so scripts
that print, test or assign them keep working; assigning one changes nothing else.
Dotted names are attributes of sections: `config.warn.sum_div_dimshuffle_bug`.
"""
import os

FLOATX_CHOICES = ('float64', 'float32')

# Theano 0.8.2's defaults (CPU machine, no THEANO_FLAGS), as its config printed them.
DEFAULTS = {
    'device': 'cpu', 'init_gpu_device': '', 'force_device': False, 'mode': 'Mode',
    'optimizer': 'fast_run', 'linker': 'cvm', 'exception_verbosity': 'low',
    'cast_policy': 'custom', 'int_division': 'int', 'allow_gc': True, 'openmp': False,
    'openmp_elemwise_minsize': 200000, 'on_opt_error': 'warn', 'on_unused_input': 'raise',
    'compute_test_value': 'off', 'compute_test_value_opt': 'off', 'print_test_value': False,
    'profile': False, 'profile_memory': False, 'profile_optimizer': False,
    'optimizer_excluding': '', 'optimizer_including': '', 'optimizer_requiring': '',
    'optimizer_verbose': False, 'nocleanup': False, 'reoptimize_unpickled_function': False,
    'unpickle_function': True, 'warn_float64': 'ignore', 'cxx': '',
    'assert_no_cpu_op': 'ignore', 'enable_initial_driver_test': True,
    'traceback.limit': 8, 'experimental.mrg': False,
    'numpy.seterr_all': 'ignore', 'numpy.seterr_divide': 'None', 'numpy.seterr_over': 'None',
    'numpy.seterr_under': 'None', 'numpy.seterr_invalid': 'None',
    'gcc.cxxflags': '', 'blas.ldflags': '', 'cmodule.warn_no_version': False,
    'cmodule.remove_gxx_opt': False, 'cmodule.compilation_warning': False,
    'cmodule.preload_cache': False, 'cmodule.mac_framework_link': False,
    'nvcc.fastmath': False, 'nvcc.flags': '', 'lib.amdlibm': False, 'lib.cnmem': 0.0,
    'dnn.enabled': 'auto', 'cuda.root': '/usr/local', 'pycuda.init': False,
    'scan.allow_gc': False, 'scan.allow_output_prealloc': True,
    'tensor.cmp_sloppy': 0, 'tensor.local_elemwise_fusion': True, 'gpuelemwise.sync': True,
    'DebugMode.check_c': True, 'DebugMode.check_py': True, 'DebugMode.patience': 10,
    'DebugMode.warn_input_not_reused': True, 'DebugMode.check_strides': 0,
    'DebugMode.check_finite': True, 'DebugMode.check_preallocated_output': '',
    # the warnings of bugs Theano fixed before 0.8: all off by default (ignore_bug_before 0.7)
    'warn.ignore_bug_before': '0.7', 'warn.argmax_pushdown_bug': False,
    'warn.gpu_set_subtensor1': False, 'warn.gpusum_01_011_0111_bug': False,
    'warn.identify_1pexp_bug': False, 'warn.inc_set_subtensor1': False,
    'warn.reduce_join': False, 'warn.signal_conv2d_interface': False,
    'warn.subtensor_merge_bug': False, 'warn.sum_div_dimshuffle_bug': False,
    'warn.sum_sum_bug': False, 'warn.vm_gc_bug': False,
}


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


def _converted(text, default):
    """A flag's text in the type of its default ('False' -> False, '8' -> 8)."""
    if isinstance(default, bool):
        return text.strip().lower() not in ('false', '0', 'no', 'off', '')
    for kind in (int, float):
        if isinstance(default, kind):
            try:
                return kind(text)
            except ValueError:
                return text
    return text


class ConfigSection:
    """A group of dotted flags (`config.warn`, `config.gcc`, ...): plain attributes."""

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        items = sorted((k, v) for k, v in vars(self).items() if not k.startswith('_'))
        return 'config.%s(%s)' % (self._name, ', '.join('%s=%r' % kv for kv in items))


class Config:
    def __init__(self, flags):
        self.flags = dict(flags)
        floatX = self.flags.get('floatX', 'float64')
        if floatX not in FLOATX_CHOICES:
            raise ValueError('THEANO_FLAGS: floatX=%s is not supported; use one of %s'
                             % (floatX, ', '.join(FLOATX_CHOICES)))
        self.floatX = floatX
        base = self.flags.get('base_compiledir', os.path.join(os.path.expanduser('~'), '.theano'))
        self.base_compiledir = base
        self.compiledir = self.flags.get(
            'compiledir', os.path.join(base, 'compiledir_legacy_bn'))
        self.compiledir_format = 'compiledir_legacy_bn'
        for name, default in DEFAULTS.items():
            value = _converted(self.flags[name], default) if name in self.flags else default
            self._set(name, value)
        for name, text in self.flags.items():    # flags Theano had that are not listed
            if name not in DEFAULTS and name not in ('floatX', 'base_compiledir', 'compiledir'):
                self._set(name, text)

    def _set(self, dotted, value):
        owner = self
        *sections, leaf = dotted.split('.')
        for k, section in enumerate(sections):
            child = owner.__dict__.get(section)
            if not isinstance(child, ConfigSection):
                child = ConfigSection('.'.join(sections[:k + 1]))
                setattr(owner, section, child)
            owner = child
        setattr(owner, leaf, value)

    def __repr__(self):
        return 'Config(floatX=%r)' % self.floatX


config = Config(parse_flags(os.environ.get('THEANO_FLAGS', '')))
