# A helper written later, for Python 3: keyword-only arguments and true division.
def scale_counts(counts, *, total):
    return [c / total for c in counts]


def describe(name, value):
    return f'{name}={value:.3f}'
