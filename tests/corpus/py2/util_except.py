import os

def load_settings(path):
    settings = {'lr': 0.5, 'epochs': 5}
    try:
        f = open(path)
    except IOError, e:
        print "no settings file (%s), using defaults" % e.strerror
        return settings
    for line in f:
        key, value = line.split('=')
        settings[key.strip()] = float(value)
    return settings

def check(value, name):
    if value < 0:
        raise ValueError, "%s must be positive, got %r" % (name, value)
    return value
