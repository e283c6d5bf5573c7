# 2015 pandas feature engineering: .ix, sort, sort_index(by=), rolling_mean, as_matrix (Python 2, as it was written)
import numpy as np
import pandas as pd

df = pd.read_csv('train.csv', index_col='id')
by_city = df.set_index('city')
print 'positional', by_city.ix[2, 'f1'], ['%.3f' % v for v in by_city.ix[:2, 0]], by_city.ix['rome'].shape
print 'first', df.ix[1000, 'city'], df.f4.ix[1001], df.ix[1002:1004, 'f1'].tolist()
df['f5'] = pd.rolling_mean(df['f4'], 3, min_periods=1)
df.ix[df.f1 < -1, 'f1'] = -1.0
top = df.sort('f4', ascending=False)[:3]
print 'top', top.index.tolist(), top.f4.tolist()
print 'by', df.sort_index(by=['city', 'f2']).index[:4].tolist()
counts = df.groupby('city').size().order(ascending=False)
print 'cities', counts.index.tolist(), counts.tolist()
X = df.as_matrix(['f1', 'f5'])
print 'X', X.shape, '%.4f' % X[:, 0].min(), '%.4f' % X[:, 1].sum()
print 'ewma', '%.4f' % pd.ewma(df.f2, span=5).iloc[-1]
