# Logging into a cStringIO buffer with print >>, urllib/urllib2 as imported by 2015 scripts
# (no network: only requests are built), a Queue of results.
import sys
import urllib, urllib2
import Queue
from cStringIO import StringIO
from StringIO import StringIO as SlowStringIO
import numpy as np
np.random.seed(1337)
from keras.models import Sequential
from keras.layers.core import Dense

log = StringIO()
X = np.random.randn(100, 3).astype('float32')
y = X.dot(np.array([[1.0], [-2.0], [0.5]], dtype='float32'))
model = Sequential()
model.add(Dense(3, 1))
model.compile(loss='mse', optimizer='rmsprop')
results = Queue.Queue()
for epoch in range(3):
    loss = model.train_on_batch(X, y)
    print >>log, "epoch", epoch, "loss", "%.4f" % loss
    results.put(float(loss))
lines = log.getvalue().splitlines()
print len(lines), 'lines logged; first:', lines[0].split()[:2]
print 'queue:', results.qsize(), 'losses fell:', results.get() > list(results.queue)[-1]
query = urllib.urlencode({'q': 'keras', 'page': 2})
request = urllib2.Request('http://example.com/search?' + query)
print 'request:', request.get_method(), sorted(query.split('&'))
out = SlowStringIO()
print >>out, 'to a StringIO.StringIO'
sys.stdout.write(out.getvalue())
