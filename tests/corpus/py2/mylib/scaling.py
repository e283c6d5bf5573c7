import numpy as np

def standardize(X):
    mean = X.mean(axis=0)
    std = X.std(axis=0)
    print "standardizing", X.shape[1], "columns"
    return (X - mean) / std
