"""Wrappers that let other libraries use a legacy_bn model (as keras.wrappers)."""
