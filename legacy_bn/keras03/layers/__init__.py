"""Keras 0.3.3's layers."""
