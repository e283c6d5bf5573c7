def accuracy(predicted, truth, *, percent=True):
    correct = int((predicted == truth).sum())
    fraction = correct / len(truth)          # true division: a Python 3 file
    return 100 * fraction if percent else fraction
