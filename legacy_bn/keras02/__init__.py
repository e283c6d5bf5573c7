"""The Keras 0.2.0 surface: 0.3's constructors (shape inference) with 4e1ec93's numerics."""
