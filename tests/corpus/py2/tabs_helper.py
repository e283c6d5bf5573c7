# A helper module next to the script, edited with an editor that mixed tabs and spaces
# (Python 2 read a tab as 8 columns).
import numpy as np

def make_blobs(n, dim, seed=0):
	rng = np.random.RandomState(seed)
	centers = rng.uniform(-2, 2, size=(2, dim))
	X = np.zeros((n, dim), dtype='float32')
	y = np.zeros(n, dtype='int32')
	for i in xrange(n):
		label = i % 2
	        X[i] = centers[label] + 0.5 * rng.randn(dim)
		y[i] = label
	return X, y

def batches(n, size):
	"""Yields slices; the last, smaller batch is dropped as the 2015 loop did."""
        for start in range(0, n - size + 1, size):
		yield slice(start, start + size)
