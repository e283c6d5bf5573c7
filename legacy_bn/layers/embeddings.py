"""keras.layers.embeddings as of Keras 4e1ec93c2f: Embedding and WordContextProduct.

Both look rows up with the 'take_rows' op: numpy indexing forward, a scatter-add
gradient, and an error naming the layer, the index and the vocabulary size for
an index outside 0..input_dim-1 (numpy, like Theano, would wrap a negative
index around to the end of the table without a word).
"""
import numpy as np

from .. import activations, initializations, validation
from ..theano import tensor as T
from ..theano.graph import apply, as_variable
from .core import Layer, _weight_plumbing


def lookup(table, indices, owner):
    """table[indices] with checked indices; `owner` names the layer in errors."""
    indices = as_variable(indices)
    if np.dtype(indices.dtype).kind not in 'iu':
        raise TypeError('%s: the input must hold integer word indices, got %s'
                        % (owner, indices.describe()))
    return apply('take_rows', table, indices, owner=owner)


def check_indices(X, input_dim, owner, where):
    """Data for an index input: integer-valued and inside the vocabulary, checked
    before a model runs any step (2015 cast floats to int32 silently: 1.7 -> 1)."""
    X = np.asarray(X)
    if X.dtype.kind == 'f':
        frac = X != np.round(X)
        if frac.any():
            pos = tuple(int(i) for i in np.argwhere(frac)[0])
            raise ValueError('%s: %s takes integer word indices, got %s at position %s of X '
                             '(dtype %s)' % (where, owner, X[pos].item(), pos, X.dtype))
    elif X.dtype.kind not in 'iub':
        raise ValueError('%s: %s takes integer word indices, got X of dtype %s'
                         % (where, owner, X.dtype))
    if X.size and (X.min() < 0 or X.max() >= input_dim):
        bad = X[(X < 0) | (X >= input_dim)].flat[0]
        pos = tuple(int(i) for i in np.argwhere(X == bad)[0])
        raise ValueError('%s: %s: index %d at position %s of X is out of range for a vocabulary '
                         'of %d (valid indices are 0..%d)'
                         % (where, owner, bad, pos, input_dim, input_dim - 1))


class Embedding(Layer):
    """Positive integers (word indices) -> dense vectors: out = W[X].

    input_dim is the vocabulary size (largest index + 1). With mask_zero=True,
    index 0 is padding: get_output_mask() is 0 there and 1 elsewhere.
    """

    def __init__(self, input_dim, output_dim, init='uniform', W_regularizer=None,
                 activity_regularizer=None, W_constraint=None, mask_zero=False, weights=None):
        super(Embedding, self).__init__()
        self.init = initializations.get(init)
        self.input_dim = validation.layer_size('Embedding', 'input_dim', input_dim)
        self.output_dim = validation.layer_size('Embedding', 'output_dim', output_dim)
        self.input = T.imatrix()
        self.W = self.init((self.input_dim, self.output_dim))
        self.mask_zero = mask_zero
        self.params = [self.W]

        _weight_plumbing(self, W_regularizer, None, activity_regularizer, W_constraint, None,
                         has_bias=False)

        if weights is not None:
            self.set_weights(weights)

    def get_output_mask(self, train=None):
        if not self.mask_zero:
            return None
        X = self.get_input(train)
        return T.ones_like(X) * (1 - T.eq(X, 0))

    def get_output(self, train=False):
        return lookup(self.W, self.get_input(train), self.label())

    def check_input_data(self, X, where):
        check_indices(X, self.input_dim, self.label(), where)

    def get_config(self):
        config = {"name": self.__class__.__name__,
                  "input_dim": self.input_dim,
                  "output_dim": self.output_dim,
                  "init": self.init.__name__,
                  "activity_regularizer": (self.activity_regularizer.get_config()
                                           if self.activity_regularizer else None),
                  "W_regularizer": self.W_regularizer.get_config() if self.W_regularizer else None,
                  "W_constraint": self.W_constraint.get_config() if self.W_constraint else None}
        if self.mask_zero:     # 2015 left it out (a rebuilt model lost its mask); its configs stay
            config["mask_zero"] = True
        return config


class WordContextProduct(Layer):
    """(pivot, context) index pairs of shape (nb_samples, 2) -> activation of the dot
    product of the pivot's word embedding and the context's context embedding,
    shape (nb_samples, 1) (Mikolov et al. 2013, arXiv:1301.3781)."""

    def __init__(self, input_dim, proj_dim=128, init='uniform', activation='sigmoid',
                 weights=None):
        super(WordContextProduct, self).__init__()
        self.input_dim = validation.layer_size('WordContextProduct', 'input_dim', input_dim)
        self.proj_dim = validation.layer_size('WordContextProduct', 'proj_dim', proj_dim)
        self.init = initializations.get(init)
        self.activation = activations.get(activation)
        self.input = T.imatrix()
        # two tables: p(context | word) is not p(word | context)
        self.W_w = self.init((input_dim, proj_dim))
        self.W_c = self.init((input_dim, proj_dim))
        self.params = [self.W_w, self.W_c]
        if weights is not None:
            self.set_weights(weights)

    def get_output(self, train=False):
        X = self.get_input(train)
        w = lookup(self.W_w, X[:, 0], self.label() + ' (pivot words)')
        c = lookup(self.W_c, X[:, 1], self.label() + ' (context words)')
        dot = T.sum(w * c, axis=1)
        return self.activation(T.reshape(dot, (X.shape[0], 1)))

    def check_input_data(self, X, where):
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != 2:
            raise ValueError('%s: %s takes (pivot, context) index pairs of shape (nb_samples, 2), '
                             'got X of shape %s' % (where, self.label(), X.shape))
        check_indices(X, self.input_dim, self.label(), where)

    @property
    def output_shape(self):
        return (1,)

    def get_config(self):
        return {"name": self.__class__.__name__,
                "input_dim": self.input_dim,
                "proj_dim": self.proj_dim,
                "init": self.init.__name__,
                "activation": self.activation.__name__}
