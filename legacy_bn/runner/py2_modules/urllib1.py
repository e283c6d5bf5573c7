"""urllib for Python 2 files: the Python 3 package plus Python 2's functions at its top."""
import urllib
import urllib.parse
import urllib.request

from . import ForwardingModule

MODULE = ForwardingModule(urllib, {
    'urlopen': urllib.request.urlopen, 'urlretrieve': urllib.request.urlretrieve,
    'urlencode': urllib.parse.urlencode, 'quote': urllib.parse.quote,
    'unquote': urllib.parse.unquote, 'quote_plus': urllib.parse.quote_plus,
    'unquote_plus': urllib.parse.unquote_plus, 'urlcleanup': urllib.request.urlcleanup})
