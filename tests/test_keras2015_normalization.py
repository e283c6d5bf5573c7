"""Keras 0.1.3's own tests/auto/keras/layers/test_normalization.py, run against legacy_bn.

Only the imports are changed (keras -> legacy_bn, theano -> legacy_bn.theano), except
in test_setup: 2015 wrote `assertRaises(Exception, BatchNormalization((10, 10), mode=3))`,
which constructed the layer *outside* assertRaises and then passed vacuously because a
layer is not callable. legacy_bn raises ValueError for mode=3 (docs/compat.md), so the
check is written the way it was meant.
"""
import unittest
import numpy as np
from numpy.testing import assert_allclose
from legacy_bn.theano import tensor as T  # noqa: F401
from legacy_bn.layers import normalization
from legacy_bn.models import Sequential


class TestBatchNormalization(unittest.TestCase):
    def setUp(self):
        self.input_1 = np.arange(10)
        self.input_2 = np.zeros(10)
        self.input_3 = np.ones((10))

        self.input_shapes = [np.ones((10, 10)), np.ones((10, 10, 10))]

    def test_setup(self):
        norm_m0 = normalization.BatchNormalization((10, 10))  # noqa: F841
        norm_m1 = normalization.BatchNormalization((10, 10), mode=1)  # noqa: F841

        # mode 3 does not exist
        self.assertRaises(Exception, normalization.BatchNormalization, (10, 10), mode=3)

    def test_mode_0(self):
        model = Sequential()
        norm_m0 = normalization.BatchNormalization((10,))
        model.add(norm_m0)
        model.compile(loss='mse', optimizer='sgd')

        # centered on 5.0, variance 10.0
        X = np.random.normal(loc=5.0, scale=10.0, size=(1000, 10))
        model.fit(X, X, nb_epoch=5, verbose=0)
        norm_m0.input = X
        out = (norm_m0.get_output(train=True) - norm_m0.beta) / norm_m0.gamma

        self.assertAlmostEqual(out.mean().eval(), 0.0, places=1)
        self.assertAlmostEqual(out.std().eval(), 1.0, places=1)

    def test_mode_1(self):
        norm_m1 = normalization.BatchNormalization((10,), mode=1)
        norm_m1.init_updates()

        for inp in [self.input_1, self.input_2, self.input_3]:
            norm_m1.input = inp
            out = (norm_m1.get_output(train=True) - norm_m1.beta) / norm_m1.gamma
            self.assertAlmostEqual(out.mean().eval(), 0.0)
            if inp.std() > 0.:
                self.assertAlmostEqual(out.std().eval(), 1.0, places=2)
            else:
                self.assertAlmostEqual(out.std().eval(), 0.0, places=2)

    def test_shapes(self):
        """
        Test batch normalization with various input shapes
        """
        for inp in self.input_shapes:
            norm_m0 = normalization.BatchNormalization(input_shape=inp.shape, mode=0)
            norm_m0.init_updates()
            norm_m0.input = inp
            out = (norm_m0.get_output(train=True) - norm_m0.beta) / norm_m0.gamma

            norm_m1 = normalization.BatchNormalization(input_shape=inp.shape, mode=1)
            norm_m1.input = inp
            out = (norm_m1.get_output(train=True) - norm_m1.beta) / norm_m1.gamma  # noqa: F841

    def test_weight_init(self):
        """
        Test weight initialization
        """
        norm_m1 = normalization.BatchNormalization((10,), mode=1, weights=[np.ones(10), np.ones(10), np.zeros(10), np.zeros(10)])

        for inp in [self.input_1, self.input_2, self.input_3]:
            norm_m1.input = inp
            out = (norm_m1.get_output(train=True) - np.ones(10)) / 1.
            self.assertAlmostEqual(out.mean().eval(), 0.0)
            if inp.std() > 0.:
                self.assertAlmostEqual(out.std().eval(), 1.0, places=2)
            else:
                self.assertAlmostEqual(out.std().eval(), 0.0, places=2)

        assert_allclose(norm_m1.gamma.eval(), np.ones(10))
        assert_allclose(norm_m1.beta.eval(), np.ones(10))


if __name__ == '__main__':
    unittest.main()
