"""sentiment: vectors -> comments.sentiment/sentiment_label and mentions.sentiment/sentiment_label."""

from __future__ import annotations

from pathlib import Path

from ..resources import resource_dir
from ..sentiment import SentimentHead
from .base import Stage, State, register


@register
class Sentiment(Stage):
    name = "sentiment"

    def __init__(self, model: str = "sentiment-e5-small"):
        self.model = model

    def run(self, state: State) -> None:
        name = state.options.get("sentiment_model") or self.model
        folder = Path(name) if Path(name).is_dir() else resource_dir("models") / name
        head = SentimentHead.load(folder)
        for table, vectors in ((state.comments, state.comment_vectors),
                               (state.mentions, state.mention_vectors)):
            score, label = head.score(vectors)
            table["sentiment"] = score.round(4)
            table["sentiment_label"] = label
        state.summary["sentiment_model"] = {"name": str(name), **{k: v for k, v in head.info.items()
                                                                    if k in ("embedding_model", "n_train")}}
