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
    spreadsheet_safe(frame).to_csv(tmp_path / "whole.csv", index=False, encoding="utf-8")
    assert (tmp_path / "blocks.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
    assert pd.read_csv(tmp_path / "blocks.csv")["text"].iloc[0] == "'=1+1"
    write_csv(frame.iloc[:0], tmp_path / "empty.csv")
    assert (tmp_path / "empty.csv").read_text(encoding="utf-8") == "text,score,id\n"
