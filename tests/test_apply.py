"""A saved theme model applied to new exports, with its editable codeframe (themes.yaml)."""

import subprocess
import sys

import pandas as pd
import pytest
import yaml

import themes
from themes.analysis.codeframe import read_codeframe
from themes.errors import ThemesError

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def saved(analysed, tmp_path_factory):
    result, out = analysed
    folder = tmp_path_factory.mktemp("model") / "m"
    result.save_model(folder)
    return result, out, folder


def _edit(folder, change):
    path = folder / "themes.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data["themes"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_the_same_export_gets_the_same_theme_ids(saved):
    result, out, folder = saved
    codeframe = read_codeframe(folder)
    top = result.themes[result.themes["parent_id"] == ""]
    assert {e.id for e in codeframe} == set(top["theme_id"]) - {"other"}
    subs = result.themes[result.themes["parent_id"] != ""]
    assert len(subs) > 0 and {s for e in codeframe for s in e.subthemes} == set(subs["theme_id"])
    again = themes.apply(folder, out.parent / "survey.csv")
    assert (again.mentions["theme_id"] == result.mentions["theme_id"]).all()
    assert (again.mentions["subtheme_id"] == result.mentions["subtheme_id"]).all()
    assert dict(zip(again.themes["theme_id"], again.themes["label"])) == \
        dict(zip(result.themes["theme_id"], result.themes["label"]))
    assert again.summary["candidates"]["comments_below"] <= 0.1 * len(again.comments)


def test_an_edited_codeframe_is_respected(saved, tmp_path):
    import shutil

    result, out, original = saved
    folder = tmp_path / "edited"
    shutil.copytree(original, folder)
    top = result.themes[(result.themes["parent_id"] == "") & (result.themes["theme_id"] != "other")]
    ids = sorted(top["theme_id"])
    keep, merged, deleted = ids[0], ids[1], ids[2]
    subs = result.themes[result.themes["parent_id"] == merged]["theme_id"].tolist()
    assert subs, "the test needs a merged theme with sub-themes"

    def change(entries):
        for e in entries:
            if e["id"] == keep:
                e["label"] = "Renamed theme"
            if e["id"] == merged:
                e["subthemes"][subs[0]] = "Renamed sub-theme"
            if e["id"] == merged:
                e["merge_into"] = keep
        entries[:] = [e for e in entries if e["id"] != deleted]
        entries.append({"id": "t90", "label": "Delivery fees",
                        "seeds": ["The delivery fee is too high", "Стоимость доставки слишком высокая",
                                  "Piegādes maksa ir pārāk augsta"]})

    _edit(folder, change)
    applied = themes.apply(folder, out.parent / "survey.csv")
    table = applied.themes.set_index("theme_id")
    assert table.loc[keep, "label"] == "Renamed theme"
    assert merged not in table.index and deleted not in table.index
    assert table.loc[subs[0], "label"] == "Renamed sub-theme" and table.loc[subs[0], "parent_id"] == keep
    assert not table["parent_id"].eq(deleted).any()  # a deleted theme's sub-themes go with it
    assert table.loc["t90", "label"] == "Delivery fees" and table.loc["t90", "n_comments"] > 0
    before = result.comments.set_index("id")["primary_theme"]
    after = applied.comments.set_index("id")["primary_theme"]
    was_merged = before[before == merged].index
    assert (after[was_merged].isin([keep, "t90"])).all()  # merged comments report the target id
    fees = applied.mentions[applied.mentions["span"].str.contains("delivery fee|доставки слишком|Piegādes maksa",
                                                                   case=False)]
    assert (fees["theme_id"] == "t90").mean() > 0.8


def test_new_material_is_reported_as_candidate_themes(saved, tmp_path):
    _, out, folder = saved
    frame = pd.read_csv(out.parent / "survey.csv")
    parking = ["The parking lot is far too small", "No free parking spaces near the store",
               "Парковка возле магазина слишком маленькая", "Негде припарковаться у магазина",
               "Stāvvieta pie veikala ir par mazu", "Nav kur novietot auto pie veikala"]
    extra = pd.DataFrame({"comment": [f"{parking[i % 6]} ({i})" for i in range(36)], "nps": 4})
    applied = themes.apply(folder, pd.concat([frame, extra], ignore_index=True), text="comment", score="nps")
    groups = applied.summary["candidates"]["groups"]
    assert groups, applied.summary["candidates"]
    words = {w for g in groups for w in g["keywords"]}
    assert words & {"parking", "park", "парковка", "stāvvieta", "stāvviet"}


def test_cli_apply_and_its_errors(saved, tmp_path):
    _, out, folder = saved
    proc = subprocess.run([sys.executable, "-m", "themes.cli", "apply", str(folder), str(out.parent / "survey.csv"),
                           "--out", str(tmp_path / "o"), "-q"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "o" / "report.html").exists()
    bad = subprocess.run([sys.executable, "-m", "themes.cli", "apply", str(tmp_path), str(out.parent / "survey.csv")],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "not a saved theme model" in bad.stderr
    (folder.parent / "broken").mkdir()
    broken = folder.parent / "broken"
    for item in folder.iterdir():
        (broken / item.name).write_bytes(item.read_bytes())
    _edit(broken, lambda entries: entries.append({"id": "t91", "label": "no seeds"}))
    with pytest.raises(ThemesError, match="needs seeds"):
        themes.apply(broken, out.parent / "survey.csv")
