"""numba kernels: the optional accelerator of accel.py (float32 only).

At batch 8 a numpy call on a step's (samples, units) arrays costs a few microseconds,
mostly numpy's own dispatch and iteration over strided gate views, and an LSTM step makes
one to three dozen of them; numpy's float32 tanh also runs scalar here (about 4 ns an
element). Each loop kernel does one step's work after (forward) or before (backward) the
step's product with the recurrent weights, which stays a numpy product (BLAS does it
faster than a compiled loop), and reads and writes exactly the arrays numpy's loop does
(the same tape), in the same order of operations except that sums over units are
reassociated. The batch-normalization kernels do in one pass over the batch what numpy
does in four to six.
"""
from .batchnorm import bn_relu_backward, bn_relu_forward, column_squares  # noqa: F401
from .common import ACTIVATIONS, finish_row, slope_row, tanh  # noqa: F401
from .lstm import lstm_backward_step, lstm_factors, lstm_forward_step  # noqa: F401
from .lstm_ln import ln_backward_step, ln_factors, ln_forward_step  # noqa: F401
