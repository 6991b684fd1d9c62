"""Stage 1 (read and validate): nothing is lost, every reject has a reason."""

import pandas as pd

from themes.io.load import load_inputs


def test_rejects_have_reasons_and_accounting_holds(tmp_path):
    path = tmp_path / "s.csv"
    pd.DataFrame({"comment": ["good", "", "bad", "meh", "fine"],
                  "nps": ["10", "5", "eleven", "42", ""]}).to_csv(path, index=False)
    loaded = load_inputs([path])
    assert loaded.n_read == 5
    assert loaded.comments["text"].tolist() == ["good", "fine"]
    reasons = dict(zip(loaded.rejects["row"], loaded.rejects["reason"]))
    assert reasons == {2: "empty comment", 3: "score 'eleven' is not a number", 4: "score '42' is outside 0-10 (NPS)"}
    assert loaded.comments["nps_group"].tolist() == ["promoter", ""]  # a missing score is fine


def test_several_files_keep_their_source_and_map_columns_each(tmp_path):
    a, b = tmp_path / "survey.csv", tmp_path / "reviews.jsonl"
    pd.DataFrame({"Comment": ["one", "two"], "NPS": [9, 3]}).to_csv(a, index=False)
    b.write_text('{"отзыв": "три", "оценка": 7}\n', encoding="utf-8")
    loaded = load_inputs([a, b])
    assert loaded.comments["source"].tolist() == ["survey.csv", "survey.csv", "reviews.jsonl"]
    assert loaded.comments["score"].tolist() == [9.0, 3.0, 7.0]
    as_segment = load_inputs([a, b], segments=["source"])
    assert as_segment.segments == ["source"]


def test_several_text_columns_make_one_comment_each(tmp_path):
    path = tmp_path / "hotel.csv"
    pd.DataFrame({"Positive_Review": ["nice pool", "No Positive"], "Negative_Review": ["noisy", ""],
                  "score": [8, 4]}).to_csv(path, index=False)
    loaded = load_inputs([path], text=["Positive_Review", "Negative_Review"])
    assert loaded.n_read == 4
    assert sorted(loaded.comments["text"]) == ["No Positive", "nice pool", "noisy"]
    assert set(loaded.comments["text_column"]) == {"Positive_Review", "Negative_Review"}
    assert len(loaded.rejects) == 1


def test_dataframe_input(tmp_path):
    frame = pd.DataFrame({"text": ["a comment", "another"], "nps": [9, None]})
    loaded = load_inputs(frame)
    assert loaded.comments["source"].unique().tolist() == ["dataframe"]
    assert loaded.comments["nps_group"].tolist() == ["promoter", ""]
