"""The one data model: an `Article` owns its clean text; every other record points into it.

Spans are character offsets into `Article.text` (``text[start:end]``); nothing here copies
article text except what is *removed* from it (provenance notes, web debris), which has no
other home. All records are frozen, slotted dataclasses so stages return new values instead
of mutating shared state; `to_dict`/`from_dict` give a lossless JSON form for the store.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

# How a date came to be known, strongest first. Nobody should mistake a guess for a fact.
DateOrigin = Literal[
    "header",  # the plain-text ` date YYYY-MM-DD ` header
    "html-meta",  # HTML metadata (htmldate / trafilatura)
    "record",  # a field of a JSONL/CSV/feed record (an absolute date the publisher gave)
    "crawl",  # when a crawler fetched the page (a WARC record's date): published on or before it
    "text",  # a dateline in the article text
    "inferred-from-twin",  # copied from a same-event article (link stage)
    "stated",  # an event date written in full in the text
    "resolved-relative",  # an event date resolved from "on Wednesday" against the article date
    "resolved-from-inferred",  # ... against a date inferred from a twin, or a crawl date
    "publication-date",  # an event dated by its article's publication date: a guess, never firm
    "unknown",
]
# Origins that are no firm date: guesses (an event dated by its article's publication date,
# a date inferred from a twin or resolved against one, a crawl date standing in for the
# publication date) and no date at all. Pages, the CLI and exports mark these as guesses.
GUESS_ORIGINS = frozenset(
    {"publication-date", "inferred-from-twin", "resolved-from-inferred", "crawl", "unknown"}
)
Granularity = Literal[
    "day", "month", "year", "week", "quarter", "season", "decade", "time", "unknown"
]


@dataclass(frozen=True, slots=True)
class Span:
    """A character range in an article's clean text."""

    start: int
    end: int

    def slice(self, text: str) -> str:
        """Return the text this span covers."""
        return text[self.start : self.end]


@dataclass(frozen=True, slots=True)
class Evidence:
    """A span in a named article: what every corpus-level fact points back to."""

    article_id: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class DateInfo:
    """A date with its granularity and where it came from."""

    value: str | None = None  # ISO prefix: YYYY-MM-DD, YYYY-MM or YYYY
    origin: DateOrigin = "unknown"
    granularity: Granularity = "unknown"
    twin_id: str | None = None  # the article a date was inferred from
    probability: float | None = None  # inferred dates: same-event probability with the twin


@dataclass(frozen=True, slots=True)
class Note:
    """A provenance note (disclaimer, editor's note) kept beside, not inside, the content."""

    kind: Literal["disclaimer", "editor-note", "source-credit"]
    text: str


@dataclass(frozen=True, slots=True)
class OriginalSource:
    """An outlet or agency the article credits as its report's origin ("..., SANA reports.")."""

    name: str  # as written: "SANA", "Qadira News Agency"
    cue: str  # how it is credited: "reports", "according to", "(X) -", "originally published by"
    where: Literal["text", "title", "note"] = "text"
    start: int | None = None  # the name's offsets in `Article.text` (where == "text")
    end: int | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity mention: PERSON, ORG, GPE, LOC, NORP, FAC, EVENT or TITLE (a role)."""

    start: int
    end: int
    label: str
    entity_id: str | None = None  # filled by the identity linker


@dataclass(frozen=True, slots=True)
class TimeRef:
    """A time expression normalised TIMEX3-style against an anchor date."""

    start: int
    end: int
    type: Literal["DATE", "TIME", "DURATION", "SET"]
    value: str  # e.g. 2021-11-17, 2020-11, 2021-W46, 2021-11-18TMO, P3D, XXXX-11-17
    granularity: Granularity = "unknown"
    anchor: str | None = None  # the date it was resolved against
    origin: Literal[
        "stated", "resolved-relative", "resolved-from-inferred", "unresolved", "publication-date"
    ] = "stated"
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number found in text, with comparison, unit and scope."""

    start: int
    end: int
    value: float
    op: Literal["=", ">", ">=", "<", "<=", "~"] = "="
    unit: str | None = None
    since: str | None = None  # scope, e.g. "2018" in "since ... 2018"


@dataclass(frozen=True, slots=True)
class Quote:
    """Attributed speech: who (source), the verb or phrase that signals it (cue), what (content)."""

    content: Span
    source: Span | None = None
    cue: Span | None = None
    direct: bool = False
    speaker: Span | None = None  # the person/organisation mention the source resolves to
    speaker_label: str | None = None  # PERSON or ORG
    fragments: tuple[Span, ...] = ()  # further content pieces ("...," he said. "...")
    origin: str = "rules"  # what found it: "model" (the trained attribution model) or "rules"


@dataclass(frozen=True, slots=True)
class Claim:
    """An attributed statement an analyst can check; inherits the article's notes."""

    content: Span
    evidence: Span  # the sentence(s) carrying it
    speaker: Span | None = None  # the person/organisation mention the source resolves to
    cue: Span | None = None
    direct: bool = False
    quantities: tuple[Quantity, ...] = ()
    stance: tuple[str, ...] = ()  # stance words, e.g. "stressed", "denied"
    source: Span | None = None  # the quote's source as written ("Both sides"), resolved or not


@dataclass(frozen=True, slots=True)
class Participant:
    """An actor, recipient or attendee of an event: a mention and, once linked, an entity."""

    start: int
    end: int
    entity_id: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """An event extracted from one article, PLOVER-typed, with CAMEO alongside."""

    type: str  # PLOVER: CONSULT, AGREE, ACCUSE, ...
    evidence: Span
    mode: str | None = None
    context: tuple[str, ...] = ()
    cameo: str | None = None
    trigger: Span | None = None
    actors: tuple[Participant, ...] = ()
    recipients: tuple[Participant, ...] = ()
    attendees: tuple[Participant, ...] = ()
    place: Span | None = None
    date: DateInfo = field(default_factory=DateInfo)
    date_ref: Span | None = None  # the time expression that dated it
    confidence: float = 1.0  # calibrated chance that the event is right (type and all)
    said_by: tuple[Participant, ...] = ()  # whose claim it is, when told in someone's words


@dataclass(frozen=True, slots=True)
class ArchiveRecord:
    """Where the exact bytes an article was extracted from are kept: one WARC record."""

    file: str  # the WARC file (absolute path)
    record_id: str  # its WARC-Record-ID, without the angle brackets
    offset: int  # byte offset of the record (of its gzip member) in the file
    url: str | None = None  # the final URL after redirects
    fetched: str | None = None  # when it was fetched (ISO 8601, UTC)


@dataclass(frozen=True, slots=True)
class Article:
    """A news article: clean text plus every annotation, all as offsets into `text`."""

    id: str  # content hash of the clean text and title
    text: str
    source_path: str
    title: str | None = None
    byline: str | None = None
    published: DateInfo = field(default_factory=DateInfo)
    url: str | None = None  # where it was read from (record field, WARC target, fetched URL)
    outlet: str | None = None  # the record's source, else the page's site name, else the host
    raw_hash: str | None = None  # hash of the input record, for resumable ingest
    canonical_url: str | None = None  # the page's own canonical URL, when it declares one
    crawled: str | None = None  # when the page was fetched or crawled (ISO 8601), if known
    original_sources: tuple[OriginalSource, ...] = ()  # outlets/agencies the article credits
    notes: tuple[Note, ...] = ()
    debris: tuple[str, ...] = ()  # lines removed as web debris (kept for audit)
    language: str = "en"  # ISO 639-1 code, detected when the article is cleaned
    stages: tuple[str, ...] = ()  # names of the stages that have run, in order
    archived: ArchiveRecord | None = None  # the WARC record of a page dateline fetched
    sentences: tuple[Span, ...] = ()
    tokens: tuple[Span, ...] = ()
    mentions: tuple[Mention, ...] = ()
    # spaCy's DATE, TIME, MONEY, PERCENT, QUANTITY, ORDINAL, CARDINAL and LAW spans: no parties,
    # but they tell the claims stage which numbers are no quantities and which are money.
    value_mentions: tuple[Mention, ...] = ()
    timerefs: tuple[TimeRef, ...] = ()
    quotes: tuple[Quote, ...] = ()
    claims: tuple[Claim, ...] = ()
    events: tuple[Event, ...] = ()
    # Sentence embedding of the event text (title, lead, event sentences): float16, base64,
    # unit length; added by the embed stage, read by same-event grouping.
    embedding: str | None = None
    # The spaCy Doc of `text`, kept only in memory between stages of one run.
    doc: Any = field(default=None, compare=False, repr=False)

    def span_text(self, span: Span | Mention | TimeRef | Participant | Quantity) -> str:
        """Return the clean text a span-like record points at."""
        return self.text[span.start : span.end]


@dataclass(frozen=True, slots=True)
class RawDocument:
    """What a reader yields: undecoded-to-clean input with where it came from."""

    source_path: str  # file path, plus '#N' for the Nth record of a multi-record file
    raw_hash: str
    text: str | None = None  # plain text (text, JSONL, CSV readers)
    html: str | None = None  # HTML page (html, WARC readers)
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    date: str | None = None  # a date given by the container (record field)
    date_origin: DateOrigin = "unknown"
    # A date known only from how the document was obtained (a WARC record's crawl date):
    # used, as origin "crawl", when neither the document nor its text gives one.
    fallback_date: str | None = None
    date_granularity: Granularity | None = None  # of `date`, when the container says (record)
    crawled: str | None = None  # when it was crawled or fetched (ISO 8601 timestamp)
    date_problem: str | None = None  # why the container's date was refused (reported as DL018)
    author: str | None = None  # an author given by the container (a feed entry)
    archived: ArchiveRecord | None = None  # the WARC record the document was read from


@dataclass(frozen=True, slots=True)
class Entity:
    """One real person, organisation or place across its spellings."""

    id: str
    kind: Literal["PERSON", "ORG", "PLACE", "OTHER"]
    name: str
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    country: str | None = None  # ISO 3166-1 alpha-3, as PLOVER uses
    sector: str | None = None  # PLOVER sector code: GOV, MIL, REB, ...
    wikidata: str | None = None
    # Places only (link/geocode.py): the GeoNames entry, its point and ASCII display name.
    geonameid: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_name: str | None = None
    geo_feature: str | None = None  # country, admin1, city or continent


@dataclass(frozen=True, slots=True)
class ArticleLink:
    """A relation between two articles found by the link stages."""

    a: str
    b: str
    kind: Literal["copy", "near-copy", "same-event", "thread"]
    score: float
    evidence: tuple[str, ...] = ()  # human-readable reasons: "shared: Lavrentiev, Damascus"


@dataclass(frozen=True, slots=True)
class Group:
    """A set of articles: copies, one real-world event across outlets, or a story thread."""

    id: str
    kind: Literal["copy", "same-event", "thread"]
    members: tuple[str, ...]
    score: float = 0.0  # same-event groups: mean same-event probability of member pairs, 0-1
    evidence: tuple[str, ...] = ()
    date_span: tuple[str, str] | None = None  # first and last firm publication date
    entities: tuple[str, ...] = ()  # people and organisations most members name, as written
    places: tuple[str, ...] = ()
    # Each undated member, the dated member it most probably reports the same event as, and
    # that pair's same-event probability (twin dating reads these).
    twins: tuple[tuple[str, str, float], ...] = ()


@dataclass(frozen=True, slots=True)
class EventRecord:
    """A corpus-level event merged across articles; keeps every source and alternative."""

    id: str
    type: str
    sources: tuple[Evidence, ...]
    mode: str | None = None
    cameo: str | None = None
    actors: tuple[str, ...] = ()  # entity ids
    recipients: tuple[str, ...] = ()
    attendees: tuple[str, ...] = ()
    place: str | None = None  # entity id
    date: DateInfo = field(default_factory=DateInfo)
    alternatives: tuple[tuple[str, str], ...] = ()  # (field, conflicting value) pairs
    confidence: float = 1.0  # the most confident of its per-article events
    said_by: tuple[str, ...] = ()  # entity ids of those whose claim it is (mode allege)
    # Its per-article events as "article id:index", the one that gives the id first.
    members: tuple[str, ...] = ()


# ---------------------------------------------------------------------------------------------
# Lossless dict/JSON round-trip, driven by the type hints above (no hand-written per-class code).

T = TypeVar("T")
_TRANSIENT = {"doc"}


def to_dict(obj: Any) -> Any:
    """Turn a model record (nested) into plain JSON-ready values, dropping transient fields."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {
            f.name: to_dict(getattr(obj, f.name))
            for f in dataclasses.fields(obj)
            if f.name not in _TRANSIENT
        }
    if isinstance(obj, (tuple, list)):
        return [to_dict(x) for x in obj]
    return obj


def from_dict(cls: type[T], data: Any) -> T:
    """Rebuild a model record of type `cls` from `to_dict` output; unknown keys are ignored."""
    return typing.cast(T, _build(cls, data))


def _build(tp: Any, data: Any) -> Any:
    if data is None:
        return None
    origin: Any = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(tp) if a is not type(None)]
        return _build(members[0], data) if len(members) == 1 else data
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_build(args[0], x) for x in data)
        return tuple(_build(a, x) for a, x in zip(args, data, strict=False))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        kwargs = {
            f.name: _build(hints[f.name], data[f.name])
            for f in dataclasses.fields(tp)
            if f.name in data and f.name not in _TRANSIENT
        }
        return tp(**kwargs)
    return data


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(tp: type) -> dict[str, Any]:
    if tp not in _HINTS:
        _HINTS[tp] = typing.get_type_hints(tp)
    return _HINTS[tp]
