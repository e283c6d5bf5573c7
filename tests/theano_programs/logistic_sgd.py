"""Logistic regression trained by minibatch SGD, minibatches taken through `givens`
from shared datasets (the 2015 deeplearning tutorial's layout, on synthetic data)."""
from __future__ import print_function

import numpy

import theano
import theano.tensor as T


def make_data(rng, centers, n):
    labels = rng.randint(0, len(centers), size=n)
    return centers[labels] + rng.randn(n, centers.shape[1]), labels


def shared_dataset(data_xy, borrow=True):
    data_x, data_y = data_xy
    shared_x = theano.shared(numpy.asarray(data_x, dtype=theano.config.floatX), borrow=borrow)
    shared_y = theano.shared(numpy.asarray(data_y, dtype=theano.config.floatX), borrow=borrow)
    return shared_x, T.cast(shared_y, 'int32')


class LogisticRegression(object):
    def __init__(self, input, n_in, n_out):
        self.W = theano.shared(value=numpy.zeros((n_in, n_out), dtype=theano.config.floatX),
                               name='W', borrow=True)
        self.b = theano.shared(value=numpy.zeros((n_out,), dtype=theano.config.floatX),
                               name='b', borrow=True)
        self.p_y_given_x = T.nnet.softmax(T.dot(input, self.W) + self.b)
        self.y_pred = T.argmax(self.p_y_given_x, axis=1)
        self.params = [self.W, self.b]
        self.input = input

    def negative_log_likelihood(self, y):
        return -T.mean(T.log(self.p_y_given_x)[T.arange(y.shape[0]), y])

    def errors(self, y):
        if y.ndim != self.y_pred.ndim:
            raise TypeError('y should have the same shape as self.y_pred',
                            ('y', y.type, 'y_pred', self.y_pred.type))
        if y.dtype.startswith('int'):
            return T.mean(T.neq(self.y_pred, y))
        raise NotImplementedError()


def sgd_optimization(learning_rate=0.13, n_epochs=4, batch_size=20):
    rng = numpy.random.RandomState(1234)
    centers = rng.randn(4, 30) * 0.6
    train_set_x, train_set_y = shared_dataset(make_data(rng, centers, 400))
    valid_set_x, valid_set_y = shared_dataset(make_data(rng, centers, 100))
    n_train_batches = train_set_x.get_value(borrow=True).shape[0] // batch_size

    index = T.lscalar()
    x = T.matrix('x')
    y = T.ivector('y')
    classifier = LogisticRegression(input=x, n_in=30, n_out=4)
    cost = classifier.negative_log_likelihood(y)

    validate_model = theano.function(
        inputs=[index], outputs=classifier.errors(y),
        givens={x: valid_set_x[index * batch_size:(index + 1) * batch_size],
                y: valid_set_y[index * batch_size:(index + 1) * batch_size]})
    g_W = T.grad(cost=cost, wrt=classifier.W)
    g_b = T.grad(cost=cost, wrt=classifier.b)
    updates = [(classifier.W, classifier.W - learning_rate * g_W),
               (classifier.b, classifier.b - learning_rate * g_b)]
    train_model = theano.function(
        inputs=[index], outputs=cost, updates=updates,
        givens={x: train_set_x[index * batch_size:(index + 1) * batch_size],
                y: train_set_y[index * batch_size:(index + 1) * batch_size]})

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
    errors = [validate_model(i) for i in range(100 // batch_size)]
    print('valid_error %r' % float(numpy.mean(errors)))


if __name__ == '__main__':
    sgd_optimization()
