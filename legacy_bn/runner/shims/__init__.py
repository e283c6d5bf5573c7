"""Adapters that give a 2015 script the numpy, scipy, scikit-learn and pandas APIs of its day.

install() is called by the runner only; each adapter applies when the script imports the
library it adapts, and never imports a library the script does not use.
"""


def install():
    """Switch the adapters on for this process (runner mode only). Idempotent."""
