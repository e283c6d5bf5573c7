"""Run a Keras release's own test suite, unmodified, on legacy_bn through the runner:

    PYTHON .ci/run-keras-suite.py RELEASE [--tarball PATH] [--regenerate] [PYTEST ARGS...]

RELEASE is 4e1ec93, 0.2.0 or 0.3.3; PYTHON must import legacy_bn (CI: the .venv the README's
test command made). The tarball (default ../shared/reference/keras-RELEASE.tar.gz, or
$KERAS_REFERENCE_DIR/keras-RELEASE.tar.gz) has only its tests/ extracted, to a temporary
directory, so the release's own `keras` package can never be imported by mistake; the suite
runs as `python -m legacy_bn --keras RELEASE --threads 1 -m pytest TESTS`.

.ci/keras-RELEASE.deselect lists what is not run, one `test_id  # reason` a line (a file path
without `::` is left out of collection, for a file that cannot even be imported). Reasons
starting "needs " are for good (TensorFlow, pydot, a download); "not yet: " lines are what
legacy_bn's surface of that release does not pass today; any other reason (e.g. "too slow
for CI: 300 s") is kept as written. Every other test must pass. The ten slowest tests are
listed at the end of each run, to keep CI within its time.

--regenerate runs the whole suite except the "needs " lines and rewrites the "not yet: "
lines from what fails (reason: the first line of its error), so the list shrinks as the
surface grows. It exits 0 whatever fails; review the diff of the file before committing.
"""
import os
import subprocess
import sys
import tarfile
import tempfile

CI = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(CI)
TEST_DIRS = {'4e1ec93': 'tests/auto', '0.2.0': 'tests/auto', '0.3.3': 'tests'}
NOT_YET = 'not yet: '


def usage(message):
    sys.stderr.write('%s\nusage: PYTHON .ci/run-keras-suite.py {%s} [--tarball PATH] '
                     '[--regenerate] [PYTEST ARGS...]\n' % (message, '|'.join(TEST_DIRS)))
    sys.exit(2)


def deselect_path(release):
    return os.path.join(CI, 'keras-%s.deselect' % release)


def read_deselect(release):
    """[(test id, reason)] of the release's file (none if it has no file)."""
    entries = []
    if not os.path.exists(deselect_path(release)):
        return entries
    with open(deselect_path(release)) as f:
        for number, line in enumerate(f, 1):
            if not line.strip() or line.startswith('#'):
                continue
            test, _, reason = line.partition('#')
            if not test.strip() or not reason.strip():
                usage('%s:%d: expected `test_id  # reason`, got %r'
                      % (deselect_path(release), number, line.rstrip()))
            entries.append((test.strip(), reason.strip()))
    return entries


def pytest_options(entries):
    options = []
    for test, _ in entries:
        options += ['--deselect', test] if '::' in test else ['--ignore', test]
    return options


def extract_tests(tarball, into):
    with tarfile.open(tarball) as tar:
        members = [m for m in tar.getmembers() if '/tests/' in '/' + m.name + '/'
                   and m.name.split('/')[1:2] == ['tests']]
        tar.extractall(into, members=members, filter='data')
    tops = os.listdir(into)
    if len(tops) != 1:
        usage('%s: expected one top directory, found %s' % (tarball, tops))
    return os.path.join(into, tops[0])


def run_suite(release, tree, options, capture=False):
    """pytest's exit status, or with capture its output (echoed as it comes)."""
    command = [sys.executable, '-m', 'legacy_bn', '--keras', release, '--threads', '1', '-m',
               'pytest', TEST_DIRS[release], '-q', '-rfE', '-p', 'no:cacheprovider',
               '--durations=10'] + options
    print('+ python -m legacy_bn --keras %s --threads 1 -m pytest %s (%d deselected by '
          '.ci/keras-%s.deselect)' % (release, TEST_DIRS[release],
                                      sum(o in ('--deselect', '--ignore') for o in options),
                                      release), flush=True)
    if not capture:
        return subprocess.call(command, cwd=tree)
    wide = dict(os.environ, COLUMNS='1000')     # summary lines not cut to the terminal
    process = subprocess.Popen(command, cwd=tree, env=wide, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in process.stdout:
        sys.stdout.write(line)
        lines.append(line)
    process.wait()
    return ''.join(lines)


def failures(output):
    """[(test id or file, first line of its error)] from pytest's -rfE summary lines
    (`FAILED id - message`; `ERROR file` for a file that could not be collected, whose
    message is the last `E   ` line of its `ERROR collecting` section)."""
    found, collecting, why = [], None, {}
    for line in output.splitlines():
        if ' ERROR collecting ' in line:
            collecting = line.split(' ERROR collecting ')[1].strip(' _')
        elif line.startswith(('____', '====')):      # the next report section
            collecting = None
        elif collecting and line.startswith('E   ') and line[4:].strip():
            why[collecting] = line[4:].strip()
        kind, _, rest = line.partition(' ')
        if kind not in ('FAILED', 'ERROR') or not rest.startswith('tests'):
            continue
        test, _, message = rest.partition(' - ')
        message = message.strip() or why.get(test.strip(), 'cannot be collected')
        found.append((test.strip(), message[:160]))
    return found


def regenerate(release, entries, tree):
    kept = [(t, r) for t, r in entries if not r.startswith(NOT_YET)]
    output = run_suite(release, tree, pytest_options(kept) + [
        '--continue-on-collection-errors'], capture=True)
    failed = failures(output)
    header = []
    if os.path.exists(deselect_path(release)):
        with open(deselect_path(release)) as f:
            header = [line for line in f if line.startswith('#')]
    width = max([len(t) for t, _ in kept + failed] + [0])
    with open(deselect_path(release), 'w') as f:
        f.writelines(header)
        for test, reason in kept + sorted(failed):
            reason = reason if reason.startswith(('needs ', NOT_YET)) else NOT_YET + reason
            f.write('%-*s  # %s\n' % (width, test, reason))
    print('%s: %d lines for good, %d not yet' % (deselect_path(release), len(kept), len(failed)))
    return 0


def main(argv):
    if not argv or argv[0] not in TEST_DIRS:
        usage('a release is needed')
    release, rest = argv[0], argv[1:]
    reference = os.environ.get('KERAS_REFERENCE_DIR') or os.path.join(ROOT, '..', 'shared',
                                                                       'reference')
    tarball = os.path.join(reference, 'keras-%s.tar.gz' % release)
    if '--tarball' in rest:
        at = rest.index('--tarball')
        tarball = rest[at + 1]
        del rest[at:at + 2]
    again = '--regenerate' in rest
    rest = [a for a in rest if a != '--regenerate']
    if not os.path.isfile(tarball):
        usage('%s not found' % tarball)
    entries = read_deselect(release)
    with tempfile.TemporaryDirectory() as work:
        tree = extract_tests(tarball, work)
        if again:
            return regenerate(release, entries, tree)
        status = run_suite(release, tree, pytest_options(entries) + rest)
    if status == 5 and any(r.startswith(NOT_YET) for _, r in entries):
        print('run-keras-suite: every test of %s is deselected today (its surface is not far '
              'enough yet); nothing failed' % release)
        return 0
    if status == 5:
        sys.stderr.write('run-keras-suite: pytest collected no tests from %s (exit 5): nothing '
                         'was checked\n' % tarball)
        return 1
    return status


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
