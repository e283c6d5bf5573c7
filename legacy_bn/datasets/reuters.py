"""keras.datasets.reuters: Reuters-21578 newswires as word-index sequences labelled by topic
(46 topics), from 2015's reuters.pkl, and the word index from reuters_word_index.pkl."""
import os
import pickle

from ..utils.io_utils import atomic_file
from .data_utils import get_file, load_word_sequences, read_pickle, split_word_sequences

ORIGIN = 'https://s3.amazonaws.com/text-datasets/reuters.pkl'
WORD_INDEX_ORIGIN = 'https://s3.amazonaws.com/text-datasets/reuters_word_index.pkl'


def load_data(path="reuters.pkl", nb_words=None, skip_top=0, maxlen=None, test_split=0.2,
              seed=113, start_char=1, oov_char=2, index_from=3):
    """((X_train, y_train), (X_test, y_test)) as lists; see data_utils.split_word_sequences."""
    X, labels = load_word_sequences(get_file(path, origin=ORIGIN))
    return split_word_sequences(X, labels, nb_words=nb_words, skip_top=skip_top, maxlen=maxlen,
                                test_split=test_split, seed=seed, start_char=start_char,
                                oov_char=oov_char, index_from=index_from)


def get_word_index(path="reuters_word_index.pkl"):
    """{word: index} (before load_data's index_from shift)."""
    index = read_pickle(get_file(path, origin=WORD_INDEX_ORIGIN))
    if not isinstance(index, dict):
        raise ValueError('%s is not a word index (a dict), got %s' % (path, type(index).__name__))
    return {_utf8(word): i for word, i in index.items()}


def _utf8(word):
    """A Python 2 byte-string word, read as latin1, back to the UTF-8 text it was."""
    try:
        return word.encode('latin1').decode('utf-8')
    except (UnicodeError, AttributeError):
        return word


def make_reuters_dataset(path=os.path.join('datasets', 'temp', 'reuters21578'),
                         min_samples_per_topic=15):
    """Build reuters.pkl and reuters_word_index.pkl (in datasets/data/, as 2015) from the
    Reuters-21578 .sgm files in `path`: wires with exactly one topic, topics with at least
    min_samples_per_topic wires, bodies tokenized by preprocessing.text.Tokenizer."""
    from ..preprocessing.text import Tokenizer

    wire_topics, wire_bodies, topic_counts = [], [], {}
    for fname in os.listdir(path):
        if 'sgm' not in fname:
            continue
        with open(os.path.join(path, fname), encoding='latin-1') as f:
            s = f.read()
        tag = '<TOPICS>'
        while tag in s:
            s = s[s.find(tag) + len(tag):]
            topics = s[:s.find('</')]
            if not topics or '</D><D>' in topics:
                continue
            topic = topics.replace('<D>', '').replace('</D>', '')
            wire_topics.append(topic)
            topic_counts[topic] = topic_counts.get(topic, 0) + 1
            body = s[s.find('<BODY>') + len('<BODY>'):]
            wire_bodies.append(body[:body.find('</')])

    items = sorted(topic_counts.items(), key=lambda x: x[1])
    kept_topics = set()
    for topic, count in items:
        print(topic + ': ' + str(count))
        if count >= min_samples_per_topic:
            kept_topics.add(topic)
    print('-')
    print('Kept topics:', len(kept_topics))

    kept_wires, labels, topic_indexes = [], [], {}
    for topic, body in zip(wire_topics, wire_bodies):
        if topic in kept_topics:
            labels.append(topic_indexes.setdefault(topic, len(topic_indexes)))
            kept_wires.append(body)
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(kept_wires)
    X = tokenizer.texts_to_sequences(kept_wires)

    out_dir = os.path.join('datasets', 'data')
    os.makedirs(out_dir, exist_ok=True)
    for name, obj in (('reuters.pkl', (X, labels)),
                      ('reuters_word_index.pkl', tokenizer.word_index)):
        # 2015 pickled into files opened in text mode, which fails on Python 3
        with atomic_file(os.path.join(out_dir, name)) as tmp, open(tmp, 'wb') as f:
            pickle.dump(obj, f, protocol=2)
    return X, labels
