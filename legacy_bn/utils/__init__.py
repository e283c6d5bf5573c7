"""Helpers shared by the Keras-0.1 modules (theano_utils, np_utils, generic_utils, test_utils)."""
