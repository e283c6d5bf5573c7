"""keras.datasets.imdb: 25000 movie reviews as word-index sequences, labelled 1 (positive)
or 0, from 2015's imdb.pkl (indices by frequency: 1 is the most frequent word)."""
from .data_utils import get_file, load_word_sequences, split_word_sequences

ORIGIN = 'https://s3.amazonaws.com/text-datasets/imdb.pkl'


def load_data(path="imdb.pkl", nb_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113,
              start_char=1, oov_char=2, index_from=3):
    """((X_train, y_train), (X_test, y_test)) as lists; see data_utils.split_word_sequences.
    `path` is a file name in the cache (or a path); a .gz file is read too."""
    X, labels = load_word_sequences(get_file(path, origin=ORIGIN))
    return split_word_sequences(X, labels, nb_words=nb_words, skip_top=skip_top, maxlen=maxlen,
                                test_split=test_split, seed=seed, start_char=start_char,
                                oov_char=oov_char, index_from=index_from)
