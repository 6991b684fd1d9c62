"""The editable codeframe of a saved theme model: ``themes.yaml`` beside the model files.

Written by ``--save-model``; a person may then edit it and ``themes apply`` respects the edit:

* rename: change a theme's ``label``;
* delete: remove its entry (its comments go to the nearest remaining theme);
* merge: give a theme ``merge_into: t03`` (its comments are reported as t03);
* rename a sub-theme: change its label under ``subthemes``;
* add or split: a new entry with an ``id``, a ``label`` and ``seeds`` (phrases in any language);
  each seed is a centre of the theme (exemplars: averaging a Russian and an English seed
  would blur both), so comments nearer to a seed than to the old theme move to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

from ..errors import ThemesError
from .theme_model import OTHER

HEADER = """# Codeframe of this theme model. Edit it and run: themes apply <this folder> <export> --out <folder>
#   rename: change a label    delete: remove an entry    merge: add `merge_into: <id>` to an entry
#   add / split: a new entry with an id, a label and `seeds:` (example phrases, any language)
"""


@dataclass
class Theme:
    id: str
    label: str
    keywords: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    merge_into: str | None = None
    seeds: list[str] = field(default_factory=list)
    subthemes: dict[str, str] = field(default_factory=dict)  # sub-theme id -> label (renames only)


def write_codeframe(folder: Path, themes) -> Path:
    """themes.yaml from a theme table (theme_id, parent_id, label, keywords, example_ids).
    The ``other`` bucket is not a theme of the codeframe: it is what fits none of them."""
    entries = []
    top = themes[(themes["parent_id"].fillna("") == "") & (themes["theme_id"] != OTHER)]
    for row in top.itertuples():
        entry = {"id": row.theme_id, "label": row.label,
                 "keywords": [k for k in str(row.keywords).split("; ") if k],
                 "examples": [e for e in str(getattr(row, "example_ids", "")).split(";") if e]}
        subs = themes[themes["parent_id"] == row.theme_id]
        if len(subs):
            entry["subthemes"] = {sub.theme_id: sub.label for sub in subs.itertuples()}
        entries.append(entry)
    path = Path(folder) / "themes.yaml"
    path.write_text(HEADER + yaml.safe_dump({"themes": entries}, allow_unicode=True, sort_keys=False,
                                            width=110, default_flow_style=None), encoding="utf-8")
    return path


def read_codeframe(folder: Path) -> list[Theme] | None:
    path = Path(folder) / "themes.yaml"
    if not path.exists():
        return None
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ThemesError(f"{path}: not valid YAML ({exc})") from None
    out, seen = [], set()
    for i, entry in enumerate(raw.get("themes") or [], start=1):
        if not isinstance(entry, dict) or not entry.get("id"):
            raise ThemesError(f"{path}: theme {i} has no id")
        theme_id = str(entry["id"])
        if theme_id in seen:
            raise ThemesError(f"{path}: theme id {theme_id} appears twice")
        seen.add(theme_id)
        if theme_id == OTHER:
            raise ThemesError(f"{path}: '{OTHER}' is reserved for what fits no theme; choose another id")
        unknown = set(entry) - {"id", "label", "keywords", "examples", "merge_into", "seeds", "subthemes"}
        if unknown:
            raise ThemesError(f"{path}: theme {theme_id} has unknown field(s) {', '.join(sorted(unknown))}")
        out.append(Theme(theme_id, str(entry.get("label") or theme_id), list(entry.get("keywords") or []),
                         [str(e) for e in entry.get("examples") or []],
                         str(entry["merge_into"]) if entry.get("merge_into") else None,
                         [str(s) for s in entry.get("seeds") or []],
                         {str(k): str(v) for k, v in (entry.get("subthemes") or {}).items()}))
    for theme in out:
        if theme.merge_into and theme.merge_into not in seen:
            raise ThemesError(f"{path}: {theme.id} merges into {theme.merge_into}, which is not in the codeframe")
    return out


def apply_codeframe(model, codeframe: list[Theme], embed_seeds) -> tuple[object, dict[str, str]]:
    """A copy of ``model`` edited as the codeframe says, and the label of each reported theme.

    ``embed_seeds(texts) -> (vectors, languages)`` embeds seed phrases with the model's
    embedding model. Merged themes keep their centre but report the target's id."""
    import copy

    known: dict[str, list[int]] = {}
    for row, theme_id in enumerate(model.theme_ids_):
        known.setdefault(theme_id, []).append(row)
    centroids, ids, labels, new_row_of = [], [], {}, {}
    for theme in codeframe:
        target = theme.merge_into or theme.id
        if theme.id in known:
            for row in known[theme.id]:
                new_row_of[row] = len(centroids)
                centroids.append(model.centroids_[row])
                ids.append(target)
        elif theme.seeds:
            vectors, languages = embed_seeds(theme.seeds)
            centres = list(model.space(vectors.astype(np.float32), np.asarray(languages, dtype=object)))
            centroids.extend(centres)
            ids.extend([target] * len(centres))
        else:
            raise ThemesError(f"themes.yaml: {theme.id} is new, so it needs seeds (example phrases)")
        if not theme.merge_into:
            labels[theme.id] = theme.label
        labels.update(theme.subthemes)
    if not centroids:
        raise ThemesError("themes.yaml lists no themes")
    edited = copy.deepcopy(model)
    edited.centroids_ = np.stack(centroids).astype(np.float32)
    edited.theme_ids_ = ids
    edited.n_themes_ = len(set(ids))
    # sub-themes follow their theme (a merged theme's sub-themes now sit under the target);
    # a deleted theme's go with it
    keep = [i for i, parent in enumerate(model.sub_parent_) if int(parent) in new_row_of]
    edited.sub_centroids_ = model.sub_centroids_[keep]
    edited.sub_ids_ = [model.sub_ids_[i] for i in keep]
    edited.sub_parent_ = np.asarray([new_row_of[int(model.sub_parent_[i])] for i in keep], dtype=np.int64)
    return edited, labels
