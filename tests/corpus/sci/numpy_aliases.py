# numpy names of 2015 (np.float, np.int, np.NaN, np.mat, ...), as scripts used them
from __future__ import print_function
import numpy as np

a = np.array([1.5, np.NaN, 3.0], dtype=np.float)
counts = np.zeros(4, dtype=np.int)
counts[np.int(2.7)] += 1
print('dtypes', a.dtype, counts.dtype, counts.tolist(), np.float(np.nansum(a)))
m = np.mat([[1, 2], [3, 4]])
print('mat', (m * m).tolist(), np.asscalar(m[0, 1]), type(np.float_(1)).__name__)
print('inf', np.isinf(np.Inf), np.NINF < 0, np.bool8(1), np.object is object)
labels = np.array(['a', 'b'], dtype=np.str)
print('str', labels.dtype.kind, np.in1d([1, 2, 3], [2]).tolist(), np.product([2, 3, 4]))
