"""keras.datasets.cifar100: CIFAR-100 from cifar-100-python.tar.gz (extracted in the cache)."""
import os

import numpy as np

from .cifar import load_batch
from .data_utils import get_file

DIRNAME = 'cifar-100-python'
ORIGIN = 'http://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz'
MD5 = 'eb9058c3a382ffc7106e4002c42a8d85'   # published beside it; the origin is plain http


def load_data(label_mode='fine'):
    """((X_train, y_train), (X_test, y_test)): uint8 images (N, 3, 32, 32) and int64
    labels (N, 1), the 100 fine classes or the 20 coarse ones."""
    if label_mode not in ['fine', 'coarse']:
        raise ValueError('cifar100.load_data: label_mode must be "fine" or "coarse", got %r'
                         % (label_mode,))
    path = get_file(DIRNAME, origin=ORIGIN, untar=True, md5_hash=MD5)
    X_train, y_train = load_batch(os.path.join(path, 'train'), label_key=label_mode + '_labels')
    X_test, y_test = load_batch(os.path.join(path, 'test'), label_key=label_mode + '_labels')
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    return (X_train, y_train), (X_test, y_test)
