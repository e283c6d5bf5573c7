# Bag of words the 2015 way: string.maketrans, dict.iteritems/has_key, keys() indexed,
# sorted with cmp=, a lambda with a tuple parameter.
import string
import numpy as np
np.random.seed(1337)
from keras.models import Sequential
from keras.layers.core import Dense, Activation
from keras.utils import np_utils
from keras.optimizers import Adagrad

texts = ["Great movie, loved it!", "Terrible... hated it.", "loved the acting; great",
         "hated the plot, terrible", "great great fun", "terrible boring movie"] * 20
labels = [1, 0, 1, 0, 1, 0] * 20
table = string.maketrans(string.punctuation, ' ' * len(string.punctuation))
counts = {}
for text in texts:
    for word in text.lower().translate(table).split():
        if counts.has_key(word):
            counts[word] += 1
        else:
            counts[word] = 1
by_count = sorted(counts.iteritems(), cmp=lambda a, b: cmp(b[1], a[1]) or cmp(a[0], b[0]))
print 'top words:', ' '.join(w for w, c in by_count[:3])
print 'first key is a string:', isinstance(counts.keys()[0], str)
vocab = dict((w, i) for i, (w, c) in enumerate(by_count))
print 'letters:', len(string.letters), 'vocab:', len(vocab)

X = np.zeros((len(texts), len(vocab)), dtype='float32')
for i, text in enumerate(texts):
    for word in text.lower().translate(table).split():
        X[i, vocab[word]] += 1
Y = np_utils.to_categorical(labels, 2)
model = Sequential()
model.add(Dense(len(vocab), 2))
model.add(Activation('softmax'))
model.compile(loss='categorical_crossentropy', optimizer=Adagrad(lr=0.1))
model.fit(X, Y, nb_epoch=5, batch_size=12, verbose=0)
pred = model.predict_classes(X, verbose=0)
print 'accuracy:', np.mean(pred == np.array(labels))
print 'weights:', max(map(lambda (name, w): w.size, [('W', model.layers[0].W.get_value())]))
