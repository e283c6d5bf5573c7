"""Choosing the Keras release: install_aliases(keras=...), $LEGACY_BN_KERAS, the runner's --keras,
and the runner's reading of a script's source when nothing is chosen (release_choice.py)."""
import os
import subprocess
import sys
import textwrap

import pytest

from legacy_bn.aliases import release_of
from legacy_bn.runner.release_choice import MixedForms, choose, read_ast, read_tokens

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(args, cwd, env=None):
    environ = {k: v for k, v in os.environ.items() if k != 'LEGACY_BN_KERAS'}
    environ['PYTHONPATH'] = ROOT + os.pathsep + environ.get('PYTHONPATH', '')
    environ.update(env or {})
    return subprocess.run([sys.executable] + args, cwd=str(cwd), env=environ,
                          capture_output=True, text=True, timeout=120)


def write(tmp_path, name, source):
    path = tmp_path / name
    path.write_text(textwrap.dedent(source))
    return str(path)


def test_release_names():
    assert [release_of(n) for n in ('0.3', '0.3.0', '0.3.2', '0.3.3')] == ['0.3.3'] * 4
    assert [release_of(n) for n in ('0.2', '0.2.0')] == ['0.2.0'] * 2
    assert [release_of(n) for n in ('0.1', '0.1.0', '0.1.3', '4e1ec93')] == ['4e1ec93'] * 4
    with pytest.raises(ValueError) as error:
        release_of('0.4')
    assert str(error.value).startswith("unknown Keras release '0.4'; legacy_bn serves 0.1, 0.1.0")
    assert '0.3.3, 4e1ec93' in str(error.value)


MLP_0_1 = """
    from keras.models import Sequential
    from keras.layers.core import Dense, Dropout
    model = Sequential()
    model.add(Dense(784, 512))
    model.add(Dropout(0.2))
    model.add(Dense(512, 10, activation='softmax'))
"""
MLP_0_3 = """
    from keras.models import Sequential
    from keras.layers.core import Dense, Dropout
    model = Sequential()
    model.add(Dense(512, input_dim=784))
    model.add(Dropout(0.2))
    model.add(Dense(10, activation='softmax'))
"""


@pytest.mark.parametrize('code, release', [
    ('Dense(784, 512)', '4e1ec93'),
    ('Dense(784, output_dim=512)', '4e1ec93'),
    ('LSTM(128, 64, return_sequences=True)', '4e1ec93'),
    ('Convolution2D(32, 1, 3, 3, border_mode="full")', '4e1ec93'),
    ('Convolution1D(input_dim=64, nb_filter=8, filter_length=3)', None),
    ('BatchNormalization((512,))', '4e1ec93'),
    ('PReLU((512,))', '4e1ec93'),
    ('Reshape(1, 28, 28)', '4e1ec93'),
    ('MaxPooling2D(poolsize=(2, 2))', '4e1ec93'),
    ('graph.add_input(name="x", ndim=4)', '4e1ec93'),
    ('Dense(512)', '0.3.3'),
    ('Dense(512, input_dim=784)', '0.3.3'),
    ('Dense(output_dim=512)', '0.3.3'),
    ('Convolution2D(32, 3, 3, input_shape=(1, 28, 28))', '0.3.3'),
    ('BatchNormalization()', '0.3.3'),
    ('Reshape((1, 28, 28))', '0.3.3'),
    ('MaxPooling2D(pool_size=(2, 2))', '0.3.3'),
    ('Embedding(20000, 128, input_length=80)', '0.3.3'),
    ('graph.add_input(name="x", input_shape=(3,))', '0.3.3'),
    ('Dropout(0.5, input_shape=(10,))', '0.3.3'),
    # forms that every release accepts decide nothing
    ('Embedding(20000, 128)', None),
    ('Dense(input_dim=784, output_dim=512)', None),
    ('model.fit(X, y, nb_epoch=1, batch_size=16)', None),
    ('Dropout(0.5)', None),
    ('build(input_shape=(3,))', None),      # not a Keras layer
])
def test_one_form(tmp_path, code, release):
    choice = choose(write(tmp_path, 's.py', 'from keras.layers.core import *\nx = %s\n' % code))
    assert (choice and choice.release) == release


def test_the_chosen_release_and_the_line_that_decided(tmp_path):
    path = write(tmp_path, 'mlp.py', MLP_0_3)
    assert choose(path).message(path) == (
        'legacy_bn: Keras 0.3 surface (mlp.py:5 Dense(512, input_dim=784)); --keras to choose')
    path = write(tmp_path, 'old.py', MLP_0_1)
    assert choose(path).message(path) == (
        'legacy_bn: Keras 0.1 surface (4e1ec93) (old.py:5 Dense(784, 512)); --keras to choose')


def test_a_name_only_0_2_had_chooses_0_2(tmp_path):
    path = write(tmp_path, 'rnn.py', """
        from keras.layers.recurrent import JZS1
        model.add(JZS1(64, input_dim=10))
        """)
    assert choose(path).message(path) == (
        'legacy_bn: Keras 0.2 surface (rnn.py:3 JZS1(64, input_dim=10); rnn.py:2 '
        'keras.layers.recurrent.JZS1 is 0.2-only); --keras to choose')
    # ... unless a 0.3-only name is there too
    write(tmp_path, 'rnn.py', """
        from keras.layers.recurrent import JZS1
        from keras import backend as K
        model.add(JZS1(64, input_dim=10))
        """)
    assert choose(path).release == '0.3.3'


def test_mixed_forms_name_one_line_of_each(tmp_path):
    path = write(tmp_path, 'mixed.py', MLP_0_3 + '    model.add(Dense(10, 10))\n')
    with pytest.raises(MixedForms) as error:
        choose(path)
    assert str(error.value) == (
        'mixed.py mixes Keras 0.1 forms (mixed.py:8 Dense(10, 10)) and Keras 0.2/0.3 forms '
        '(mixed.py:5 Dense(512, input_dim=784)); choose the release with --keras 0.1, '
        '--keras 0.2 or --keras 0.3 (or $LEGACY_BN_KERAS)')


def test_modules_of_the_scripts_folder_are_read(tmp_path):
    write(tmp_path, 'nets.py', 'from keras.layers.core import Dense\ndef mlp():\n'
                               '    return [Dense(784, 512)]\n')
    os.mkdir(tmp_path / 'pkg')
    write(tmp_path, 'pkg/convs.py', 'x = BatchNormalization()\n')
    path = write(tmp_path, 'train.py', 'import nets\nfrom pkg import convs\nimport numpy\n')
    with pytest.raises(MixedForms) as error:
        choose(path)
    assert '(nets.py:3 Dense(784, 512)) and Keras 0.2/0.3 forms (pkg/convs.py:1 ' in str(error.value)


def test_python_2_source_is_read_token_by_token(tmp_path):
    source = textwrap.dedent("""\
        print "building"
        model.add(Convolution2D(32, 3, 3,
        \tinput_shape=(1, 28, 28)))  # a comment Dense(1, 2)
        s = "Dense(784, 512)"
        model.add(LSTM(128, 64))
        """)
    with pytest.raises(SyntaxError):
        read_ast(source)
    calls = {c.name: c for c in read_tokens(source)[0]}
    assert calls['Convolution2D'][1:6] == (['num'] * 3, ['input_shape'], False, 2,
                                          'Convolution2D(32, 3, 3, ...')
    assert calls['LSTM'][1:6] == (['num', 'num'], [], False, 5, 'LSTM(128, 64)')
    assert 'Dense' not in calls       # comments and strings are not code
    with pytest.raises(MixedForms) as error:
        choose(write(tmp_path, 'py2.py', source))
    assert '(py2.py:5 LSTM(128, 64)) and Keras 0.2/0.3 forms (py2.py:2 Convolution2D(' \
        in str(error.value)


def test_runner_prints_its_choice_and_installs_it(tmp_path):
    write(tmp_path, 'new.py', """
        import keras
        print(keras.__name__)
        def BatchNormalization():
            pass
        x = BatchNormalization()
        """)
    out = run(['-m', 'legacy_bn', 'new.py'], tmp_path)
    assert (out.returncode, out.stdout) == (0, 'legacy_bn.keras03\n'), out.stderr
    assert out.stderr == ('legacy_bn: Keras 0.3 surface (new.py:6 BatchNormalization()); '
                          '--keras to choose\n')
    for options, env in [(['--keras', '0.1'], None), (['--keras=4e1ec93'], None),
                         ([], {'LEGACY_BN_KERAS': '0.1.3'})]:
        out = run(['-m', 'legacy_bn'] + options + ['new.py'], tmp_path, env)
        assert (out.returncode, out.stdout, out.stderr) == (0, 'legacy_bn\n', '')
    out = run(['-m', 'legacy_bn', '--keras', '0.2', '-c',
               'import keras, os; print(keras.__name__, os.environ["LEGACY_BN_KERAS"])'], tmp_path)
    assert (out.returncode, out.stdout) == (0, 'legacy_bn.keras02 0.2\n'), out.stderr


def test_runner_refuses_a_mixed_script_and_an_unknown_release(tmp_path):
    write(tmp_path, 'mixed.py', 'x = [Dense(512), Dense(784, 512)]\nprint("ran")\n')
    out = run(['-m', 'legacy_bn', 'mixed.py'], tmp_path)
    assert (out.returncode, out.stdout) == (2, '')
    assert out.stderr.startswith('legacy_bn: mixed.py mixes Keras 0.1 forms (mixed.py:1 '
                                 'Dense(784, 512)) and Keras 0.2/0.3 forms (mixed.py:1 Dense(512))')
    out = run(['-m', 'legacy_bn', '--keras', '1.0', 'mixed.py'], tmp_path)
    assert out.returncode == 2
    assert out.stderr.startswith("legacy_bn: --keras: unknown Keras release '1.0'; legacy_bn serves")
    out = run(['-m', 'legacy_bn', 'mixed.py'], tmp_path, {'LEGACY_BN_KERAS': 'latest'})
    assert out.returncode == 2
    assert out.stderr.startswith("legacy_bn: $LEGACY_BN_KERAS: unknown Keras release 'latest'")


def test_install_aliases_chooses_once_per_process(tmp_path):
    out = run(['-c', textwrap.dedent("""
        import legacy_bn
        from legacy_bn.aliases import chosen_release
        for bad in ('0.4', None):
            try:
                legacy_bn.install_aliases(keras=bad)
            except ValueError as error:
                print(str(error)[:32])
        print(chosen_release())
        legacy_bn.install_aliases(keras='0.3')
        import keras
        print(keras.__name__, chosen_release())
        legacy_bn.install_aliases()         # keeps the release chosen
        try:
            legacy_bn.install_aliases(keras='0.1')
        except RuntimeError as error:
            print(error)
        """)], tmp_path, {'LEGACY_BN_KERAS': '0.2'})
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "unknown Keras release '0.4'; leg", '0.2.0', 'legacy_bn.keras03 0.3.3',
        "install_aliases(keras='0.1'): keras is already imported as Keras 0.3.3's surface in "
        "this process; choose the release before anything imports keras"]


def test_each_release_names_its_own_missing_features(tmp_path):
    out = run(['-m', 'legacy_bn', '--keras', '0.3', '-c', textwrap.dedent("""
        import legacy_bn.keras2015 as k
        k.MODULES_0_3_3['keras.timetravel'] = ('DeLorean',)
        k.MODULES_0_3_3['keras.utils.np_utils'] += ('flux_capacitor',)
        def report(statement):
            try:
                exec(statement, {})
            except ImportError as error:
                print(type(error).__name__ + ': ' + str(error))
        report('import keras.timetravel')
        report('from keras.utils.np_utils import flux_capacitor')
        report('import keras.utils.visualize_util')
        from legacy_bn.aliases import missing_message
        print(missing_message('keras.backend.tensorflow_backend', '0.3.3'))
        report('import keras.utils.theano_utils')     # 0.2's, not 0.3's
        """)], tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        'NotAvailableYet: keras.timetravel (Keras 0.3.3) is not available yet in legacy_bn; '
        'see the status table in docs/compat.md',
        'ImportError: keras.utils.np_utils.flux_capacitor (Keras 0.3.3) is not available yet in '
        'legacy_bn; see the status table in docs/compat.md',
        'NotAvailableYet: keras.utils.visualize_util (Keras 0.3.3) is not provided by legacy_bn: '
        'it draws models with pydot, which legacy_bn does not use',
        'keras.backend.tensorflow_backend (Keras 0.3.3) is not provided by '
        'legacy_bn: legacy_bn runs the Theano backend only (on legacy_bn.theano); TensorFlow '
        'is not used',
        "ModuleNotFoundError: No module named 'keras.utils.theano_utils'"]


@pytest.mark.parametrize('code, note', [
    ('RNN = recurrent.JZS1\nmodel.add(RNN(64, input_dim=10))\nmodel.add(Dense(1))',
     'x.py:1 JZS1 is 0.2-only'),
    ("model.add(Convolution2D(8, 3, 3, border_mode='full', input_shape=(1, 8, 8)))",
     "x.py:1 border_mode='full' is 0.2-only"),
    ('model.add(SimpleRNN(8, input_dim=3, truncate_gradient=5))',
     'x.py:1 truncate_gradient= is 0.2-only'),
])
def test_forms_0_3_refused_choose_0_2(tmp_path, code, note):
    path = write(tmp_path, 'x.py', code + '\n')
    choice = choose(path)
    assert (choice.release, choice.note) == ('0.2.0', '; ' + note)
    with pytest.raises(SyntaxError):      # the same from a Python 2 file's tokens
        read_ast('print "py2"\n' + code)
    choice = choose(write(tmp_path, 'x.py', code + '\nprint "py2"\n'))
    assert (choice.release, choice.note) == ('0.2.0', '; ' + note)
