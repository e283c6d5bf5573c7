"""urllib2 for Python 2 files: urllib.request and urllib.error under Python 2's name."""
from urllib.error import HTTPError, URLError  # noqa: F401
from urllib.request import (Request, build_opener, install_opener, urlopen,  # noqa: F401
                            HTTPHandler, HTTPSHandler, ProxyHandler, HTTPCookieProcessor,
                            HTTPBasicAuthHandler, HTTPPasswordMgrWithDefaultRealm)
