"""keras.datasets.cifar: one batch file of the CIFAR python version."""
import numpy as np

from .data_utils import read_pickle


def load_batch(fpath, label_key='labels'):
    """(data uint8 (N, 3, 32, 32), labels list) of a CIFAR batch pickle (a Python 2 dict
    with 'data' (N, 3072) and `label_key`)."""
    d = read_pickle(fpath)  # 2015 decoded the keys by mutating the dict it iterated: a crash
    if isinstance(d, dict):  # a re-pickled file may have bytes keys
        d = {k.decode('latin1') if isinstance(k, bytes) else k: v for k, v in d.items()}
    if not isinstance(d, dict) or 'data' not in d or label_key not in d:
        raise ValueError('%s is not a CIFAR batch: expected a dict with "data" and "%s", got %s'
                         % (fpath, label_key, sorted(d) if isinstance(d, dict) else type(d).__name__))
    data, labels = np.asarray(d['data']), d[label_key]
    if data.ndim != 2 or data.shape[1] != 3 * 32 * 32 or len(labels) != len(data):
        raise ValueError('%s: expected data (N, 3072) with N labels, got data %s and %d labels'
                         % (fpath, data.shape, len(labels)))
    return data.reshape(data.shape[0], 3, 32, 32), labels
