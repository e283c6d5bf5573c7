"""sklearn.externals.joblib (scikit-learn's vendored copy until 0.21) is joblib itself."""


def target():
    try:
        import joblib
    except ImportError:
        from . import missing
        raise missing('joblib', 'sklearn.externals.joblib') from None
    return joblib
