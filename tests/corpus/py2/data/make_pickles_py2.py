# Run with Python 2.7 to (re)make the Python 2 pickles that the corpus scripts read:
#     /root/.pyenv/versions/2.7.18/bin/python make_pickles_py2.py
# (no .expected file: the corpus test does not run this one)
import cPickle
import pickle
import random

random.seed(2015)
X = [[random.gauss(0, 1) for _ in range(8)] for _ in range(240)]
y = [int(row[0] + row[1] - row[2] > 0) for row in X]
names = {0: 'n\xe9gatif', 1: u'positif'}     # a byte string with latin-1 in it, and unicode
meta = {'author': 'kaggler', 'version': 3L, 'shape': (240, 8)}

# pickle protocol 0, written in TEXT mode as 2015 tutorials did
f = open('blobs_text.pkl', 'w')
pickle.dump((X, y), f)
f.close()
# cPickle, highest protocol (2), binary mode
f = open('blobs_meta.pkl', 'wb')
cPickle.dump({'names': names, 'meta': meta}, f, cPickle.HIGHEST_PROTOCOL)
f.close()
print 'wrote', len(X), 'samples;', sum(y), 'positive'
