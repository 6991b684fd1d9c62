"""Ranked themes with impacts and intervals on real scores: Booking.com hotel reviews (CC0).

../shared/data/en_booking_hotel_reviews_subset: 4.8k reviews, Reviewer_Score 2.5-10, the text
split by the site's form into Positive_Review and Negative_Review (each analysed as one
comment; the form's "No Negative" / "No Positive" placeholders are blanked, so they are
rejected as empty comments, with the reason, instead of forming a theme).

    python benchmarks/booking_impact.py
"""

from __future__ import annotations

import time

import pandas as pd

from common import need_shared, peak_rss_mb


def main() -> None:
    import themes

    frame = pd.read_csv(need_shared() / "en_booking_hotel_reviews_subset" / "Hotel_Reviews.csv")
    for column, placeholder in (("Positive_Review", "no positive"), ("Negative_Review", "no negative")):
        text = frame[column].astype(str).str.strip()
        frame[column] = text.where(text.str.lower() != placeholder, "")
    started = time.perf_counter()
    result = themes.analyze(frame, text=["Positive_Review", "Negative_Review"], score="Reviewer_Score",
                            date="Review_Date", progress=False)
    elapsed = time.perf_counter() - started
    s = result.summary
    print(f"{s['counts']['read']} comments read, {s['counts']['kept']} kept, {s['counts']['rejected']} rejected; "
          f"scale {s['scale']['why']}")
    print(f"NPS {s['nps']['value']:+.1f} [{s['nps']['low']:+.1f}, {s['nps']['high']:+.1f}]; "
          f"{elapsed:.1f} s, {len(result.comments) / elapsed:.0f} comments/s, peak RSS {peak_rss_mb():.0f} MB")
    cols = ["rank", "label", "share", "sentiment", "impact", "impact_low", "impact_high", "impact_loo",
            "q_value", "priority"]
    with pd.option_context("display.width", 200, "display.max_colwidth", 40):
        print(result.themes[cols].to_string(index=False))
        examples = result.themes[["label", "examples"]].head(4)
        for row in examples.itertuples():
            print(f"- {row.label}: {row.examples[:150]}")


if __name__ == "__main__":
    main()
