# scipy.misc image loading as 2015 tutorials did it: imsave, imread, imresize, flatten (Python 2, as it was written)
import os
import shutil
import tempfile
import numpy as np
from scipy.misc import imread, imresize, imsave, toimage
from scipy import ndimage

folder = tempfile.mkdtemp()
try:
    rng = np.random.RandomState(0)
    for i in range(4):
        img = rng.rand(12, 10, 3) * (i + 1)          # floats: imsave byte-scales them
        imsave(os.path.join(folder, 'img%d.png' % i), img)
    X = []
    for name in sorted(os.listdir(folder)):
        img = imread(os.path.join(folder, name))
        small = imresize(img, (6, 5))
        grey = ndimage.imread(os.path.join(folder, name), flatten=True)   # notMNIST style
        X.append(small.astype(np.float32) / 255)
        print name, img.dtype, img.shape, small.shape, int(small.sum()), '%.3f' % grey.mean()
    X = np.array(X)
    print 'batch', X.shape, '%.5f' % X.mean()
    half = imresize(imread(os.path.join(folder, 'img0.png')), 50)
    print 'half', half.shape, toimage(X[0]).size
finally:
    shutil.rmtree(folder)
