"""embed: mentions.span and the cleaned comments -> mention_vectors, comment_vectors.

A mention is embedded without the contrast word that opens it (text.split.mention_core).

Duplicates are embedded once and stored once (a one-clause comment is its own mention): both
vector sets are ``SharedRows`` over one table. The on-disk cache serves re-runs, and the rest is
batched by length.
"""

from __future__ import annotations

from ..embedding.encode import embed_rows
from ..embedding.model import load_model, resolve_model
from ..embedding.rows import STORES
from ..engine.blocks import TextColumns
from ..errors import ThemesError
from ..text.split import mention_core
from .base import Stage, State, register


@register
class Embed(Stage):
    name = "embed"
    reads = ("comments.text", "mentions.span")
    writes = ("comment_vectors", "mention_vectors", "embedding")
    per_row = True

    def __init__(self, model: str | None = None, prefix: str | None = None, batch_size: int = 64,
                 cache: bool = True, dtype: str = "float32", keep_model: bool = True, store: str = "memory"):
        if dtype not in ("float32", "float16"):
            raise ThemesError(f"embed: dtype must be float32 or float16, got {dtype!r}")
        if store not in STORES:
            raise ThemesError(f"embed: store must be memory or disk, got {store!r}")
        self.model = model
        self.prefix = prefix
        self.batch_size = batch_size
        self.cache = cache
        self.dtype = dtype  # float16 halves the vectors' memory; every reader takes them in float32 blocks
        # False: the model is let go once the texts are embedded (a large batch run needs the memory
        # of the static model's table back); True keeps it loaded for the next run in the process
        self.keep_model = keep_model
        # disk: the distinct vectors live in a temporary file that every reader takes row blocks
        # from, so they cost no memory however many comments there are (the scale tier)
        self.store = store

    def prepare(self, state: State) -> None:
        state.embedding = resolve_model(self.model, self.prefix)

    def run(self, state: State) -> None:
        spec = state.embedding
        spans = state.mentions["span"]
        # the clauses' and comments' texts read from their columns a block at a time: as one
        # column of all the texts, and the Python strings made to find the repeats among them,
        # they were the stage's largest cost in memory
        texts = TextColumns((spans, mention_core), *state.clean_texts().parts)
        vectors, stats = embed_rows(texts, spec, batch_size=self.batch_size, use_cache=self.cache,
                                    progress=state.progress, dtype=self.dtype, store=self.store)
        if not self.keep_model:
            import gc

            load_model.cache_clear()
            gc.collect()  # the model's modules hold reference cycles: freed only by a collection
        state.mention_vectors = vectors.subset(slice(0, len(spans)))
        state.comment_vectors = vectors.subset(slice(len(spans), len(vectors)))
        # space: vectors of one space are interchangeable (e5 and its int8 export share one), so
        # heads and saved theme models fitted on it apply
        state.summary["embedding"] = {"model": spec.name, "fingerprint": spec.fingerprint, "space": spec.heads_fit,
                                      "prefix": spec.prefix, "dim": int(vectors.shape[1]), "dtype": self.dtype,
                                      "store": self.store,
                                      **stats}
