"""Keras 0.3.3's TensorFlow backend is not part of legacy_bn: importing it says so.

(0.3.3 itself failed here with "No module named tensorflow" on a machine without it.)
"""
raise ImportError("keras.backend.tensorflow_backend: legacy_bn provides only Keras 0.3.3's "
                  'Theano backend (on legacy_bn.theano), not TensorFlow; use '
                  '`from keras import backend as K`')
