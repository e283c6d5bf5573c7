"""itertools for Python 2 files: izip, imap, ifilter, ifilterfalse, izip_longest."""
import itertools

from . import ForwardingModule

MODULE = ForwardingModule(itertools, {
    'izip': zip, 'imap': map, 'ifilter': filter, 'ifilterfalse': itertools.filterfalse,
    'izip_longest': itertools.zip_longest})
