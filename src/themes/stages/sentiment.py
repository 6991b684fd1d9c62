"""sentiment: vectors (+ the cleaned comments, mentions.span for a head that reads text) ->
comments.sentiment/sentiment_label and mentions.sentiment/sentiment_label.

With calibrate_on_scores (or the run option calibrate_sentiment) and a score column, the head's
positive/negative balance is first re-fitted on this export's promoters and detractors
(sentiment.fit_score_shift); the summary says what that changed."""

from __future__ import annotations

import numpy as np

from ..analysis.sentiment import SentimentHead, fit_score_shift, load_head
from ..engine.blocks import TextColumns
from ..errors import ThemesError
from ..text.split import mention_core
from .base import Stage, State, register


@register
class Sentiment(Stage):
    name = "sentiment"
    reads = ("comment_vectors", "mention_vectors", "comments.score", "comments.nps_group")
    writes = ("comments.sentiment", "comments.sentiment_label", "mentions.sentiment", "mentions.sentiment_label")
    per_row = True
    reads_vectors = True

    def __init__(self, model: str = "sentiment-e5-small", calibrate_on_scores: bool = False):
        self.model = model
        self.calibrate_on_scores = calibrate_on_scores

    def prepare(self, state: State) -> None:
        self.head = load_head(self.model)
        trained_on = self.head.info.get("embedding_fingerprint")
        spec = state.embedding
        if trained_on and spec is not None and trained_on != spec.heads_fit:
            raise ThemesError(
                f"the sentiment head '{self.head.info.get('name')}' was trained on embeddings of "
                f"'{self.head.info.get('embedding_model')}', not of '{spec.name}': train one for this "
                "model with `themes train-sentiment ... --model <it>` and pass --sentiment-model DIR")

    def calibrate(self, state: State) -> np.ndarray | None:
        """The logit offset fitted on this run's scored comments when calibration is asked for
        (None otherwise, or without scores); the summary says what it changed."""
        if not (self.calibrate_on_scores or state.options.calibrate_sentiment):
            return None
        c, scale = state.comments, state.options.scale
        if scale is None or "score" not in c or c["score"].isna().all():
            state.summary["sentiment_calibration"] = {"shift": None, "why": "the export has no score column"}
            return None
        found = fit_score_shift(self.head, state.comment_vectors, c["nps_group"].to_numpy(), scale.top, scale.bottom,
                                texts=comment_texts(self.head, state))
        shift = found.pop("shift")
        state.summary["sentiment_calibration"] = found
        return shift

    def before_rows(self, state: State) -> dict:
        # fitted per partition the offset would differ from the local engine's
        return {"sentiment_shift": (self.calibrate(state),)}

    def run(self, state: State) -> None:
        head = self.head
        # the dask engine fits the offset once, on the driver over all comments, and hands it to
        # every partition: fitted per partition it would differ from the local engine's
        given = state.options.sentiment_shift
        shift = given[0] if given is not None else self.calibrate(state)
        for table, vectors, texts in ((state.comments, state.comment_vectors, comment_texts(head, state)),
                                      (state.mentions, state.mention_vectors, mention_texts(head, state))):
            score, label = head.score(vectors, texts=texts, shift=shift)
            table["sentiment"] = score.round(4)
            table["sentiment_label"] = label
        state.summary["sentiment_model"] = {k: v for k, v in head.info.items()
                                            if k in ("name", "embedding_model", "n_train")}


# the texts a head that reads text sees: exactly what the embed stage embedded for each row, as
# string columns (the head makes Python strings of a block of rows at a time)
def comment_texts(head: SentimentHead, state: State) -> TextColumns | None:
    return state.clean_texts() if head.reads_text else None


def mention_texts(head: SentimentHead, state: State) -> TextColumns | None:
    return TextColumns((state.mentions["span"], mention_core)) if head.reads_text else None
