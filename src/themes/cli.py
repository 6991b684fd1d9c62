"""The ``themes`` command line. Problems the user can fix print one line and exit with code 2.

Each command imports what it runs inside its body, on purpose: ``themes --help`` and a usage error
answer at once, without loading pandas, torch or the embedding model."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from .errors import NoUsableComments, ThemesError, column_list, safe_message
from .io.folders import check_output_folder, output_folder

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn customer feedback exports into themes ranked by their impact on NPS.")


def _show_notes() -> None:
    """The library's notes (columns guessed, the scale, a model converted once...) on stderr, as
    written: the package logs them (logger "themes") and shows nothing itself."""
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("themes")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def _say(message: str) -> None:
    typer.echo(message, err=True)


@contextmanager
def _interruptible():
    """Ctrl-C ends the run with one line and exit code 130 (Typer would swallow it silently)."""
    try:
        yield
    except KeyboardInterrupt:
        typer.echo("themes: interrupted; what was embedded so far is cached and a re-run reuses it", err=True)
        raise typer.Exit(130) from None


def print_summary(result, out: Path | None = None, top: int = 5) -> None:
    from .report import describe_change, figure  # the CLI starts light: the report stack loads when used

    s = result.summary
    counts = s["counts"]
    where = f" (see {out / 'rejected.csv'})" if out is not None and counts["rejected"] else ""
    typer.echo(f"read {counts['read']} comments: kept {counts['kept']}, rejected {counts['rejected']}{where}")
    typer.echo("languages: " + ", ".join(f"{k} {v}" for k, v in s["languages"].items()))
    if s.get("nps"):
        n = s["nps"]
        name = n.get("label") or n["scale"].upper()
        fmt = "+.1f" if n["scale"] == "nps" else ".1f"  # only NPS runs from negative to positive
        typer.echo(f"{name} {n['value']:{fmt}} (95% CI {n['low']:{fmt}} .. {n['high']:{fmt}}) "
                   f"from {n['responses']} scored responses")
    else:
        typer.echo("no score column: themes are ranked by volume x negative sentiment")
    cal = s.get("sentiment_calibration")
    if cal:
        typer.echo(f"sentiment calibrated on scores: offset {cal['offset']:+.2f}, {cal['top_group']}/"
                   f"{cal['bottom_group']} agreement {cal['agreement_before']:.1%} -> {cal['agreement_after']:.1%}, "
                   f"{cal['labels_changed']} comment labels changed" if "offset" in cal
                   else f"sentiment not calibrated: {cal['why']}")
    other = counts.get("other_mentions", 0)
    typer.echo(f"themes found: {counts['themes']} with {counts.get('subthemes', 0)} sub-themes "
               f"({counts['mentions']} mentions; {other} = {other / max(counts['mentions'], 1):.1%} "
               "fit no theme: 'other')")
    basis = s["impact"]["basis"]
    unit = s["nps"]["unit"] if s.get("nps") else "volume x tone"
    top_level = result.themes[result.themes["parent_id"] == ""]
    typer.echo(f"top {min(top, len(top_level))} themes by impact ({unit}, "
               f"{'key driver' if basis == 'driver' else 'leave-one-out' if basis == 'loo' else 'no scores'}):")
    typer.echo(f"  {'rank':>4}  {'impact':>7}  {'95% CI':>17}  {'share':>6}  {'priority':<9}  label")
    for row in top_level.head(top).itertuples():
        impact = figure(row.impact) or "—"
        ci = f"[{figure(row.impact_low)}, {figure(row.impact_high)}]" if impact != "—" else "—"
        rank = figure(row.rank, ".0f") or "—"
        typer.echo(f"  {rank:>4}  {impact:>7}  {ci:>17}  {row.share:>6.1%}  {row.priority:<9}  {row.label}")
    if len(top_level[top_level["theme_id"] != "other"]) == 1:
        typer.echo("one theme: too few (or too alike) comments to tell themes apart; an impact needs comments "
                   "with and without a theme, so none is estimated")
    emerging = (s.get("periods") or {}).get("emerging")
    if emerging:
        labels = result.themes.set_index("theme_id")["label"]
        typer.echo(f"emerging in {s['periods']['latest']}: " + "; ".join(labels[t] for t in emerging))
    if s.get("change"):
        typer.echo(describe_change(s["change"]))


@contextmanager
def _rejects_written(out: Path):
    """When every row is rejected there is nothing to analyse, but the reasons are what the user
    needs: rejected.csv is written to ``out`` (as the output of this run) and the error names it."""
    try:
        yield
    except NoUsableComments as exc:
        from .io.write import write_csv  # pandas: loaded only on this path

        with output_folder(out) as fresh:
            write_csv(exc.rejects, fresh / "rejected.csv")
        raise ThemesError(f"{exc} (the reasons, row by row: {out / 'rejected.csv'})") from None


# the engine options, shared by analyze and apply
EngineOption = Annotated[str, typer.Option(help="local, or dask: per-row stages on a Dask cluster.")]
SchedulerOption = Annotated[str | None, typer.Option(
    help="Dask scheduler address (tcp://host:8786); none: a local cluster.")]
WorkersOption = Annotated[int, typer.Option(help="Workers of the local Dask cluster.")]
PartitionOption = Annotated[int, typer.Option(help="Comments per Dask partition.")]


@app.command()
def analyze(
    files: Annotated[list[Path], typer.Argument(
        help="Exports: CSV, TSV, XLSX, JSON/JSONL, Parquet, or folders of them.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the output tables.")] = Path("out"),
    text: Annotated[list[str] | None, typer.Option(help="Text column (repeat for several).")] = None,
    score: Annotated[str | None, typer.Option(help="0-10 score column.")] = None,
    date: Annotated[str | None, typer.Option(help="Date column.")] = None,
    id: Annotated[str | None, typer.Option("--id", help="Row id column.")] = None,
    lang: Annotated[str | None, typer.Option(help="Column with a language code per row.")] = None,
    segment: Annotated[list[str] | None, typer.Option(help="Segment column (repeatable).")] = None,
    scale: Annotated[str, typer.Option(help="Score scale: nps, csat, ces, stars, rating10, rating100, "
                                            "or auto (from the header and the scores).")] = "auto",
    period: Annotated[str | None, typer.Option(
        help="Trend periods: quarter or month (default: the pipeline's impact.period, quarter).")] = None,
    join: Annotated[Path | None, typer.Option(help="Customer data to join (any supported format).")] = None,
    on: Annotated[str | None, typer.Option(help="Column to join on, present in both.")] = None,
    config: Annotated[str | None, typer.Option(help="Pipeline YAML, or a bundled pipeline's name.")] = None,
    model: Annotated[str | None, typer.Option(help="Local sentence-transformers folder.")] = None,
    sentiment_model: Annotated[str | None, typer.Option(help="Folder with a sentiment head.json.")] = None,
    default_language: Annotated[str | None, typer.Option(help="Language for text too short to tell.")] = None,
    label_language: Annotated[str, typer.Option(help="Language of theme labels.")] = "en",
    themes: Annotated[int | None, typer.Option("--themes", help="Number of top-level themes.")] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed (default: the pipeline's).")] = None,
    save_model: Annotated[Path | None, typer.Option(help="Also save the theme model here.")] = None,
    no_mask: Annotated[bool, typer.Option("--no-mask", help="Keep personal data in outputs.")] = False,
    calibrate_sentiment: Annotated[bool, typer.Option(
        "--calibrate-sentiment", help="Re-fit the sentiment head's balance on this export's scores.")] = False,
    engine: EngineOption = "local",
    scheduler: SchedulerOption = None,
    workers: WorkersOption = 2,
    partition_size: PartitionOption = 5000,
    report_language: Annotated[str, typer.Option(help="Report UI language: en, ru or lv.")] = "en",
    no_report: Annotated[bool, typer.Option("--no-report", help="Skip report.html/.xlsx/summary.md.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
) -> None:
    """Analyse exports and write comments.csv, mentions.csv, themes.csv, summary.json, rejected.csv."""
    from .api import analyze as run
    from .report.i18n import TEXT

    if report_language not in TEXT:
        raise ThemesError(f"--report-language must be one of {', '.join(TEXT)}, got '{report_language}'")
    check_output_folder(out)  # before the analysis, not after it
    with _interruptible(), _rejects_written(out):
        result = run([str(f) for f in files], text=text, score=score, date=date, id=id, lang=lang,
                     segments=segment, config=config, model=model, sentiment_model=sentiment_model,
                     default_language=default_language, label_language=label_language, n_themes=themes,
                     seed=seed, scale=scale, period=period, join=join, on=on, mask=not no_mask,
                     calibrate_sentiment=calibrate_sentiment, engine=engine, scheduler=scheduler, workers=workers,
                     partition_size=partition_size, progress=not quiet)
    result.save(out, save_model=save_model, report=not no_report, report_language=report_language)
    print_summary(result, out)
    extra = "".join(f" {name}.csv" for name in result.tables)
    reports = "" if no_report else " report.html report.xlsx summary.md"
    typer.echo(f"wrote {out}/: comments.csv mentions.csv themes.csv summary.json rejected.csv{extra}{reports}")


@app.command()
def report(
    folder: Annotated[Path, typer.Argument(help="An output folder of `themes analyze`.")],
    language: Annotated[str, typer.Option(help="Report UI language: en, ru or lv.")] = "en",
) -> None:
    """Re-render report.html, report.xlsx and summary.md from a folder's saved tables."""
    from .report import write_report

    paths = write_report(folder, language=language)
    typer.echo("wrote " + " ".join(str(p) for p in paths))


@app.command("code")
def code_export(
    files: Annotated[list[Path], typer.Argument(help="Exports to code (any supported format).")],
    codebook: Annotated[Path | None, typer.Option(help="Codebook: .yaml, .csv (code, parent, description, "
                                                       "examples, exclusions) or a REFI-QDA .qdc.")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the output tables.")] = Path("out"),
    train: Annotated[Path | None, typer.Option(
        help="A human-coded sample to learn from: id and codes columns.")] = None,
    gold: Annotated[str | None, typer.Option(
        help="A column of the export with human codes: agreement.csv compares the machine's with them.")] = None,
    model: Annotated[Path | None, typer.Option(
        "--model", help="A coding saved with --save-model: code this export the same way (no refit).")] = None,
    save_model: Annotated[Path | None, typer.Option(help="Also save the code model and codebook here.")] = None,
    text: Annotated[list[str] | None, typer.Option(help="Text column (repeat for several).")] = None,
    score: Annotated[str | None, typer.Option(help="Score column.")] = None,
    date: Annotated[str | None, typer.Option(help="Date column.")] = None,
    id: Annotated[str | None, typer.Option("--id", help="Row id column.")] = None,
    segment: Annotated[list[str] | None, typer.Option(help="Segment column (repeatable).")] = None,
    scale: Annotated[str, typer.Option(help="Score scale, or auto.")] = "auto",
    no_mask: Annotated[bool, typer.Option("--no-mask", help="Keep personal data in outputs.")] = False,
    report_language: Annotated[str, typer.Option(help="Report UI language: en, ru or lv.")] = "en",
    no_report: Annotated[bool, typer.Option("--no-report", help="Skip report.html/.xlsx/summary.md.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
) -> None:
    """Code every comment and clause with your codebook: coded.csv (codes, evidence spans, confidence),
    codes.csv (counts, sentiment, impact per code), the usual tables and report, and the codebook as .qdc."""
    from .api import code as run

    check_output_folder(out)
    with _interruptible(), _rejects_written(out):
        result = run([str(f) for f in files], codebook, coded=train, gold=gold, model=model, text=text, score=score,
                     date=date, id=id, segments=segment, scale=scale, mask=not no_mask, progress=not quiet)
    result.save(out, save_model=save_model, report=not no_report, report_language=report_language)
    coding = result.summary["coding"]
    typer.echo(f"read {result.summary['counts']['read']} comments: kept {result.summary['counts']['kept']}, "
               f"rejected {result.summary['counts']['rejected']}")
    typer.echo(f"coded with {len(coding['coded_with'])} codes; uncoded comments: {coding['uncoded_comments']}; "
               f"learnt from {coding['taught']['self_taught']} self-taught and "
               f"{coding['taught']['coded_by_hand']} hand-coded comments")
    if "agreement" in result.tables:
        overall = result.tables["agreement"].iloc[-1]
        typer.echo(f"agreement with --gold {gold} ({overall.comments} comments): micro-F1 {overall.f1:.3f} "
                   f"[{overall.f1_low:.3f}, {overall.f1_high:.3f}], kappa {overall.kappa:.3f} "
                   f"[{overall.kappa_low:.3f}, {overall.kappa_high:.3f}], Krippendorff's alpha {overall.alpha:.3f}")
    codes = result.tables["codes"]
    for row in codes.itertuples():
        typer.echo(f"  {row.code:<24} {int(row.n_comments or 0):>6} comments  {row.name}")
    for group in coding.get("candidates", []):
        typer.echo(f"candidate new code ({group['comments']} uncoded comments): {' / '.join(group['keywords'][:5])}")
    extra = " ".join(f"{name}.csv" for name in result.tables)
    typer.echo(f"wrote {out}/: {extra} {' '.join(result.files)} comments.csv mentions.csv themes.csv summary.json")


@app.command("agree")
def agree(
    reference: Annotated[Path, typer.Argument(help="The reference coding (a human coder's): id and codes columns.")],
    others: Annotated[list[Path], typer.Argument(help="Codings to compare with it (another coder's, coded.csv).")],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Write agreement.csv (and confusion.csv) here.")] = None,
    seed: Annotated[int, typer.Option(help="Bootstrap seed.")] = 42,
) -> None:
    """Agreement with a reference coding: per code prevalence, precision, recall, F1, Cohen's kappa,
    and Krippendorff's alpha over every decision, each with a bootstrap 95% interval."""
    import pandas as pd

    from .coding.agreement import agreement
    from .coding.coded import read_coded_table

    ref = read_coded_table(reference).set_index("id")["codes"]
    tables, confusions = [], []
    for path in others:
        other = read_coded_table(path).set_index("id")["codes"]
        common = ref.index.intersection(other.index)
        if not len(common):
            raise ThemesError(f"{path.name} and {reference.name} share no id")
        table, confusion = agreement(list(ref.loc[common]), list(other.loc[common]), seed=seed)
        table.insert(0, "compared", f"{path.name} vs {reference.name}")
        table.insert(1, "comments", len(common))
        tables.append(table)
        if not confusion.empty:
            confusions.append(confusion.assign(compared=path.name))
        overall = table.iloc[-1]
        typer.echo(f"{path.name} vs {reference.name}: {len(common)} comments; micro-F1 {overall.f1:.3f} "
                   f"[{overall.f1_low:.3f}, {overall.f1_high:.3f}]; kappa {overall.kappa:.3f} "
                   f"[{overall.kappa_low:.3f}, {overall.kappa_high:.3f}]; Krippendorff's alpha {overall.alpha:.3f} "
                   f"[{overall.alpha_low:.3f}, {overall.alpha_high:.3f}]")
    result = pd.concat(tables, ignore_index=True)
    if out is not None:
        from .io.write import write_csv

        out.mkdir(parents=True, exist_ok=True)
        write_csv(result, out / "agreement.csv")
        if confusions:
            write_csv(pd.concat(confusions).reset_index(), out / "confusion.csv")
        typer.echo(f"wrote {out}/agreement.csv")
    else:
        typer.echo(result.drop(columns=["compared"]).to_string(index=False))


@app.command("apply")
def apply_model(
    model_dir: Annotated[Path, typer.Argument(help="A folder saved with --save-model (themes.yaml may be edited).")],
    files: Annotated[list[Path], typer.Argument(help="Exports to analyse with that model's themes.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the output tables.")] = Path("out"),
    text: Annotated[list[str] | None, typer.Option(help="Text column (repeat for several).")] = None,
    score: Annotated[str | None, typer.Option(help="Score column.")] = None,
    date: Annotated[str | None, typer.Option(help="Date column.")] = None,
    id: Annotated[str | None, typer.Option("--id", help="Row id column.")] = None,
    segment: Annotated[list[str] | None, typer.Option(help="Segment column (repeatable).")] = None,
    scale: Annotated[str, typer.Option(help="Score scale: nps, csat, ces, stars, rating10, rating100, "
                                            "or auto.")] = "auto",
    period: Annotated[str | None, typer.Option(
        help="Trend periods: quarter or month (default: the pipeline's impact.period, quarter).")] = None,
    no_mask: Annotated[bool, typer.Option("--no-mask", help="Keep personal data in outputs.")] = False,
    report_language: Annotated[str, typer.Option(help="Report UI language: en, ru or lv.")] = "en",
    engine: EngineOption = "local",
    scheduler: SchedulerOption = None,
    workers: WorkersOption = 2,
    partition_size: PartitionOption = 5000,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
) -> None:
    """Analyse new exports with a saved theme model: same theme ids, so periods compare; comments
    that fit no theme are reported as candidate new themes."""
    from .api import apply as run

    check_output_folder(out)
    with _interruptible(), _rejects_written(out):
        result = run(model_dir, [str(f) for f in files], text=text, score=score, date=date, id=id,
                     segments=segment, scale=scale, period=period, mask=not no_mask, engine=engine,
                     scheduler=scheduler, workers=workers, partition_size=partition_size, progress=not quiet)
    result.save(out, report_language=report_language)
    print_summary(result, out)
    candidates = result.summary.get("candidates") or {}
    if candidates.get("groups"):
        typer.echo(f"{candidates['comments_below']} comments fit no theme well; candidate new themes:")
        for group in candidates["groups"]:
            typer.echo(f"  {group['comments']:>5} comments: {', '.join(group['keywords'][:6])}")
    typer.echo(f"wrote {out}/")


@app.command("train-sentiment")
def train_sentiment(
    file: Annotated[Path, typer.Argument(help="Labelled comments (any supported format).")],
    text: Annotated[str, typer.Option(help="Text column.")],
    label: Annotated[str, typer.Option(help="Label column: negative/neutral/positive, -1/0/1, neg/neu/pos.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for head.json.")],
    model: Annotated[str | None, typer.Option(help="Local sentence-transformers folder.")] = None,
    lexical: Annotated[bool, typer.Option(help="Also learn from the words (hashed word and character n-grams), "
                                               "averaged with the embedding head.")] = True,
) -> None:
    """Train a sentiment head on your own labelled comments (use it with --sentiment-model)."""
    from tqdm import tqdm

    from .analysis.sentiment import normalise_label, train_head
    from .embedding.encode import embed_texts
    from .embedding.model import resolve_model
    from .io.read import read_table
    from .text.clean import clean_text

    table = read_table(file).frame
    for column in (text, label):
        if column not in table:
            raise ThemesError(f"{file}: no column '{column}' (columns: {column_list(table.columns[1:])})")
    labels = table[label].map(normalise_label)
    usable = labels.notna() & (table[text].str.strip() != "")
    if not usable.any():
        raise ThemesError(f"{file}: no row has both a text and a recognised label in '{label}'")
    if (~usable).any():
        _say(f"{int((~usable).sum())} rows skipped (empty text or unrecognised label)")
    spec = resolve_model(model)
    texts = [clean_text(t) for t in table.loc[usable, text]]
    X, _ = embed_texts(texts, spec, progress=tqdm)
    head = train_head(X, labels[usable].to_numpy(), texts=texts if lexical else None,
                      info={"embedding_model": spec.name, "source": str(file), "embedding_fingerprint": spec.heads_fit})
    head.save(out)
    typer.echo(f"trained on {int(usable.sum())} comments; wrote {out}/head.json and weights.npz")
    cal = head.info.get("calibration")
    if cal:
        typer.echo(f"calibrated on {cal['held_out_rows']} held-out comments: temperature {cal['temperature']}, "
                   f"expected calibration error {cal['ece_before']:.3f} -> {cal['ece_after']:.3f}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    data: Annotated[Path, typer.Option(help="Folder for jobs and their results (SQLite index).")] = Path(
        "themes-service"),
    models: Annotated[Path | None, typer.Option(help="Folder of saved theme models (--save-model).")] = None,
    workers: Annotated[int, typer.Option(help="Analysis jobs run at once; more wait in a queue.")] = 1,
    max_upload_mb: Annotated[float, typer.Option(help="Largest accepted upload.")] = 50.0,
    max_rows: Annotated[int, typer.Option(help="Most rows per job.")] = 200_000,
    max_queued: Annotated[int, typer.Option(help="Jobs queued or running at once; more get 429.")] = 20,
    max_jobs_per_key: Annotated[int, typer.Option(help="... and of one API key.")] = 5,
    keys_file: Annotated[Path | None, typer.Option(help="API keys, one per line (and THEMES_API_KEYS).")] = None,
    no_auth: Annotated[bool, typer.Option("--no-auth", help="No API keys: a trusted local setup only.")] = False,
) -> None:
    """Run the HTTP API (docs at /docs). Jobs and results persist in --data and survive a restart."""
    try:
        import uvicorn

        from .service import Settings, create_app
    except ImportError:
        raise ThemesError("the service needs its extra: pip install -e '.[serve]'") from None
    settings = Settings.from_env(keys_file=str(keys_file) if keys_file else None, data_dir=data,
                                 models_dir=models, workers=workers, max_upload_mb=max_upload_mb,
                                 max_rows=max_rows, max_queued=max_queued, max_jobs_per_key=max_jobs_per_key,
                                 open_access=no_auth)
    if no_auth:
        _say("themes serve: --no-auth: anyone who can reach this port can use the API")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


def main() -> None:
    """Entry point: user errors as one line (exit 2), never a traceback unless THEMES_DEBUG=1.
    Typer itself reports usage errors (exit 2) and --help."""
    from .engine.memory import configure_process

    configure_process()  # once, for the whole process: the library's calls leave it as they find it
    _show_notes()
    try:
        app()
    except ThemesError as exc:
        typer.echo(f"themes: error: {safe_message(exc, limit=1000)}", err=True)
        sys.exit(exc.exit_code)
    except OSError as exc:  # a full disk, a folder not writable: the system's words, no traceback
        if os.environ.get("THEMES_DEBUG"):
            raise
        typer.echo(f"themes: error: {safe_message(exc)}", err=True)
        sys.exit(2)
    except Exception as exc:
        if os.environ.get("THEMES_DEBUG"):
            raise
        typer.echo(f"themes: internal error: {type(exc).__name__}: {safe_message(exc)} "
                   "(set THEMES_DEBUG=1 for the traceback)", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
