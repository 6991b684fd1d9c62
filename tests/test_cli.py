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
    assert "scale: scores 0-10: NPS (0-10) assumed" in proc.stderr
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
