"""A one-hidden-layer MLP (tanh) with L1/L2 penalties, trained by minibatch SGD through
`givens` (the 2015 deeplearning tutorial's layout, on synthetic data: the class is the
quadrant of two noisy features, which a linear model cannot separate)."""
from __future__ import print_function

import numpy

import theano
import theano.tensor as T


class HiddenLayer(object):
    def __init__(self, rng, input, n_in, n_out, W=None, b=None, activation=T.tanh):
        self.input = input
        if W is None:
            W_values = numpy.asarray(
                rng.uniform(low=-numpy.sqrt(6. / (n_in + n_out)),
                            high=numpy.sqrt(6. / (n_in + n_out)), size=(n_in, n_out)),
                dtype=theano.config.floatX)
            if activation == theano.tensor.nnet.sigmoid:
                W_values *= 4
            W = theano.shared(value=W_values, name='W', borrow=True)
        if b is None:
            b = theano.shared(value=numpy.zeros((n_out,), dtype=theano.config.floatX),
                              name='b', borrow=True)
        self.W = W
        self.b = b
        lin_output = T.dot(input, self.W) + self.b
        self.output = lin_output if activation is None else activation(lin_output)
        self.params = [self.W, self.b]


class LogisticRegression(object):
    def __init__(self, input, n_in, n_out):
        self.W = theano.shared(numpy.zeros((n_in, n_out), dtype=theano.config.floatX), name='W')
        self.b = theano.shared(numpy.zeros((n_out,), dtype=theano.config.floatX), name='b')
        self.p_y_given_x = T.nnet.softmax(T.dot(input, self.W) + self.b)
        self.y_pred = T.argmax(self.p_y_given_x, axis=1)
        self.params = [self.W, self.b]

    def negative_log_likelihood(self, y):
        return -T.mean(T.log(self.p_y_given_x)[T.arange(y.shape[0]), y])

    def errors(self, y):
        return T.mean(T.neq(self.y_pred, y))


class MLP(object):
    def __init__(self, rng, input, n_in, n_hidden, n_out):
        self.hiddenLayer = HiddenLayer(rng=rng, input=input, n_in=n_in, n_out=n_hidden,
                                       activation=T.tanh)
        self.logRegressionLayer = LogisticRegression(input=self.hiddenLayer.output,
                                                     n_in=n_hidden, n_out=n_out)
        self.L1 = abs(self.hiddenLayer.W).sum() + abs(self.logRegressionLayer.W).sum()
        self.L2_sqr = (self.hiddenLayer.W ** 2).sum() + (self.logRegressionLayer.W ** 2).sum()
        self.negative_log_likelihood = self.logRegressionLayer.negative_log_likelihood
        self.errors = self.logRegressionLayer.errors
        self.params = self.hiddenLayer.params + self.logRegressionLayer.params
        self.input = input


def make_data(rng, n):
    xy = rng.uniform(-1, 1, size=(n, 2))
    labels = (xy[:, 0] > 0) * 2 + (xy[:, 1] > 0)
    noise = rng.randn(n, 6) * 0.5
    x = numpy.concatenate([xy * 2, noise], axis=1)
    return (theano.shared(numpy.asarray(x, dtype=theano.config.floatX), borrow=True),
            T.cast(theano.shared(numpy.asarray(labels, dtype=theano.config.floatX)), 'int32'))


def test_mlp(learning_rate=0.1, L1_reg=0.00, L2_reg=0.0001, n_epochs=6, batch_size=20,
             n_hidden=16):
    rng = numpy.random.RandomState(1234)
    train_set_x, train_set_y = make_data(rng, 400)
    n_train_batches = train_set_x.get_value(borrow=True).shape[0] // batch_size
    index = T.lscalar()
    x = T.matrix('x')
    y = T.ivector('y')
    classifier = MLP(rng=rng, input=x, n_in=8, n_hidden=n_hidden, n_out=4)
    cost = (classifier.negative_log_likelihood(y) + L1_reg * classifier.L1 +
            L2_reg * classifier.L2_sqr)
    gparams = [T.grad(cost, param) for param in classifier.params]
    updates = [(param, param - learning_rate * gparam)
               for param, gparam in zip(classifier.params, gparams)]
    train_model = theano.function(
        inputs=[index], outputs=cost, updates=updates,
        givens={x: train_set_x[index * batch_size: (index + 1) * batch_size],
                y: train_set_y[index * batch_size: (index + 1) * batch_size]})
    train_error = theano.function([], classifier.errors(y),
                                  givens={x: train_set_x, y: train_set_y})
    step = 0
    for epoch in range(n_epochs):
        costs = []
        for minibatch_index in range(n_train_batches):
            c = train_model(minibatch_index)
            if step < 5:
                print('step %d %r' % (step, float(c)))
            costs.append(c)
            step += 1
        print('epoch %d %r' % (epoch, float(numpy.mean(costs))))
    print('train_error %r' % float(train_error()))


if __name__ == '__main__':
    test_mlp()
