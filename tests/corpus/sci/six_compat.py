# six, which every 2015 Keras environment had (Theano needed it), and sklearn.externals.six
from __future__ import print_function
import six
from six.moves import range, cPickle
from sklearn.externals.six import iteritems, string_types
import numpy as np

d = {'b': 2, 'a': 1}
print('items', sorted(iteritems(d)), isinstance('x', string_types), six.PY3)
blob = cPickle.dumps(np.arange(3), protocol=2)
print('pickle', cPickle.loads(blob).tolist(), list(range(3)))
