# Keras 0.3.3 recurrent layers (K.rnn over theano.scan) fed by an Embedding with
# mask_zero=True on front-padded sequences, on fixed weights: outputs (last step and
# whole sequence, forwards and go_backwards) and gradients of a random projection
# w.r.t. every weight; an unmasked LSTM; a stateful LSTM called twice then reset;
# dropout_W/dropout_U and Embedding dropout in training (MRG masks seeded from
# np.random when the graph is built); default initial weights from a seeded np.random.
import numpy as np
np.random.seed(11)

from keras import backend as K
from keras.layers import recurrent
from keras.layers.embeddings import Embedding

fx = K.floatx()
rng = np.random.RandomState(5)
out = {}
vocab, emb_dim, hid, T = 9, 4, 5, 6
seqs = [[1, 2, 3], [4, 5, 6, 7, 8, 1], [2], [3, 3, 4, 5]]
X = np.zeros((len(seqs), T), dtype='int32')
for i, s in enumerate(seqs):
    X[i, T - len(s):] = s          # front padding, as pad_sequences does
out['X'] = X


def fixed(layer, scale=0.4):
    layer.set_weights([(rng.normal(size=w.shape) * scale).astype(fx)
                       for w in layer.get_weights()])


def run(tag, rnn, mask_zero=True, train=False, emb_kwargs={}):
    emb = Embedding(vocab, emb_dim, mask_zero=mask_zero, input_length=T, **emb_kwargs)
    fixed(emb, 1.0)
    rnn.set_previous(emb)
    fixed(rnn)
    y = rnn.get_output(train=train)
    Y = K.function([emb.input], [y])([X])[0]
    R = rng.normal(size=Y.shape).astype(fx)
    wrt = emb.trainable_weights + rnn.trainable_weights
    g = K.function([emb.input], K.gradients(K.sum(y * K.variable(R)), wrt))([X])
    out[tag + '_out'] = Y
    for i, gi in enumerate(g):
        out['%s_grad%d' % (tag, i)] = gi


for name in ('SimpleRNN', 'GRU', 'LSTM'):
    cls = getattr(recurrent, name)
    for seq in (False, True):
        run('%s_seq%d' % (name, seq), cls(hid, return_sequences=seq))
        run('%s_back_seq%d' % (name, seq), cls(hid, return_sequences=seq, go_backwards=True))
run('LSTM_nomask_seq1', recurrent.LSTM(hid, return_sequences=True), mask_zero=False)
run('GRU_nomask_back', recurrent.GRU(hid, go_backwards=True), mask_zero=False)
run('SimpleRNN_relu_seq1', recurrent.SimpleRNN(hid, activation='relu', return_sequences=True))
run('LSTM_dropout_train', recurrent.LSTM(hid, return_sequences=True, dropout_W=0.3,
                                         dropout_U=0.2), train=True)
run('GRU_dropout_train', recurrent.GRU(hid, dropout_W=0.25, dropout_U=0.5), train=True)
run('SimpleRNN_dropout_train', recurrent.SimpleRNN(hid, return_sequences=True, dropout_W=0.2,
                                                   dropout_U=0.2), train=True)
run('SimpleRNN_dropout_test', recurrent.SimpleRNN(hid, return_sequences=True, dropout_W=0.2,
                                                  dropout_U=0.2), train=False)
run('LSTM_embdropout_train', recurrent.LSTM(hid), train=True, emb_kwargs={'dropout': 0.5})

# stateful: batch size fixed by batch_input_shape, state carried between calls
for name in ('LSTM', 'GRU', 'SimpleRNN'):
    emb = Embedding(vocab, emb_dim, mask_zero=True, input_length=T, batch_input_shape=(4, T))
    fixed(emb, 1.0)
    rnn = getattr(recurrent, name)(hid, stateful=True, return_sequences=True)
    rnn.set_previous(emb)
    fixed(rnn)
    y = rnn.get_output(train=False)
    f = K.function([emb.input], [y], updates=rnn.updates)
    X2 = rng.randint(0, vocab, size=X.shape).astype('int32')
    for i, Xi in enumerate([X, X2]):
        out['stateful_%s_out%d' % (name, i)] = f([Xi])[0]
        for j, s in enumerate(rnn.states):
            out['stateful_%s_state%d_%d' % (name, j, i)] = K.get_value(s)
    rnn.reset_states()
    out['stateful_%s_out_reset' % name] = f([X2])[0]

# initial weights drawn from the seeded np.random (glorot_uniform exactly; orthogonal
# through an SVD whose singular vectors' signs depend on the LAPACK build, so their
# absolute values, to float tolerance)
np.random.seed(3)
for name in ('SimpleRNN', 'GRU', 'LSTM'):
    layer = getattr(recurrent, name)(hid, input_dim=emb_dim)
    for i, w in enumerate(layer.get_weights()):
        if w.ndim == 2 and w.shape[0] == emb_dim:
            out['init_%s_%d_uniform' % (name, i)] = w
        else:
            out['orthogonal_abs_%s_%d' % (name, i)] = np.abs(w)
out['init_Embedding_uniform'] = Embedding(vocab, emb_dim).get_weights()[0]
out['rng_after_inits_uniform'] = np.random.uniform(size=3)

emit(**out)
