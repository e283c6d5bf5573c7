"""sklearn.externals.six (scikit-learn's vendored copy until 0.23) is six itself."""


def target():
    try:
        import six
    except ImportError:
        from . import missing
        raise missing('six', 'sklearn.externals.six') from None
    return six
