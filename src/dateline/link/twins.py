"""Dates from twins: an undated article in a same-event group takes its dated members' date."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from dateline.link.dates import reresolve_timerefs
from dateline.model import Article, DateInfo, Group
from dateline.pipeline.events import redate_events
from dateline.settings import Settings


def infer_dates(
    articles: Sequence[Article], groups: Sequence[Group], *, settings: Settings
) -> list[Article]:
    """Return the articles whose date was inferred from a twin (marked, with the twin's id)."""
    by_id = {a.id: a for a in articles}
    changed = []
    for group in groups:
        if group.kind != "same-event":
            continue
        dated = [
            by_id[m] for m in group.members
            if m in by_id and by_id[m].published.value and by_id[m].published.origin
            not in ("unknown", "inferred-from-twin")
        ]  # fmt: skip
        if not dated:
            continue
        # The most common stated date among the twins; ties go to the earliest (first report).
        counts = Counter(a.published.value for a in dated)
        value = sorted(counts, key=lambda v: (-counts[v], v))[0]
        twin = next(a for a in sorted(dated, key=lambda a: a.id) if a.published.value == value)
        for member in group.members:
            article = by_id.get(member)
            if article is None or article.published.origin not in ("unknown", "inferred-from-twin"):
                continue
            date = DateInfo(
                value=value,
                origin="inferred-from-twin",
                granularity=twin.published.granularity,  # a month stays a month
                twin_id=twin.id,
            )
            if article.published == date:
                continue
            updated = reresolve_timerefs(replace(article, published=date), settings=settings)
            updated = redate_events(updated)
            by_id[member] = updated
            changed.append(updated)
    return changed
