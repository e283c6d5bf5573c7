"""An LSTM sentence classifier over padded sequences (the 2015 deeplearning tutorial's
lstm.py layout: OrderedDict parameters, a masked `scan` over time, mean pooling over the
real steps, `f_grad_shared`/`f_update` SGD), on synthetic token sequences. The pooled
features are scaled to unit length with the scale held constant in the gradient
(`consider_constant`)."""
from __future__ import print_function

from collections import OrderedDict

import numpy

import theano
import theano.tensor as T
from theano import config


def numpy_floatX(data):
    return numpy.asarray(data, dtype=config.floatX)


def _p(pp, name):
    return '%s_%s' % (pp, name)


def init_params(options, rng):
    params = OrderedDict()
    params['Wemb'] = (0.1 * rng.randn(options['n_words'], options['dim_proj'])).astype(config.floatX)
    dim = options['dim_proj']
    params[_p('lstm', 'W')] = (0.1 * rng.randn(dim, 4 * dim)).astype(config.floatX)
    params[_p('lstm', 'U')] = (0.1 * rng.randn(dim, 4 * dim)).astype(config.floatX)
    params[_p('lstm', 'b')] = numpy.zeros((4 * dim,)).astype(config.floatX)
    params['U'] = 0.01 * rng.randn(dim, options['ydim']).astype(config.floatX)
    params['b'] = numpy.zeros((options['ydim'],)).astype(config.floatX)
    return params


def init_tparams(params):
    tparams = OrderedDict()
    for kk, pp in params.items():
        tparams[kk] = theano.shared(params[kk], name=kk)
    return tparams


def lstm_layer(tparams, state_below, options, prefix='lstm', mask=None):
    nsteps = state_below.shape[0]
    n_samples = state_below.shape[1]
    assert mask is not None

    def _slice(_x, n, dim):
        if _x.ndim == 3:
            return _x[:, :, n * dim:(n + 1) * dim]
        return _x[:, n * dim:(n + 1) * dim]

    def _step(m_, x_, h_, c_):
        preact = T.dot(h_, tparams[_p(prefix, 'U')])
        preact += x_
        i = T.nnet.sigmoid(_slice(preact, 0, options['dim_proj']))
        f = T.nnet.sigmoid(_slice(preact, 1, options['dim_proj']))
        o = T.nnet.sigmoid(_slice(preact, 2, options['dim_proj']))
        c = T.tanh(_slice(preact, 3, options['dim_proj']))
        c = f * c_ + i * c
        c = m_[:, None] * c + (1. - m_)[:, None] * c_
        h = o * T.tanh(c)
        h = m_[:, None] * h + (1. - m_)[:, None] * h_
        return h, c

    state_below = (T.dot(state_below, tparams[_p(prefix, 'W')]) + tparams[_p(prefix, 'b')])
    dim_proj = options['dim_proj']
    rval, updates = theano.scan(_step, sequences=[mask, state_below],
                                outputs_info=[T.alloc(numpy_floatX(0.), n_samples, dim_proj),
                                              T.alloc(numpy_floatX(0.), n_samples, dim_proj)],
                                name=_p(prefix, '_layers'), n_steps=nsteps)
    return rval[0]


def build_model(tparams, options):
    x = T.matrix('x', dtype='int64')
    mask = T.matrix('mask', dtype=config.floatX)
    y = T.vector('y', dtype='int64')
    n_timesteps = x.shape[0]
    n_samples = x.shape[1]
    emb = tparams['Wemb'][x.flatten()].reshape([n_timesteps, n_samples, options['dim_proj']])
    proj = lstm_layer(tparams, emb, options, prefix='lstm', mask=mask)
    proj = (proj * mask[:, :, None]).sum(axis=0)
    proj = proj / mask.sum(axis=0)[:, None]
    scale = T.sqrt((proj ** 2).sum(axis=1)) + 1e-6
    proj = proj / scale[:, None]
    pred = T.nnet.softmax(T.dot(proj, tparams['U']) + tparams['b'])
    off = 1e-8
    cost = -T.log(pred[T.arange(n_samples), y] + off).mean()
    return x, mask, y, pred, cost, scale


def sgd(lr, tparams, grads, x, mask, y, cost):
    gshared = [theano.shared(p.get_value() * 0., name='%s_grad' % k)
               for k, p in tparams.items()]
    gsup = [(gs, g) for gs, g in zip(gshared, grads)]
    f_grad_shared = theano.function([x, mask, y], cost, updates=gsup, name='sgd_f_grad_shared')
    pup = [(p, p - lr * g) for p, g in zip(tparams.values(), gshared)]
    f_update = theano.function([lr], [], updates=pup, name='sgd_f_update')
    return f_grad_shared, f_update


def prepare_data(seqs, labels):
    lengths = [len(s) for s in seqs]
    maxlen = numpy.max(lengths)
    x = numpy.zeros((maxlen, len(seqs))).astype('int64')
    x_mask = numpy.zeros((maxlen, len(seqs))).astype(config.floatX)
    for idx, s in enumerate(seqs):
        x[:lengths[idx], idx] = s
        x_mask[:lengths[idx], idx] = 1.
    return x, x_mask, numpy.asarray(labels, dtype='int64')


def make_data(rng, n, n_words):
    seqs, labels = [], []
    for _ in range(n):
        s = list(rng.randint(1, n_words, size=rng.randint(3, 9)))
        seqs.append(s)
        labels.append(int(s.count(1) > s.count(2)))
    return seqs, labels


def train_lstm(dim_proj=12, n_words=6, lrate=0.5, batch_size=16, n_epochs=10):
    rng = numpy.random.RandomState(123)
    options = dict(dim_proj=dim_proj, n_words=n_words, ydim=2)
    tparams = init_tparams(init_params(options, rng))
    x, mask, y, pred, cost, scale = build_model(tparams, options)
    grads = T.grad(cost, wrt=list(tparams.values()), consider_constant=[scale])
    lr = T.scalar(name='lr')
    f_grad_shared, f_update = sgd(lr, tparams, grads, x, mask, y, cost)
    f_pred = theano.function([x, mask], pred.argmax(axis=1), name='f_pred')
    seqs, labels = make_data(rng, 96, n_words)
    step = 0
    for epoch in range(n_epochs):
        costs = []
        for start in range(0, len(seqs), batch_size):
            xb, mb, yb = prepare_data(seqs[start:start + batch_size],
                                      labels[start:start + batch_size])
            c = f_grad_shared(xb, mb, yb)
            f_update(lrate)
            if step < 5:
                print('step %d %r' % (step, float(c)))
            costs.append(c)
            step += 1
        print('epoch %d %r' % (epoch, float(numpy.mean(costs))))
    xa, ma, ya = prepare_data(seqs, labels)
    print('train_error %r' % float(numpy.mean(f_pred(xa, ma) != ya)))


if __name__ == '__main__':
    train_lstm()
