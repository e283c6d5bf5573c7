"""pandas 2015 names (runner shim), run through `python -m legacy_bn` against pandas 0.20.3.

The script below ran on the oracle (Python 3.6, numpy 1.12) with pandas 0.20.3 -- the last
pandas with .ix (deprecated but unchanged), as_matrix, sort_index(by=) and pd.rolling_*;
its output is ORACLE. pandas 0.20 had already removed DataFrame.sort, Series.order and
Series.sort; their lines (FROM_DOCS) follow pandas 0.17's documentation: DataFrame.sort
sorts by the given columns (by the index without), Series.order returns a sorted copy,
Series.sort sorts in place and returns None.
"""
import os
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip('pandas')
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SCRIPT = '''
import sys, warnings
warnings.simplefilter('ignore')
import numpy as np, pandas as pd
def plain(v):
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v.item() if isinstance(v, np.generic) else v
def show(name, f):
    try:
        r = f()
    except Exception as e:
        print(name, 'ERROR', type(e).__name__); return
    if isinstance(r, (pd.DataFrame, pd.Series)):
        print(name, type(r).__name__, np.asarray(r.index).tolist(), plain(np.asarray(r).tolist()) if isinstance(r, pd.Series) else [np.asarray(r.columns).tolist(), plain(np.asarray(r.values).tolist())])
    else:
        print(name, repr(r.tolist() if hasattr(r, 'tolist') else r))
s = pd.DataFrame({'a': [1.0, 2.0, 3.0, 4.0, 5.0], 'b': [10, 20, 30, 40, 50], 'c': ['p', 'q', 'r', 's', 't']}, index=['v', 'w', 'x', 'y', 'z'])
n = pd.DataFrame({'a': [1.0, 2.0, 3.0, 4.0, 5.0], 'b': [10, 20, 30, 40, 50]}, index=[4, 3, 2, 1, 0])
d = pd.DataFrame({'a': [1.0, 2.0, 3.0, 4.0, 5.0], 'b': [10, 20, 30, 40, 50]})
show('s_label', lambda: s.ix['x'])
show('s_pos', lambda: s.ix[1])
show('s_slice_pos', lambda: s.ix[1:3])
show('s_slice_label', lambda: s.ix['w':'y'])
show('s_tuple', lambda: s.ix['x', 'b'])
show('s_tuple_pos', lambda: s.ix[2, 1])
show('s_rows_cols', lambda: s.ix[1:4, ['a', 'b']])
show('s_rows_colpos', lambda: s.ix[:2, 0:2])
show('s_mask', lambda: s.ix[s.a > 2])
show('s_mask_col', lambda: s.ix[s.a > 2, 'b'])
show('s_list_pos', lambda: s.ix[[0, 2]])
show('s_list_label', lambda: s.ix[['z', 'v']])
show('n_label', lambda: n.ix[1])
show('n_slice', lambda: n.ix[3:1])
show('n_slice2', lambda: n.ix[1:3])
show('n_cols', lambda: n.ix[2, 'a'])
show('d_slice', lambda: d.ix[1:3])
show('d_slice_cols', lambda: d.ix[1:3, 'a'])
show('d_list_missing', lambda: d.ix[[1, 7]])
show('d_int_missing', lambda: d.ix[7])
show('d_colpos', lambda: d.ix[:, 1])
show('d_col_label', lambda: d.ix[:, 'b'])
show('ser_label', lambda: s.a.ix['y'])
show('ser_pos', lambda: s.a.ix[3])
show('ser_slice', lambda: s.a.ix[:2])
show('ser_int_slice', lambda: n.a.ix[3:1])
show('ser_int_label', lambda: n.a.ix[0])
t = d.copy(); t.ix[1:2, 'a'] = -1.0
show('set_slice', lambda: t)
t = s.copy(); t.ix[0, 'b'] = 99; t.ix['z', 'a'] = 0.5
show('set_mixed', lambda: t)
t = s.copy(); t.ix[t.a > 3, 'c'] = 'big'
show('set_mask', lambda: t)
t = d.copy(); t.ix[5] = [6.0, 60]
show('set_enlarge', lambda: t)
show('as_matrix', lambda: s.as_matrix(['b', 'a']))
show('as_matrix_all', lambda: d.as_matrix())
show('ser_as_matrix', lambda: s.b.as_matrix())
show('sort', lambda: s.sort('a', ascending=False))
show('sort_cols', lambda: d.sort(columns=['b'], ascending=[False]))
show('sort_index_by', lambda: s.sort_index(by='b', ascending=False))
show('sort_none', lambda: n.sort())
show('sort_index_pos', lambda: s.sort_index(1, ascending=False))
show('sort_index_by_list', lambda: n.sort_index(by=['b'], ascending=[False]))
show('order', lambda: n.a.order(ascending=False))
try:
    x = n.a.copy(); r = x.sort()
    show('ser_sort', lambda: x); print('ser_sort_returns', r)
except AttributeError:
    print('ser_sort ERROR AttributeError')
show('rolling_mean', lambda: pd.rolling_mean(d.a, 3))
show('rolling_mean_df', lambda: pd.rolling_mean(d, 2, min_periods=1))
show('rolling_std', lambda: pd.rolling_std(d.b, 3))
show('rolling_arr', lambda: pd.rolling_sum(np.arange(5.0), 2))
show('ewma', lambda: pd.ewma(d.a, span=3))
'''

ORACLE = '''\
s_label Series ['a', 'b', 'c'] [3.0, 30, 'r']
s_pos Series ['a', 'b', 'c'] [2.0, 20, 'q']
s_slice_pos DataFrame ['w', 'x'] [['a', 'b', 'c'], [[2.0, 20, 'q'], [3.0, 30, 'r']]]
s_slice_label DataFrame ['w', 'x', 'y'] [['a', 'b', 'c'], [[2.0, 20, 'q'], [3.0, 30, 'r'], [4.0, 40, 's']]]
s_tuple 30
s_tuple_pos 30
s_rows_cols DataFrame ['w', 'x', 'y'] [['a', 'b'], [[2.0, 20.0], [3.0, 30.0], [4.0, 40.0]]]
s_rows_colpos DataFrame ['v', 'w'] [['a', 'b'], [[1.0, 10.0], [2.0, 20.0]]]
s_mask DataFrame ['x', 'y', 'z'] [['a', 'b', 'c'], [[3.0, 30, 'r'], [4.0, 40, 's'], [5.0, 50, 't']]]
s_mask_col Series ['x', 'y', 'z'] [30, 40, 50]
s_list_pos DataFrame ['v', 'x'] [['a', 'b', 'c'], [[1.0, 10, 'p'], [3.0, 30, 'r']]]
s_list_label DataFrame ['z', 'v'] [['a', 'b', 'c'], [[5.0, 50, 't'], [1.0, 10, 'p']]]
n_label Series ['a', 'b'] [4.0, 40.0]
n_slice DataFrame [3, 2, 1] [['a', 'b'], [[2.0, 20.0], [3.0, 30.0], [4.0, 40.0]]]
n_slice2 DataFrame [] [['a', 'b'], []]
n_cols 3.0
d_slice DataFrame [1, 2, 3] [['a', 'b'], [[2.0, 20.0], [3.0, 30.0], [4.0, 40.0]]]
d_slice_cols Series [1, 2, 3] [2.0, 3.0, 4.0]
d_list_missing DataFrame [1, 7] [['a', 'b'], [[2.0, 20.0], [nan, nan]]]
d_int_missing ERROR KeyError
d_colpos Series [0, 1, 2, 3, 4] [10, 20, 30, 40, 50]
d_col_label Series [0, 1, 2, 3, 4] [10, 20, 30, 40, 50]
ser_label 4.0
ser_pos 4.0
ser_slice Series ['v', 'w'] [1.0, 2.0]
ser_int_slice Series [3, 2, 1] [2.0, 3.0, 4.0]
ser_int_label 5.0
set_slice DataFrame [0, 1, 2, 3, 4] [['a', 'b'], [[1.0, 10.0], [-1.0, 20.0], [-1.0, 30.0], [4.0, 40.0], [5.0, 50.0]]]
set_mixed DataFrame ['v', 'w', 'x', 'y', 'z'] [['a', 'b', 'c'], [[1.0, 99, 'p'], [2.0, 20, 'q'], [3.0, 30, 'r'], [4.0, 40, 's'], [0.5, 50, 't']]]
set_mask DataFrame ['v', 'w', 'x', 'y', 'z'] [['a', 'b', 'c'], [[1.0, 10, 'p'], [2.0, 20, 'q'], [3.0, 30, 'r'], [4.0, 40, 'big'], [5.0, 50, 'big']]]
set_enlarge DataFrame [0, 1, 2, 3, 4, 5] [['a', 'b'], [[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [4.0, 40.0], [5.0, 50.0], [6.0, 60.0]]]
as_matrix [[10.0, 1.0], [20.0, 2.0], [30.0, 3.0], [40.0, 4.0], [50.0, 5.0]]
as_matrix_all [[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [4.0, 40.0], [5.0, 50.0]]
ser_as_matrix [10, 20, 30, 40, 50]
sort_index_by DataFrame ['z', 'y', 'x', 'w', 'v'] [['a', 'b', 'c'], [[5.0, 50, 't'], [4.0, 40, 's'], [3.0, 30, 'r'], [2.0, 20, 'q'], [1.0, 10, 'p']]]
sort_index_pos DataFrame ['v', 'w', 'x', 'y', 'z'] [['c', 'b', 'a'], [['p', 10, 1.0], ['q', 20, 2.0], ['r', 30, 3.0], ['s', 40, 4.0], ['t', 50, 5.0]]]
sort_index_by_list DataFrame [0, 1, 2, 3, 4] [['a', 'b'], [[5.0, 50.0], [4.0, 40.0], [3.0, 30.0], [2.0, 20.0], [1.0, 10.0]]]
rolling_mean Series [0, 1, 2, 3, 4] [nan, nan, 2.0, 3.0, 4.0]
rolling_mean_df DataFrame [0, 1, 2, 3, 4] [['a', 'b'], [[1.0, 10.0], [1.5, 15.0], [2.5, 25.0], [3.5, 35.0], [4.5, 45.0]]]
rolling_std Series [0, 1, 2, 3, 4] [nan, nan, 10.0, 10.0, 10.0]
rolling_arr [nan, 1.0, 3.0, 5.0, 7.0]
ewma Series [0, 1, 2, 3, 4] [1.0, 1.6666666666666667, 2.4285714285714284, 3.2666666666666666, 4.161290322580645]
'''

FROM_DOCS = '''\
sort DataFrame ['z', 'y', 'x', 'w', 'v'] [['a', 'b', 'c'], [[5.0, 50, 't'], [4.0, 40, 's'], [3.0, 30, 'r'], [2.0, 20, 'q'], [1.0, 10, 'p']]]
sort_cols DataFrame [4, 3, 2, 1, 0] [['a', 'b'], [[5.0, 50.0], [4.0, 40.0], [3.0, 30.0], [2.0, 20.0], [1.0, 10.0]]]
sort_none DataFrame [0, 1, 2, 3, 4] [['a', 'b'], [[5.0, 50.0], [4.0, 40.0], [3.0, 30.0], [2.0, 20.0], [1.0, 10.0]]]
order Series [0, 1, 2, 3, 4] [5.0, 4.0, 3.0, 2.0, 1.0]
ser_sort Series [4, 3, 2, 1, 0] [1.0, 2.0, 3.0, 4.0, 5.0]
ser_sort_returns None
'''


# 0.17 names pandas 2.0 removed; ORACLE_2 is pandas 0.20.3's output on the oracle.
SCRIPT_2 = '''
import io, sys, warnings
warnings.simplefilter('ignore')
import numpy as np, pandas as pd
def plain(v):
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v.item() if isinstance(v, np.generic) else v
def show(name, f):
    try:
        r = f()
    except Exception as e:
        print(name, 'ERROR', type(e).__name__); return
    if isinstance(r, (pd.DataFrame, pd.Series)):
        print(name, type(r).__name__, plain(np.asarray(r.index).tolist()), plain(np.asarray(r).tolist()) if isinstance(r, pd.Series) else [np.asarray(r.columns).tolist(), plain(np.asarray(r.values).tolist())])
    else:
        print(name, repr(plain(r.tolist() if hasattr(r, 'tolist') else r)))
a = pd.DataFrame({'x': [1.0, 2.0], 'y': [3, 4]}, index=['p', 'q'])
b = pd.DataFrame({'y': [5], 'z': ['w']}, index=['r'])
show('append', lambda: a.append(b))
show('append_ignore', lambda: a.append(b, ignore_index=True))
show('append_list', lambda: a.append([a, a], ignore_index=True))
show('append_series', lambda: a.append(pd.Series({'x': 9.0, 'y': 9}, name='s')))
show('append_dict', lambda: a.append({'x': 7.0, 'y': 8}, ignore_index=True))
show('append_dict_noignore', lambda: a.append({'x': 7.0, 'y': 8}))
show('append_verify', lambda: a.append(a, verify_integrity=True))
show('ser_append', lambda: a.x.append(b.y))
show('iteritems', lambda: [(k, plain(v.tolist())) for k, v in a.iteritems()])
show('ser_iteritems', lambda: list(a.y.iteritems()))
show('value_counts', lambda: pd.value_counts(['u', 'v', 'u', 'w', 'u', 'v']))
show('value_counts_norm', lambda: pd.value_counts(np.array([3, 1, 3]), normalize=True))
show('get_value', lambda: a.get_value('q', 'y'))
t = a.copy(); t.set_value('p', 'x', -1.0)
show('set_value', lambda: t)
show('valid', lambda: pd.Series([1.0, np.nan, 2.0]).valid())
show('from_csv', lambda: pd.DataFrame.from_csv(io.StringIO(u'k,v\\na,1\\nb,2\\n')))
show('pd_np', lambda: pd.np.arange(3))
'''

ORACLE_2 = '''\
append DataFrame ['p', 'q', 'r'] [['x', 'y', 'z'], [[1.0, 3, nan], [2.0, 4, nan], [nan, 5, 'w']]]
append_ignore DataFrame [0, 1, 2] [['x', 'y', 'z'], [[1.0, 3, nan], [2.0, 4, nan], [nan, 5, 'w']]]
append_list DataFrame [0, 1, 2, 3, 4, 5] [['x', 'y'], [[1.0, 3.0], [2.0, 4.0], [1.0, 3.0], [2.0, 4.0], [1.0, 3.0], [2.0, 4.0]]]
append_series DataFrame ['p', 'q', 's'] [['x', 'y'], [[1.0, 3.0], [2.0, 4.0], [9.0, 9.0]]]
append_dict DataFrame [0, 1, 2] [['x', 'y'], [[1.0, 3.0], [2.0, 4.0], [7.0, 8.0]]]
append_dict_noignore ERROR TypeError
append_verify ERROR ValueError
ser_append Series ['p', 'q', 'r'] [1.0, 2.0, 5.0]
iteritems [('x', [1.0, 2.0]), ('y', [3, 4])]
ser_iteritems [('p', 3), ('q', 4)]
value_counts Series ['u', 'v', 'w'] [3, 2, 1]
value_counts_norm Series [3, 1] [0.6666666666666666, 0.3333333333333333]
get_value 4
set_value DataFrame ['p', 'q'] [['x', 'y'], [[-1.0, 3.0], [2.0, 4.0]]]
valid Series [0, 2] [1.0, 2.0]
from_csv DataFrame ['a', 'b'] [['v'], [[1], [2]]]
pd_np [0, 1, 2]
'''


def run_script(tmp_path, source):
    (tmp_path / 'old.py').write_text(source)
    env = dict(os.environ, PYTHONPATH=ROOT, OMP_NUM_THREADS='1', OPENBLAS_NUM_THREADS='1')
    return subprocess.run([sys.executable, '-m', 'legacy_bn', '--py3', 'old.py'],
                          cwd=str(tmp_path),
                          env=env, capture_output=True, text=True, timeout=300)


def test_ix_as_matrix_sort_rolling_as_pandas_0_17(tmp_path):
    out = run_script(tmp_path, SCRIPT)
    assert out.returncode == 0, out.stderr
    got = out.stdout.splitlines()
    oracle, docs = ORACLE.splitlines(), FROM_DOCS.splitlines()
    assert [line for line in got if line in oracle] == oracle
    assert [line for line in got if line in docs] == docs
    assert len(got) == len(oracle) + len(docs)


def test_the_2015_names_are_the_scripts_only(tmp_path):
    """Library code (here: code compiled as if it lived in site-packages) sees today's
    pandas; the script sees 2015's; plain Python (no runner) sees today's."""
    out = run_script(tmp_path, textwrap.dedent('''
        import sysconfig, os
        import pandas as pd
        library = os.path.join(sysconfig.get_paths()['purelib'], 'some_library.py')
        probe = "[hasattr(pd.DataFrame, n) for n in ('ix', 'as_matrix', 'sort')] + " \\
                "[hasattr(pd.Series, 'order'), hasattr(pd, 'rolling_mean')]"
        print(eval(compile(probe, library, 'eval')))
        print(eval(probe))
        '''))
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ['[False, False, False, False, False]',
                                       '[True, True, True, True, True]']
    plain = subprocess.run([sys.executable, '-c', 'import legacy_bn, pandas as pd; '
                            'print(hasattr(pd.DataFrame, "ix"), hasattr(pd, "rolling_mean"))'],
                           env=dict(os.environ, PYTHONPATH=ROOT), capture_output=True,
                           text=True, timeout=300)
    assert plain.stdout.strip() == 'False False', plain.stderr


def test_append_iteritems_value_counts_and_friends_as_pandas_0_17(tmp_path):
    out = run_script(tmp_path, SCRIPT_2)
    assert out.returncode == 0, out.stderr
    assert out.stdout == ORACLE_2
