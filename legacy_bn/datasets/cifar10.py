"""keras.datasets.cifar10: CIFAR-10 from cifar-10-python.tar.gz (extracted in the cache)."""
import os

import numpy as np

from .cifar import load_batch
from .data_utils import get_file

DIRNAME = 'cifar-10-batches-py'
ORIGIN = 'http://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz'
MD5 = 'c58f30108f718f92721af3b95e74349a'   # published beside it; the origin is plain http


def load_data():
    """((X_train, y_train), (X_test, y_test)): uint8 images (N, 3, 32, 32), labels (N, 1);
    y_train is uint8 and y_test int64, as 2015 returned them."""
    path = get_file(DIRNAME, origin=ORIGIN, untar=True, md5_hash=MD5)
    parts = [load_batch(os.path.join(path, 'data_batch_%d' % i)) for i in range(1, 6)]
    # 2015 filled fixed 50000-row buffers 10000 rows at a time; same arrays for the real files
    X_train = np.concatenate([data for data, _ in parts]).astype('uint8')
    y_train = np.concatenate([np.asarray(labels, dtype='uint8') for _, labels in parts])
    X_test, y_test = load_batch(os.path.join(path, 'test_batch'))
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    return (X_train, y_train), (X_test, y_test)
