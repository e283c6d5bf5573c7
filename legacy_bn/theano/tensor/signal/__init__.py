"""theano.tensor.signal. Keras 4e1ec93 reaches `T.signal.downsample` without importing it
(Theano 0.7 imported it itself), so importing the package brings the module along."""
from . import downsample, pool  # noqa: F401
