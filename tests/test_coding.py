"""Coding with a researcher's codebook: codebook files, the code model's contract, agreement
figures against known values, and `themes code` / `themes agree` on the bundled sample."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from themes.coding.agreement import agreement, code_sets
from themes.coding.code_model import CodeModel
from themes.coding.codebook import load_codebook, qdc_text
from themes.errors import ThemesError

ROOT = Path(__file__).resolve().parents[1]
XSD = ROOT / "tests" / "fixtures" / "refi" / "Codebook.xsd"
PROJECT_XSD = ROOT / "tests" / "fixtures" / "refi" / "Project.xsd"
SAMPLE_CODEBOOK = ROOT / "examples" / "codebook.yaml"


def test_a_nested_yaml_codebook_and_a_csv_one_read_the_same(tmp_path):
    book = load_codebook(SAMPLE_CODEBOOK)
    assert book.by_id["rude_support"].parent == "service" and book.top("rude_support") == "service"
    assert book.children("service") == ["rude_support", "friendly_staff"]
    assert "Курьер опоздал" in book.by_id["delivery"].examples
    path = tmp_path / "book.csv"
    pd.DataFrame({"code": ["delivery", "service", "rude"], "parent": ["", "", "service"],
                  "description": ["Late parcels", "How we treat people", "Rude agents"],
                  "examples": ["Parcel a week late|Посылка опоздала", "", ""]}).to_csv(path, index=False)
    csv = load_codebook(path)
    assert csv.ids == ["delivery", "service", "rude"] and csv.top("rude") == "service"
    assert csv.by_id["delivery"].examples == ("Parcel a week late", "Посылка опоздала")


def test_a_saved_models_codeframe_is_a_codebook(tmp_path):
    path = tmp_path / "themes.yaml"
    path.write_text("themes:\n- id: t01\n  label: Late delivery\n  keywords: [late, courier]\n"
                    "  subthemes: {t01.1: Courier, t01.2: Waiting}\n- id: t02\n  merge_into: t01\n"
                    "- id: t90\n  label: Fees\n  seeds: [The delivery fee is too high]\n")
    book = load_codebook(path)
    assert book.ids == ["t01", "t01.1", "t01.2", "t90"]
    assert book.by_id["t01"].description == "About: late, courier" and book.top("t01.2") == "t01"
    assert book.by_id["t90"].examples == ("The delivery fee is too high",)


@pytest.mark.parametrize("text, message", [
    ("codes:\n  - {id: a}\n  - {id: a}\n", "code 'a' is listed twice"),
    ("codes:\n  - {id: a, parent: b}\n", "has parent 'b', which is not a code"),
    ("codes:\n  - {id: a, parent: b}\n  - {id: b, parent: a}\n", "is its own ancestor"),
    ("codes: []\n", "no codes"),
    ("nothing: here\n", "expected a list of codes"),
])
def test_a_broken_codebook_is_one_line_naming_the_file(tmp_path, text, message):
    path = tmp_path / "book.yaml"
    path.write_text(text)
    with pytest.raises(ThemesError, match=message) as error:
        load_codebook(path)
    assert "book.yaml" in str(error.value) and "\n" not in str(error.value)


def test_the_qdc_is_valid_refi_qda_and_a_round_trip_keeps_codes_hierarchy_and_descriptions(tmp_path):
    xmlschema = pytest.importorskip("xmlschema")
    book = load_codebook(SAMPLE_CODEBOOK)
    first = tmp_path / "book.qdc"
    first.write_text(qdc_text(book), encoding="utf-8")
    xmlschema.XMLSchema(XSD).validate(first)
    again = load_codebook(first)
    assert [(c.name, again.by_id[again.top(c.id)].name) for c in again.codes] == \
        [(c.name, book.by_id[book.top(c.id)].name) for c in book.codes]
    assert [(c.description, c.examples) for c in again.codes] == [(c.description, c.examples) for c in book.codes]
    second = tmp_path / "again.qdc"
    second.write_text(qdc_text(again), encoding="utf-8")  # the GUIDs read are the GUIDs written
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")


def test_agreement_matches_known_values():
    rng = np.random.default_rng(0)
    a = [frozenset(rng.choice(["x", "y", "z"], size=rng.integers(1, 3), replace=False)) for _ in range(300)]
    b = [s if rng.random() < 0.7 else frozenset({"y"}) for s in a]
    table, _ = agreement(a, b, n_boot=200)
    for code in ("x", "y", "z"):
        row = table.set_index("code").loc[code]
        expected = cohen_kappa_score([code in s for s in a], [code in s for s in b])
        assert row.kappa == pytest.approx(expected, abs=1e-3)
        assert row.kappa_low <= row.kappa <= row.kappa_high
    same, _ = agreement(a, a, n_boot=50)
    assert (same["kappa"] == 1).all() and same["alpha"].iloc[-1] == 1
    # Krippendorff's alpha, two coders, binary, 10 units, 2 disagreements; the 20 values pooled are
    # six 1s and fourteen 0s: 1 - (2/10) / (2 * 6 * 14 / (20 * 19)) = 0.5476
    ref = [frozenset({"x"})] * 3 + [frozenset()] * 7
    other = [frozenset({"x"})] * 2 + [frozenset()] * 7 + [frozenset({"x"})]
    assert agreement(ref, other, n_boot=10)[0]["alpha"].iloc[-1] == pytest.approx(0.548, abs=1e-3)


def test_code_sets_read_separators_case_and_uncoded():
    assert code_sets(pd.Series(["Late; cancelled", "uncoded", "", None, "x|Y"])) == [
        frozenset({"late", "cancelled"}), frozenset(), frozenset(), frozenset(), frozenset({"x", "y"})]


def _clusters(seed=0, n=60, dim=16, k=3):
    rng = np.random.default_rng(seed)
    centres = np.eye(dim)[:k] * 3
    X = np.vstack([c + rng.normal(size=(n, dim)) for c in centres])
    return X / np.linalg.norm(X, axis=1, keepdims=True), np.repeat(np.arange(k), n), centres


def test_the_code_model_contract():
    X, truth, centres = _clusters()
    anchors = centres / np.linalg.norm(centres, axis=1, keepdims=True)
    model = CodeModel().fit(X, anchor_vectors=anchors, anchor_codes=[0, 1, 2], code_ids=["a", "b", "c"])
    assert set(model.get_params()) >= {"self_train_share", "C", "coded_weight", "fence"}
    assert (model.predict(X) == truth).mean() >= 0.95
    again = CodeModel().fit(X, anchor_vectors=anchors, anchor_codes=[0, 1, 2], code_ids=["a", "b", "c"])
    np.testing.assert_array_equal(again.predict_proba(X), model.predict_proba(X))  # deterministic
    with pytest.raises(ThemesError, match="every code needs at least one anchor text"):
        CodeModel().fit(X, anchor_vectors=anchors[:2], anchor_codes=[0, 1], code_ids=["a", "b", "c"])
    with pytest.raises(ThemesError, match="not fitted"):
        CodeModel().predict(X)


def test_a_saved_code_model_codes_the_same(tmp_path):
    X, _, centres = _clusters(seed=1)
    languages = np.array(["en", "lv"] * (len(X) // 2), dtype=object)
    anchors = centres / np.linalg.norm(centres, axis=1, keepdims=True)
    model = CodeModel().fit(X, anchor_vectors=anchors, anchor_codes=[0, 1, 2], code_ids=["a", "b", "c"],
                            languages=languages, anchor_languages=["en", "en", "lv"])
    loaded = CodeModel.load(model.save(tmp_path / "m"))
    np.testing.assert_allclose(loaded.predict_proba(X, languages), model.predict_proba(X, languages), atol=1e-6)
    np.testing.assert_array_equal(loaded.fits(X, languages), model.fits(X, languages))


def test_hand_coded_rows_win_over_the_anchors():
    X, truth, centres = _clusters(seed=2)
    wrong = centres[[1, 0, 2]] / 3  # anchors a and b swapped: zero-shot codes a's rows as b
    y = np.full(len(X), -1)
    for k in range(3):
        y[np.flatnonzero(truth == k)[:5]] = k  # five hand-coded rows per code
    zero_shot = CodeModel().fit(X, anchor_vectors=wrong, anchor_codes=[0, 1, 2], code_ids=["a", "b", "c"])
    assert (zero_shot.predict(X) == truth).mean() <= 0.4
    model = CodeModel().fit(X, y, anchor_vectors=wrong, anchor_codes=[0, 1, 2], code_ids=["a", "b", "c"])
    assert (model.predict(X) == truth).mean() >= 0.8  # 0.87 when written


PLANTED = {"delivery_delay": "delivery", "rude_support": "rude_support", "app_crash": "app", "easy_checkout": "app",
           "high_prices": "prices", "refund_problem": "refunds", "friendly_staff": "friendly_staff",
           "product_quality": "quality"}


@pytest.mark.model
def test_themes_code_and_agree_on_the_sample(tmp_path, sample_rows):
    # the sample with a column of human codes: the codes written for its planted themes
    rows = pd.DataFrame(sample_rows)
    rows["human"] = rows["themes"].fillna("").map(lambda t: ";".join(PLANTED[x] for x in t.split(";") if x in PLANTED))
    path = tmp_path / "survey.csv"
    rows.drop(columns=["language", "themes"]).to_csv(path, index=False)
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "themes.cli", "code", str(path), "--codebook", str(SAMPLE_CODEBOOK),
                           "--gold", "human", "--out", str(out), "--save-model", str(tmp_path / "coding"), "-q",
                           "--no-report"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "coded with 7 codes" in proc.stdout and "agreement with --gold human" in proc.stdout
    coded = pd.read_csv(out / "coded.csv", keep_default_na=False).set_index("id")
    codes = pd.read_csv(out / "codes.csv", keep_default_na=False)
    assert codes["code"].tolist() == load_codebook(SAMPLE_CODEBOOK).ids
    assert (codes["n_comments"] > 0).all()
    overall = pd.read_csv(out / "agreement.csv").iloc[-1]
    assert overall["code"] == "(all codes)" and overall["kappa"] >= 0.6, overall  # 0.70 when written
    assert overall["kappa_low"] <= overall["kappa"] <= overall["kappa_high"]
    # comments with one planted theme: the primary code against the code written for it
    single = rows.set_index("response_id")
    ids = single.index[single["themes"].fillna("").isin(list(PLANTED))].intersection(coded.index)
    kappa = cohen_kappa_score(single.loc[ids, "themes"].map(PLANTED), coded.loc[ids, "primary_code"])
    assert kappa >= 0.6, kappa  # 0.68 when written
    first = coded.iloc[1]
    assert first["codes"].split(";")[0] == first["primary_code"] and first["evidence"].startswith("[{")
    _check_project(out, coded)
    # next quarter: a saved coding codes the same comments the same way, whatever else the export holds
    later = tmp_path / "later.csv"
    rows.drop(columns=["language", "themes", "human"]).iloc[::3].to_csv(later, index=False)
    proc = subprocess.run([sys.executable, "-m", "themes.cli", "code", str(later), "--model", str(tmp_path / "coding"),
                           "--out", str(tmp_path / "later"), "-q", "--no-report"], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    again = pd.read_csv(tmp_path / "later" / "coded.csv", keep_default_na=False).set_index("id")
    assert len(again) >= 190 and (again["codes"] == coded.loc[again.index, "codes"]).all()
    # a REFI-QDA codebook in, the same codebook out (codes, hierarchy, descriptions, GUIDs)
    book = tmp_path / "book.qdc"
    book.write_text(qdc_text(load_codebook(SAMPLE_CODEBOOK)), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "themes.cli", "code", str(later), "--codebook", str(book),
                           "--out", str(tmp_path / "qdc"), "-q", "--no-report"], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "qdc" / "codebook.qdc").read_text(encoding="utf-8") == book.read_text(encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "themes.cli", "agree", str(out / "coded.csv"), str(out / "coded.csv")],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "kappa 1.000" in proc.stdout and "Krippendorff's alpha 1.000" in proc.stdout


def _check_project(out: Path, coded: pd.DataFrame) -> None:
    """project.qdpx is a valid REFI-QDA project whose selections are the coded clauses of the comments."""
    import json
    import xml.etree.ElementTree as ET
    import zipfile

    xmlschema = pytest.importorskip("xmlschema")
    archive = zipfile.ZipFile(out / "project.qdpx")
    qde = archive.read("project.qde").decode("utf-8")
    xmlschema.XMLSchema(PROJECT_XSD).validate(qde)
    ns = {"q": "urn:QDA-XML:project:1.0"}
    sources = ET.fromstring(qde).findall("q:Sources/q:TextSource", ns)
    assert len(sources) == len(coded)
    source = sources[1]
    text = archive.read("Sources/" + source.get("plainTextPath").removeprefix("internal://")).decode("utf-8")
    spans = [e["span"] for e in json.loads(coded.loc[source.get("name"), "evidence"])]
    picked = [text[int(s.get("startPosition")):int(s.get("endPosition"))]
              for s in source.findall("q:PlainTextSelection", ns)]
    assert picked == spans
