"""legacy_bn: 2015 Keras (0.1.x) on numpy and autograd. See README.md.

`python -m legacy_bn script.py` runs an unmodified 2015 script (see __main__.py);
install_aliases() makes `import keras` / `import theano` load legacy_bn from Python.
"""
from .aliases import install_aliases  # noqa: F401  (imports nothing heavy)

__version__ = '0.1.0'
