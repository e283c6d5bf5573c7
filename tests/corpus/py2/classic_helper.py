def half(n):
    return n / 2

def mean_int(values):
    return sum(values) / len(values)
