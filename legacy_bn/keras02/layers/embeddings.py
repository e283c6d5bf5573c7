"""keras.layers.embeddings (Keras 0.2.0): 0.3.3's Embedding with 0.2.0's set_input_shape and
get_config (core.layer_0_2_0; 0.2.0's Embedding had no dropout), and WordContextProduct
(0.3.3 dropped it): 0.2.0's constructor and shapes on 4e1ec93's arithmetic
(legacy_bn.layers.embeddings.WordContextProduct: two tables, drawn in the constructor)."""
from ... import activations, initializations, validation
from ...layers import embeddings as _4e1ec93
from ...theano import tensor as T
from ...keras03.layers import embeddings as _03
from ...keras03.layers.core import describe
from .core import Layer, layer_0_2_0

Embedding = layer_0_2_0(_03.Embedding, __name__, config_0_3_3_only=('dropout',))


class WordContextProduct(Layer):
    """(pivot, context) index pairs (nb_samples, 2) -> activation(pivot's word embedding .
    context's context embedding), shape (nb_samples, 1)."""
    input_ndim = 2

    def __init__(self, input_dim, proj_dim=128, init='uniform', activation='sigmoid',
                 weights=None, **kwargs):
        self.input_dim = validation.layer_size('WordContextProduct', 'input_dim', input_dim)
        self.proj_dim = validation.layer_size('WordContextProduct', 'proj_dim', proj_dim)
        self.init = initializations.get(init)
        self.activation = activations.get(activation)
        # as in 0.2.0, both tables are drawn here, word table first
        self.W_w = self.init((self.input_dim, self.proj_dim))
        self.W_c = self.init((self.input_dim, self.proj_dim))
        self.trainable_weights = [self.W_w, self.W_c]
        super(WordContextProduct, self).__init__(**kwargs)
        self.input = T.imatrix()
        if weights is not None:
            self.set_weights(weights)

    def label(self):
        return describe(self)

    get_output = _4e1ec93.WordContextProduct.get_output
    check_input_data = _4e1ec93.WordContextProduct.check_input_data

    @property
    def output_shape(self):
        return (self.input_shape[0], 1)

    def get_config(self):
        config = super(WordContextProduct, self).get_config()
        config.update({'name': type(self).__name__, 'input_dim': self.input_dim,
                       'proj_dim': self.proj_dim, 'init': self.init.__name__,
                       'activation': self.activation.__name__})
        return config
