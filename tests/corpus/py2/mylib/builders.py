from keras.models import Sequential
from keras.layers.core import Dense, Activation
from keras.optimizers import Adam

def build_mlp(nb_in, nb_hidden, nb_out):
    model = Sequential()
    model.add(Dense(nb_in, nb_hidden))
    model.add(Activation('relu'))
    model.add(Dense(nb_hidden, nb_out))
    model.add(Activation('softmax'))
    model.compile(loss='categorical_crossentropy', optimizer=Adam(lr=0.05))
    return model
