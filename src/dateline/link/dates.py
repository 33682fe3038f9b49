"""Dates across articles: re-resolving relative time references once an article is dated."""

from __future__ import annotations

from dataclasses import replace

from dateline.model import Article
from dateline.pipeline.timerefs import anchor_of, find_timerefs
from dateline.settings import Settings


def reresolve_timerefs(article: Article, *, settings: Settings) -> Article:
    """Resolve the article's time references again against its (possibly inferred) date."""
    inferred = article.published.origin == "inferred-from-twin"
    refs = find_timerefs(article.text, anchor_of(article), doc=article.doc, inferred=inferred)
    return replace(article, timerefs=tuple(refs))
