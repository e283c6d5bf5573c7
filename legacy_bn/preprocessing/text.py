"""keras.preprocessing.text as of Keras 4e1ec93: words from text, word indices, and
bag-of-words matrices.

Defaults are 2015's: lower-case, split on spaces after turning every punctuation
character except the apostrophe (and tabs and newlines) into a space.
"""
import string

import numpy as np


def base_filter():
    """The characters text_to_word_sequence treats as separators."""
    return string.punctuation.replace("'", '') + '\t\n'


def text_to_word_sequence(text, filters=base_filter(), lower=True, split=" "):
    """The words of `text`: `filters` characters become `split`, empty words are dropped."""
    if lower:
        text = text.lower()
    text = text.translate(str.maketrans(filters, split * len(filters)))
    return [word for word in text.split(split) if word]


def python2_hash(word):
    """Python 2.7's 64-bit hash of the UTF-8 `str` holding `word`.

    2015's one_hot used the built-in hash(); Python 3 salts it per process, so the
    indices changed from run to run. Python 2 - what 2015 scripts ran on - gave these.
    """
    data = word.encode('utf-8')
    if not data:
        return 0
    mask = 2 ** 64 - 1
    x = (data[0] << 7) & mask
    for byte in data:
        x = ((1000003 * x) & mask) ^ byte
    x ^= len(data)
    x = x - 2 ** 64 if x >= 2 ** 63 else x   # C long
    return -2 if x == -1 else x


def one_hot(text, n, filters=base_filter(), lower=True, split=" "):
    """Each word hashed to an index in 1..n-1 (collisions possible, 0 left for padding)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        # 2015: n=1 divided by zero, n<=0 gave every word index 1 (or negative indices)
        raise ValueError('one_hot: n must be an integer >= 2 (indices 1..n-1, 0 is padding), '
                         'got %r' % (n,))
    words = text_to_word_sequence(text, filters=filters, lower=lower, split=split)
    return [abs(python2_hash(w)) % (n - 1) + 1 for w in words]


class Tokenizer(object):
    """Word indices by frequency (1 = most frequent; ties keep first-seen order) and
    document counts, for turning texts into index sequences or matrices.

    nb_words: keep only indices below it (the nb_words - 1 most frequent words)."""

    def __init__(self, nb_words=None, filters=base_filter(), lower=True, split=" "):
        self.word_counts = {}
        self.word_docs = {}
        self.filters = filters
        self.split = split
        self.lower = lower
        self.nb_words = nb_words
        self.document_count = 0

    def fit_on_texts(self, texts):
        """Count words over `texts` (a list or any iterable, read once); replaces any
        earlier document count but adds to the earlier word counts, as 2015 did."""
        self.document_count = 0
        for text in texts:
            self.document_count += 1
            seq = self.tokens(text)
            for w in seq:
                self.word_counts[w] = self.word_counts.get(w, 0) + 1
            for w in set(seq):
                self.word_docs[w] = self.word_docs.get(w, 0) + 1
        by_count = sorted(self.word_counts.items(), key=lambda wc: wc[1], reverse=True)
        self.word_index = {w: i for i, (w, _) in enumerate(by_count, start=1)}
        self.index_docs = {self.word_index[w]: c for w, c in self.word_docs.items()}

    def tokens(self, text):
        """The words of one text (Keras 0.3.3's char_level Tokenizer gives its characters)."""
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    def fit_on_sequences(self, sequences):
        """Document counts per index, for sequences_to_matrix without fit_on_texts."""
        self.document_count = len(sequences)
        self.index_docs = {}
        for seq in sequences:
            for i in set(seq):
                self.index_docs[i] = self.index_docs.get(i, 0) + 1

    def texts_to_sequences(self, texts):
        """One list of word indices per text; unknown words and indices >= nb_words dropped."""
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts):
        self._need_fit('texts_to_sequences')
        for text in texts:
            seq = self.tokens(text)
            indices = (self.word_index.get(w) for w in seq)
            yield [i for i in indices
                   if i is not None and not (self.nb_words and i >= self.nb_words)]

    def texts_to_matrix(self, texts, mode="binary"):
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode="binary"):
        """(len(sequences), nb_words) float64 matrix; mode 'binary' (word present),
        'count', 'freq' (count / sequence length) or 'tfidf' (2015's formula:
        log(count / length) / (1 + log(1 + docs(word) / (1 + document_count))))."""
        if mode not in ('binary', 'count', 'freq', 'tfidf'):
            raise ValueError("Tokenizer: unknown vectorization mode %r; use 'binary', 'count', "
                             "'freq' or 'tfidf'" % (mode,))
        if self.nb_words:
            nb_words = self.nb_words
        elif getattr(self, 'word_index', None):
            nb_words = len(self.word_index) + 1
        else:
            raise ValueError('Tokenizer: give nb_words, or fit on some text data first')
        if mode == 'tfidf' and not self.document_count:
            raise ValueError('Tokenizer: fit on some data before using tfidf mode')

        X = np.zeros((len(sequences), nb_words))
        for i, seq in enumerate(sequences):
            counts = {}
            for j in seq:
                if j < 0:   # numpy would count it in the last column
                    raise ValueError('Tokenizer.sequences_to_matrix: sequence %d holds the '
                                     'negative index %r; indices are 0..nb_words-1' % (i, j))
                if j < nb_words:  # 2015 meant to skip these, but wrote `pass`, and crashed
                    counts[j] = counts.get(j, 0.) + 1
            for j, c in counts.items():
                if mode == 'count':
                    X[i][j] = c
                elif mode == 'freq':
                    X[i][j] = c / len(seq)
                elif mode == 'binary':
                    X[i][j] = 1
                else:
                    tf = np.log(c / len(seq))
                    df = 1 + np.log(1 + self.index_docs.get(j, 0) / (1 + self.document_count))
                    X[i][j] = tf / df
        return X

    def _need_fit(self, where):
        if not hasattr(self, 'word_index'):
            raise ValueError('Tokenizer.%s: call fit_on_texts first' % where)
