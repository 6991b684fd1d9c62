"""flags: mentions.span (+ mention_vectors) -> mentions/comments anger, disappointment, gratitude,
effort (booleans; a comment has a flag when one of its mentions has it)."""

from __future__ import annotations

from ..analysis.flags import FLAGS, Flagger, FlagRules, load_flag_head
from .base import Stage, State, register


@register
class Flags(Stage):
    name = "flags"
    reads = ("comment_vectors", "mention_vectors", "mentions.span")
    writes = ("comments.anger", "comments.disappointment", "comments.gratitude", "comments.effort",
              "mentions.anger", "mentions.disappointment", "mentions.gratitude", "mentions.effort")
    per_row = True
    reads_vectors = True

    def __init__(self, rules: str | None = None, head: str | None = "flags"):
        self.rules = rules  # a flags.yaml path; None = the shipped models/flags/flags.yaml
        self.head = head  # a head folder or a name in models/; null = rules only

    def prepare(self, state: State) -> None:
        head, self.note = None, ""
        if self.head:
            head = load_flag_head(self.head)
            spec = state.embedding
            if spec is not None and head.info.get("embedding_fingerprint") not in (None, spec.heads_fit):
                self.note = (f"the flag head was trained on '{head.info.get('embedding_model')}' embeddings, "
                             f"not '{spec.name}': rules only")
                head = None
        self.flagger = Flagger(FlagRules.load(self.rules), head)

    def run(self, state: State) -> None:
        m = state.mentions
        found = self.flagger.frame(m["span"], state.mention_vectors)
        for flag in FLAGS:
            m[flag] = found[flag].to_numpy()
            state.comments[flag] = m.groupby("comment")[flag].any().reindex(
                range(len(state.comments)), fill_value=False).to_numpy()
        self.after_rows(state)

    def after_rows(self, state: State) -> None:
        """Counts per flag from the tables (the dask engine calls it once the partitions are merged)."""
        state.summary["flags"] = {"comments": {f: int(state.comments[f].sum()) for f in FLAGS},
                                  "mentions": {f: int(state.mentions[f].sum()) for f in FLAGS},
                                  "head": self.flagger.head is not None, "note": self.note}
