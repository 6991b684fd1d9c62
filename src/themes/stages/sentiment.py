"""sentiment: vectors -> comments.sentiment/sentiment_label and mentions.sentiment/sentiment_label."""

from __future__ import annotations

from pathlib import Path

from ..errors import ThemesError
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
        trained_on = head.info.get("embedding_fingerprint")
        used = state.summary.get("embedding", {}).get("fingerprint")
        if trained_on and used and trained_on != used:
            raise ThemesError(
                f"the sentiment head in {folder} was trained on embeddings of "
                f"'{head.info.get('embedding_model')}', not of '{state.summary['embedding']['model']}': "
                "train one for this model with `themes train-sentiment ... --model <it>` and pass "
                "--sentiment-model DIR")
        for table, vectors in ((state.comments, state.comment_vectors),
                               (state.mentions, state.mention_vectors)):
            score, label = head.score(vectors)
            table["sentiment"] = score.round(4)
            table["sentiment_label"] = label
        state.summary["sentiment_model"] = {"name": str(name), **{k: v for k, v in head.info.items()
                                                                    if k in ("embedding_model", "n_train")}}
