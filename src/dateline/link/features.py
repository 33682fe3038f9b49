"""What same-event grouping knows of one article, computed from that article alone.

Everything here depends on the article only (never on the corpus), so it can be computed once
per article and stored; corpus statistics (document frequencies for TF-IDF and for weighting
shared names) are kept apart in `CorpusStats`, which an incremental linker can update by
adding and removing one article's keys.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from dateline.languages import WORD as _WORD
from dateline.languages import stop_words, strip_marks
from dateline.link.actors import resolve_place
from dateline.link.identities import person_words, place_key, skeleton
from dateline.model import Article

_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])")
_STOP = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my no nor not now of off on once only or other our
    ours out over own said same says she should so some such than that the their theirs them
    then there these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your told year years day days week
    also one two three new last first according mr mrs ms since""".split()
)
_NAME_LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT")
# Publication dates a publisher stated; a date inferred from a twin is recomputed each run.
FIRM_ORIGINS = frozenset({"header", "html-meta", "record", "text"})


@dataclass(slots=True)
class ArticleFeatures:
    """Per-article grouping features (all computable and storable article by article)."""

    id: str
    day: int | None = None  # ordinal of a firm publication date
    outlet: str | None = None
    terms: Counter[str] = field(default_factory=Counter)  # content words and "ent:" names
    people: dict[str, str] = field(default_factory=dict)  # key -> name as written (longest)
    orgs: dict[str, str] = field(default_factory=dict)
    places: dict[str, str] = field(default_factory=dict)  # cities, regions, venues
    countries: dict[str, str] = field(default_factory=dict)
    types: frozenset[str] = frozenset()  # PLOVER types of the article's events
    months: frozenset[str] = frozenset()  # YYYY-MM of dates the text states in full
    years: frozenset[str] = frozenset()
    numbers: frozenset[str] = frozenset()
    lead: frozenset[str] = frozenset()  # people and places of the title and first sentence
    vector: np.ndarray | None = None  # unit-length event-text embedding
    firm: bool = False  # the publisher stated a date (any granularity: a month too)


def firm_day(article: Article) -> int | None:
    """The ordinal of the article's publication date when its publisher stated it (day)."""
    date = article.published
    if date.origin not in FIRM_ORIGINS or not date.value or len(date.value) < 10:
        return None
    try:
        return dt.date.fromisoformat(date.value[:10]).toordinal()
    except ValueError:
        return None


def _keep(names: dict[str, str], key: str, text: str) -> None:
    if key and len(text) > len(names.get(key, "")):
        names[key] = text


def features(article: Article, *, entity_weight: float = 1.0) -> ArticleFeatures:
    """The grouping features of one article."""
    from dateline.pipeline.embed import unpack

    feats = ArticleFeatures(article.id, firm_day(article), article.outlet)
    feats.firm = article.published.origin in FIRM_ORIGINS and bool(article.published.value)
    # Terms are interned: a corpus shares one string per term instead of one per article.
    # Words in any script (Unicode letters); stop words of the article's language too.
    stop = _STOP if article.language == "en" else _STOP | stop_words(article.language)
    for word in _WORD.findall(strip_marks(article.text)):
        w = _term(word)
        if w not in stop and len(w) > 2:
            feats.terms[sys.intern(w)] += 1
    lead_end = lead_end_of(article)
    lead: set[str] = set()
    for mention in sorted(article.mentions, key=lambda m: -(m.end - m.start)):
        text = " ".join(article.text[mention.start : mention.end].split())
        if mention.label not in _NAME_LABELS:
            continue
        key = _kind_key(mention.label, text)
        if key[:2] in ("p:", "l:") and mention.start < lead_end:
            lead.add(key)
        name = _name_key(text)
        if name:
            feats.terms[sys.intern("ent:" + name)] += entity_weight  # type: ignore[assignment]
        if key.startswith("p:"):
            _keep(feats.people, key[2:], " ".join(person_words(text)))
        elif key.startswith("o:"):
            _keep(feats.orgs, key[2:], text)
        elif key.startswith("c:"):
            _keep(feats.countries, key[2:], text)
        elif key.startswith("l:"):
            place = resolve_place(_bare(text))
            _keep(feats.places, key[2:], place.name if place is not None else text)
    feats.lead = frozenset(lead)
    feats.types = frozenset(e.type for e in article.events)
    stated = [
        t.value for t in article.timerefs if t.type == "DATE" and t.origin == "stated"
    ]  # fmt: skip
    feats.months = frozenset(v[:7] for v in stated if re.match(r"\d{4}-\d{2}", v))
    feats.years = frozenset(v[:4] for v in stated if re.match(r"\d{4}", v))
    feats.numbers = frozenset(
        n.replace(",", "") for n in _NUMBER.findall(article.text) if not _is_year(n)
    )
    if article.embedding:
        feats.vector = unpack(article.embedding)
    return feats


_SENTENCE_END = re.compile(r"[.!?][\"”’']?\s+(?=[\"“‘A-Z0-9])")


def lead_end_of(article: Article) -> int:
    """Where the lead ends: after the title line (when the text starts with it) and the
    first sentence of the body. From the text alone, so stored articles without their
    sentence layer (as linking reads them) give the same lead as freshly parsed ones."""
    text = article.text
    start = len(text) - len(text.lstrip())
    title = (article.title or "").strip()
    if title and text[start:].startswith(title):
        start += len(title)
    start += len(text[start:]) - len(text[start:].lstrip())
    found = _SENTENCE_END.search(text, start, min(len(text), start + 600))
    return found.end() if found else min(len(text), start + 300)


def _bare(text: str) -> str:
    return re.sub(r"^the\s+", "", text, flags=re.I)


def _kind_key(label: str, text: str) -> str:
    """A typed key for a name: p: person (surname skeleton), o: organisation, c: country,
    l: other place; "" for other labels (nationalities, events)."""
    if label == "PERSON":
        words = person_words(text)
        # The spelling skeleton of the surname: "Assad", "Bashar al-Assad" and "Al-Assad"
        # are one person; the longest form is the one shown.
        return "p:" + skeleton(words[-1]) if words else ""
    if label == "ORG":
        return "o:" + place_key(text)
    if label in ("GPE", "LOC", "FAC"):
        place = resolve_place(_bare(text))
        if place is not None and place.key.startswith("C:"):
            return "c:" + place.key
        return "l:" + (place.key if place is not None else "P:" + place_key(text))
    return ""


def all_keys(doc: ArticleFeatures) -> set[str]:
    """Every typed name key of an article (as in `ArticleFeatures.lead`)."""
    keys = {"p:" + k for k in doc.people} | {"o:" + k for k in doc.orgs}
    return keys | {"c:" + k for k in doc.countries} | {"l:" + k for k in doc.places}


def name_words(doc: ArticleFeatures, key: str) -> frozenset[str]:
    """The words (as TF-IDF terms) of the name behind a typed key of `doc`, as written."""
    kind, bare = key[:2], key[2:]
    table = {"p:": doc.people, "o:": doc.orgs, "c:": doc.countries, "l:": doc.places}.get(kind)
    text = table.get(bare, "") if table is not None else ""
    return frozenset(_term(w) for w in _WORD.findall(strip_marks(text)) if len(w) > 2) - _STOP


def _term(word: str) -> str:
    """A word as a TF-IDF term (lower case, no possessive)."""
    return word.lower().replace("’", "'").removesuffix("'s")


def _is_year(number: str) -> bool:
    return len(number) == 4 and number.isdigit() and 1900 <= int(number) <= 2100


def _name_key(text: str) -> str:
    """A loose key for a name in the TF-IDF vector: lower case, no article, no possessive."""
    text = re.sub(r"^(the|a|an)\s+", "", text.strip().lower())
    return re.sub(r"['’]s$", "", text)


@dataclass(slots=True)
class CorpusStats:
    """Document frequencies over a corpus: of terms (TF-IDF) and of name keys (weights)."""

    n: int = 0
    df: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, docs: Iterable[ArticleFeatures]) -> CorpusStats:
        """Count document frequencies over `docs`."""
        stats = cls()
        for doc in docs:
            stats.add(doc)
        return stats

    def add(self, doc: ArticleFeatures) -> None:
        """Count one more document (an incremental linker calls this per new article)."""
        self.n += 1
        self.df.update(doc.terms.keys())
        for kind, names in (("p:", doc.people), ("o:", doc.orgs), ("l:", doc.places)):
            self.df.update(kind + k for k in names)

    def idf(self, term: str) -> float:
        """Smoothed inverse document frequency."""
        return math.log((1 + self.n) / (1 + self.df.get(term, 0))) + 1.0


def tfidf_vector(doc: ArticleFeatures, stats: CorpusStats) -> dict[str, float]:
    """The L2-normalised TF-IDF vector of a document (sublinear tf, smoothed idf)."""
    weights = {t: (1 + math.log(c)) * stats.idf(t) for t, c in doc.terms.items() if c > 0}
    norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
    return {t: v / norm for t, v in weights.items()}


def sparse_cosine(va: dict[str, float], vb: dict[str, float]) -> float:
    """Dot product of two normalised sparse vectors."""
    if len(va) > len(vb):
        va, vb = vb, va
    return sum(v * vb.get(t, 0.0) for t, v in va.items())


def all_features(
    articles: Sequence[Article], *, entity_weight: float = 1.0
) -> list[ArticleFeatures]:
    """Features of every article, in order."""
    return [features(a, entity_weight=entity_weight) for a in articles]
