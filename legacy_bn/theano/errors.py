"""The exceptions Theano raised that old code may catch by name."""


class MissingInputError(ValueError):
    """An output needs a symbolic input that is not in function()'s input list."""


class UnusedInputError(ValueError):
    """function() was given an input that no output or update uses."""


class DisconnectedInputError(ValueError):
    """grad() was asked for a variable the cost does not depend on."""
