"""sentiment: vectors -> comments.sentiment/sentiment_label and mentions.sentiment/sentiment_label."""

from __future__ import annotations

from ..errors import ThemesError
from ..sentiment import load_head
from .base import Stage, State, register


@register
class Sentiment(Stage):
    name = "sentiment"

    def __init__(self, model: str = "sentiment-e5-small"):
        self.model = model

    def prepare(self, state: State) -> None:
        self.head = load_head(state.options.get("sentiment_model") or self.model)
        trained_on = self.head.info.get("embedding_fingerprint")
        spec = state.embedding
        if trained_on and spec is not None and trained_on != spec.heads_fit:
            raise ThemesError(
                f"the sentiment head '{self.head.info.get('name')}' was trained on embeddings of "
                f"'{self.head.info.get('embedding_model')}', not of '{spec.name}': train one for this "
                "model with `themes train-sentiment ... --model <it>` and pass --sentiment-model DIR")

    def run(self, state: State) -> None:
        head = self.head
        for table, vectors in ((state.comments, state.comment_vectors),
                               (state.mentions, state.mention_vectors)):
            score, label = head.score(vectors)
            table["sentiment"] = score.round(4)
            table["sentiment_label"] = label
        state.summary["sentiment_model"] = {k: v for k, v in head.info.items()
                                            if k in ("name", "embedding_model", "n_train")}
