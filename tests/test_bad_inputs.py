"""Every broken export of the corpus is handled (rejects with reasons, nothing lost) or refused
with exit code 2 and one line naming the file (tests/bad_inputs.py)."""

import subprocess
import sys

import pytest
from bad_inputs import cases, write

from themes.errors import ThemesError
from themes.io.load import load_inputs

CASES = cases()


@pytest.mark.parametrize("case", [c for c in CASES if c.refused], ids=lambda c: c.name)
def test_refused_with_exit_code_2_and_one_line(case, tmp_path):
    path = write(case, tmp_path)
    with pytest.raises(ThemesError, match=case.refused):
        load_inputs([path])
    proc = subprocess.run([sys.executable, "-m", "themes.cli", "analyze", str(path), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and case.file in lines[0] and case.refused in lines[0]


@pytest.mark.parametrize("case", [c for c in CASES if not c.refused], ids=lambda c: c.name)
def test_handled_and_nothing_lost(case, tmp_path):
    path = write(case, tmp_path)
    loaded = load_inputs([path])
    assert len(loaded.comments) + len(loaded.rejects) == loaded.n_read
    if case.kept is not None:
        assert len(loaded.comments) == case.kept, loaded.rejects.to_dict("records")
    got = dict(zip(loaded.rejects["row"], loaded.rejects["reason"]))
    for row, reason in case.rejects.items():
        assert got.get(row) == reason, got
    texts = dict(zip(loaded.comments["row"], loaded.comments["text"]))
    for row, text in case.check.items():
        assert texts[row] == text
    if case.notes:
        assert any(case.notes in note for note in loaded.notes), loaded.notes


def test_scores_as_text_are_read():
    case = next(c for c in CASES if c.name == "scores as text")
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        loaded = load_inputs([write(case, Path(tmp))])
    assert loaded.comments["score"].fillna(-1).tolist() == [10.0, -1, 9.5, 9.0]  # N/A: kept, no score
