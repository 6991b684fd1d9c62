import csv

import pandas as pd

from themes.io.write import spreadsheet_safe


def test_formula_cells_are_escaped_and_numbers_untouched():
    frame = pd.DataFrame({"text": ["=HYPERLINK(\"x\")", "+1 great", "-bad", "@sum", "fine"], "score": [1, -2, 3, 4, 5]})
    safe = spreadsheet_safe(frame)
    assert safe["text"].tolist() == ["'=HYPERLINK(\"x\")", "'+1 great", "'-bad", "'@sum", "fine"]
    assert safe["score"].tolist() == [1, -2, 3, 4, 5]


def test_a_csv_written_in_blocks_is_the_csv_written_whole(tmp_path):
    """write_csv makes a block of rows safe at a time (bounded memory): same bytes as one pass."""
    from themes.io.write import write_csv

    frame = pd.DataFrame({"text": ["=1+1", "ok, fine", 'say "hi"', "-x", "Доставка\nбыстрая"] * 5,
                          "score": [1.5, None, 3.0, -2.25, 10.0] * 5, "id": range(25)})
    write_csv(frame, tmp_path / "blocks.csv", block_rows=4)
    spreadsheet_safe(frame).to_csv(tmp_path / "whole.csv", index=False, encoding="utf-8", quoting=csv.QUOTE_NONNUMERIC)
    assert (tmp_path / "blocks.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
    assert pd.read_csv(tmp_path / "blocks.csv")["text"].iloc[0] == "'=1+1"
    write_csv(frame.iloc[:0], tmp_path / "empty.csv")
    assert (tmp_path / "empty.csv").read_text(encoding="utf-8") == '"text","score","id"\n'


def test_headers_full_width_signs_leading_spaces_and_other_separators_cannot_run(tmp_path):
    """A header is a user's string too; Excel reads ＝ as =, skips leading spaces, and in a ";" locale
    splits an unquoted "text;=cmd" into a cell "=cmd"."""
    from themes.io.write import write_csv

    frame = pd.DataFrame({'=HYPERLINK("http://x")': ["text;=cmd", " =1+1", "＝SUM(A1)", "fine"], "n": [1, 2, 3, 4]})
    write_csv(frame, tmp_path / "t.csv")
    written = (tmp_path / "t.csv").read_text(encoding="utf-8")
    assert written.splitlines()[0] == '"\'=HYPERLINK(""http://x"")","n"'
    for line in written.splitlines()[1:]:  # each text one quoted field: no separator splits it
        assert line.startswith('"') and line.count('"') == 2
    got = pd.read_csv(tmp_path / "t.csv", keep_default_na=False)
    assert got.iloc[:, 0].tolist() == ["text;=cmd", "' =1+1", "'＝SUM(A1)", "fine"]
