"""Dates from twins: an undated article takes a date only from a same-event twin it is
very probably the same event as, and says which twin and how probable.

Same-event grouping records, for each undated member of a group, the dated member it most
probably reports the same event as and its mean same-event probability with the group's dated
members (`Group.twins`). The article takes that twin's publication date when the probability
reaches `date_from_twin` (chosen on ECB+ dev for the shipped model: the lowest cut, at least
0.8 and the undated cut, at which 95% of the dates taken came from a true twin). Dates
inferred by an earlier run that no longer hold are withdrawn, so a re-link after new articles
arrive never keeps a stale guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from dateline.link.dates import reresolve_timerefs
from dateline.link.features import FIRM_ORIGINS
from dateline.model import Article, DateInfo, Group
from dateline.pipeline.events import redate_events
from dateline.settings import Settings


def infer_dates(
    articles: Sequence[Article],
    groups: Sequence[Group],
    *,
    settings: Settings,
    min_probability: float | None = None,
) -> list[Article]:
    """Return the articles whose date changed: inferred from a twin (marked, with the twin's
    id and probability), or withdrawn because its twin no longer holds."""
    if min_probability is None:
        min_probability = _date_cut(settings)
    by_id = {a.id: a for a in articles}
    dates: dict[str, DateInfo] = {}
    for group in groups:
        if group.kind != "same-event":
            continue
        for member, twin_id, probability in group.twins:
            twin = by_id.get(twin_id)
            if member not in by_id or twin is None or probability < min_probability:
                continue
            if twin.published.origin not in FIRM_ORIGINS or not twin.published.value:
                continue
            dates[member] = DateInfo(
                value=twin.published.value,
                origin="inferred-from-twin",
                granularity=twin.published.granularity,
                twin_id=twin.id,
                probability=probability,
            )
    changed = []
    for article in articles:
        if article.published.origin in FIRM_ORIGINS:
            continue
        date = dates.get(article.id)
        if date is None:
            if article.published.origin != "inferred-from-twin":
                continue
            date = DateInfo()  # the twin no longer holds: back to undated, never guessed
        if article.published == date:
            continue
        updated = reresolve_timerefs(replace(article, published=date), settings=settings)
        changed.append(redate_events(updated))
    return changed


def _date_cut(settings: Settings) -> float:
    """The probability a twin must reach: `[link] date_from_twin`, else the model's."""
    given = settings.extra.get("link", {}).get("date_from_twin")
    if given is not None:
        return float(given)
    from dateline.link.pairs import load_scorer

    return load_scorer().threshold("date_from_twin", 0.8)
