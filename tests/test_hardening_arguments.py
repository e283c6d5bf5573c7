"""Meaningless arguments fail at the call, naming the layer or function and the argument; a
failed Graph.add_node or compile changes nothing (issue 17, second hardening round)."""
import numpy as np
import pytest

from legacy_bn.callbacks import ModelCheckpoint
from legacy_bn.layers.advanced_activations import PReLU
from legacy_bn.layers.convolutional import (Convolution1D, Convolution2D, MaxPooling1D,
                                            MaxPooling2D, UpSample1D, UpSample2D)
from legacy_bn.layers.core import Dense, Dropout, MaxoutDense, Merge, Permute, RepeatVector
from legacy_bn.layers.embeddings import Embedding
from legacy_bn.layers.noise import GaussianDropout
from legacy_bn.layers.recurrent import GRU, JZS1, LSTM, SimpleDeepRNN, SimpleRNN
from legacy_bn.models import Graph, Sequential
from legacy_bn.optimizers import SGD, Adam, RMSprop
from legacy_bn.preprocessing.image import ImageDataGenerator
from legacy_bn.preprocessing.sequence import pad_sequences


@pytest.mark.parametrize('make, message', [
    (lambda: Dropout(1.5), 'Dropout: p must be a number in [0, 1], got 1.5'),
    (lambda: Dropout(-0.5), 'Dropout: p must be a number in [0, 1], got -0.5'),
    (lambda: GaussianDropout(-1), 'GaussianDropout: p must be a number >= 0, got -1'),
    (lambda: Embedding(0, 5), 'Embedding: input_dim must be a positive integer, got 0'),
    (lambda: LSTM(4, 0), 'LSTM: output_dim must be a positive integer, got 0'),
    (lambda: GRU('a', 4), "GRU: input_dim must be a positive integer, got 'a'"),
    (lambda: SimpleRNN(3, -2), 'SimpleRNN: output_dim must be a positive integer, got -2'),
    (lambda: JZS1(0, 2), 'JZS1: input_dim must be a positive integer, got 0'),
    (lambda: SimpleDeepRNN(2, 2, depth=0), 'SimpleDeepRNN: depth must be a positive integer'),
    (lambda: Convolution2D(3, 1, 0, 3), 'Convolution2D: nb_row must be a positive integer, got 0'),
    (lambda: Convolution2D(0, 1, 3, 3), 'Convolution2D: nb_filter must be a positive integer'),
    (lambda: Convolution1D(4, 2, 0), 'Convolution1D: filter_length must be a positive integer'),
    (lambda: MaxPooling2D((0, 2)), 'MaxPooling2D: poolsize must be a positive integer or a tuple '
                                   'of them, got (0, 2)'),
    (lambda: MaxPooling1D(0), 'MaxPooling1D: pool_length must be a positive integer, got 0'),
    (lambda: UpSample2D((0, 2)), 'UpSample2D: size must be a positive integer or a tuple'),
    (lambda: UpSample1D(0), 'UpSample1D: length must be a positive integer, got 0'),
    (lambda: RepeatVector(0), 'RepeatVector: n must be a positive integer, got 0'),
    (lambda: Permute((1, 1)), 'Permute: dims must be a permutation of 1..2'),
    (lambda: Permute((2, 3)), 'Permute: dims must be a permutation of 1..2'),
    (lambda: MaxoutDense(3, 2, nb_feature=0), 'MaxoutDense: nb_feature must be a positive integer'),
    (lambda: SGD(momentum=1.5), 'SGD: momentum must be in [0, 1], got 1.5'),
    (lambda: SGD(lr=float('nan')), 'SGD: lr must be in [0, inf], got nan'),
    (lambda: SGD(decay=-1), 'SGD: decay must be in [0, inf], got -1'),
    (lambda: Adam(beta_2=2), 'Adam: beta_2 must be in [0, 1], got 2'),
    (lambda: RMSprop(rho=-0.1), 'RMSprop: rho must be in [0, 1], got -0.1'),
    (lambda: pad_sequences([[1, 2]], maxlen=-1), 'pad_sequences: maxlen must be None or an '
                                                 'integer >= 0, got -1'),
])
def test_a_meaningless_value_is_refused_naming_owner_and_argument(make, message):
    with pytest.raises(ValueError) as e:
        make()
    assert message in str(e.value)


def test_a_mistyped_optimizer_keyword_is_an_error_listing_the_known_ones():
    with pytest.raises(TypeError) as e:
        SGD(momentun=0.9)
    assert str(e.value) == ("SGD: unknown keyword argument 'momentun' (known: lr, momentum, "
                            "decay, nesterov, clipnorm, clipvalue)")
    sgd = SGD(lr=0.1, momentum=0.9, decay=1e-6, nesterov=True, clipnorm=1.0)   # 2015's forms
    assert sgd.clipnorm == 1.0 and not hasattr(sgd, 'momentun')


def test_the_values_2015_used_meaningfully_stay_accepted():
    Dropout(0.0), Dropout(1.0), SGD(momentum=0.0), SGD(momentum=1.0), SGD(lr=0.0)
    Permute((2, 1)), pad_sequences([[1, 2]], maxlen=0)
    Dense(784.0, 512)                          # Python 3 division in a 2015 size expression


def test_prelu_with_an_int_shape_compiles_and_trains():
    model = Sequential()
    model.add(Dense(3, 4))
    model.add(PReLU(4))                       # 2015 accepted the int, then compile failed
    model.compile('sgd', 'mse')
    model.fit(np.ones((4, 3)), np.ones((4, 4)), nb_epoch=1, verbose=0)
    assert model.predict(np.ones((2, 3))).shape == (2, 4)


def test_sequential_add_refuses_what_is_no_layer_and_a_layer_added_twice():
    with pytest.raises(TypeError, match=r"got 'relu' \(an activation name: use Activation\('relu'\)\)"):
        Sequential().add('relu')
    model, layer = Sequential(), Dense(2, 3)
    model.add(layer)
    with pytest.raises(ValueError, match='this Dense is already in the model'):
        model.add(layer)
    assert model.layers == [layer] and len(model.params) == 2
    with pytest.raises(ValueError, match='Sequential.compile: the model has no layers'):
        Sequential().compile('sgd', 'mse')


def test_merge_sum_of_different_shapes_is_refused_at_compile():
    left, right = Sequential(), Sequential()
    left.add(Dense(2, 3))
    right.add(Dense(2, 4))
    model = Sequential()
    model.add(Merge([left, right], mode='sum'))
    with pytest.raises(ValueError, match=r"Merge\(mode='sum'\): .* layer 0 gives \(3,\), layer 1 "
                                         r"gives \(4,\)"):
        model.compile('sgd', 'mse')


def test_a_failed_add_node_leaves_the_graph_and_the_layer_unchanged():
    graph = Graph()
    graph.add_input('x', ndim=2)
    graph.add_node(Dense(2, 3), name='h', input='x')
    graph.add_output('o', input='h')
    before = (list(graph.nodes), list(graph.namespace), list(graph.output_order), len(graph.params))
    layer = Dense(3, 3)
    with pytest.raises(ValueError, match='not both'):
        graph.add_node(layer, name='h2', input='x', inputs=['h', 'x'])
    with pytest.raises(ValueError, match="already an output named 'o'"):
        graph.add_node(layer, name='o', input='h', create_output=True)
    with pytest.raises(TypeError, match='expected a layer'):
        graph.add_node('relu', name='h3', input='h')
    assert (list(graph.nodes), list(graph.namespace), list(graph.output_order),
            len(graph.params)) == before
    assert not hasattr(layer, 'previous')
    graph.add_node(layer, name='h2', input='h')          # the same layer still goes in


def test_a_failed_compile_keeps_the_old_optimizer_and_functions():
    model = Sequential()
    model.add(Dense(2, 1))
    first = SGD(lr=0.1)
    model.compile(first, 'mse')
    train = model._train
    with pytest.raises(ValueError, match='Invalid objective: nonexistent'):
        model.compile(SGD(lr=0.5), 'nonexistent')
    assert model.optimizer is first and model._train is train
    assert model.loss.__name__ == 'mean_squared_error'


def test_a_checkpoint_name_needing_validation_fails_before_the_first_epoch(tmp_path):
    model = Sequential()
    model.add(Dense(2, 1))
    model.compile('sgd', 'mse')
    weights = [w.copy() for w in model.get_weights()]
    with pytest.raises(ValueError, match=r"uses \{val_loss\}, which this fit does not log .*"
                                         r"fit with validation data"):
        model.fit(np.ones((4, 2)), np.ones((4, 1)), nb_epoch=1, verbose=0,
                  callbacks=[ModelCheckpoint(str(tmp_path / 'w{val_loss}.h5'))])
    assert all(np.array_equal(a, b) for a, b in zip(weights, model.get_weights()))
    model.fit(np.ones((4, 2)), np.ones((4, 1)), nb_epoch=1, verbose=0, validation_split=0.5,
              callbacks=[ModelCheckpoint(str(tmp_path / 'w{epoch}-{val_loss:.2f}.h5'))])
    assert len(list(tmp_path.iterdir())) == 1


def test_image_flow_batch_size_must_be_positive():
    generator = ImageDataGenerator(featurewise_center=False, featurewise_std_normalization=False)
    with pytest.raises(ValueError, match='ImageDataGenerator.flow: batch_size must be a positive '
                                         'integer, got 0'):
        next(generator.flow(np.zeros((2, 1, 3, 3)), np.zeros(2), batch_size=0))


def test_one_hot_needs_two_or_more_indices():
    from legacy_bn.preprocessing.text import one_hot
    for n in (1, 0, -3):
        with pytest.raises(ValueError, match=r'one_hot: n must be an integer >= 2 .*got %d' % n):
            one_hot('a b c', n)
    assert all(1 <= i <= 1 for i in one_hot('a b c', 2))


def test_sequences_to_matrix_refuses_a_negative_index():
    from legacy_bn.preprocessing.text import Tokenizer
    with pytest.raises(ValueError, match='sequence 0 holds the negative index -1'):
        Tokenizer(nb_words=5).sequences_to_matrix([[1, -1, 2]], mode='binary')


def test_a_constant_pixel_or_a_blank_image_standardizes_to_zero_not_nan():
    generator = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True,
                                   samplewise_center=True, samplewise_std_normalization=True)
    X = np.random.RandomState(0).rand(4, 1, 3, 3)
    X[:, 0, 1, 1] = 0.5                     # one constant pixel
    X[2] = 0.5                               # and one blank image (same value)
    generator.fit(X)
    batch = np.concatenate([b for b, _ in generator.flow(X, np.zeros(4), batch_size=2)])
    assert np.isfinite(batch).all()
    featurewise = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True)
    featurewise.fit(X)
    batch = np.concatenate([b for b, _ in featurewise.flow(X, np.zeros(4), batch_size=2)])
    assert np.isfinite(batch).all() and np.all(batch[:, 0, 1, 1] == 0)
