"""Codebook coding on aspect sets and across languages (#30): each set's categories as codes.

    python benchmarks/coding_sets.py [--sets semeval,mams,ru,parallel]

Codebooks in benchmarks/data (one sentence per code, written before any result was seen), coded
zero-shot with `themes code`:
- semeval: SemEval-14 restaurant sentences (train + test, 3,841 with a category other than
  anecdotes/miscellaneous; many have two or more), codes food, service, ambience, price, multi-label:
  each sentence's codes (its own and its clauses') against its categories;
- mams: MAMS-ACSA test sentences (two or more categories each; miscellaneous left out), the seven
  codes of restaurant_codebook.yaml, the same multi-label comparison;
- ru: the Russian restaurant sentences of benchmarks/topic_themes.py (one category each) with a
  Russian codebook: the primary code against the category;
- parallel: the project's 10 complaints x 6 sentences in en/ru/lv, coded with a codebook written in
  Russian and Latvian only: the share of translation triples whose three sentences get the same
  primary code, and the primary code against the complaint.
Printed per set: micro-F1, Cohen's kappa (pooled over codes) and Krippendorff's alpha with 95%
intervals, and per code F1 and kappa (themes.coding.agreement).
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import theme_sets

from common import markdown_table, need_shared, publish

DATA = Path(__file__).resolve().parent / "data"


def semeval() -> pd.DataFrame:
    rows = []
    folder = theme_sets.SHARED / "en_semeval_absa_2014_2016" / "ABSA-SemEval2014"
    for name in ("Restaurants_Train_v2.xml", "Restaurants_Test_Data_phaseB.xml"):
        for sentence in ET.parse(folder / name).getroot().iter("sentence"):
            cats = {c.get("category") for c in sentence.iter("aspectCategory")} - {"anecdotes/miscellaneous"}
            if cats:
                rows.append({"text": sentence.findtext("text").strip(), "gold": ";".join(sorted(cats))})
    return pd.DataFrame(rows).drop_duplicates("text").reset_index(drop=True)


def mams() -> pd.DataFrame:
    frame = theme_sets.mams()
    gold = frame["aspects"].str.split(";").map(lambda cats: ";".join(c for c in cats if c != "miscellaneous"))
    return pd.DataFrame({"text": frame["text"], "gold": gold})[gold != ""].reset_index(drop=True)


def only(codes: list[str]) -> Path:
    """restaurant_codebook.yaml restricted to ``codes`` (a set's own categories)."""
    import tempfile

    import yaml

    data = yaml.safe_load((DATA / "restaurant_codebook.yaml").read_text(encoding="utf-8"))
    data["codes"] = [c for c in data["codes"] if c["id"] in codes]
    path = Path(tempfile.mkdtemp()) / "codebook.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def coded(frame: pd.DataFrame, codebook: Path) -> pd.DataFrame:
    import themes

    texts = frame[["text"]].assign(id=[f"s{i}" for i in range(len(frame))])
    result = themes.code(texts, codebook, text="text", id="id", progress=False)
    return result.tables["coded"].set_index("id").reindex(texts["id"]).fillna({"codes": "", "primary_code": ""})


def report(name: str, gold: pd.Series, got: pd.Series) -> dict:
    from themes.coding.agreement import agreement, code_sets

    table, _ = agreement(code_sets(gold), code_sets(got), n_boot=500)
    overall = table.iloc[-1]
    print(f"\n## {name} ({len(gold)} sentences)\n")
    print(f"micro-F1 {overall.f1:.3f} [{overall.f1_low:.3f}, {overall.f1_high:.3f}]  kappa {overall.kappa:.3f} "
          f"[{overall.kappa_low:.3f}, {overall.kappa_high:.3f}]  alpha {overall.alpha:.3f} "
          f"[{overall.alpha_low:.3f}, {overall.alpha_high:.3f}]")
    print(table.iloc[:-1][["code", "prevalence", "n_reference", "n_other", "precision", "recall", "f1",
                           "kappa"]].to_string(index=False))
    return {"set": name, "sentences": len(gold),
            "micro-F1": f"{overall.f1:.3f} [{overall.f1_low:.3f}, {overall.f1_high:.3f}]",
            "kappa": f"{overall.kappa:.3f} [{overall.kappa_low:.3f}, {overall.kappa_high:.3f}]",
            "alpha": f"{overall.alpha:.3f}",
            "F1 per code": ", ".join(f"{r.code} {r.f1:.3f}" for r in table.iloc[:-1].itertuples())}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", default="semeval,mams,ru,parallel")
    parser.add_argument("--readme", action="store_true", help="write the table into benchmarks/README.md")
    args = parser.parse_args()
    need_shared()
    wanted = args.sets.split(",")
    rows = []
    if "semeval" in wanted:
        frame = semeval()
        rows.append(report("SemEval-14 restaurants, multi-label", frame["gold"],
                           coded(frame, only(["food", "service", "ambience", "price"]))["codes"].to_numpy()))
    if "mams" in wanted:
        frame = mams()
        rows.append(report("MAMS, multi-label (clauses)", frame["gold"],
                           coded(frame, DATA / "restaurant_codebook.yaml")["codes"].to_numpy()))
    if "ru" in wanted:
        frame = theme_sets.ru_restaurants()
        rows.append(report("Russian restaurants, primary code", frame["gold"],
                           coded(frame, DATA / "ru_restaurant_codebook.yaml")["primary_code"].to_numpy()))
    if "parallel" in wanted:
        frame = theme_sets.parallel().reset_index(drop=True)
        got = coded(frame, DATA / "parallel_codebook.yaml")["primary_code"].to_numpy()
        frame["got"] = got
        same = frame.groupby("group")["got"].nunique().eq(1).mean()
        rows.append(report("parallel en/ru/lv with a ru/lv codebook, primary code", frame["gold"], got))
        right = ", ".join(f"{lang} {(g['got'] == g['gold']).mean():.3f}" for lang, g in frame.groupby("language"))
        print(f"translation triples with one code: {same:.3f}; by language, right: {right}")
        rows[-1]["F1 per code"] = f"translation triples with one code {same:.3f}; right: {right}"
    if args.readme:
        publish("coding_sets", markdown_table(rows))


if __name__ == "__main__":
    main()
