"""The Keras 0.3.3 surface (also serving 0.3.0-0.3.2 scripts): `import keras` under `--keras 0.3`.

It reuses the 4e1ec93 modules (legacy_bn's own API, at the top level) where 0.3.3 is the same;
docs/architecture.md says what lives where and how a release is chosen.
"""

# None: keras.backend reads ~/.keras/keras.json when imported, as 0.3.3 did. A float type:
# the backend computes in it and reads no keras.json (Keras 0.2.0 had none and computed in
# Theano's floatX; legacy_bn.keras02.numerics sets this before the backend is imported).
FIXED_FLOATX = None
