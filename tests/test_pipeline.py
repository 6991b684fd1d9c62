"""Pipelines are built from YAML; stages are registered by name and validate their settings."""

import pandas as pd
import pytest

from themes.engine.config import load_config
from themes.engine.options import RunOptions, configure
from themes.errors import ThemesError
from themes.stages import STAGES, State, build_stage


def test_default_pipeline_builds_every_stage_in_order():
    config = load_config()
    assert [name for name, _ in config.stages] == ["clean", "language", "split", "embed", "discover",
                                                   "sentiment", "flags", "label", "impact"]
    for name, params in config.stages:
        assert build_stage(name, params).name == name


def test_unknown_stage_and_setting_are_refused_with_the_valid_ones():
    with pytest.raises(ThemesError, match="unknown pipeline stage 'cluster'"):
        build_stage("cluster", {})
    with pytest.raises(ThemesError, match=r"stage 'split' has no setting max_clause.*max_clauses"):
        build_stage("split", {"max_clause": 3})


def test_a_custom_pipeline_file(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("name: mine\nseed: 7\nstages:\n  - clean\n  - split: {max_clauses: 2}\n")
    config = load_config(path)
    assert config.name == "mine" and config.seed == 7
    assert config.stages == [("clean", {}), ("split", {"max_clauses": 2})]
    with pytest.raises(ThemesError, match="no such pipeline"):
        load_config(tmp_path / "missing.yaml")
    (tmp_path / "bad.yaml").write_text("stages: [: oops")
    with pytest.raises(ThemesError, match="not valid YAML"):
        load_config(tmp_path / "bad.yaml")



def test_a_pipeline_that_extends_another_keeps_its_stages_and_overrides_settings(tmp_path):
    default = dict(load_config().stages)
    (tmp_path / "base.yaml").write_text("name: base\nseed: 3\nstages:\n  - clean\n"
                                        "  - split: {max_clauses: 2, min_letters: 3}\n")
    (tmp_path / "child.yaml").write_text("name: child\nextends: base.yaml\noverride:\n  split: {max_clauses: 5}\n")
    child = load_config(tmp_path / "child.yaml")
    assert child.name == "child" and child.seed == 3
    assert child.stages == [("clean", {}), ("split", {"max_clauses": 5, "min_letters": 3})]
    # the bundled tiers are the default pipeline with another embedding (and, for scale, heads)
    for tier, changed in (("fast", {"embed"}), ("scale", {"embed", "sentiment", "flags", "discover"})):
        stages = dict(load_config(tier).stages)
        assert list(stages) == list(default)
        assert {name for name in stages if stages[name] != default[name]} == changed
    (tmp_path / "typo.yaml").write_text("extends: base.yaml\noverride:\n  splt: {max_clauses: 5}\n")
    with pytest.raises(ThemesError, match=r"does not have: \['splt'\]"):
        load_config(tmp_path / "typo.yaml")
    (tmp_path / "both.yaml").write_text("extends: base.yaml\nstages: [clean]\n")
    with pytest.raises(ThemesError, match="either 'stages' or 'extends'"):
        load_config(tmp_path / "both.yaml")

def test_text_stages_on_a_table():
    comments = pd.DataFrame({"id": ["a", "b", "c"], "lang_hint": ["", "", "lv"],
                             "text": ["<b>Fast delivery</b> but the courier was rude http://x.co",
                                      "Доставка быстрая, но курьер хамил", "ok"]})
    state = State(comments=comments)
    for name in ("clean", "language", "split"):
        STAGES[name]().run(state)
    assert state.clean_texts().take([0]) == ["Fast delivery but the courier was rude"]
    assert "clean_text" not in state.comments  # cleaned as read, not held as a second copy of the texts
    assert state.comments["language"].tolist() == ["en", "ru", "lv"]  # the hint wins for "ok"
    m = state.mentions
    assert m.groupby("id").size().to_dict() == {"a": 2, "b": 2, "c": 1}
    assert m.loc[m["id"] == "b", "span"].tolist() == ["Доставка быстрая", "но курьер хамил"]


def test_text_stages_give_the_same_tables_whatever_the_row_blocks(monkeypatch, sample_rows):
    """Cleaning, language and clause splitting read the comments a block of rows at a time (no
    Python string per comment of a whole export at once): the blocks must not show in the result."""
    import themes.engine.blocks as blocks

    comments = pd.DataFrame(sample_rows).rename(columns={"response_id": "id", "comment": "text"})[["id", "text"]]

    def run() -> State:
        state = State(comments=comments.copy())
        for name in ("clean", "language", "split"):
            STAGES[name]().run(state)
        return state

    whole = run()
    monkeypatch.setattr(blocks, "BLOCK_ROWS", 7)
    monkeypatch.setattr(blocks.row_blocks, "__defaults__", (7,))
    parts = run()
    assert len(blocks.row_blocks(600)) == 86 and len(whole.mentions) > 600
    pd.testing.assert_frame_equal(parts.comments, whole.comments)
    pd.testing.assert_frame_equal(parts.mentions, whole.mentions)
    assert whole.mentions["span"].dtype == "str"
    assert parts.clean_texts().tolist() == whole.clean_texts().tolist()



def test_the_embed_stage_stores_each_distinct_text_once(cached_model):
    """A one-clause comment is its own mention: its vector is held once, for both tables."""
    import numpy as np

    from themes.text.split import mention_core

    comments = pd.DataFrame({"id": ["a", "b", "c"], "text": ["Fast delivery but the courier was rude",
                                                             "the courier was rude", "ok"]})
    state = State(comments=comments)
    for name in ("clean", "language", "split"):
        STAGES[name]().run(state)
    texts = sorted({mention_core(s) for s in state.mentions["span"]} | set(state.clean_texts().tolist()))
    state.embedding = cached_model(texts, np.eye(len(texts), 8, dtype=np.float32))
    STAGES["embed"]().run(state)
    m, c = state.mention_vectors, state.comment_vectors
    assert (len(m), len(c)) == (4, 3) and m.table is c.table and len(m.table) == len(texts) == 4
    assert state.summary["embedding"]["unique"] == 4
    ok = state.mentions.index[state.mentions["id"] == "c"][0]
    assert np.array_equal(m[[ok]], c[[2]])  # comment "ok" and its one mention: one vector
    # store: disk (the scale tier) holds the same vectors in a file instead of memory
    on_disk = State(comments=comments.copy(), mentions=state.mentions, embedding=state.embedding,
                    cleaner=state.cleaner)
    STAGES["embed"](store="disk").run(on_disk)
    assert on_disk.summary["embedding"]["store"] == "disk" and on_disk.mention_vectors.table.nbytes == 0
    assert np.array_equal(np.asarray(on_disk.mention_vectors), np.asarray(m))
    assert np.array_equal(np.asarray(on_disk.comment_vectors), np.asarray(c))
    with pytest.raises(ThemesError, match="store must be memory or disk"):
        STAGES["embed"](store="ram")

def test_vectors_are_let_go_after_the_last_stage_that_reads_them():
    """Labels, impact and writing need only the tables: at a million comments the vectors (3.8 GB
    with the clauses') would otherwise stay resident to the end of the run."""
    import numpy as np

    from themes.engine.config import PipelineConfig
    from themes.engine.pipeline import run_pipeline
    from themes.stages.base import Stage, register

    seen = []

    @register
    class _MakeVectors(Stage):
        name = "_test_make_vectors"

        def run(self, state):
            vectors = np.ones((4, 3), np.float32)
            state.mention_vectors, state.comment_vectors = vectors[:2], vectors[2:]

    @register
    class _ReadVectors(Stage):
        name = "_test_read_vectors"
        reads_vectors = True

        def run(self, state):
            seen.append(("reader", state.comment_vectors is not None and state.mention_vectors is not None))

    @register
    class _Tables(Stage):
        name = "_test_tables_only"

        def run(self, state):
            seen.append(("after", state.comment_vectors is None and state.mention_vectors is None))

    try:
        config = PipelineConfig(name="t", stages=[("_test_make_vectors", {}), ("_test_read_vectors", {}),
                                                  ("_test_tables_only", {}), ("_test_read_vectors", {}),
                                                  ("_test_tables_only", {})])
        run_pipeline(State(comments=pd.DataFrame({"text": ["a"]})), config)
        assert seen == [("reader", True), ("after", False), ("reader", True), ("after", True)]
    finally:
        for name in ("_test_make_vectors", "_test_read_vectors", "_test_tables_only"):
            STAGES.pop(name, None)


def test_freed_memory_goes_back_to_the_os():
    """Arrow allocates through the system allocator (mimalloc keeps freed pages), and a stage's
    garbage is handed back with malloc_trim: large blocks freed between survivors (what parsing
    and clause splitting leave behind) would otherwise stay resident."""
    import gc

    import pyarrow as pa

    from themes.engine.memory import release_free_memory, use_system_allocator_for_arrow

    def rss_mb() -> float:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024

    use_system_allocator_for_arrow()
    assert pa.default_memory_pool().backend_name == "system"
    release_free_memory()
    before = rss_mb()
    freed, survivors = [], []
    for i in range(20_000):
        freed.append("x" * 20_000 + str(i))
        survivors.append(bytearray(1000))
    grown = rss_mb()
    del freed
    gc.collect()
    release_free_memory()
    assert grown - before > 300  # the blocks were really there
    assert rss_mb() - before < 0.2 * (grown - before)


def test_a_large_exports_labels_come_from_a_sample_that_keeps_every_theme():
    """Keywords and quotes from at most sample_size mentions (the same share of every sub-theme,
    at least min_sampled of each), counts from all of them."""
    import numpy as np

    from themes.stages.label import sample_mentions

    rng = np.random.default_rng(0)
    theme = np.array(["t01"] * 9000 + ["t02"] * 900 + ["t03"] * 100, dtype=object)
    sub = np.where(theme == "t01", np.where(rng.random(len(theme)) < 0.5, "t01.1", "t01.2"), "").astype(object)
    words = {"t01": ["flight", "delay", "hours", "late"], "t02": ["rude", "staff", "crew"],
             "t03": ["refund", "money", "never"]}
    spans = [" ".join(rng.choice(words[t], size=3)) for t in theme]
    m = pd.DataFrame({"id": [f"c{i}" for i in range(len(theme))], "theme_id": theme, "subtheme_id": sub,
                      "span": spans, "language": "en", "similarity": rng.random(len(theme)).astype(np.float32)})
    assert sample_mentions(m, len(m), 50, seed=1) is None
    rows = sample_mentions(m, 1000, 50, seed=1)
    assert np.array_equal(rows, sample_mentions(m, 1000, 50, seed=1)) and np.all(np.diff(rows) > 0)
    assert not np.array_equal(rows, sample_mentions(m, 1000, 50, seed=2))
    kept = m.iloc[rows]
    assert kept["theme_id"].value_counts().to_dict() == {"t01": 900, "t02": 90, "t03": 50}
    for name, size in m.loc[m["subtheme_id"] != "", "subtheme_id"].value_counts().items():
        assert (kept["subtheme_id"] == name).sum() == round(size / 10)

    from types import SimpleNamespace

    def run(**settings):
        state = State(comments=pd.DataFrame({"primary_theme": ["t01"]}), mentions=m, options=RunOptions(seed=3))
        state.theme_model = SimpleNamespace(theme_ids_=["t01", "t02", "t03"], sub_ids_=["t01.1", "t01.2"],
                                            sub_parent_=np.array([0, 0]))
        STAGES["label"](**settings).run(state)
        return state

    whole, sampled = run(), run(sample_size=1000, min_sampled=50)
    assert sampled.summary["labels"] == {"mentions": 10000, "sampled": 1040}
    assert whole.summary["labels"] == {"mentions": 10000, "sampled": 10000}
    assert sampled.themes["n_mentions"].tolist() == whole.themes["n_mentions"].tolist()
    assert sampled.themes.set_index("theme_id")["n_mentions"].to_dict()["t03"] == 100
    top = whole.themes["parent_id"] == ""
    for a, b in zip(whole.themes.loc[top, "keywords"], sampled.themes.loc[top, "keywords"]):
        assert set(a.split("; ")) == set(b.split("; "))  # the same words, from a tenth of the mentions


def test_one_precedence_rule_explicit_option_then_pipeline_yaml_then_stage_default(tmp_path):
    (tmp_path / "monthly.yaml").write_text("extends: default\noverride:\n  impact: {period: month}\n"
                                           "  discover: {tone: null}\n")
    monthly, default = load_config(tmp_path / "monthly.yaml"), load_config()

    def setting(config, stage, name):
        return dict(config.stages)[stage].get(name, build_stage(stage, dict(config.stages)[stage]).__dict__.get(name))

    assert setting(configure(monthly, RunOptions()), "impact", "period") == "month"  # the YAML's
    assert setting(configure(monthly, RunOptions(period="quarter")), "impact", "period") == "quarter"  # explicit
    assert setting(configure(default, RunOptions()), "impact", "period") == "quarter"  # the stage's default
    # a run's own sentiment head is also what discover removes the tone of, unless the pipeline turned tone off
    assert setting(configure(default, RunOptions(sentiment_model="mine")), "discover", "tone") == "mine"
    assert setting(configure(monthly, RunOptions(sentiment_model="mine")), "discover", "tone") is None
    assert setting(configure(monthly, RunOptions(sentiment_model="mine")), "sentiment", "model") == "mine"
    options = RunOptions()
    assert configure(monthly, options).seed == 42 and options.seed == 42
    assert configure(monthly, RunOptions(seed=7)).seed == 7
    with pytest.raises(ThemesError, match="--period must be quarter or month"):
        RunOptions(period="week")


@pytest.mark.model
def test_every_stage_writes_what_it_declares(sample_csv, monkeypatch):
    import themes
    import themes.engine.pipeline

    written = {}

    def checked(name, params):
        stage = build_stage(name, params)
        run = stage.run

        def run_and_check(state):
            run(state)
            for target in stage.writes:
                table, _, column = target.partition(".")
                if column:
                    assert column in getattr(state, table).columns, f"{name} declares {target}"
                else:
                    assert getattr(state, table) is not None, f"{name} declares {target}"
            written[name] = stage.writes

        stage.run = run_and_check
        return stage

    monkeypatch.setattr(themes.engine.pipeline, "build_stage", checked)
    themes.analyze(sample_csv)
    assert list(written) == [name for name, _ in load_config().stages]
    assert all(written.values())
