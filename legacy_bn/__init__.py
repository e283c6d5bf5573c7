"""legacy_bn: 2015 Keras (0.1.x) on numpy and autograd. See README.md."""
__version__ = '0.1.0'
