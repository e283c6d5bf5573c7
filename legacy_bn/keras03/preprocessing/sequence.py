"""keras.preprocessing.sequence (Keras 0.3.3): make_sampling_table and skipgrams shared with
4e1ec93; pad_sequences as 0.3.3 changed it -- samples may be arrays (each padded sequence then
has the shape of the first non-empty one's items, and any other shape is an error), and an
empty sequence stays all padding."""
import numpy as np

from ...preprocessing.sequence import make_sampling_table, skipgrams  # noqa: F401


def pad_sequences(sequences, maxlen=None, dtype='int32', padding='pre', truncating='pre',
                  value=0.):
    """(nb_samples, maxlen) + item shape array of the sequences, padded with `value`; longer
    sequences lose their beginning (truncating='pre') or end ('post'), padding goes before
    ('pre') or after ('post')."""
    lengths = [len(s) for s in sequences]
    if maxlen is None:
        maxlen = np.max(lengths) if lengths else 0
    item_shape = next((np.asarray(s).shape[1:] for s in sequences if len(s)), ())
    x = (np.ones((len(sequences), maxlen) + item_shape) * value).astype(dtype)
    for idx, s in enumerate(sequences):
        if not len(s) or not maxlen:
            continue
        if truncating not in ('pre', 'post'):
            raise ValueError('Truncating type "%s" not understood' % truncating)
        kept = np.asarray(s[-maxlen:] if truncating == 'pre' else s[:maxlen], dtype=dtype)
        if kept.shape[1:] != item_shape:
            raise ValueError('pad_sequences: sequence %d has items of shape %s, the first '
                             'non-empty one %s' % (idx, kept.shape[1:], item_shape))
        if padding == 'post':
            x[idx, :len(kept)] = kept
        elif padding == 'pre':
            x[idx, -len(kept):] = kept
        else:
            raise ValueError('Padding type "%s" not understood' % padding)
    return x
