"""JZS1, JZS2, JZS3 and SimpleDeepRNN under `--keras 0.2` against the real Keras 0.2.0.

scripts/recurrent_jzs.py builds each layer seeded (0.2.0's constructor: output_dim first,
input_dim keyword) and runs a forward pass with the weights the real 0.2.0 drew
(scripts/recurrent_0_2_0_golden.json, from `/work/oracle/run.sh 0.2.0 64` running the same
construction: Theano 0.8.2, float64). Every np.random draw but orthogonal's must be the
same bit for bit (the order of the draws, JZS1/JZS2's Pmat); orthogonal's SVD signs depend
on the LAPACK build, so those weights are checked for being 1.1 times orthonormal only.
"""
import json
import os

import numpy as np

from .test_numerics_0_2_0 import HERE, run_0_2

# the indices (in get_weights order) of the orthogonal (inner_init) weights
ORTHOGONAL = {'JZS1': (3, 5), 'JZS2': (1, 3, 6), 'JZS3': (1, 4, 7), 'SimpleDeepRNN': (1, 2, 3)}


def test_jzs_and_simple_deep_rnn_match_keras_0_2_0(tmp_path):
    with open(os.path.join(HERE, 'scripts', 'recurrent_0_2_0_golden.json')) as f:
        golden = json.load(f)
    got, _ = run_0_2('recurrent_jzs.py', tmp_path)
    for name, expected in golden.items():
        ours = got[name]
        assert ours['dtype'] == 'float64' and ours['shape'] == [2, 3, 3], name
        assert len(ours['weights']) == len(expected['weights']), name
        for k, (w, g) in enumerate(zip(ours['weights'], expected['weights'])):
            if k in ORTHOGONAL[name]:
                U = np.reshape(w, (3, 3))
                # 2015's orthogonal: scale 1.1 times an orthonormal matrix
                np.testing.assert_allclose(U.T @ U, 1.21 * np.eye(3), atol=1e-12)
            else:
                np.testing.assert_array_equal(w, g, err_msg='%s weight %d' % (name, k))
        np.testing.assert_allclose(ours['y'], expected['y'], rtol=1e-8, atol=1e-15,
                                   err_msg=name)


# the indices (in get_weights order, the Embedding's table first) of the orthogonal weights
ORTHOGONAL_MASKED = {'SimpleRNN': (2,), 'GRU': (2, 5, 8), 'LSTM': (2, 5, 8, 11)}


def test_simple_rnn_gru_lstm_after_a_masked_embedding_match_keras_0_2_0(tmp_path):
    """0.2.0's mask rule (the state is zeroed after a masked step), its sigmoid defaults and
    drawing order: outputs before and after one SGD step, and the loss, against the real
    0.2.0 (scripts/recurrent_masked.py and its golden file)."""
    with open(os.path.join(HERE, 'scripts', 'recurrent_masked_0_2_0_golden.json')) as f:
        golden = json.load(f)
    got, _ = run_0_2('recurrent_masked.py', tmp_path)
    assert sorted(got) == sorted(golden)
    for key, expected in golden.items():
        ours = got[key]
        assert ours['dtype'] == 'float64' and ours['shape'] == expected['shape'], key
        orthogonal = ORTHOGONAL_MASKED[key.split('_')[0]]
        for k, (w, g) in enumerate(zip(ours['weights_drawn'], expected['weights_drawn'])):
            if k not in orthogonal:
                np.testing.assert_array_equal(w, g, err_msg='%s weight %d' % (key, k))
        for field in ('y', 'loss', 'y_after_step'):
            np.testing.assert_allclose(ours[field], expected[field], rtol=1e-8, atol=1e-15,
                                       err_msg='%s %s' % (key, field))
