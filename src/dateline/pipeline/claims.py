"""Claims stage: each attributed statement becomes a claim an analyst can check.

A claim keeps its speaker, the content, the cue (as a stance word), whether it was quoted
directly, the numbers inside it with unit and scope, and the sentence(s) that carry it. It
inherits the article's provenance notes when listed (an aggregator's "has not verified").
The quote's source span is kept whether or not it resolves to a person or organisation
("Both sides stressed ...": source "Both sides", no speaker entity). Numbers inside spaCy's
LAW, DATE, TIME and ORDINAL spans are no quantities; MONEY spans give the currency.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from dateline.model import Article, Claim, Quote, Span
from dateline.pipeline import Stage
from dateline.pipeline.quantities import parse_quantities
from dateline.settings import Settings
from dateline.store import Store
from dateline.views import claim_view


def _evidence(article: Article, quote: Quote) -> Span:
    """The sentences from the first to the last piece of the attribution."""
    pieces = [quote.content, *quote.fragments, *(s for s in (quote.source, quote.cue) if s)]
    start = min(p.start for p in pieces)
    end = max(p.end for p in pieces)
    starts = [s.start for s in article.sentences]
    if not starts:
        return Span(start, end)
    first = article.sentences[max(0, bisect_right(starts, start) - 1)]
    last = article.sentences[max(0, bisect_right(starts, end - 1) - 1)]
    return Span(min(first.start, start), max(last.end, end))


# spaCy entity labels whose numbers are not quantities (see `quantities`).
NOT_QUANTITIES = frozenset({"LAW", "DATE", "TIME", "ORDINAL"})


def extract_claims(article: Article, *, settings: Settings) -> Article:
    """Turn the article's quotes into claims with quantities and evidence."""
    skip = [(m.start, m.end) for m in article.value_mentions if m.label in NOT_QUANTITIES]
    money = [
        (m.start, m.end, article.text[m.start : m.end])
        for m in article.value_mentions
        if m.label == "MONEY"
    ]
    claims = []
    for quote in article.quotes:
        content_text = article.text[quote.content.start : quote.content.end]
        if len(content_text.split()) < 3:
            continue  # too short to be a checkable statement
        context_span = _evidence(article, quote)
        context = article.text[context_span.start : context_span.end]
        quantities = parse_quantities(
            content_text, quote.content.start, context, skip=skip, money=money
        )
        stance = (article.text[quote.cue.start : quote.cue.end].lower(),) if quote.cue else ()
        claims.append(
            Claim(
                content=quote.content,
                evidence=context_span,
                speaker=quote.speaker,
                cue=quote.cue,
                direct=quote.direct,
                quantities=tuple(quantities),
                stance=stance,
                source=quote.source,
            )
        )
    return replace(article, claims=tuple(claims))


def list_claims(store: Store, *, speaker: str | None = None) -> Iterator[dict[str, Any]]:
    """Yield every stored claim as a plain dict (speaker, content, numbers, notes, evidence)."""
    for article in store.iter_articles():
        for claim in article.claims:
            view = claim_view(article, claim)
            name = (view["speaker"] or view["source"] or {}).get("text") or ""
            if speaker and speaker.lower() not in name.lower():
                continue
            yield view | {"article_title": article.title, "published": article.published.value}


STAGE = Stage(
    name="claims",
    run=extract_claims,
    needs=frozenset({"quotes", "sentences"}),
    adds=frozenset({"claims"}),
)
