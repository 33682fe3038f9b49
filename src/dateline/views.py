"""Plain-dict views of stored records: what the CLI's --json, the REST API and pages render.

Offsets stay offsets; the text each span covers is added beside it for the reader's sake.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from dateline.languages import language_name, stage_report
from dateline.model import (
    GUESS_ORIGINS,
    Article,
    DateInfo,
    EventRecord,
    Quantity,
    Span,
    to_dict,
)

if TYPE_CHECKING:
    from dateline.store import Store


def date_view(date: DateInfo) -> dict[str, Any]:
    """Render a date with its origin, granularity and whether it is firm (not a guess)."""
    view: dict[str, Any] = {
        "value": date.value,
        "origin": date.origin,
        "granularity": date.granularity,
        "firm": date.value is not None and date.origin not in GUESS_ORIGINS,
    }
    if date.twin_id:
        view["twin_id"] = date.twin_id
    if date.probability is not None:
        view["probability"] = date.probability
    return view


def origin_text(date: dict[str, Any]) -> str:
    """A rendered date's origin for text output, marked when it is a guess."""
    if date.get("value") is None:
        return str(date["origin"])
    return str(date["origin"]) + ("" if date.get("firm") else " (guess)")


def span_view(article: Article, span: Span | None) -> dict[str, Any] | None:
    """Render a span as {text, start, end}, or None."""
    if span is None:
        return None
    return {"text": article.text[span.start : span.end], "start": span.start, "end": span.end}


def article_label(title: str | None, text: str) -> str:
    """What to call an article: its title, else "(untitled) " and its first 80 characters.

    Never its file path (a server's paths are not for a page). `store.groups` builds the
    same label in SQL.
    """
    if title:
        return title
    head = " ".join(text[:80].split())
    return f"(untitled) {head}…" if len(text) > 80 else f"(untitled) {head}"


def article_summary(article: Article) -> dict[str, Any]:
    """Render the one-line facts of an article (for listings)."""
    return {
        "id": article.id,
        "source_path": article.source_path,
        "title": article.title,
        "label": article_label(article.title, article.text),
        "byline": article.byline,
        "outlet": article.outlet,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "crawled": article.crawled,
        "original_sources": [to_dict(o) for o in article.original_sources],
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


_MARKS = "\"“”«»„‘’'"


def claim_view(article: Article, claim: Any) -> dict[str, Any]:
    """Render one claim with its speaker, content, numbers and the article's notes.

    `speaker` is the person or organisation the source resolves to (None when none does);
    `source` is the source as written ("Both sides"); `quote` is the content without the
    quotation marks it opens and closes with, for display inside marks of one's own (None
    when it has no such marks: it is then shown as written).
    """
    content = article.text[claim.content.start : claim.content.end]
    return {
        "speaker": span_view(article, claim.speaker),
        "source": span_view(article, claim.source or claim.speaker),
        "quote": _unquoted(content),
        "cue": span_view(article, claim.cue),
        "content": span_view(article, claim.content),
        "evidence": span_view(article, claim.evidence),
        "direct": claim.direct,
        "quantities": [quantity_view(article, q) for q in claim.quantities],
        "stance": list(claim.stance),
        "article_id": article.id,
        "notes": [{"kind": n.kind, "text": n.text} for n in article.notes],
    }


def _unquoted(text: str) -> str | None:
    """Text without the quotation marks that open and close it; None if it has none to drop."""
    text = text.strip()
    stop = text[-1] if len(text) > 2 and text[-1] in ".,!?" and text[-2] in _MARKS else ""
    body = text[:-1] if stop else text
    opens, closes = body[:1] in _MARKS, body[-1:] in _MARKS
    inner = body[1 if opens else 0 : len(body) - 1 if closes else len(body)]
    if (opens or closes) and not any(m in inner for m in _MARKS):
        return (inner + stop).strip()
    return None  # no marks around it, or marks inside too ('that “...”'): shown as written


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
    return event_records_view(store, [to_dict(record)])[0]


def event_records_view(
    store: Store, records: list[dict[str, Any]], *, evidence: bool = True
) -> list[dict[str, Any]]:
    """Render a page of merged events (as stored dicts) in four queries.

    Each view has the record's participants by name, its sources (title, outlet, URL, date
    and, with `evidence`, each evidence span's text), confidence, a short snippet and the
    days its date covers.
    """
    from dateline.store.read import article_briefs, entity_briefs, evidence_texts
    from dateline.store.read_events import event_snippets

    ids: set[str] = set()
    for record in records:
        for role in ("actors", "recipients", "attendees", "said_by"):
            ids.update(record.get(role) or ())
        ids.update(v for f, v in record.get("alternatives") or () if f == "place")
        if record.get("place"):
            ids.add(record["place"])
    names = entity_briefs(store, ids)
    articles = article_briefs(store, {s["article_id"] for r in records for s in r["sources"]})
    spans = [(s["article_id"], s["start"], s["end"]) for r in records for s in r["sources"]]
    texts = evidence_texts(store, spans) if evidence else {}
    extra = event_snippets(store, [r["id"] for r in records])
    return [_record_view(r, names, articles, texts, extra.get(r["id"], {})) for r in records]


def _date(value: dict[str, Any] | None) -> dict[str, Any]:
    value = value or {}
    return date_view(
        DateInfo(
            value.get("value"),
            value.get("origin", "unknown"),
            value.get("granularity", "unknown"),
            value.get("twin_id"),
        )
    )


def _record_view(
    record: dict[str, Any],
    names: dict[str, dict[str, Any]],
    articles: dict[str, dict[str, Any]],
    texts: dict[tuple[str, int, int], str],
    extra: dict[str, Any],
) -> dict[str, Any]:
    def who(ids: list[str] | None) -> list[dict[str, Any]]:
        return [names.get(i, {"id": i, "name": i, "kind": "OTHER"}) for i in ids or ()]

    by_article: dict[str, list[dict[str, Any]]] = {}
    for evidence in record["sources"]:
        by_article.setdefault(evidence["article_id"], []).append(evidence)
    sources = []
    for article_id, spans in by_article.items():
        row = articles.get(article_id)
        if row is None:
            continue
        published = DateInfo(
            row["published"], row["published_origin"], row["published_granularity"], row["twin_id"]
        )
        sources.append(
            {
                "article_id": article_id,
                "title": row["title"],
                "label": article_label(row["title"], row.get("head") or ""),
                "outlet": row["outlet"],
                "url": row["url"],
                "original_sources": [
                    o["name"] for o in json.loads(row.get("original_sources") or "[]")
                ],
                "published": date_view(published),
                "evidence": [
                    {"start": e["start"], "end": e["end"]}
                    | ({"text": texts[(article_id, e["start"], e["end"])]} if texts else {})
                    for e in spans
                ],
            }
        )
    alternatives = [
        {"field": f, "value": names.get(v, {"id": v, "name": v}) if f == "place" else v}
        for f, v in record.get("alternatives") or ()
    ]
    place = record.get("place")
    return {
        "id": record["id"],
        "type": record["type"],
        "mode": record.get("mode"),
        "cameo": record.get("cameo"),
        "date": _date(record.get("date")),
        "place": names.get(place) if place else None,
        "actors": who(record.get("actors")),
        "recipients": who(record.get("recipients")),
        "attendees": who(record.get("attendees")),
        "said_by": who(record.get("said_by")),
        "confidence": record.get("confidence", 1.0),
        "sources": sources,
        "source_count": len(sources),
        "alternatives": alternatives,
        "snippet": extra.get("snippet"),
        "parties": extra.get("parties", 0),
        "date_start": extra.get("date_start"),
        "date_end": extra.get("date_end"),
    }


def claim_rows_view(store: Store, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Render stored claim rows as `claim_view` does, plus article title and date.

    Evidence texts come in one query; numbers are cut from the content they lie in.
    """
    from dateline.store.read import evidence_texts

    spans = [
        (r["article_id"], r["evidence_start"], r["evidence_end"])
        for r in rows
        if r["evidence_start"] is not None
    ]
    texts = evidence_texts(store, spans)
    out = []
    for row in rows:
        claim = json.loads(row["data"])
        content, start = row["content"], row["content_start"]

        def part(span: dict[str, int] | None, text: str | None) -> dict[str, Any] | None:
            if span is None:
                return None
            return {"text": text, "start": span["start"], "end": span["end"]}

        quantities = []
        for q in claim.get("quantities", []):
            inside = start <= q["start"] and q["end"] <= row["content_end"]
            text = content[q["start"] - start : q["end"] - start] if inside else None
            quantities.append({"text": text} | q)
        evidence = claim.get("evidence")
        evidence_text = texts.get((row["article_id"], row["evidence_start"], row["evidence_end"]))
        source = claim.get("source") or claim.get("speaker")
        source_text = None
        if (
            source
            and evidence
            and evidence_text is not None
            and evidence["start"] <= source["start"]
            and source["end"] <= evidence["end"]
        ):
            offset = evidence["start"]
            source_text = evidence_text[source["start"] - offset : source["end"] - offset]
        out.append(
            {
                "speaker": part(claim.get("speaker"), row["speaker"]),
                "source": part(source, source_text),
                "cue": part(claim.get("cue"), row["cue"]),
                "content": part(claim.get("content"), content),
                "evidence": part(evidence, evidence_text),
                "direct": bool(row["direct"]),
                "quantities": quantities,
                "stance": list(claim.get("stance", [])),
                "article_id": row["article_id"],
                "notes": [{"kind": n["kind"], "text": n["text"]} for n in _notes(row)],
                "article_title": row["article_title"],
                "published": row["published"],
                "speaker_entity_id": row["speaker_entity_id"],
            }
        )
    return out


def _notes(row: dict[str, Any]) -> list[dict[str, Any]]:
    notes = row.get("notes")
    return json.loads(notes) if isinstance(notes, str) else list(notes or [])


def article_row_view(row: dict[str, Any]) -> dict[str, Any]:
    """Render a stored article summary row as `article_summary` renders an article."""
    archived = row.get("archived")
    language = row.get("language") or "en"
    return {
        "id": row["id"],
        "source_path": row["source_path"],
        "title": row["title"],
        "label": article_label(row["title"], row.get("head") or ""),
        "byline": row.get("byline"),
        "outlet": row["outlet"],
        "url": row["url"],
        "published": date_view(
            DateInfo(
                row["published"],
                row["published_origin"],
                row["published_granularity"],
                row["twin_id"],
            )
        ),
        "notes": [{"kind": n["kind"], "text": n["text"]} for n in _notes(row)],
        "language": language,
        "language_name": language_name(language),
        "archived": json.loads(archived) if isinstance(archived, str) else archived,
    }
