"""scripts/train_mnist.py --quick on a small fabricated MNIST (no network needed)."""
import csv
import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from legacy_bn.datasets import mnist

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, 'scripts', 'train_mnist.py')
LABELS = ['no normalization', 'BatchNormalization mode 0', 'BatchNormalization mode 1',
          'LayerNormalization']


def learnable_digits(n, rng):
    """Noise plus a bright 6x6 block whose place says the class: easy, not trivial."""
    y = rng.randint(0, 10, n).astype(np.uint8)
    x = rng.randint(0, 120, (n, 28, 28)).astype(np.uint8)
    for i, c in enumerate(y):
        r, col = 2 + 8 * (c // 4), 2 + 6 * (c % 4)
        x[i, r:r + 6, col:col + 6] = 255
    return x, y


@pytest.fixture(scope='module')
def data_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp('mnist_cache')
    rng = np.random.RandomState(7)
    # a part of MNIST goes under a name of its own (the standard names mean all of MNIST)
    mnist.write_cache(str(directory / 'small_mnist.npz'),
                      (learnable_digits(300, rng), learnable_digits(100, rng)))
    return directory


def run_script(data_dir, out, *args):
    env = dict(os.environ, **{mnist.DATA_DIR_ENV: str(data_dir)})
    env.pop('THEANO_FLAGS', None)
    result = subprocess.run([sys.executable, SCRIPT, '--quick', '--out', str(out),
                             '--mnist', str(data_dir / 'small_mnist.npz')] + list(args),
                            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True, timeout=300)
    assert result.returncode == 0, result.stderr
    with open(os.path.join(str(out), 'results.json')) as f:
        return result, json.load(f)


def deterministic_part(stdout):
    """The printed results up to the timing table, which varies from run to run."""
    return stdout[:stdout.index('Seconds per epoch')]


def without_timing(runs):
    return [{k: v for k, v in r.items() if 'seconds' not in k} for r in runs]


@pytest.fixture(scope='module')
def two_quick_runs(data_dir, tmp_path_factory):
    return [run_script(data_dir, tmp_path_factory.mktemp('out')) for _ in range(2)]


def test_quick_run_trains_every_variant_at_both_batch_sizes(two_quick_runs):
    result, report = two_quick_runs[0]
    runs = report['runs']
    assert [(r['model'], r['batch_size']) for r in runs] == \
        [(m, bs) for bs in (128, 8) for m in ('none', 'bn0', 'bn1', 'ln')]
    setup = report['setup']
    assert (setup['n_train'], setup['n_test'], setup['floatX']) == (300, 100, 'float32')
    assert setup['description'].startswith('MLP 784-64-10 relu, SGD lr=')
    for r in runs:
        assert r['epoch'] == [1, 2]
        assert all(len(r[k]) == 2 for k in ('train_loss', 'train_acc', 'test_loss', 'test_acc',
                                           'train_seconds_per_epoch'))
        # evaluate() after fit sees the same model as the last epoch's validation
        assert r['final_test_acc'] == r['test_acc'][-1]
        assert r['final_test_loss'] == pytest.approx(r['test_loss'][-1], rel=1e-6)
        assert all(0 <= a <= 1 for a in r['test_acc'] + r['train_acc'])
    # the fabricated digits are learnable: small batches (75 steps) get well past chance
    assert all(r['final_test_acc'] > 0.5 for r in runs if r['batch_size'] == 8)


def test_quick_run_prints_the_table_of_the_json_numbers(two_quick_runs):
    result, report = two_quick_runs[0]
    out = result.stdout
    assert 'Test accuracy (%) after each epoch' in out and 'Test loss after each epoch' in out
    for r in report['runs']:
        row = '%-27s %4d  %6.2f %6.2f  %6.2f %.4f' % (
            r['label'], r['batch_size'], 100 * r['test_acc'][0], 100 * r['test_acc'][1],
            100 * r['final_test_acc'], r['final_test_loss'])
        assert row in out
    assert [r['label'] for r in report['runs'][:4]] == LABELS
    timing = out[out.index('Seconds per epoch'):]
    assert all(label in timing for label in LABELS)


def test_quick_run_writes_csv_and_png(two_quick_runs):
    result, report = two_quick_runs[0]
    out_dir = report['setup']['args']['out']
    with open(os.path.join(out_dir, 'results.csv')) as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 8 * 2
    first = report['runs'][0]
    assert (rows[1]['model'], rows[1]['batch_size'], rows[1]['epoch']) == ('none', '128', '2')
    assert float(rows[1]['test_acc']) == first['test_acc'][1]
    assert float(rows[1]['train_loss']) == first['train_loss'][1]
    png = os.path.join(out_dir, 'curves.png')
    if importlib.util.find_spec('matplotlib'):
        with open(png, 'rb') as f:
            assert f.read(8) == b'\x89PNG\r\n\x1a\n'
        assert 'Wrote %s' % png in result.stdout
    else:
        assert 'pip install legacy_bn[plot]' in result.stdout


def test_same_arguments_same_numbers(two_quick_runs):
    (first, a), (second, b) = two_quick_runs
    assert deterministic_part(first.stdout) == deterministic_part(second.stdout)
    assert without_timing(a['runs']) == without_timing(b['runs'])


def test_another_seed_gives_other_numbers_and_floatx_is_honoured(data_dir, tmp_path,
                                                                  two_quick_runs):
    result, report = run_script(data_dir, tmp_path, '--seed', '2', '--floatx', 'float64',
                                '--models', 'none,ln', '--batch-sizes', '8')
    assert report['setup']['floatX'] == 'float64' and 'float64, seed 2' in result.stdout
    assert [(r['model'], r['batch_size']) for r in report['runs']] == [('none', 8), ('ln', 8)]
    reference = {(r['model'], r['batch_size']): r for r in two_quick_runs[0][1]['runs']}
    assert report['runs'][0]['test_loss'] != reference[('none', 8)]['test_loss']


def test_unknown_model_is_a_usage_error(data_dir, tmp_path):
    result = subprocess.run([sys.executable, SCRIPT, '--quick', '--models', 'none,bn2',
                             '--out', str(tmp_path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, universal_newlines=True)
    assert result.returncode == 2
    assert 'unknown model(s) bn2; choose from none, bn0, bn1, ln' in result.stderr


def load_script_module():
    spec = importlib.util.spec_from_file_location('train_mnist', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_without_matplotlib_no_png(tmp_path, monkeypatch):
    script = load_script_module()
    monkeypatch.setitem(sys.modules, 'matplotlib', None)  # import matplotlib -> ImportError
    run = {'model': 'none', 'label': 'no normalization', 'batch_size': 8, 'epoch': [1],
           'test_acc': [0.5], 'test_loss': [1.0]}
    assert script.plot_curves(str(tmp_path / 'curves.png'), {'description': ''}, [run]) is None
    assert not (tmp_path / 'curves.png').exists()


def test_quick_and_explicit_options(monkeypatch):
    script = load_script_module()
    args = script.parse_args(['--quick', '--epochs', '3', '--models', 'ln'])
    assert (args.epochs, args.subset, args.hidden, args.models) == (3, 1000, [64], ['ln'])
    args = script.parse_args([])
    assert (args.epochs, args.subset, args.batch_sizes) == \
        (script.DEFAULTS['epochs'], None, [128, 8])


def test_arch_table_gives_each_network_its_defaults():
    script = load_script_module()
    args = script.parse_args(['--arch', 'lenet'])
    assert (args.arch, args.epochs, args.hidden, args.out) == \
        ('lenet', 3, [120, 84], os.path.join('runs', 'train_mnist_lenet'))
    args = script.parse_args(['--arch', 'lenet', '--quick', '--hidden', '20'])
    assert (args.epochs, args.subset, args.hidden) == (2, 600, [20])
    assert script.parse_args([]).arch == 'mlp'


def test_lenet_layers_around_each_normalization():
    script = load_script_module()
    names = {variant: [type(layer).__name__ for layer in script.lenet_layers(norm, [120, 84])]
             for variant, (_, norm) in script.VARIANTS.items()}
    trunk = ['Convolution2D', 'MaxPooling2D', 'Convolution2D', 'MaxPooling2D', 'Flatten']
    assert names['none'] == trunk + ['Dense', 'Dense', 'Dense', 'Activation']
    assert names['bn0'] == names['bn1'] == trunk + ['Dense', 'BatchNormalization', 'Dense',
                                                    'BatchNormalization', 'Dense', 'Activation']
    assert names['ln'] == trunk + ['Dense', 'LayerNormalization', 'Dense', 'LayerNormalization',
                                   'Dense', 'Activation']
    layers = script.lenet_layers('bn1', [120, 84])
    assert layers[5].input_dim == 256 and layers[6].mode == 1 and layers[6].input_shape == (120,)


def test_quick_lenet_run_learns_and_is_deterministic(data_dir, tmp_path):
    result, report = run_script(data_dir, tmp_path, '--arch', 'lenet', '--models', 'none,ln',
                                '--batch-sizes', '8')
    assert report['setup']['arch'] == 'lenet'
    assert report['setup']['description'].startswith(
        'LeNet conv 6@5x5-pool 2-conv 16@5x5-pool 2-dense 120-84-10 tanh, SGD lr=0.01')
    assert [(r['model'], r['batch_size'], r['epoch']) for r in report['runs']] == \
        [('none', 8, [1, 2]), ('ln', 8, [1, 2])]
    assert all(r['final_test_acc'] > 0.9 for r in report['runs'])   # 75 steps of batch 8
    again, report_again = run_script(data_dir, tmp_path / 'again', '--arch', 'lenet',
                                     '--models', 'none,ln', '--batch-sizes', '8')
    assert without_timing(report_again['runs']) == without_timing(report['runs'])


def test_lstm_layers_around_each_normalization():
    script = load_script_module()
    names = {variant: [type(layer).__name__ for layer in script.lstm_layers(norm, [16])]
             for variant, (_, norm) in script.VARIANTS.items()}
    assert names['none'] == ['LSTM', 'Dense', 'Activation']
    assert names['bn0'] == names['bn1'] == ['LSTM', 'BatchNormalization', 'Dense', 'Activation']
    assert names['ln'] == ['LSTM_LN', 'Dense', 'Activation']
    layers = script.lstm_layers('bn1', [16])
    assert (layers[0].input_dim, layers[0].output_dim, layers[1].mode) == (28, 16, 1)


def test_lstm_arch_defaults():
    script = load_script_module()
    args = script.parse_args(['--arch', 'lstm'])
    assert (args.models, args.epochs, args.subset, args.hidden, args.lr, args.clipnorm) == \
        (['none', 'bn1', 'ln'], 3, 15000, [128], 0.1, 1.0)
    assert script.parse_args([]).clipnorm == 0.0       # the other archs do not clip


def test_quick_lstm_run_learns(data_dir, tmp_path):
    result, report = run_script(data_dir, tmp_path, '--arch', 'lstm', '--batch-sizes', '8')
    assert report['setup']['description'].startswith(
        'LSTM 32 over 28 rows of 28 pixels, SGD lr=0.1 momentum=0.9 clipnorm=1, 2 epochs')
    assert [(r['model'], r['batch_size'], r['epoch']) for r in report['runs']] == \
        [('none', 8, [1, 2]), ('bn1', 8, [1, 2]), ('ln', 8, [1, 2])]
    assert all(np.isfinite(r['train_loss']).all() for r in report['runs'])
    # the plain LSTM and the LSTM + BN learn the fabricated digits in 75 steps (chance is
    # 0.1): the loss falls by a quarter and accuracy is well above chance. How far above
    # depends on float32 rounding in the BLAS at hand (0.45-0.75 seen), so the bar is 3x
    # chance, not a figure one machine reached. LSTM_LN, which normalizes away each row's
    # brightness, needs more steps than that.
    for r in report['runs'][:2]:
        assert r['train_loss'][1] < 0.8 * r['train_loss'][0], r
        assert r['final_test_acc'] > 0.3, r
