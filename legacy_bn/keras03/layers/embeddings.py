"""keras.layers.embeddings of Keras 0.3.3: Embedding, on the backend K.

Integer indices (nb_samples, input_length) -> rows of W (nb_samples, input_length,
output_dim). With mask_zero=True index 0 is padding: the output mask is (X != 0).
`dropout` drops whole rows of W in training (a fresh K.random_binomial over the
vocabulary, seeded from np.random when the graph is built, not rescaled) and scales W
by 1 - dropout at test time, as 0.3.3 did. An index outside 0..input_dim-1 is an error
naming the layer, as on the 4e1ec93 surface (whose checked row lookup this reuses).
"""
from ...layers.embeddings import check_indices, lookup
from .. import backend as K
from .. import constraints, initializations, regularizers
from .core import Layer, describe, extended_config


class Embedding(Layer):
    """Turn indices into dense vectors: row X[i, t] of W."""
    input_ndim = 2

    def __init__(self, input_dim, output_dim, init='uniform', input_length=None,
                 W_regularizer=None, activity_regularizer=None, W_constraint=None,
                 mask_zero=False, weights=None, dropout=0., **kwargs):
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.init = initializations.get(init)
        self.input_length = input_length
        self.mask_zero = mask_zero
        self.dropout = dropout
        self.W_constraint = constraints.get(W_constraint)
        self.constraints = [self.W_constraint]
        self.W_regularizer = regularizers.get(W_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.initial_weights = weights
        # 0.3.3 set this (a vocabulary size where a shape belongs) so that the layer is
        # built at construction; only the batch size of it is ever read
        kwargs['input_shape'] = (self.input_dim,)
        super(Embedding, self).__init__(**kwargs)

    def build(self):
        self.input = K.placeholder(shape=(self.input_shape[0], self.input_length),
                                   dtype='int32')
        self.W = self.init((self.input_dim, self.output_dim), name='{}_W'.format(self.name))
        self.trainable_weights = [self.W]
        self.regularizers = []
        if self.W_regularizer:
            self.W_regularizer.set_param(self.W)
            self.regularizers.append(self.W_regularizer)
        if self.activity_regularizer:
            self.activity_regularizer.set_layer(self)
            self.regularizers.append(self.activity_regularizer)
        if self.initial_weights is not None:
            self.set_weights(self.initial_weights)

    def get_output_mask(self, train=None):
        if not self.mask_zero:
            return None
        return K.not_equal(self.get_input(train), 0)

    @property
    def output_shape(self):
        return (self.input_shape[0], self.input_length, self.output_dim)

    def get_output(self, train=False):
        X = self.get_input(train)
        retain_p = 1. - self.dropout
        if train and self.dropout > 0:
            W = self.W * K.expand_dims(K.random_binomial((self.input_dim,), p=retain_p))
        elif retain_p != 1:
            W = self.W * K.expand_dims(K.ones((self.input_dim,)) * retain_p)
        else:
            W = self.W      # 0.3.3 multiplied by ones here: the same numbers, one pass less
        # K.gather's rows, with indices checked (0.3.3 read a row from the end of W for a
        # negative index and failed in numpy for one past the vocabulary; docs/compat.md)
        return lookup(W, X, describe(self))

    def check_input_data(self, X, where):
        """Integer indices inside the vocabulary, checked before a model runs a step."""
        check_indices(X, self.input_dim, describe(self), where)

    def get_config(self):
        config = {'name': self.__class__.__name__,
                  'input_dim': self.input_dim,
                  'output_dim': self.output_dim,
                  'init': self.init.__name__,
                  'input_length': self.input_length,
                  'mask_zero': self.mask_zero,
                  'activity_regularizer': (self.activity_regularizer.get_config()
                                           if self.activity_regularizer else None),
                  'W_regularizer': (self.W_regularizer.get_config()
                                    if self.W_regularizer else None),
                  'W_constraint': self.W_constraint.get_config() if self.W_constraint else None,
                  'dropout': self.dropout}
        return extended_config(self, Embedding, config)
