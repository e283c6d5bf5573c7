# A package of the user's, Python 2: implicit relative imports.
import scaling
from builders import build_mlp
