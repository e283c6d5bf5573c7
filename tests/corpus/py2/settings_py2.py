# settings read by execfile(): Python 2 too
nb_hidden = 50 / 3
learning_rate = 0.1
print "settings loaded:", nb_hidden
