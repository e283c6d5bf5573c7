"""Keras 0.2.0's layer configs, LRN2D and WordContextProduct under `--keras 0.2`, against the
real Keras 0.2.0 (scripts/layers_0_2_0.py; scripts/layers_0_2_0_golden.json is what
`/work/oracle/run.sh 0.2.0 64` printed for it: Theano 0.8.2, float64)."""
import json
import os

import numpy as np

from .test_numerics_0_2_0 import HERE, run_0_2


def test_configs_lrn2d_and_word_context_product_match_keras_0_2_0(tmp_path):
    with open(os.path.join(HERE, 'scripts', 'layers_0_2_0_golden.json')) as f:
        golden = json.load(f)
    got, _ = run_0_2('layers_0_2_0.py', tmp_path)
    assert len(got['configs']) == len(golden['configs'])
    for ours, expected in zip(got['configs'], golden['configs']):
        assert ours == expected, expected['name']
    np.testing.assert_allclose(got['lrn'], golden['lrn'], rtol=1e-8)
    # WordContextProduct's tables: the same np.random draws, in the same order
    for ours, expected in zip(got['wcp_weights'], golden['wcp_weights']):
        np.testing.assert_array_equal(ours, expected)
    np.testing.assert_allclose(got['wcp'], golden['wcp'], rtol=1e-8)
    # to_json, model_from_json: the same 0.2.0 config back (the Merge is 0.2.0's again)
    saved, reloaded = got['merge_roundtrip']
    assert reloaded == saved and 'dot_axes' not in saved['layers'][0]
