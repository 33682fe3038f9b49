"""Dates across articles: re-resolving relative time references once an article is dated."""

from __future__ import annotations

from dataclasses import replace

from dateline.model import Article
from dateline.pipeline.timerefs import anchor_of, find_timerefs
from dateline.settings import Settings


def reresolve_timerefs(article: Article, *, settings: Settings) -> Article:
    """Resolve the article's time references again against its (possibly inferred) date."""
    # Against a date that is no publisher's word (a twin's, a crawl date) a relative
    # expression is resolved, but marked so: `resolved-from-inferred`, a guess.
    inferred = article.published.origin in ("inferred-from-twin", "crawl")
    refs = find_timerefs(article.text, anchor_of(article), doc=article.doc, inferred=inferred)
    return replace(article, timerefs=tuple(refs))
