import pandas as pd

from themes.io.write import spreadsheet_safe


def test_formula_cells_are_escaped_and_numbers_untouched():
    frame = pd.DataFrame({"text": ["=HYPERLINK(\"x\")", "+1 great", "-bad", "@sum", "fine"], "score": [1, -2, 3, 4, 5]})
    safe = spreadsheet_safe(frame)
    assert safe["text"].tolist() == ["'=HYPERLINK(\"x\")", "'+1 great", "'-bad", "'@sum", "fine"]
    assert safe["score"].tolist() == [1, -2, 3, 4, 5]
