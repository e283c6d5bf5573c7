"""Reusable work arrays for the ops whose temporaries are large (weight-gradient products,
a convolution's patches and its image gradient).

Fresh arrays of a few megabytes each step make the C allocator give memory back to the
system and fault it in again on the next step (thousands of page faults per LeNet step at
batch 128, a quarter of its time). A pool hands an array out again only when nothing but
the pool holds it any more (its reference count says so): an array still in use - kept
by a result, by the optimizer's state, or through a view - is never handed out twice.
"""
import sys

import numpy as np

_PER_SHAPE = 3          # arrays kept per (shape, dtype); more in use at once are made fresh


class Buffers:
    def __init__(self):
        self.free = {}

    def get(self, shape, dtype):
        """An uninitialised C-ordered array of this shape and dtype that nothing else holds."""
        key = (shape, dtype)     # as the caller gave them (a shape tuple, a dtype): no conversions
        try:
            pool = self.free.get(key)
        except TypeError:                 # a shape given as a list
            pool = key = None
        if pool is None:                  # the first call with this spelling: the one pool
            dtype = np.dtype(dtype)
            pool = self.free.setdefault((tuple(shape), dtype.str), [])
            if key is not None:
                self.free[key] = pool
        for buf in pool:
            if sys.getrefcount(buf) == 3:        # the pool's list, `buf`, the argument
                return buf
        buf = np.empty(shape, dtype)
        if len(pool) < _PER_SHAPE:
            pool.append(buf)
        return buf

    def zeros(self, shape, dtype):
        buf = self.get(shape, dtype)
        buf.fill(0)
        return buf


BUFFERS = Buffers()
