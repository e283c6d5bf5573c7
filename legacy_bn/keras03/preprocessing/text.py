"""keras.preprocessing.text (Keras 0.3.3): the shared functions and Tokenizer, plus 0.3.3's
`char_level` option (every character of a text is a token)."""
from ...preprocessing.text import *  # noqa: F401,F403
from ...preprocessing.text import Tokenizer as _Tokenizer, base_filter


class Tokenizer(_Tokenizer):
    __doc__ = _Tokenizer.__doc__ + '\n\n    char_level: index characters instead of words (0.3.3).'

    def __init__(self, nb_words=None, filters=base_filter(), lower=True, split=' ',
                 char_level=False):
        super().__init__(nb_words=nb_words, filters=filters, lower=lower, split=split)
        self.char_level = char_level

    def tokens(self, text):
        return text if self.char_level else super().tokens(text)
