"""What the analysis computes: the theme model and the aspects it starts from, labels, sentiment
and flags, impact on the score and its breakdown by segment and period, score scales, statistics,
and the editable codeframe."""
