"""Plain-dict views of stored records: what the CLI's --json, the REST API and pages render.

Offsets stay offsets; the text each span covers is added beside it for the reader's sake.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from dateline.languages import language_name, stage_report
from dateline.model import Article, DateInfo, EventRecord, Evidence, Quantity, Span, to_dict

if TYPE_CHECKING:
    from dateline.store import Store


def date_view(date: DateInfo) -> dict[str, Any]:
    """Render a date with its origin and granularity."""
    view: dict[str, Any] = {
        "value": date.value,
        "origin": date.origin,
        "granularity": date.granularity,
    }
    if date.twin_id:
        view["twin_id"] = date.twin_id
    if date.probability is not None:
        view["probability"] = date.probability
    return view


def span_view(article: Article, span: Span | None) -> dict[str, Any] | None:
    """Render a span as {text, start, end}, or None."""
    if span is None:
        return None
    return {"text": article.text[span.start : span.end], "start": span.start, "end": span.end}


def article_summary(article: Article) -> dict[str, Any]:
    """Render the one-line facts of an article (for listings)."""
    return {
        "id": article.id,
        "source_path": article.source_path,
        "title": article.title,
        "byline": article.byline,
        "outlet": article.outlet,
        "url": article.url,
        "published": date_view(article.published),
        "notes": [{"kind": n.kind, "text": n.text} for n in article.notes],
        "language": article.language,
        "language_name": language_name(article.language),
        "archived": to_dict(article.archived) if article.archived else None,
    }


def article_view(article: Article) -> dict[str, Any]:
    """Render an article with its clean text and every annotation layer."""
    text = article.text
    view = article_summary(article)
    view.update(
        {
            "text": text,
            "debris_removed": list(article.debris),
            "stages": list(article.stages),
            "stages_not_run": stage_report(article)["not_run"],
            "sentences": [{"start": s.start, "end": s.end} for s in article.sentences],
            "token_count": len(article.tokens),
            "entities": [
                {"text": text[m.start : m.end], "label": m.label, "start": m.start, "end": m.end}
                | ({"entity_id": m.entity_id} if m.entity_id else {})
                for m in article.mentions
            ],
            "timerefs": [{"text": text[t.start : t.end]} | to_dict(t) for t in article.timerefs],
            "quotes": [
                {
                    "source": span_view(article, q.source),
                    "cue": span_view(article, q.cue),
                    "content": span_view(article, q.content),
                    "speaker": span_view(article, q.speaker),
                    "direct": q.direct,
                }
                for q in article.quotes
            ],
            "claims": [claim_view(article, c) for c in article.claims],
            "events": [event_view(article, e) for e in article.events],
        }
    )
    return view


def quantity_view(article: Article, quantity: Quantity) -> dict[str, Any]:
    """Render a number with its text, value, comparison, unit and scope."""
    return {"text": article.text[quantity.start : quantity.end]} | to_dict(quantity)


def compare_view(a: Article, b: Article) -> dict[str, Any]:
    """The passages two articles share and what each has alone, with offsets and overlap."""
    from dateline.link.dedup import compare, overlap, shingles

    result = compare(a, b)
    ov = overlap(shingles(a.text), shingles(b.text))

    def part(article: Article, start: int, end: int) -> dict[str, Any]:
        return {"start": start, "end": end, "text": article.text[start:end]}

    return {
        "a": article_summary(a),
        "b": article_summary(b),
        "jaccard": round(ov.jaccard, 4),
        "containment": round(ov.containment, 4),
        "shared": [
            {"a": part(a, x.start, x.end), "b": part(b, y.start, y.end), "score": s}
            for x, y, s in result.shared
        ],
        "only_a": [part(a, s.start, s.end) for s in result.only_a],
        "only_b": [part(b, s.start, s.end) for s in result.only_b],
    }


def claim_view(article: Article, claim: Any) -> dict[str, Any]:
    """Render one claim with its speaker, content, numbers and the article's notes."""
    return {
        "speaker": span_view(article, claim.speaker),
        "cue": span_view(article, claim.cue),
        "content": span_view(article, claim.content),
        "evidence": span_view(article, claim.evidence),
        "direct": claim.direct,
        "quantities": [quantity_view(article, q) for q in claim.quantities],
        "stance": list(claim.stance),
        "article_id": article.id,
        "notes": [{"kind": n.kind, "text": n.text} for n in article.notes],
    }


def event_view(article: Article, event: Any) -> dict[str, Any]:
    """Render one per-article event with participants' text and its evidence."""

    def people(parts: tuple[Any, ...]) -> list[dict[str, Any]]:
        return [
            {
                "text": text[p.start : p.end],
                "start": p.start,
                "end": p.end,
                "entity_id": p.entity_id,
            }
            for p in parts
        ]

    text = article.text
    return {
        "type": event.type,
        "mode": event.mode,
        "cameo": event.cameo,
        "trigger": span_view(article, event.trigger),
        "actors": people(event.actors),
        "recipients": people(event.recipients),
        "attendees": people(event.attendees),
        "place": span_view(article, event.place),
        "date": date_view(event.date),
        "date_ref": span_view(article, event.date_ref),
        "evidence": span_view(article, event.evidence),
        "confidence": event.confidence,
        "said_by": people(event.said_by),
    }


def event_record_view(store: Store, record: EventRecord) -> dict[str, Any]:
    """Render a merged event: participants by name, and every source with its evidence."""
    places = {record.place} | {v for f, v in record.alternatives if f == "place"}
    people = {*record.actors, *record.recipients, *record.attendees, *record.said_by}
    names = _entities_by_id(store, (people | places) - {None})

    def who(ids: tuple[str, ...]) -> list[dict[str, Any]]:
        return [names.get(i, {"id": i, "name": i, "kind": "OTHER"}) for i in ids]

    by_article: dict[str, list[Evidence]] = {}
    for evidence in record.sources:
        by_article.setdefault(evidence.article_id, []).append(evidence)
    sources = []
    for article_id, spans in by_article.items():
        row = store.conn.execute(
            "SELECT title, outlet, url, published, published_origin, published_granularity, "
            "twin_id, text FROM articles WHERE id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            continue
        published = DateInfo(row[3], row[4], row[5], row[6])
        sources.append(
            {
                "article_id": article_id,
                "title": row[0],
                "outlet": row[1],
                "url": row[2],
                "published": date_view(published),
                "evidence": [
                    {"start": e.start, "end": e.end, "text": row[7][e.start : e.end]} for e in spans
                ],
            }
        )
    alternatives = [
        {"field": f, "value": names.get(v, {"id": v, "name": v}) if f == "place" else v}
        for f, v in record.alternatives
    ]
    return {
        "id": record.id,
        "type": record.type,
        "mode": record.mode,
        "cameo": record.cameo,
        "date": date_view(record.date),
        "place": names.get(record.place) if record.place else None,
        "actors": who(record.actors),
        "recipients": who(record.recipients),
        "attendees": who(record.attendees),
        "said_by": who(record.said_by),
        "confidence": record.confidence,
        "sources": sources,
        "source_count": len(sources),
        "alternatives": alternatives,
    }


def _entities_by_id(store: Store, ids: set[str | None]) -> dict[str, dict[str, Any]]:
    """Short views of entities by id: id, name, kind, country, sector."""
    if not ids:
        return {}
    wanted = sorted(i for i in ids if i)
    marks = ",".join("?" * len(wanted))
    rows = store.conn.execute(f"SELECT data FROM entities WHERE id IN ({marks})", wanted).fetchall()
    out = {}
    for row in rows:
        data = json.loads(row[0])
        out[data["id"]] = {
            "id": data["id"],
            "name": data["name"],
            "kind": data["kind"],
            "country": data.get("country"),
            "sector": data.get("sector"),
        }
    return out
