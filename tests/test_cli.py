"""The command line: clear one-line errors with exit code 2, and the summary of a real run."""

import json
import subprocess
import sys

import pandas as pd
import pytest


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "themes.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=600)


@pytest.mark.parametrize("setup, message", [
    (lambda d: d / "missing.csv", "missing.csv: no such file"),
    (lambda d: (d / "x.csv").write_text("a,b\n1,2\n") and d / "x.csv", "no text column found"),
    (lambda d: (d / "e.csv").write_text("") == 0 and d / "e.csv", "the file is empty"),
])
def test_user_errors_are_one_line_with_exit_code_2(tmp_path, setup, message):
    path = setup(tmp_path)
    proc = run("analyze", str(path), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_unknown_option_is_a_usage_error():
    proc = run("analyze", "--no-such-flag")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


@pytest.mark.model
def test_analyze_prints_a_summary_and_writes_the_outputs(tmp_path, sample_csv):
    proc = run("analyze", str(sample_csv), "--out", str(tmp_path / "out"), "--segment", "channel")
    assert proc.returncode == 0, proc.stderr
    assert "read 600 comments: kept 597, rejected 3" in proc.stdout
    assert "top 5 themes by impact (NPS points, key driver)" in proc.stdout
    assert "scale: the column 'nps' names it; scores 0-10" in proc.stderr
    assert "columns text=comment" in proc.stderr  # the guess is printed
    themes = pd.read_csv(tmp_path / "out" / "themes.csv")
    assert len(themes) >= 5


@pytest.mark.model
def test_train_sentiment_then_use_it_and_calibrate_on_scores(tmp_path, sample_csv):
    """The retrained route end to end: a labelled file -> a head folder -> a run that uses it,
    re-calibrated on the export's promoters and detractors, which the summary reports."""
    sample = pd.read_csv(sample_csv)
    labelled = pd.DataFrame({  # the sample's own scores as a stand-in for human labels
        "comment": sample["comment"],
        "tone": pd.to_numeric(sample["nps"], errors="coerce").map(
            lambda s: "" if pd.isna(s) else -1 if s <= 6 else 0 if s <= 8 else 1),
    })
    labelled.to_csv(tmp_path / "labelled.csv", index=False)
    head = tmp_path / "head"
    proc = run("train-sentiment", str(tmp_path / "labelled.csv"), "--text", "comment", "--label", "tone",
               "--out", str(head))
    assert proc.returncode == 0, proc.stderr
    assert (head / "head.json").exists() and (head / "weights.npz").exists()
    assert "trained on" in proc.stdout
    assert json.loads((head / "head.json").read_text())["lexical"]["weight"] == 0.5  # reads the words by default
    proc = run("train-sentiment", str(tmp_path / "labelled.csv"), "--text", "comment", "--label", "tone",
               "--out", str(tmp_path / "plain"), "--no-lexical")
    assert proc.returncode == 0 and json.loads((tmp_path / "plain" / "head.json").read_text())["lexical"] is None
    proc = run("analyze", str(sample_csv), "--out", str(tmp_path / "out"), "--sentiment-model", str(head),
               "--calibrate-sentiment", "--no-report", "-q")
    assert proc.returncode == 0, proc.stderr
    assert "sentiment calibrated on scores: offset" in proc.stdout
    summary = pd.read_json(tmp_path / "out" / "summary.json", typ="series")
    cal = summary["sentiment_calibration"]
    assert cal["n_top"] > 30 and cal["n_bottom"] > 30
    assert 0 <= cal["agreement_before"] <= 1 and 0 <= cal["agreement_after"] <= 1
    assert summary["sentiment_model"]["name"] == str(head)


SMALL = {  # exports too small or too alike for themes or impacts: each still gets every output
    "one row": [("Delivery was late", "3", "2024-01-05")],
    "two rows": [("Delivery was late", "3", "2024-01-05"), ("Great app", "9", "2024-04-05")],
    "40 identical comments": [("The courier was late again", "5", "2024-01-05")] * 40,
    "a date and no score": [(t, "", d) for t, d in [("Delivery was late", "2024-01-05"),
                                                    ("Support was rude", "2024-02-05"),
                                                    ("Great app, easy to use", "2024-04-05"),
                                                    ("Prices are too high", "2024-05-05")] * 5],
    "no score at all": [(t, "", "") for t in ["Delivery was late", "Great app", "Support was rude",
                                              "Too expensive"] * 5],
    "every score missing": [(t, "n/a", "2024-03-01") for t in ["Delivery was late", "Great app", "Too expensive"] * 4],
}


@pytest.mark.model
@pytest.mark.parametrize("name", list(SMALL))
def test_small_and_odd_exports_still_get_a_report(tmp_path, capsys, name):
    import themes
    from themes.cli import print_summary

    frame = pd.DataFrame(SMALL[name], columns=["comment", "nps", "date"])
    frame["id"] = [f"r{i}" for i in frame.index]
    result = themes.analyze(frame, text="comment", score="nps", date="date", id="id", progress=False)
    out = result.save(tmp_path / "out")
    for file in ("comments.csv", "themes.csv", "summary.json", "report.html", "report.xlsx", "summary.md"):
        assert (out / file).stat().st_size > 0, file
    print_summary(result, out)
    printed = capsys.readouterr().out
    assert "nan" not in printed
    if len(set(frame["comment"])) <= 2:  # one theme, and the console says why there is no impact
        assert "one theme: too few (or too alike) comments" in printed
        assert "| 1 |" in (out / "summary.md").read_text() and "1.0" not in (out / "summary.md").read_text()


@pytest.mark.model
def test_a_reused_out_folder_is_replaced_whole_and_survives_a_crash_while_writing(tmp_path, monkeypatch):
    """A second run without dates or segments leaves no periods.csv or segments.csv of the first;
    a run that fails while writing leaves the earlier output whole and no temporary folder; an
    --out holding other files is refused before anything is analysed or replaced."""
    import themes
    import themes.report

    rows = [("Delivery was late", "3", "2024-01-05", "web"), ("Great app", "9", "2024-04-05", "app"),
            ("Support was rude", "2", "2024-05-05", "web"), ("Too expensive", "5", "2024-07-05", "app")] * 6
    frame = pd.DataFrame(rows, columns=["comment", "nps", "date", "channel"])
    out = tmp_path / "out"
    themes.analyze(frame, text="comment", score="nps", date="date", segments=["channel"], progress=False).save(out)
    assert {"periods.csv", "segments.csv"} <= {p.name for p in out.iterdir()}
    second = themes.analyze(frame[["comment", "nps"]], text="comment", score="nps", progress=False)
    second.save(out)
    assert not {"periods.csv", "segments.csv"} & {p.name for p in out.iterdir()}
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def crash(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(themes.report, "write_report", crash)
    with pytest.raises(OSError):
        themes.analyze(frame, text="comment", date="date", progress=False).save(out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]

    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.docx").write_text("years of work")
    proc = run("analyze", str(tmp_path / "x.csv"), "--out", str(tmp_path / "mine"))
    assert proc.returncode != 0 and "holds files themes did not write (thesis.docx)" in proc.stderr
    assert (tmp_path / "mine" / "thesis.docx").read_text() == "years of work"


def test_every_row_rejected_writes_rejected_csv_and_errors_leak_no_personal_data(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("comment,nps\n,9\n---,3\n", encoding="utf-8")
    proc = run("analyze", str(bad), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2 and "every row was rejected" in proc.stderr
    error = [line for line in proc.stderr.splitlines() if line.startswith("themes: error")]
    assert len(error) == 1 and str(tmp_path / "out" / "rejected.csv") in error[0]
    rejects = pd.read_csv(tmp_path / "out" / "rejected.csv")
    assert rejects["reason"].tolist() == ["empty comment", "no words (punctuation only)"]
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(["comment"] + [f"ann{i}@example.com" for i in range(3000)]) + "\nok" + "," * 3000 + "\n")
    proc = run("analyze", str(wide), "--text", "nope", "--out", str(tmp_path / "o2"))
    assert proc.returncode == 2 and "@example.com" not in proc.stderr and "[EMAIL]" in proc.stderr
    assert len(proc.stderr) < 1200 and "and 2989 more" in proc.stderr


@pytest.mark.model
def test_ids_segment_values_and_reject_reasons_are_masked(tmp_path):
    import themes

    frame = pd.DataFrame({"id": ["ann@example.com", "+371 29 123 456", "r3", "r3"],
                          "comment": ["Delivery was late", "Great app", "Too expensive", "Too expensive"],
                          "nps": ["3", "9", "2", "x 4111 1111 1111 1111"],
                          "channel": ["bob@example.com", "web", "web", "app"]})
    result = themes.analyze(frame, text="comment", score="nps", id="id", segments=["channel"], progress=False)
    out = result.save(tmp_path / "out")
    every_output = "".join(p.read_text(encoding="utf-8", errors="ignore") for p in out.iterdir())
    for secret in ("ann@example.com", "bob@example.com", "29 123 456", "4111 1111 1111 1111"):
        assert secret not in every_output, secret
    ids = result.comments["id"].tolist()
    assert ids[0].startswith("[EMAIL]#") and ids[1].startswith("[PHONE]#") and len(set(ids)) == 3
    assert "[CARD]" in result.rejects["reason"].iloc[0]


@pytest.mark.model
def test_a_full_disk_while_writing_is_one_line_and_the_earlier_output_stays(tmp_path, sample_csv):
    import resource
    import signal

    out = tmp_path / "out"
    assert run("analyze", str(sample_csv), "--out", str(out), "--quiet").returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def small_files():  # a file may not grow past 20 KB: what a full disk looks like to the writer
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    proc = subprocess.run([sys.executable, "-m", "themes.cli", "analyze", str(sample_csv), "--out", str(out),
                           "--quiet"], capture_output=True, text=True, preexec_fn=small_files)
    errors = [line for line in proc.stderr.splitlines() if line.startswith("themes:")]
    assert proc.returncode == 2 and len(errors) == 1 and "File too large" in errors[0], proc.stderr[-500:]
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")]  # no half-written folder


@pytest.mark.parametrize("command", ["analyze", "apply"])
def test_a_period_not_given_is_left_to_the_pipeline(monkeypatch, tmp_path, command):
    # explicit option > pipeline YAML (impact.period) > the stage's default: a CLI default of
    # "quarter" would silently override a pipeline's `impact: {period: month}`
    from typer.testing import CliRunner

    import themes.api
    from themes.cli import app
    from themes.errors import ThemesError

    seen = []

    def capture(*args, **options):
        seen.append(options.get("period"))
        raise ThemesError("captured")

    monkeypatch.setattr(themes.api, command, capture)
    (tmp_path / "x.csv").write_text("comment\nfine\n")
    (tmp_path / "theme_model.json").write_text("{}")  # apply checks that the folder holds a model first
    model = [str(tmp_path)] if command == "apply" else []
    for extra in ([], ["--period", "month"]):
        CliRunner().invoke(app, [command, *model, str(tmp_path / "x.csv"), "--out", str(tmp_path / "out"), *extra])
    assert seen == [None, "month"]
