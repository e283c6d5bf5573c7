# Keras 0.2.0 recurrent layers (theano.scan, the mask of the previous step multiplying the
# carried state) fed by an Embedding with mask_zero=True on front-padded sequences, on fixed
# weights: outputs (last step and whole sequence) and gradients of a random projection
# w.r.t. every weight; unmasked runs; then a Sequential Embedding(mask_zero) + LSTM + Dense
# fitted 2 epochs. Embedding's default 'uniform' weights drawn from the seeded np.random.
import numpy as np
np.random.seed(11)

import theano
import theano.tensor as T
from keras.layers import recurrent
from keras.layers.embeddings import Embedding

fx = theano.config.floatX
rng = np.random.RandomState(5)
out = {}
vocab, emb_dim, hid, nt = 9, 4, 5, 6
seqs = [[1, 2, 3], [4, 5, 6, 7, 8, 1], [2], [3, 3, 4, 5]]
X = np.zeros((len(seqs), nt), dtype='int32')
for i, s in enumerate(seqs):
    X[i, nt - len(s):] = s          # front padding, as pad_sequences does
out['X'] = X


def fixed(layer, scale=0.4):
    layer.set_weights([rng.normal(size=w.shape) * scale for w in layer.get_weights()])


# the weights by attribute name (layer.params too is 0.2.0's, see pending/layer_params.py)
WEIGHT_NAMES = {'SimpleRNN': 'W U b', 'GRU': 'W_z U_z b_z W_r U_r b_r W_h U_h b_h',
                'LSTM': 'W_i U_i b_i W_c U_c b_c W_f U_f b_f W_o U_o b_o'}


def run(tag, rnn, mask_zero=True):
    emb = Embedding(vocab, emb_dim, mask_zero=mask_zero, input_length=nt)
    fixed(emb, 1.0)
    rnn.set_previous(emb)
    fixed(rnn)
    y = rnn.get_output(train=False)
    Y = theano.function([emb.input], y)(X)
    R = theano.shared(rng.normal(size=Y.shape).astype(fx))
    wrt = [emb.W] + [getattr(rnn, n) for n in WEIGHT_NAMES[type(rnn).__name__].split()]
    g = theano.function([emb.input], T.grad(T.sum(y * R), wrt))(X)
    out[tag + '_out'] = Y
    for i, gi in enumerate(g):
        out['%s_grad%d' % (tag, i)] = gi


for name in ('SimpleRNN', 'GRU', 'LSTM'):
    cls = getattr(recurrent, name)
    for seq in (False, True):
        run('%s_seq%d' % (name, seq), cls(hid, return_sequences=seq))
run('LSTM_nomask_seq1', recurrent.LSTM(hid, return_sequences=True), mask_zero=False)
run('GRU_nomask', recurrent.GRU(hid), mask_zero=False)
run('SimpleRNN_tanh_seq1', recurrent.SimpleRNN(hid, activation='tanh', return_sequences=True))

out['init_Embedding_uniform'] = Embedding(vocab, emb_dim).get_weights()[0]

# a masked sequence classifier fitted 2 epochs (fixed weights: 'orthogonal' goes through an
# SVD whose signs depend on the LAPACK build)
from keras.models import Sequential
from keras.layers.core import Dense

np.random.seed(21)
n = 24
Xs = np.zeros((n, nt), dtype='int32')
for i in range(n):
    k = rng.randint(1, nt + 1)
    Xs[i, nt - k:] = rng.randint(1, vocab, size=k)
ys = np.zeros((n, 2))
ys[np.arange(n), rng.randint(0, 2, size=n)] = 1.0
model = Sequential()
model.add(Embedding(vocab, emb_dim, mask_zero=True, input_length=nt))
model.add(recurrent.LSTM(hid))
model.add(Dense(2, activation='softmax'))
fixed(model)
model.compile(loss='categorical_crossentropy', optimizer='rmsprop')
out['seq_X'] = Xs
hist = model.fit(Xs, ys, batch_size=8, nb_epoch=2, verbose=0, show_accuracy=True)
out['seq_hist_loss'] = np.asarray(hist.history['loss'])
out['seq_hist_acc'] = np.asarray(hist.history['acc'])
for i, w in enumerate(model.get_weights()):
    out['seq_w%d_final' % i] = w
out['seq_predict'] = model.predict(Xs, batch_size=10)
emit(**out)
