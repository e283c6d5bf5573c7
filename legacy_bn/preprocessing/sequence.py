"""keras.preprocessing.sequence as of Keras 4e1ec93c2f: padding sequences to one
length, word2vec's sampling table and skip-gram pairs.

skipgrams draws from Python's `random` module (not np.random), with the calls,
arguments and order of 2015 - including re-seeding `random` with a number drawn
from it, so `random`'s state after a call is 2015's too.
"""
import random

import numpy as np


def pad_sequences(sequences, maxlen=None, dtype='int32', padding='pre', truncating='pre',
                  value=0.):
    """A (nb_samples, maxlen) array of the sequences padded with `value`.

    maxlen defaults to the longest sequence; longer ones lose their beginning
    (truncating='pre') or end ('post'); padding goes before ('pre') or after.
    """
    if padding not in ('pre', 'post'):
        raise ValueError("Padding type '%s' not understood" % padding)
    if maxlen is not None and (isinstance(maxlen, bool) or not isinstance(maxlen, int)
                               or maxlen < 0):
        raise ValueError('pad_sequences: maxlen must be None or an integer >= 0, got %r'
                         % (maxlen,))
    if truncating not in ('pre', 'post'):
        raise ValueError("Truncating type '%s' not understood" % truncating)
    lengths = [len(s) for s in sequences]
    nb_samples = len(sequences)
    if maxlen is None:
        maxlen = np.max(lengths) if lengths else 0

    x = (np.ones((nb_samples, maxlen)) * value).astype(dtype)
    for idx, s in enumerate(sequences):
        if not len(s) or not maxlen:
            continue        # 2015 crashed on an empty sequence (x[idx, -0:] = [])
        trunc = s[-maxlen:] if truncating == 'pre' else s[:maxlen]
        if padding == 'post':
            x[idx, :len(trunc)] = trunc
        else:
            x[idx, -len(trunc):] = trunc
    return x


def make_sampling_table(size, sampling_factor=1e-5):
    """p[i]: the probability of keeping a word of frequency rank i, word2vec's
    min(1, sqrt(f/s) / (f/s)) with Zipf frequencies f(rank) ~ 1/(rank (log rank + gamma)
    + 1/2 - 1/(12 rank)), gamma ~ 0.577 (Euler-Mascheroni)."""
    gamma = 0.577
    rank = np.array(list(range(size)))
    rank[0] = 1
    inv_fq = rank * (np.log(rank) + gamma) + 0.5 - 1. / (12. * rank)
    f = sampling_factor * inv_fq
    return np.minimum(1., f / np.sqrt(f))


def skipgrams(sequence, vocabulary_size, window_size=4, negative_samples=1., shuffle=True,
              categorical=False, sampling_table=None):
    """(couples, labels) from a sequence of word indices: [word, context word] pairs
    within `window_size` labelled 1, and negative_samples times as many [word, random
    word] pairs labelled 0 ([0, 1] / [1, 0] when categorical). Index 0 is a non-word
    and is skipped; sampling_table[word] is the probability of keeping a pivot."""
    couples = []
    labels = []
    for i, wi in enumerate(sequence):
        if not wi:
            continue
        if sampling_table is not None and sampling_table[wi] < random.random():
            continue
        window_start = max(0, i - window_size)
        window_end = min(len(sequence), i + window_size + 1)
        for j in range(window_start, window_end):
            if j != i:
                wj = sequence[j]
                if not wj:
                    continue
                couples.append([wi, wj])
                labels.append([0, 1] if categorical else 1)

    if negative_samples > 0:
        nb_negative_samples = int(len(labels) * negative_samples)
        words = [c[0] for c in couples]
        random.shuffle(words)
        couples += [[words[i % len(words)], random.randint(1, vocabulary_size - 1)]
                    for i in range(nb_negative_samples)]
        labels += ([[1, 0]] if categorical else [0]) * nb_negative_samples

    if shuffle:
        # one seed for both shuffles keeps each couple with its label
        seed = random.randint(0, int(10e6))
        random.seed(seed)
        random.shuffle(couples)
        random.seed(seed)
        random.shuffle(labels)
    return couples, labels
