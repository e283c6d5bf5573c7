"""The Keras 0.3.3 surface (also serving 0.3.0-0.3.2 scripts): `import keras` under `--keras 0.3`.

It reuses the 4e1ec93 modules (legacy_bn's own API, at the top level) where 0.3.3 is the same;
docs/architecture.md says what lives where and how a release is chosen.
"""
