"""Exports of the stored record: tables (JSONL, CSV, Parquet), PLOVER JSON, GDELT rows, GraphML.

Four tables describe a corpus: ``articles``, ``claims``, ``entities`` and ``events`` (one row
per corpus-level merged event). Each is built by a ``*_frame`` function as a pandas frame with
fixed columns and nullable dtypes (``string``, ``Int64``, ``boolean``), so the same frame
writes to and reads back from every table format unchanged (`read_table`).

Conventions shared by the tables:

- a missing value is NA; an empty string is stored as NA too (CSV cannot tell them apart);
- a multi-valued cell (actor ids, aliases, ...) joins its values with ``|`` (`SEP`); the
  parallel columns of one event (``actor_ids``, ``actor_names``, ``actor_countries``,
  ``actor_sectors``) keep their positions, with an empty item for a missing value;
- structured cells (quantities, notes, alternatives) are JSON strings;
- dates stay ISO prefixes (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``) beside their origin and
  granularity: nothing is padded to a day that the text did not give.

`export` writes one format:

=======  ==============================================  ==============================
format   what                                            ``out``
=======  ==============================================  ==============================
jsonl    the four tables, ``<table>.jsonl``              a directory (required)
csv      the four tables, ``<table>.csv`` (with header)  a directory (required)
parquet  the four tables, ``<table>.parquet``            a directory (required)
plover   PLOVER JSON records, one per line (JSONL)       a file, a directory, or stdout
gdelt    GDELT 2.0 event rows, tab-separated             a file, a directory, or stdout
graphml  the actor graph (`actor_graph`)                 a file, a directory, or stdout
geojson  events with a geocoded place, GeoJSON points   a file, a directory, or stdout
=======  ==============================================  ==============================

For the single-stream formats a directory ``out`` receives ``events.plover.jsonl``,
``events.gdelt.tsv``, ``actors.graphml`` or ``events.geojson``; with no ``out`` they are
written to stdout. Coordinates (PLOVER ``event_loc``, GDELT ``ActionGeo_*``, GeoJSON) come
from `dateline.export_geo`.
"""

from __future__ import annotations

import hashlib
import json
import sys
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from datetime import date as Date
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from dateline.errors import ConfigError, NotFound
from dateline.export_geo import gdelt_action_geo, geojson_collection, plover_event_loc
from dateline.model import Article, Entity, EventRecord, Mention, Span
from dateline.store import Store
from dateline.store.entities import load_entities
from dateline.store.events import load_event_records
from dateline.views import quantity_view

SEP = "|"
TABLES = ("articles", "claims", "entities", "events")
TABLE_FORMATS = ("jsonl", "csv", "parquet")
STREAM_FORMATS = ("plover", "gdelt", "graphml", "geojson")
FORMATS = (*TABLE_FORMATS, *STREAM_FORMATS)

# PLOVER event types with their quad category (1 verbal cooperation, 2 material cooperation,
# 3 verbal conflict, 4 material conflict), as each type's "Quad category" in the PLOVER
# manual gives it. (The manual's summary table lists SANCTION under verbal conflict; its own
# SANCTION section, followed here, says material conflict, as CAMEO's 16x codes are.)
PLOVER_QUAD: dict[str, int] = {
    "AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "CONCEDE": 1,
    "COOPERATE": 2, "AID": 2, "RETREAT": 2,
    "REQUEST": 3, "ACCUSE": 3, "REJECT": 3, "THREATEN": 3,
    "PROTEST": 4, "SANCTION": 4, "MOBILIZE": 4, "COERCE": 4, "ASSAULT": 4,
}  # fmt: skip

# The GDELT 2.0 event table, in file order (61 columns; GDELT Event Codebook V2.0).
GDELT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *(
        f"{actor}{name}"
        for actor in ("Actor1", "Actor2")
        for name in (
            "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
            "Religion2Code", "Type1Code", "Type2Code", "Type3Code",
        )
    ),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
    "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(
        f"{geo}_{name}"
        for geo in ("Actor1Geo", "Actor2Geo", "ActionGeo")
        for name in (
            "Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID",
        )
    ),
    "DATEADDED", "SOURCEURL",
)  # fmt: skip

_S, _I, _B, _F = "string", "Int64", "boolean", "Float64"
# Column name -> dtype, per table, in output order.
SCHEMAS: dict[str, dict[str, str]] = {
    "articles": {
        "id": _S, "title": _S, "byline": _S, "outlet": _S, "url": _S, "source_path": _S,
        "published": _S, "published_origin": _S, "published_granularity": _S,
        "published_twin_id": _S, "language": _S, "notes": _S, "sentence_count": _I,
        "mention_count": _I, "claim_count": _I, "event_count": _I, "text": _S,
    },
    "claims": {
        "id": _S, "article_id": _S, "index": _I, "published": _S, "speaker": _S,
        "speaker_entity_id": _S, "speaker_start": _I, "speaker_end": _I, "cue": _S,
        "content": _S, "content_start": _I, "content_end": _I, "evidence_start": _I,
        "evidence_end": _I, "direct": _B, "stance": _S, "quantities": _S, "notes": _S,
    },
    "entities": {
        "id": _S, "kind": _S, "name": _S, "aliases": _S, "roles": _S, "country": _S,
        "sector": _S, "wikidata": _S, "mentions": _I, "articles": _I,
        "geonameid": _I, "latitude": _F, "longitude": _F, "geo_name": _S,
    },
    "events": {
        "id": _S, "date": _S, "date_origin": _S, "date_granularity": _S, "type": _S,
        "mode": _S, "cameo": _S, "quad_class": _I,
        "actor_ids": _S, "actor_names": _S, "actor_countries": _S, "actor_sectors": _S,
        "recipient_ids": _S, "recipient_names": _S, "recipient_countries": _S,
        "recipient_sectors": _S, "attendee_ids": _S, "attendee_names": _S,
        "place_id": _S, "place": _S, "source_count": _I, "article_count": _I,
        "source_article_ids": _S, "source_urls": _S, "alternatives": _S,
    },
}  # fmt: skip


# -- helpers ----------------------------------------------------------------------------------


def _frame(table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Build a table's frame with its fixed columns and dtypes; empty strings become NA."""
    schema = SCHEMAS[table]
    data = {
        name: pd.array(
            [_blank_to_none(row.get(name)) for row in rows],
            dtype=dtype,
        )
        for name, dtype in schema.items()
    }
    return pd.DataFrame(data, columns=list(schema))


def _blank_to_none(value: Any) -> Any:
    return None if value == "" else value


def _join(values: Iterable[str | None]) -> str | None:
    """Join values with SEP keeping positions; None when nothing is known."""
    items = ["" if v is None else str(v) for v in values]
    return SEP.join(items) if any(items) else None


def _json(value: Any) -> str | None:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else None


def _notes(article: Article) -> list[dict[str, str]]:
    return [{"kind": n.kind, "text": n.text} for n in article.notes]


def _slice(article: Article | None, span: Span | Mention | None) -> str | None:
    if article is None or span is None:
        return None
    return article.text[span.start : span.end]


class _Articles:
    """Articles fetched by id on demand, each once."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.cache: dict[str, Article | None] = {}

    def get(self, article_id: str) -> Article | None:
        if article_id not in self.cache:
            try:
                self.cache[article_id] = self.store.get_article(article_id)
            except NotFound:
                self.cache[article_id] = None
        return self.cache[article_id]


def _article_ids(record: EventRecord) -> list[str]:
    """The distinct source articles of an event, in source order."""
    return list(dict.fromkeys(e.article_id for e in record.sources))


def _quad(record: EventRecord) -> int | None:
    """GDELT/CAMEO QuadClass from the CAMEO root code, else from the PLOVER type."""
    if record.cameo and record.cameo[:2].isdigit():
        root = int(record.cameo[:2])
        if 1 <= root <= 20:
            return 1 if root <= 5 else 2 if root <= 8 else 3 if root <= 13 else 4
    return PLOVER_QUAD.get(record.type)


# -- tables -----------------------------------------------------------------------------------


def articles_frame(store: Store) -> pd.DataFrame:
    """One row per stored article: metadata, dated publication, counts and clean text."""
    rows = []
    for article in store.iter_articles():
        pub = article.published
        rows.append(
            {
                "id": article.id,
                "title": article.title,
                "byline": article.byline,
                "outlet": article.outlet,
                "url": article.url,
                "source_path": article.source_path,
                "published": pub.value,
                "published_origin": pub.origin,
                "published_granularity": pub.granularity,
                "published_twin_id": pub.twin_id,
                "language": article.language,
                "notes": _json(_notes(article)),
                "sentence_count": len(article.sentences),
                "mention_count": len(article.mentions),
                "claim_count": len(article.claims),
                "event_count": len(article.events),
                "text": article.text,
            }
        )
    return _frame("articles", rows)


def claims_frame(store: Store) -> pd.DataFrame:
    """One row per attributed claim: speaker (and its entity), cue, content, offsets, numbers."""
    rows = []
    for article in store.iter_articles():
        linked = {(m.start, m.end): m.entity_id for m in article.mentions if m.entity_id}
        notes = _json(_notes(article))
        for index, claim in enumerate(article.claims):
            speaker = claim.speaker
            quantities = [quantity_view(article, q) for q in claim.quantities]
            rows.append(
                {
                    "id": f"{article.id}:c{index}",
                    "article_id": article.id,
                    "index": index,
                    "published": article.published.value,
                    "speaker": _slice(article, speaker),
                    "speaker_entity_id": linked.get((speaker.start, speaker.end))
                    if speaker
                    else None,
                    "speaker_start": speaker.start if speaker else None,
                    "speaker_end": speaker.end if speaker else None,
                    "cue": _slice(article, claim.cue),
                    "content": _slice(article, claim.content),
                    "content_start": claim.content.start,
                    "content_end": claim.content.end,
                    "evidence_start": claim.evidence.start,
                    "evidence_end": claim.evidence.end,
                    "direct": claim.direct,
                    "stance": _join(claim.stance),
                    "quantities": _json(quantities),
                    "notes": notes,
                }
            )
    return _frame("claims", rows)


def _mention_counts(store: Store) -> dict[str, tuple[int, int]]:
    rows = store.conn.execute(
        "SELECT entity_id, count(*), count(DISTINCT article_id) FROM mentions"
        " WHERE entity_id IS NOT NULL GROUP BY entity_id"
    )
    return {r[0]: (int(r[1]), int(r[2])) for r in rows}


def entities_frame(store: Store) -> pd.DataFrame:
    """One row per entity: kind, name, every spelling, country, sector, mention counts and,
    for places, the GeoNames id, point and ASCII name."""
    counts = _mention_counts(store)
    rows = [
        {
            "id": e.id,
            "kind": e.kind,
            "name": e.name,
            "aliases": _join(e.aliases),
            "roles": _join(e.roles),
            "country": e.country,
            "sector": e.sector,
            "wikidata": e.wikidata,
            "mentions": counts.get(e.id, (0, 0))[0],
            "articles": counts.get(e.id, (0, 0))[1],
            "geonameid": e.geonameid,
            "latitude": e.latitude,
            "longitude": e.longitude,
            "geo_name": e.geo_name,
        }
        for e in load_entities(store)
    ]
    return _frame("entities", rows)


def events_frame(store: Store) -> pd.DataFrame:
    """One row per merged event: date with origin, type, participants, place and sources."""
    entities = {e.id: e for e in load_entities(store)}
    articles = _Articles(store)

    def attr(ids: Sequence[str], get: Callable[[Entity], str | None]) -> str | None:
        return _join(get(entities[i]) if i in entities else None for i in ids)

    rows = []
    for record in load_event_records(store):
        article_ids = _article_ids(record)
        urls = [getattr(articles.get(a), "url", None) for a in article_ids]
        place = entities.get(record.place) if record.place else None
        rows.append(
            {
                "id": record.id,
                "date": record.date.value,
                "date_origin": record.date.origin,
                "date_granularity": record.date.granularity,
                "type": record.type,
                "mode": record.mode,
                "cameo": record.cameo,
                "quad_class": _quad(record),
                "actor_ids": _join(record.actors),
                "actor_names": attr(record.actors, lambda e: e.name),
                "actor_countries": attr(record.actors, lambda e: e.country),
                "actor_sectors": attr(record.actors, lambda e: e.sector),
                "recipient_ids": _join(record.recipients),
                "recipient_names": attr(record.recipients, lambda e: e.name),
                "recipient_countries": attr(record.recipients, lambda e: e.country),
                "recipient_sectors": attr(record.recipients, lambda e: e.sector),
                "attendee_ids": _join(record.attendees),
                "attendee_names": attr(record.attendees, lambda e: e.name),
                "place_id": record.place,
                "place": place.name if place else None,
                "source_count": len(record.sources),
                "article_count": len(article_ids),
                "source_article_ids": _join(article_ids),
                "source_urls": _join(urls),
                "alternatives": _json([{"field": f, "value": v} for f, v in record.alternatives]),
            }
        )
    return _frame("events", rows)


FRAMES: dict[str, Callable[[Store], pd.DataFrame]] = {
    "articles": articles_frame,
    "claims": claims_frame,
    "entities": entities_frame,
    "events": events_frame,
}


def write_table(frame: pd.DataFrame, path: Path, fmt: str) -> Path:
    """Write one table frame as jsonl, csv or parquet to `path`; return the path."""
    if fmt == "jsonl":
        text = frame.to_json(orient="records", lines=True, force_ascii=False)
        path.write_text(text if text.endswith("\n") or not text else text + "\n", "utf-8")
    elif fmt == "csv":
        frame.to_csv(path, index=False)
    elif fmt == "parquet":
        frame.to_parquet(path, index=False)
    else:
        raise ConfigError(_unknown(fmt, TABLE_FORMATS))
    return path


def read_table(path: Path) -> pd.DataFrame:
    """Read a table written by `export` (``<table>.jsonl|csv|parquet``) with its dtypes."""
    table, fmt = path.stem, path.suffix.lstrip(".")
    if table not in SCHEMAS:
        raise ConfigError(
            f"not an exported table (expected one of {', '.join(TABLES)})", path=str(path)
        )
    schema = SCHEMAS[table]
    if fmt == "parquet":
        frame = pd.read_parquet(path)
    elif fmt == "csv":
        dtypes: Any = schema
        frame = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""])
    elif fmt == "jsonl":
        if path.stat().st_size == 0:
            frame = pd.DataFrame(columns=list(schema))
        else:
            frame = pd.read_json(path, lines=True, dtype=False)
    else:
        raise ConfigError(_unknown(fmt, TABLE_FORMATS), path=str(path))
    frame = frame.reindex(columns=list(schema))
    target: Any = schema
    return frame.astype(target)


# -- PLOVER -----------------------------------------------------------------------------------


def _sequence(article: Article, offset: int) -> int | None:
    """Index of the sentence holding `offset`."""
    starts = [s.start for s in article.sentences]
    return bisect_right(starts, offset) - 1 if starts and offset >= starts[0] else None


def _surface(record: EventRecord, articles: _Articles) -> tuple[dict[str, str], list[str]]:
    """The text each participant has in the source events, and those events' contexts."""
    texts: dict[str, str] = {}
    contexts: list[str] = []
    for evidence in record.sources:
        article = articles.get(evidence.article_id)
        if article is None:
            continue
        for event in article.events:
            if (event.evidence.start, event.evidence.end) != (evidence.start, evidence.end):
                continue
            if event.type != record.type:
                continue
            contexts.extend(event.context)
            for part in (*event.actors, *event.recipients, *event.attendees):
                if part.entity_id and part.entity_id not in texts:
                    texts[part.entity_id] = article.text[part.start : part.end]
    return texts, list(dict.fromkeys(contexts))


def _plover_entity(
    entity_id: str, entities: dict[str, Entity], texts: dict[str, str]
) -> dict[str, Any]:
    entity = entities.get(entity_id)
    return {
        "code": entity.country if entity else None,
        "sector": entity.sector if entity else None,
        "entity_text": texts.get(entity_id) or (entity.name if entity else None),
        "identifier_id": entity.wikidata if entity else None,
        "identifier_text": entity.name if entity else None,
        "entity_id": entity_id,
        "kind": entity.kind if entity else None,
    }


def plover_records(store: Store) -> list[dict[str, Any]]:
    """PLOVER JSON records (one per merged event) with the manual's field names.

    Fields from the PLOVER manual's "PLOVER JSON" table: ``id`` (the dateline event id),
    ``date`` (``YYYY-MM-DD``, null unless known to the day), ``actor`` and ``recipient``
    (lists of entity objects: ``code`` = ISO 3166-1 alpha-3 country or IGO code, ``sector``,
    ``entity_text``, ``identifier_id`` = Wikidata id, ``identifier_text`` = canonical name),
    ``event``, ``mode`` and ``context`` (lists), ``event_loc`` (``extracted_place``,
    ``resolved_place``, ``country_code``, ``lat``, ``lon``, ``geonameid``), ``event_text``
    (the evidence sentences), ``quad_code``, ``text_info`` and ``cite_info``, ``coder``.
    Because a merged event has several sources, ``text_info`` is a list with one object per
    evidence span (``article_id``, ``sequence``, ``start``, ``end``) and ``cite_info`` one
    per source article (``citation`` = article id, ``url``, ``title``, ``publication``,
    ``language``). Extra fields, as the manual allows: ``date_info`` (value, origin,
    granularity), ``cameo``, ``attendee``, ``alternatives``, ``article_ids`` and ``urls``.
    """
    from dateline import __version__

    entities = {e.id: e for e in load_entities(store)}
    articles = _Articles(store)
    records = []
    for record in load_event_records(store):
        texts, contexts = _surface(record, articles)
        article_ids = _article_ids(record)
        cited = [(a, articles.get(a)) for a in article_ids]
        text_info = []
        event_text = []
        for evidence in record.sources:
            article = articles.get(evidence.article_id)
            text_info.append(
                {
                    "article_id": evidence.article_id,
                    "sequence": _sequence(article, evidence.start) if article else None,
                    "start": evidence.start,
                    "end": evidence.end,
                }
            )
            if article is not None:
                event_text.append(article.text[evidence.start : evidence.end])
        place = entities.get(record.place) if record.place else None
        day = record.date.value if record.date.value and len(record.date.value) == 10 else None
        records.append(
            {
                "id": record.id,
                "date": day,
                "date_info": {
                    "value": record.date.value,
                    "origin": record.date.origin,
                    "granularity": record.date.granularity,
                },
                "event": [record.type],
                "mode": [record.mode] if record.mode else [],
                "context": contexts,
                "quad_code": PLOVER_QUAD.get(record.type),
                "cameo": record.cameo,
                "actor": [_plover_entity(i, entities, texts) for i in record.actors],
                "recipient": [_plover_entity(i, entities, texts) for i in record.recipients],
                "attendee": [_plover_entity(i, entities, texts) for i in record.attendees],
                "event_loc": plover_event_loc(place, texts.get(place.id)) if place else None,
                "event_text": event_text,
                "text_info": text_info,
                "cite_info": [
                    {
                        "citation": a,
                        "url": art.url if art else None,
                        "title": art.title if art else None,
                        "publication": art.outlet if art else None,
                        "language": art.language if art else None,
                    }
                    for a, art in cited
                ],
                "article_ids": article_ids,
                "urls": [art.url for _, art in cited if art and art.url],
                "alternatives": [{"field": f, "value": v} for f, v in record.alternatives],
                "coder": f"dateline {__version__}",
            }
        )
    return records


# -- GDELT ------------------------------------------------------------------------------------


def _gdelt_id(event_id: str, dyad: int) -> int:
    """A stable 60-bit integer for one dyad of an event (GDELT ids are integers)."""
    return int(hashlib.sha1(f"{event_id}#{dyad}".encode()).hexdigest()[:15], 16)


def _gdelt_dates(value: str | None) -> dict[str, str]:
    out = {"SQLDATE": "", "MonthYear": "", "Year": "", "FractionDate": ""}
    if not value or not value[:4].isdigit():
        return out
    out["Year"] = value[:4]
    if len(value) >= 7 and value[5:7].isdigit():
        out["MonthYear"] = value[:4] + value[5:7]
    if len(value) == 10:
        try:
            day = Date.fromisoformat(value)
        except ValueError:
            return out
        out["SQLDATE"] = day.strftime("%Y%m%d")
        out["FractionDate"] = f"{day.year + day.timetuple().tm_yday / 365:.4f}"
    return out


def _in_lead(article: Article | None, start: int) -> bool:
    """Whether an offset falls in the article's first paragraph."""
    if article is None:
        return False
    text = article.text
    first = len(text) - len(text.lstrip())
    end = text.find("\n", first)
    return start < (len(text) if end < 0 else end)


def gdelt_rows(store: Store) -> list[list[str]]:
    """GDELT 2.0 event rows (values in `GDELT_COLUMNS` order), one per actor-recipient dyad.

    Filled columns: ``GLOBALEVENTID`` (a stable 60-bit integer from the dateline event id and
    the dyad's position), ``SQLDATE`` (YYYYMMDD; empty unless the event is dated to the day),
    ``MonthYear`` (YYYYMM), ``Year``, ``FractionDate`` (YYYY.FFFF), ``Actor1Code`` (country +
    sector, CAMEO style), ``Actor1Name`` (canonical entity name), ``Actor1CountryCode`` (ISO
    alpha-3), ``Actor1Type1Code`` (PLOVER sector), the same for ``Actor2``, ``IsRootEvent`` (1
    when an evidence span is in an article's first paragraph), ``EventCode`` (CAMEO),
    ``EventBaseCode`` (its first three digits), ``EventRootCode`` (first two), ``QuadClass``,
    ``NumMentions`` (evidence spans), ``NumSources`` (distinct outlets; an article without
    one counts alone), ``NumArticles`` (distinct articles), ``ActionGeo_Type``,
    ``_FullName``, ``_CountryCode`` (FIPS), ``_Lat``, ``_Long`` and ``_FeatureID`` (GeoNames id)
    of a geocoded place (`export_geo.gdelt_action_geo`), ``DATEADDED`` (YYYYMMDDHHMMSS UTC,
    when the first source article was stored) and
    ``SOURCEURL`` (the first source URL, else ``dateline:article/<id>``). Every other column
    is empty: actor geography, ADM codes, Goldstein scale and tone are not computed.
    An event with several actors or recipients gives one row per pair; an event without a
    recipient (or actor) gives rows with an empty Actor2 (Actor1). Attendees are not exported.
    """
    entities = {e.id: e for e in load_entities(store)}
    articles = _Articles(store)
    added = {r[0]: r[1] for r in store.conn.execute("SELECT id, created_at FROM articles") if r[1]}
    rows: list[list[str]] = []
    for record in load_event_records(store):
        article_ids = _article_ids(record)
        sources = [articles.get(a) for a in article_ids]
        outlets = {
            (art.outlet if art and art.outlet else a)
            for a, art in zip(article_ids, sources, strict=True)
        }
        urls = [art.url for art in sources if art and art.url]
        stamps = sorted(added[a] for a in article_ids if a in added)
        cameo = record.cameo or ""
        quad = _quad(record)
        common = {
            **_gdelt_dates(record.date.value),
            "IsRootEvent": "1"
            if any(_in_lead(articles.get(e.article_id), e.start) for e in record.sources)
            else "0",
            "EventCode": cameo,
            "EventBaseCode": cameo[:3],
            "EventRootCode": cameo[:2],
            "QuadClass": str(quad) if quad else "",
            "NumMentions": str(len(record.sources)),
            "NumSources": str(len(outlets)),
            "NumArticles": str(len(article_ids)),
            **gdelt_action_geo(entities.get(record.place) if record.place else None),
            "DATEADDED": "".join(ch for ch in stamps[0][:19] if ch.isdigit()) if stamps else "",
            "SOURCEURL": urls[0] if urls else _dateline_url(article_ids),
        }
        actors: Sequence[str | None] = record.actors or (None,)
        recipients: Sequence[str | None] = record.recipients or (None,)
        dyad = 0
        for actor in actors:
            for recipient in recipients:
                row = dict.fromkeys(GDELT_COLUMNS, "")
                row.update(common)
                row["GLOBALEVENTID"] = str(_gdelt_id(record.id, dyad))
                for prefix, entity_id in (("Actor1", actor), ("Actor2", recipient)):
                    entity = entities.get(entity_id) if entity_id else None
                    if entity is None:
                        continue
                    row[f"{prefix}Code"] = (entity.country or "") + (entity.sector or "")
                    row[f"{prefix}Name"] = entity.name
                    row[f"{prefix}CountryCode"] = entity.country or ""
                    row[f"{prefix}Type1Code"] = entity.sector or ""
                rows.append([_tsv_safe(row[c]) for c in GDELT_COLUMNS])
                dyad += 1
    return rows


def _dateline_url(article_ids: Sequence[str]) -> str:
    return f"dateline:article/{article_ids[0]}" if article_ids else ""


def _tsv_safe(value: str) -> str:
    return value.replace("\t", " ").replace("\r", " ").replace("\n", " ")


# -- graph ------------------------------------------------------------------------------------


def actor_graph(store: Store) -> nx.MultiDiGraph:
    """Entities as nodes, one edge per (actor, recipient, event type) with count and event ids.

    Node attributes: ``name``, ``kind``, ``country``, ``sector``, ``aliases`` (joined with
    ``|``), ``wikidata`` (empty string when unknown) and ``events`` (how many events the
    entity takes part in). Edge key and ``type``: the PLOVER type; ``count``, ``event_ids``
    (joined), ``first_date`` and ``last_date``. Every attribute is a GraphML-safe scalar.
    """
    graph = nx.MultiDiGraph()
    for e in load_entities(store):
        graph.add_node(
            e.id,
            name=e.name,
            kind=e.kind,
            country=e.country or "",
            sector=e.sector or "",
            aliases=SEP.join(e.aliases),
            wikidata=e.wikidata or "",
            events=0,
        )
    edges: dict[tuple[str, str, str], list[EventRecord]] = {}
    for record in load_event_records(store):
        for entity_id in dict.fromkeys((*record.actors, *record.recipients, *record.attendees)):
            if entity_id not in graph:
                graph.add_node(
                    entity_id, name=entity_id, kind="OTHER", country="", sector="",
                    aliases="", wikidata="", events=0,
                )  # fmt: skip
            graph.nodes[entity_id]["events"] += 1
        for actor in record.actors:
            for recipient in record.recipients:
                if actor != recipient:
                    edges.setdefault((actor, recipient, record.type), []).append(record)
    for (actor, recipient, kind), records in sorted(edges.items()):
        dates = sorted(r.date.value for r in records if r.date.value)
        graph.add_edge(
            actor,
            recipient,
            key=kind,
            type=kind,
            count=len(records),
            event_ids=SEP.join(r.id for r in records),
            first_date=dates[0] if dates else "",
            last_date=dates[-1] if dates else "",
        )
    return graph


# -- dispatch ---------------------------------------------------------------------------------


def _unknown(fmt: str, choices: Sequence[str]) -> str:
    return f"unknown export format {fmt!r}; choose one of: {', '.join(choices)}"


_STREAM_NAMES = {
    "plover": "events.plover.jsonl",
    "gdelt": "events.gdelt.tsv",
    "graphml": "actors.graphml",
    "geojson": "events.geojson",
}


def _stream_text(store: Store, fmt: str, header: bool) -> str:
    if fmt == "plover":
        return "".join(
            json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in plover_records(store)
        )
    if fmt == "gdelt":
        lines = [list(GDELT_COLUMNS)] if header else []
        lines.extend(gdelt_rows(store))
        return "".join("\t".join(line) + "\n" for line in lines)
    if fmt == "geojson":
        entities = {e.id: e for e in load_entities(store)}
        collection = geojson_collection(load_event_records(store), entities)
        return json.dumps(collection, ensure_ascii=False, indent=1) + "\n"
    lines = nx.generate_graphml(actor_graph(store))
    return '<?xml version="1.0" encoding="utf-8"?>\n' + "\n".join(lines) + "\n"


def check_format(fmt: str) -> str:
    """Return the export format `fmt` normalised, or raise ConfigError naming it."""
    name = fmt.lower().strip()
    if name not in FORMATS:
        raise ConfigError(_unknown(fmt, FORMATS))
    return name


def export(store: Store, fmt: str, out: Path | None, *, header: bool = False) -> Path | None:
    """Write the store in `fmt` to `out` (see the module docs); return what was written.

    Table formats (jsonl, csv, parquet) need `out`, a directory (created as needed), and
    return it. Stream formats (plover, gdelt, graphml) write to the file `out` (or a fixed
    name inside `out` when it is an existing directory) and return that path, or write to
    stdout and return None when `out` is None. `header` adds GDELT column names to gdelt.
    """
    fmt = check_format(fmt)
    if fmt in TABLE_FORMATS:
        if out is None:
            raise ConfigError(f"format {fmt!r} writes one file per table: give an output directory")
        if out.exists() and not out.is_dir():
            raise ConfigError(f"format {fmt!r} needs a directory, not a file", path=str(out))
        out.mkdir(parents=True, exist_ok=True)
        for table in TABLES:
            write_table(FRAMES[table](store), out / f"{table}.{fmt}", fmt)
        return out
    text = _stream_text(store, fmt, header)
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return None
    path = out / _STREAM_NAMES[fmt] if out.is_dir() else out
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
