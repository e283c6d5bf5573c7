"""YAML model configs (to_yaml / model_from_yaml), layers rebuilt from configs, get_layer,
print_layer_shapes."""
import sys

import numpy as np
import pytest

import legacy_bn.theano as theano
from legacy_bn.layers import advanced_activations as aa
from legacy_bn.layers import noise
from legacy_bn.layers.core import AutoEncoder, Dense, Merge, Permute, Reshape, MaxoutDense
from legacy_bn.models import Sequential, model_from_json, model_from_yaml
from legacy_bn.utils.layer_utils import get_layer, print_layer_shapes

pytest.importorskip('yaml')

# Printed by the real Keras 4e1ec93 (PyYAML 5.4.1) for:
#   a = Sequential(); a.add(Dense(4, 3, W_regularizer='l2', b_constraint='maxnorm')); a.add(PReLU((3,)))
#   b = Sequential(); b.add(Dense(4, 3))
#   m = Sequential(); m.add(Merge([a, b], mode='sum')); m.add(Reshape(3, 1))
#   m.compile(loss='mse', optimizer='rmsprop'); m.to_yaml()
YAML_2015 = """class_mode: categorical
layers:
- layers:
  - layers:
    - W_constraint: null
      W_regularizer:
        l1: 0.0
        l2: 0.01
        name: WeightRegularizer
      activation: linear
      activity_regularizer: null
      b_constraint:
        m: 2
        name: MaxNorm
      b_regularizer: null
      init: glorot_uniform
      input_dim: 4
      name: Dense
      output_dim: 3
    - init: zero
      input_shape: !!python/tuple
      - 3
      name: PReLU
    name: Sequential
  - layers:
    - W_constraint: null
      W_regularizer: null
      activation: linear
      activity_regularizer: null
      b_constraint: null
      b_regularizer: null
      init: glorot_uniform
      input_dim: 4
      name: Dense
      output_dim: 3
    name: Sequential
  mode: sum
  name: Merge
- dims: !!python/tuple
  - 3
  - 1
  name: Reshape
loss: mean_squared_error
name: Sequential
optimizer:
  epsilon: 1.0e-06
  lr: 0.001
  name: RMSprop
  rho: 0.9
theano_mode: null
"""


def model_2015():
    a = Sequential()
    a.add(Dense(4, 3, W_regularizer='l2', b_constraint='maxnorm'))
    a.add(aa.PReLU((3,)))
    b = Sequential()
    b.add(Dense(4, 3))
    m = Sequential()
    m.add(Merge([a, b], mode='sum'))
    m.add(Reshape(3, 1))
    m.compile(loss='mse', optimizer='rmsprop')
    return m


def test_to_yaml_writes_what_2015_wrote():
    expected = YAML_2015
    if theano.config.floatX == 'float32':
        # lr and rho live in floatX shared variables, read back with float(): 2015 printed
        # lr: 0.0010000000474974513 and rho: 0.8999999761581421 with floatX=float32
        for key, value in (('lr', 0.001), ('rho', 0.9)):
            expected = expected.replace('%s: %r' % (key, value),
                                        '%s: %r' % (key, float(np.float32(value))))
    assert model_2015().to_yaml() == expected


def test_model_from_2015_yaml_is_compiled_and_runs(rng):
    model = model_from_yaml(YAML_2015)
    assert model.get_config() == model_2015().get_config()
    assert type(model.optimizer).__name__ == 'RMSprop'
    merge = model.layers[0]
    assert merge.mode == 'sum' and merge.layers[0].layers[0].W_regularizer.l2 == 0.01
    X = rng.normal(size=(5, 4))
    assert model.predict([X, X]).shape == (5, 3, 1)


def test_round_trips_of_the_other_layers():
    enc, dec = Sequential(), Sequential()
    enc.add(Dense(6, 3))
    enc.add(noise.GaussianNoise(0.2))
    enc.add(aa.LeakyReLU(0.1))
    dec.add(Dense(3, 6))
    dec.add(noise.GaussianDropout(0.3))
    model = Sequential()
    model.add(AutoEncoder(enc, dec, output_reconstruction=False))
    model.add(Reshape(3, 1))
    model.add(Permute((2, 1)))
    model.add(Reshape(3))
    model.add(MaxoutDense(3, 2, nb_feature=2))
    model.add(aa.ParametricSoftplus((2,), alpha_init=0.3))
    model.add(aa.ThresholdedLinear(0.5))
    for dump, load in (('to_yaml', model_from_yaml), ('to_json', model_from_json)):
        text = getattr(model, dump)()
        rebuilt = load(text)
        assert getattr(rebuilt, dump)() == text
        assert rebuilt.layers[0].output_reconstruction is False
        assert [type(l).__name__ for l in rebuilt.layers[0].encoder.layers] == \
            ['Dense', 'GaussianNoise', 'LeakyReLU']


def test_yaml_that_names_python_objects_is_refused():
    import yaml
    with pytest.raises(yaml.constructor.ConstructorError):
        model_from_yaml("name: !!python/object/apply:os.system ['echo hi']\n")
    with pytest.raises(ValueError, match='model_from_yaml: expected a model config'):
        model_from_yaml('- 1\n- 2\n')


def test_missing_pyyaml_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, 'yaml', None)
    with pytest.raises(ImportError, match=r'pip install "legacy_bn\[yaml\]"'):
        model_2015().to_yaml()
    with pytest.raises(ImportError, match='PyYAML'):
        model_from_yaml(YAML_2015)


def test_get_layer_and_print_layer_shapes(capsys):
    layer = get_layer('Dense', {'input_dim': 2, 'output_dim': 5})
    assert isinstance(layer, Dense) and layer.output_dim == 5
    with pytest.raises(ValueError, match='Invalid layer: Dens'):
        get_layer('Dens')
    print_layer_shapes(model_2015(), [(7, 4), (7, 4)])
    out = capsys.readouterr().out.splitlines()
    assert out[1:] == ['shape after Merge: (7, 3)', 'shape after Reshape: (7, 3, 1)']
