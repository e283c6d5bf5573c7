"""The README works from a fresh clone as far as a quick test can tell: its length, its two
set-up commands (which .ci/run parses), its example script through the runner, the options
its commands use, and every docs/ file and plot it (or a docs/ page) links to."""
import importlib.util
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEST_COMMAND = ("python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[test]' "
                "&& python -m pytest -q")
# docs pages that another branch writes (issue 14); the lead merges them with this one
WRITTEN_ELSEWHERE = set()   # docs a README link may name before they exist (none now)


def readme():
    with open(os.path.join(ROOT, 'README.md')) as f:
        return f.read()


def block_after(marker):
    """The fenced block that follows `<!-- marker -->`."""
    text = readme()
    return text[text.index('<!-- %s -->' % marker):].split('```')[1].split('\n', 1)[1]


def test_readme_is_short_and_starts_with_the_two_commands():
    text = readme()
    assert len(text.splitlines()) < 150
    assert block_after('test-command').strip() == TEST_COMMAND
    assert block_after('main-command').strip().endswith('python scripts/train_mnist.py')
    # the commands come before any section
    assert text.index('<!-- test-command -->') < text.index('\n## ')
    # .ci/run reads the second line after the marker
    lines = text.splitlines()
    assert lines[lines.index('<!-- test-command -->') + 2] == TEST_COMMAND


def test_example_script_runs_unmodified_through_the_runner(tmp_path):
    script = tmp_path / 'old_script.py'
    script.write_text(block_after('example-script'))
    env = dict(os.environ, PYTHONPATH=ROOT, OMP_NUM_THREADS='1', OPENBLAS_NUM_THREADS='1')
    env.pop('THEANO_FLAGS', None)
    result = subprocess.run([sys.executable, '-m', 'legacy_bn', str(script)], cwd=str(tmp_path),
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True, timeout=300)
    assert result.returncode == 0, result.stderr
    # the README quotes what it prints
    printed = result.stdout.strip()
    assert re.fullmatch(r'test accuracy: 0\.\d\d', printed)
    assert 'prints `%s`' % printed in readme()
    # with Python 3's division (--py3) len(X) / 2 is 300.0, which numpy refuses as an index
    py3 = subprocess.run([sys.executable, '-m', 'legacy_bn', '--py3', str(script)],
                         cwd=str(tmp_path), env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True, timeout=300)
    assert py3.returncode == 1 and 'TypeError' in py3.stderr


def test_runner_commands_use_options_the_runner_has():
    usage = subprocess.run([sys.executable, '-m', 'legacy_bn', '--help'], cwd=ROOT,
                           env=dict(os.environ, PYTHONPATH=ROOT), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True).stdout
    commands = [line for line in block_after('runner-commands').splitlines() if line.strip()]
    assert all(line.startswith('python -m legacy_bn ') for line in commands)
    options = {word for line in commands for word in line.split('#')[0].split()
               if word.startswith('-') and word != '-m'}
    assert options == {'--keras', '--py3', '--threads'}
    for option in options:
        assert option in usage


def test_train_mnist_options_in_the_readme_and_docs_exist():
    spec = importlib.util.spec_from_file_location(
        'train_mnist', os.path.join(ROOT, 'scripts', 'train_mnist.py'))
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    texts = [readme()] + [open(os.path.join(ROOT, 'docs', name)).read()
                          for name in os.listdir(os.path.join(ROOT, 'docs')) if name.endswith('.md')]
    commands = [m for text in texts
                for m in re.findall(r'python scripts/train_mnist\.py([^`\n]*)', text)]
    assert len(commands) >= 5
    for command in commands:
        args = [a for a in command.split('#')[0].split() if a not in ('...', '[args...]')]
        try:
            script.parse_args(args)
        except SystemExit as stop:      # --help exits 0, a usage error 2
            assert stop.code == 0, command


def linked_paths(text):
    """Relative links and images: [text](path) and ![alt](path), anchors dropped."""
    return {m.split('#')[0] for m in re.findall(r'\]\(([^)\s]+)\)', text)
            if not re.match(r'[a-z]+://', m) and not m.startswith('#')}


def test_every_docs_link_and_plot_exists():
    checked = set()
    pages = {'README.md': readme()}
    for name in os.listdir(os.path.join(ROOT, 'docs')):
        if name.endswith('.md'):
            with open(os.path.join(ROOT, 'docs', name)) as f:
                pages['docs/' + name] = f.read()
    for page, text in pages.items():
        for link in linked_paths(text):
            path = os.path.normpath(os.path.join(os.path.dirname(page), link))
            checked.add(path)
            if path not in WRITTEN_ELSEWHERE:
                assert os.path.exists(os.path.join(ROOT, path)), (page, link)
    assert {'docs/experiments.md', 'docs/speed.md', 'docs/porting.md', 'docs/compat.md',
            'docs/architecture.md', 'docs/examples.md'} <= checked
    assert any(p.endswith('.png') for p in linked_paths(readme()))


def test_docs_examples_has_a_section_per_release_4e1ec93_first():
    with open(os.path.join(ROOT, 'docs', 'examples.md')) as f:
        sections = [line.strip() for line in f if line.startswith('## ')]
    assert sections == ['## Keras 4e1ec93', '## Keras 0.3.3', '## Keras 0.2.0']
