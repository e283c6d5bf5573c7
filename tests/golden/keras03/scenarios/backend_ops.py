# Keras 0.3.3's keras.backend (Theano) as a user script calls it: elementwise and
# reduction functions, shape functions, cross-entropies, gradients and rnn with masks
# (random tensors and dropout: backend_random.py; convolutions and pooling: backend_conv.py).
# Recorded with THEANO_FLAGS cxx= (Theano's Python implementations of its ops: the same
# arithmetic to float tolerance, no C compilation on the loaded oracle machine).
# Keys with '_uniform', '_binomial', 'mask' or starting 'seed'/'n_' are compared bit for bit.
import numpy as np
np.random.seed(1337)

from keras import backend as K

fx = K.floatx()
out = {}


def run(inputs, outputs, values, updates=[]):
    return K.function(inputs, outputs, updates=updates, on_unused_input='ignore')(values)


x_val = np.random.randn(3, 4).astype(fx)
y_val = np.random.randn(3, 4).astype(fx)
p_val = np.random.uniform(0.05, 1, size=(3, 4)).astype(fx)
t_val = np.eye(4)[[0, 2, 3]].astype(fx)
x = K.placeholder(ndim=2)
y = K.placeholder(ndim=2)

# -- elementwise ---------------------------------------------------------------
names = ['square', 'abs', 'sqrt', 'exp', 'round', 'sign', 'relu', 'softmax', 'softplus',
         'sigmoid', 'hard_sigmoid', 'tanh']
res = run([x], [getattr(K, n)(x) for n in names], [x_val])
for n, r in zip(names, res):
    out['elem_' + n] = r
res = run([x, y], [K.log(K.abs(x) + 0.5), K.pow(K.abs(x), 1.5), K.clip(x, -0.5, 0.7),
                   K.clip(x, 0.3, 0.1), K.equal(K.round(x), K.round(y)),
                   K.not_equal(K.round(x), K.round(y)), K.maximum(x, y), K.minimum(x, y),
                   K.relu(x, alpha=0.1, max_value=0.8), K.l2_normalize(x, 1), K.l2_normalize(x, 0),
                   K.switch(x >= 0, x, y),
                   K.cast(x > 0, 'int32'), x * 2 - y / 3.],
          [x_val, y_val])
for i, r in enumerate(res):
    out['elem2_%d' % i] = r

# -- reductions ------------------------------------------------------------------
red = []
for fn in ['max', 'min', 'sum', 'prod', 'mean', 'std']:
    for axis, keep in [(None, False), (0, False), (1, True), (-1, False)]:
        red.append(getattr(K, fn)(x, axis=axis, keepdims=keep))
red += [K.any(x > 1, axis=1), K.any(x > 1), K.argmax(x), K.argmin(x, axis=0), K.argmax(x, axis=0)]
for i, r in enumerate(run([x], red, [x_val])):
    out['reduce_%d' % i] = r
ints = K.variable(np.array([1, 2, 4]), dtype='int32')
out['int_mean'] = K.eval(K.mean(ints))
out['n_params'] = np.asarray(K.count_params(K.zeros((3, 5))))

# -- shapes -------------------------------------------------------------------------
t3_val = np.random.randn(2, 3, 4).astype(fx)
t4_val = np.random.randn(2, 3, 4, 5).astype(fx)
t3 = K.placeholder(ndim=3)
t4 = K.placeholder(ndim=4)
shp = [K.concatenate([x, y]), K.concatenate([x, y], axis=0), K.reshape(x, (2, 6)),
       K.reshape(x, (-1, 2)), K.permute_dimensions(t3, (2, 0, 1)), K.repeat_elements(t3, 2, 1),
       K.repeat(x, 3), K.tile(x, 2), K.flatten(t3), K.batch_flatten(t4), K.expand_dims(x),
       K.expand_dims(x, 1), K.squeeze(K.expand_dims(x, 1), 1), K.temporal_padding(t3, 2),
       K.spatial_2d_padding(t4, (1, 2)), K.spatial_2d_padding(t4, (2, 1), dim_ordering='tf'),
       K.resize_images(t4, 2, 3, 'th'), K.resize_images(t4, 2, 1, 'tf'), K.pack([x, y]),
       K.transpose(x), K.dot(t3, K.transpose(x)), K.batch_dot(t3, t3, axes=[2, 2]),
       K.batch_dot(x, y, axes=1), K.batch_dot(t3, K.permute_dimensions(t3, (0, 2, 1))),
       K.shape(t4), K.gather(x, K.cast(K.argmax(y, axis=0), 'int32'))]
for i, r in enumerate(run([x, y, t3, t4], shp, [x_val, y_val, t3_val, t4_val])):
    out['shape_%d' % i] = r
t5_val = np.random.randn(1, 2, 2, 3, 2).astype(fx)
t5 = K.placeholder(ndim=5)
for i, r in enumerate(run([t5], [K.spatial_3d_padding(t5), K.resize_volumes(t5, 1, 2, 2, 'th')],
                          [t5_val])):
    out['vol_%d' % i] = r

# -- objectives' building blocks and their gradients ----------------------------
W = K.variable(np.random.randn(4, 4).astype(fx) * 0.5)
b = K.variable(np.random.randn(4).astype(fx) * 0.1)
t = K.placeholder(ndim=2)
z = K.dot(x, W) + b
losses = [K.categorical_crossentropy(K.softmax(z), t),
          K.categorical_crossentropy(z, t, from_logits=True),
          K.categorical_crossentropy(K.sigmoid(z), t),
          K.binary_crossentropy(K.sigmoid(z), t),
          K.binary_crossentropy(z, t, from_logits=True)]
for i, loss in enumerate(losses):
    total = K.mean(loss)
    res = run([x, t], [loss] + K.gradients(total, [W, b]), [x_val, t_val])
    out['xent_%d' % i], out['xent_%d_dW' % i], out['xent_%d_db' % i] = res
smooth = [K.sum(K.sqrt(K.abs(z) + 0.1)), K.sum(K.tanh(z) * K.exp(z * 0.3)),
          K.sum(K.l2_normalize(z, 1) * y), K.sum(K.max(z, axis=1)), K.sum(K.std(z, axis=0)),
          K.sum(K.square(K.batch_flatten(K.repeat(z, 2)))), K.sum(K.clip(z, -0.5, 0.5)),
          K.sum(K.relu(z, 0.2, 1.0)), K.sum(K.softplus(z) * K.hard_sigmoid(z)),
          K.sum(K.prod(K.sigmoid(z), axis=1)), K.sum(K.pow(K.sigmoid(z), 2.5))]
for i, loss in enumerate(smooth):
    res = run([x, y], [loss] + K.gradients(loss, [W, b]), [x_val, y_val])
    out['grad_%d' % i], out['grad_%d_dW' % i], out['grad_%d_db' % i] = res

# -- rnn ----------------------------------------------------------------------------
seq_val = np.random.randn(3, 5, 4).astype(fx)
mask_val = np.array([[1, 1, 1, 1, 1], [0, 0, 1, 1, 1], [1, 1, 1, 0, 0]]).astype(fx)
U = K.variable(np.random.randn(4, 4).astype(fx) * 0.4)
seq = K.placeholder(ndim=3)
mask = K.placeholder(ndim=2)
h0 = K.placeholder(ndim=2)


def step(x_t, states):
    h = K.tanh(K.dot(x_t, W) + K.dot(states[0], U) + b)
    return h, [h]


h0_val = np.zeros((3, 4), dtype=fx)
for tag, kwargs in [('plain', {}), ('back', {'go_backwards': True}), ('padded', {'mask': mask}),
                    ('padded_back', {'mask': mask, 'go_backwards': True})]:
    last, outs, states = K.rnn(step, seq, [h0], **kwargs)
    loss = K.sum(outs * 0.5) + K.sum(last)
    res = run([seq, mask, h0], [last, outs, states[0]] + K.gradients(loss, [W, U, b]),
              [seq_val, mask_val, h0_val]) if 'mask' in kwargs else \
        run([seq, h0], [last, outs, states[0]] + K.gradients(loss, [W, U, b]), [seq_val, h0_val])
    for key, r in zip(['last', 'outputs', 'state', 'dW', 'dU', 'db'], res):
        out['rnn_%s_%s' % (tag, key)] = r

# -- values, updates ----------------------------------------------------------
v = K.variable(np.arange(6).reshape(2, 3))
K.set_value(v, K.get_value(v) * 2 + 1)
counter = K.variable(0.)
f = K.function([x], [K.sum(x * v[:, :1].sum())], updates=[(counter, counter + K.sum(x))])
out['update_out0'] = f([x_val])[0]
out['update_out1'] = f([x_val * 2])[0]
out['update_counter'] = K.get_value(counter)
out['set_value_v'] = K.get_value(v)

emit(**out)
