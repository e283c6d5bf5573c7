"""pandas names of 2015 (0.16/0.17) that pandas 1.0-2.0 removed: .ix, as_matrix, DataFrame.sort,
sort_index(by=), Series.order/sort, append, iteritems, get_value/set_value, Series.valid,
DataFrame.from_csv, pd.rolling_*/ewma/value_counts/np/datetime.

.ix, as 0.17 documented it: label based first. On an axis whose index is numeric (the default
RangeIndex included) keys are labels only: `df.ix[1:3]` is rows labelled 1..3, both ends in,
and a missing integer label is a KeyError. On any other axis an integer (a slice of
integers, a list of integers) that is not a label counts positions. A list of labels with
some missing gives NaN rows/columns (0.17 reindexed). Boolean masks select; (rows, cols)
tuples resolve each axis on its own. Setting works the same way, and a new label enlarges.
Not covered: MultiIndex partial keys, callables, and .ix on a Panel.
"""
import functools
import numbers

import numpy as np


def _is_int(key):
    return isinstance(key, (numbers.Integral, np.integer)) and not isinstance(key, (bool, np.bool_))


def _numeric(index):
    return index.dtype.kind in 'iuf'


def _listlike(key):
    return isinstance(key, (list, np.ndarray)) or type(key).__name__ in ('Series', 'Index')


def _is_mask(key, index):
    return _listlike(key) and np.asarray(key).dtype == bool and len(key) == len(index)


class _Axis(object):
    """One axis key resolved: positional (an iloc key) or by label (a loc key)."""

    def __init__(self, key, index):
        self.key, self.index, self.by_position = key, index, False
        if _is_mask(key, index):
            self.key = np.asarray(key, dtype=bool)
            self.by_position = True
        elif _numeric(index):
            pass                                          # labels only
        elif _is_int(key):
            self.by_position = key not in index
        elif isinstance(key, slice):
            ends = [k for k in (key.start, key.stop) if k is not None]
            self.by_position = bool(ends) and all(_is_int(k) and k not in index for k in ends)
        elif _listlike(key) and len(key) and all(_is_int(k) for k in key):
            self.by_position = not any(k in index for k in key)

    def missing_labels(self):
        if self.by_position or not _listlike(self.key) or _is_mask(self.key, self.index):
            return False
        return bool((self.index.get_indexer_for(list(self.key)) < 0).any())

    def positions(self):
        """The key as an iloc key."""
        if self.by_position:
            return self.key
        key, index = self.key, self.index
        if isinstance(key, slice):
            return index.slice_indexer(key.start, key.stop, key.step)
        if _listlike(key):
            found = index.get_indexer_for(list(key))
            if (found < 0).any():
                raise KeyError('%s not in index' % [k for k, f in zip(key, found) if f < 0])
            return found
        return index.get_loc(key)


class _IX(object):
    """obj.ix: see the module docstring."""

    def __init__(self, obj):
        self.obj = obj

    def _axes(self, key):
        obj = self.obj
        keys = key if obj.ndim == 2 and isinstance(key, tuple) else (key,)
        if len(keys) > obj.ndim:
            raise IndexError('.ix: too many indexers (%d) for a %d-dimensional %s'
                             % (len(keys), obj.ndim, type(obj).__name__))
        keys = keys + (slice(None),) * (obj.ndim - len(keys))
        return [_Axis(k, obj.axes[i]) for i, k in enumerate(keys)]

    def __getitem__(self, key):
        obj, axes = self.obj, self._axes(key)
        for number, axis in enumerate(axes):
            if axis.missing_labels():          # 0.17: missing labels of a list give NaN
                obj = obj.reindex(list(axis.key), axis=number)
                axes[number] = _Axis(slice(None), obj.axes[number])
        if any(a.by_position for a in axes):
            return obj.iloc[tuple(a.positions() for a in axes)]
        return obj.loc[tuple(a.key for a in axes)]

    def __setitem__(self, key, value):
        axes = self._axes(key)
        if any(a.by_position for a in axes):
            self.obj.iloc[tuple(a.positions() for a in axes)] = value
        else:
            self.obj.loc[tuple(a.key for a in axes)] = value


def _ix(self):
    return _IX(self)


def _as_matrix(self, columns=None):
    """The values as one numpy array (of the given columns, in that order)."""
    if columns is not None:
        self = self[list(columns)]
    return self.to_numpy()


def _series_as_matrix(self):
    return self.to_numpy()


def _frame_sort(self, columns=None, axis=0, ascending=True, inplace=False,
                kind='quicksort', na_position='last'):
    """0.17's DataFrame.sort: by the columns given, else by the index."""
    if columns is None:
        return self.sort_index(axis=axis, ascending=ascending, inplace=inplace, kind=kind,
                               na_position=na_position)
    return self.sort_values(by=columns, axis=axis, ascending=ascending, inplace=inplace,
                            kind=kind, na_position=na_position)


SORT_INDEX_2015 = ('axis', 'level', 'ascending', 'inplace', 'kind', 'na_position',
                   'sort_remaining', 'by')     # 0.17's positional order


def _with_by(sort_index):
    @functools.wraps(sort_index)
    def sort_index_2015(self, *args, **kwargs):
        if len(args) > len(SORT_INDEX_2015):
            raise TypeError('DataFrame.sort_index takes at most %d positional arguments'
                            % len(SORT_INDEX_2015))
        kwargs.update(zip(SORT_INDEX_2015, args))     # today's arguments are keyword-only
        by = kwargs.pop('by', None)
        if by is None:
            return sort_index(self, **kwargs)
        # 0.17: sort_index(by=) is sort_values(by) with axis, ascending and inplace only
        if kwargs.get('level') is not None:
            raise ValueError('DataFrame.sort_index: by=%r and level=%r cannot be used together'
                             % (by, kwargs['level']))
        return self.sort_values(by, **{k: kwargs[k] for k in ('axis', 'ascending', 'inplace')
                                       if k in kwargs})
    return sort_index_2015


def _order(self, na_last=None, ascending=True, kind='quicksort', na_position='last',
           inplace=False):
    """0.17's Series.order: a sorted copy."""
    if na_last is not None:
        na_position = 'last' if na_last else 'first'
    return self.sort_values(ascending=ascending, kind=kind, na_position=na_position,
                            inplace=inplace)


def _series_sort(self, axis=0, ascending=True, kind='quicksort', na_position='last',
                 inplace=True):
    """0.17's Series.sort: sorts in place (returns None) unless inplace=False."""
    return self.sort_values(axis=axis, ascending=ascending, kind=kind,
                            na_position=na_position, inplace=inplace)


def _frame_append(self, other, ignore_index=False, verify_integrity=False):
    """0.17's DataFrame.append: rows of another frame, a list of frames, or one row (a named
    Series, or a dict/Series with ignore_index=True); unaligned columns come out sorted."""
    import pandas as pd
    if isinstance(other, (dict, pd.Series)):
        row = pd.Series(other) if isinstance(other, dict) else other
        if row.name is None and not ignore_index:
            raise TypeError('DataFrame.append: a row (Series or dict) needs ignore_index=True '
                            'or a Series with a name')
        columns = self.columns.append(row.index.difference(self.columns))
        frame = self.reindex(columns=columns) if len(columns) != len(self.columns) else self
        other = pd.DataFrame([row.reindex(columns).to_numpy()], columns=columns,
                             index=pd.Index([row.name], name=self.index.name)).infer_objects()
        return pd.concat([frame, other], ignore_index=ignore_index,
                         verify_integrity=verify_integrity)
    if isinstance(other, (list, tuple)):
        if other and isinstance(other[0], dict):
            other = [pd.DataFrame(other)]
        parts = [self] + list(other)
    else:
        parts = [self, other]
    return pd.concat(parts, ignore_index=ignore_index, verify_integrity=verify_integrity,
                     sort=True)


def _series_append(self, to_append, ignore_index=False, verify_integrity=False):
    import pandas as pd
    parts = [self] + (list(to_append) if isinstance(to_append, (list, tuple)) else [to_append])
    return pd.concat(parts, ignore_index=ignore_index, verify_integrity=verify_integrity)


def _iteritems(self):
    return self.items()


def _frame_get_value(self, index, col, takeable=False):
    return self.iat[index, col] if takeable else self.at[index, col]


def _frame_set_value(self, index, col, value, takeable=False):
    if takeable:
        self.iat[index, col] = value
    else:
        self.at[index, col] = value
    return self


def _series_get_value(self, label, takeable=False):
    return self.iat[label] if takeable else self.at[label]


def _series_set_value(self, label, value, takeable=False):
    if takeable:
        self.iat[label] = value
    else:
        self.at[label] = value
    return self


def _valid(self, inplace=False):
    return self.dropna(inplace=inplace)


@classmethod
def _from_csv(cls, path, header=0, sep=',', index_col=0, parse_dates=True, encoding=None,
              tupleize_cols=False, infer_datetime_format=False):
    """0.17's DataFrame.from_csv: read_csv with the first column as the index."""
    import pandas as pd
    return pd.read_csv(path, header=header, sep=sep, index_col=index_col,
                       parse_dates=parse_dates, encoding=encoding)


def _value_counts(values, sort=True, ascending=False, normalize=False, bins=None,
                  dropna=True):
    import pandas as pd
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    counts = series.value_counts(sort=sort, ascending=ascending, normalize=normalize,
                                 bins=bins, dropna=dropna)
    counts.name, counts.index.name = series.name, None     # as 0.17 named them
    return counts


def _moment(pd, stat):
    def rolling(arg, window, min_periods=None, freq=None, center=False, how=None, **kwargs):
        if freq is not None or how is not None:
            raise NotImplementedError('pandas.rolling_%s: freq/how (resampling first) is not '
                                      'adapted; resample the data, then use .rolling' % stat)
        data = arg if hasattr(arg, 'rolling') else (
            pd.Series(arg) if np.ndim(arg) == 1 else pd.DataFrame(arg))
        result = getattr(data.rolling(window, min_periods=min_periods, center=center),
                         stat)(**kwargs)
        return result if data is arg else result.to_numpy()
    rolling.__name__ = 'rolling_' + stat
    return rolling


def _ewma(pd):
    def ewma(arg, com=None, span=None, halflife=None, min_periods=0, freq=None, adjust=True,
             how=None, ignore_na=False):
        data = arg if hasattr(arg, 'ewm') else pd.Series(arg)
        result = data.ewm(com=com, span=span, halflife=halflife, min_periods=min_periods,
                          adjust=adjust, ignore_na=ignore_na).mean()
        return result if data is arg else result.to_numpy()
    return ewma


ROLLING = ('mean', 'sum', 'std', 'var', 'min', 'max', 'median')


def adapt(pd):
    from . import add_class_attributes, add_module_names
    ix = property(_ix, doc=_IX.__doc__)
    add_class_attributes(pd.DataFrame, {
        'ix': ix, 'as_matrix': _as_matrix, 'sort': _frame_sort, 'append': _frame_append,
        'iteritems': _iteritems, 'get_value': _frame_get_value, 'set_value': _frame_set_value,
        'from_csv': _from_csv})
    add_class_attributes(pd.Series, {
        'ix': ix, 'as_matrix': _series_as_matrix, 'order': _order, 'sort': _series_sort,
        'append': _series_append, 'iteritems': _iteritems, 'get_value': _series_get_value,
        'set_value': _series_set_value, 'valid': _valid})
    if not hasattr(pd.DataFrame.sort_index, '__wrapped__'):     # only adds by=
        pd.DataFrame.sort_index = _with_by(pd.DataFrame.sort_index)
    names = {'rolling_' + stat: _moment(pd, stat) for stat in ROLLING}
    import datetime
    names.update(ewma=_ewma(pd), value_counts=_value_counts, np=np, datetime=datetime.datetime)
    add_module_names(pd, names)
