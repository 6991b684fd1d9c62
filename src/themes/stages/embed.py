"""embed: mentions.span and comments.clean_text -> mention_vectors, comment_vectors.

A mention is embedded without the contrast word that opens it (text.split.mention_core).

Duplicates are embedded once (a one-clause comment is its own mention), the on-disk cache
serves re-runs, and the rest is batched by length.
"""

from __future__ import annotations

from ..embedding.encode import embed_texts
from ..embedding.model import resolve_model
from ..text.split import mention_core
from .base import Stage, State, register


@register
class Embed(Stage):
    name = "embed"

    def __init__(self, model: str | None = None, prefix: str | None = None, batch_size: int = 64,
                 cache: bool = True):
        self.model = model
        self.prefix = prefix
        self.batch_size = batch_size
        self.cache = cache

    def prepare(self, state: State) -> None:
        state.embedding = resolve_model(state.options.get("model") or self.model, self.prefix)

    def run(self, state: State) -> None:
        spec = state.embedding
        spans = [mention_core(s) for s in state.mentions["span"]]
        texts = state.comments["clean_text"].tolist()
        vectors, stats = embed_texts(spans + texts, spec, batch_size=self.batch_size, use_cache=self.cache,
                                     progress=state.progress)
        state.mention_vectors = vectors[: len(spans)]
        state.comment_vectors = vectors[len(spans):]
        state.summary["embedding"] = {"model": spec.name, "fingerprint": spec.fingerprint,
                                      "prefix": spec.prefix, "dim": int(vectors.shape[1]), **stats}
