# Keras 0.3.3's optimizers, objectives, activations, initializations, constraints and
# regularizers, used directly on backend variables the way a model uses them:
# initial weights drawn from a seeded np.random (bit for bit), a loss from each
# objective, and three steps of each optimizer (with a constraint) on a small problem.
# Recorded with THEANO_FLAGS cxx= (Theano's Python implementations of its ops: the same
# arithmetic to float tolerance, no C compilation on the loaded oracle machine).
import numpy as np
np.random.seed(1337)

from keras import backend as K
from keras import activations, constraints, initializations, objectives, optimizers, regularizers

fx = K.floatx()
out = {}

# -- initializations (bit for bit: np.random draws cast to floatx) --------------------
for name in ['uniform', 'normal', 'lecun_uniform', 'glorot_normal', 'glorot_uniform',
             'he_normal', 'he_uniform', 'zero', 'one']:
    for shape in [(5, 3), (2, 3, 2, 2)]:
        out['init_%s_%s' % (name, 'x'.join(map(str, shape)))] = K.get_value(
            initializations.get(name)(shape))
# orthogonal's signs are LAPACK's choice: compared as absolute values, to tolerance
for shape in [(4, 4), (3, 6)]:
    out['ortho_abs_%dx%d' % shape] = np.abs(K.get_value(initializations.orthogonal(shape)))
out['init_glorot_uniform_tf'] = K.get_value(initializations.glorot_uniform((2, 2, 3, 4),
                                                                          dim_ordering='tf'))
out['init_he_normal_3d'] = K.get_value(initializations.he_normal((3, 4, 5)))
out['init_identity'] = K.get_value(initializations.identity((3, 3), scale=2))

# -- activations and objectives ---------------------------------------------------------
x_val = np.random.randn(4, 3).astype(fx)
s3_val = np.random.randn(2, 3, 4).astype(fx)
x = K.placeholder(ndim=2)
s3 = K.placeholder(ndim=3)
acts = [activations.get(n)(x) for n in ['softmax', 'softplus', 'relu', 'tanh', 'sigmoid',
                                         'hard_sigmoid', 'linear']]
acts.append(activations.softmax(s3))
res = K.function([x, s3], acts)([x_val, s3_val])
for i, r in enumerate(res):
    out['act_%d' % i] = r

y_true_val = np.random.uniform(0, 1, size=(4, 3)).astype(fx)
y_true_val[0] = 0.
y_onehot_val = np.eye(3)[[0, 2, 1, 1]].astype(fx)
y_pred_val = np.random.uniform(0.01, 1.2, size=(4, 3)).astype(fx)
y_true = K.placeholder(ndim=2)
y_pred = K.placeholder(ndim=2)
names = ['mse', 'mae', 'mape', 'msle', 'squared_hinge', 'hinge', 'binary_crossentropy',
         'poisson', 'cosine_proximity']
losses = [objectives.get(n)(y_true, y_pred) for n in names]
losses.append(objectives.categorical_crossentropy(y_onehot_val, y_pred))
losses.append(objectives.categorical_crossentropy(y_onehot_val, K.clip(y_pred, 0., 1.) * 0.5))
res = K.function([y_true, y_pred], losses)([y_true_val, np.clip(y_pred_val, 0, 1)])
for i, r in enumerate(res):
    out['objective_%d' % i] = r

# -- constraints and regularizers -----------------------------------------------------
w_val = np.random.randn(3, 4).astype(fx) * 2
w = K.placeholder(ndim=2)
cons = [constraints.maxnorm(1.5)(w), constraints.MaxNorm(2., axis=1)(w), constraints.nonneg()(w),
        constraints.unitnorm()(w), constraints.UnitNorm(axis=1)(w), constraints.identity()(w)]
for i, r in enumerate(K.function([w], cons)([w_val])):
    out['constraint_%d' % i] = r
Wv = K.variable(w_val)
loss0 = K.sum(Wv) * 0.
regs = []
for reg in [regularizers.l1(0.1), regularizers.l2(0.2), regularizers.l1l2(0.05, 0.3)]:
    reg.set_param(Wv)
    regs.append(reg(loss0))
for i, r in enumerate(K.function([], regs)([])):
    out['regularized_%d' % i] = r

# -- optimizers: three steps each on a small least-squares problem ---------------------
a_val = np.random.randn(6, 3).astype(fx)
b_val = np.random.randn(6, 2).astype(fx)
w0 = (np.random.randn(3, 2) * 0.5).astype(fx)
a = K.placeholder(ndim=2)
b = K.placeholder(ndim=2)
configs = [('sgd', {}), ('sgd_momentum', dict(lr=0.05, momentum=0.9, decay=0.01)),
           ('sgd_nesterov', dict(lr=0.05, momentum=0.9, decay=0.01, nesterov=True)),
           ('rmsprop', {}), ('adagrad', {}), ('adadelta', {}), ('adam', {}), ('adamax', {}),
           ('adam_clipnorm', dict(clipnorm=0.5)), ('sgd_clipvalue', dict(lr=0.1, clipvalue=0.05))]
for tag, kwargs in configs:
    name = tag.split('_')[0]
    opt = optimizers.get(name, kwargs) if kwargs else optimizers.get(name)
    W = K.variable(w0)
    loss = K.mean(K.square(K.dot(a, W) - b))
    updates = opt.get_updates([W], [constraints.maxnorm(0.9)], loss)
    f = K.function([a, b], [loss], updates=updates)
    seen = [f([a_val, b_val])[0] for _ in range(3)]
    out['opt_%s_losses' % tag] = np.array(seen)
    out['opt_%s_W' % tag] = K.get_value(W)
    out['opt_%s_state' % tag] = np.concatenate([np.ravel(s) for s in opt.get_state()])
    cfg = opt.get_config()
    out['opt_%s_config' % tag] = np.array([float(cfg[k]) for k in sorted(cfg) if k != 'name'])

out['seed_np_after'] = np.random.randint(10e6, size=3)
emit(**out)
